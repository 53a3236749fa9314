-- The schedule of a request (issue 4, item 6): a plan or a visit may serve a 作業依頼書,
-- and the City agrees to it (who, when).
ALTER TABLE plans ADD COLUMN request_id INTEGER REFERENCES work_requests(id);
ALTER TABLE plans ADD COLUMN agreed_by TEXT;
ALTER TABLE plans ADD COLUMN agreed_at TEXT;
ALTER TABLE visits ADD COLUMN request_id INTEGER REFERENCES work_requests(id);
ALTER TABLE visits ADD COLUMN agreed_by TEXT;
ALTER TABLE visits ADD COLUMN agreed_at TEXT;
CREATE INDEX visits_by_request ON visits(request_id);
