-- Urgent work requests (緊急の作業依頼書, §5(8)ア, issue 14 item 6): a fault cannot wait for
-- the usual paperwork, so the City issues, from an incident, a キ/ク job, its 作業依頼書 and
-- an approved 作業手順書 in one step. The job names its incident (jobs.incident_id: a job
-- belongs to at most one incident, and an incident's job is found from the incident); the
-- row here marks the request urgent, one per incident, and keeps how the procedure was
-- approved (a standard recovery procedure or by phone), by whom at the City and when: the
-- City's 決裁 route is skipped for this kind alone.
ALTER TABLE jobs ADD COLUMN incident_id INTEGER REFERENCES incidents(id);
CREATE INDEX jobs_by_incident ON jobs(incident_id);

CREATE TABLE urgent_requests (
    request_id INTEGER PRIMARY KEY REFERENCES work_requests(id),
    incident_id INTEGER NOT NULL UNIQUE REFERENCES incidents(id),
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    procedure_id INTEGER NOT NULL REFERENCES procedures(id),
    approval TEXT NOT NULL,
    approved_by_name TEXT,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    note TEXT
);
