-- Fault logs (障害ログ, §5(6)ア, issue 14): files collected from a terminal during an
-- incident, stored with their SHA-256 and the medium they were carried on. At the end of
-- the retention period the City sets, the content is deleted (set NULL, status 'deleted')
-- and the row, its hash and the fact are kept.
CREATE TABLE incident_logs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    event_id BIGINT NOT NULL REFERENCES incident_events(id),
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    medium TEXT NOT NULL,
    content BYTEA,
    status TEXT NOT NULL,
    delete_after TEXT NOT NULL,
    deleted_at TEXT,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX incident_logs_by_incident ON incident_logs(incident_id, id);
CREATE INDEX incident_logs_by_expiry ON incident_logs(status, delete_after);
