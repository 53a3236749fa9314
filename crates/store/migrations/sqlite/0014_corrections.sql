-- A correction is a new version of a record (issue 12, item 4): a work record or a password
-- change recorded again for the same terminal and step (or job) is a new row, and the row it
-- corrects stays, marked with the row that replaced it, who replaced it and when. Only the
-- current version of each is unique. SQLite cannot drop a table's UNIQUE constraint, so both
-- tables are made anew and their rows copied.
CREATE TABLE work_records_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES work_requests(id),
    procedure_id INTEGER NOT NULL REFERENCES procedures(id),
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    step_order INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    performer_id INTEGER NOT NULL REFERENCES users(id),
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    replaced_by INTEGER,
    replaced_at TEXT
);
INSERT INTO work_records_new (id, request_id, procedure_id, terminal_id, step_order, outcome,
    performer_id, started_at, ended_at, note, recorded_by, recorded_at)
SELECT id, request_id, procedure_id, terminal_id, step_order, outcome, performer_id,
    started_at, ended_at, note, recorded_by, recorded_at FROM work_records;
DROP TABLE work_records;
ALTER TABLE work_records_new RENAME TO work_records;
CREATE UNIQUE INDEX work_records_request_id_terminal_id_step_order_key
    ON work_records (request_id, terminal_id, step_order) WHERE replaced_at IS NULL;

CREATE TABLE password_rotations_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    changed_by INTEGER NOT NULL REFERENCES users(id),
    changed_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    replaced_by INTEGER,
    replaced_at TEXT
);
INSERT INTO password_rotations_new (id, job_id, terminal_id, changed_by, changed_at,
    recorded_by, recorded_at)
SELECT id, job_id, terminal_id, changed_by, changed_at, recorded_by, recorded_at
FROM password_rotations;
DROP TABLE password_rotations;
ALTER TABLE password_rotations_new RENAME TO password_rotations;
CREATE UNIQUE INDEX password_rotations_job_id_terminal_id_key
    ON password_rotations (job_id, terminal_id) WHERE replaced_at IS NULL;
