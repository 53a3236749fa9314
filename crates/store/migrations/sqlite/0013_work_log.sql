-- The log of work that is not on the equipment (§6(4)): the date, the kind, the minutes, a
-- summary, the contractor's person who did it and the request it served; the monthly
-- report counts it with the work on the terminals. Each entry belongs to a contract year.
CREATE TABLE work_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    worked_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    summary TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES users(id),
    request_id INTEGER REFERENCES work_requests(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX work_log_by_day ON work_log (contract_id, worked_on);
