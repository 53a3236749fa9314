-- Who is available when (issue 15 item 6): the absences of the roster's people (leave,
-- training, other work), first and last day inclusive. A person can work on a business day
-- when on the roster that day and not absent; the planner takes those days.
CREATE TABLE absences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    person_id INTEGER NOT NULL REFERENCES roster_persons(id),
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX absences_by_person ON absences(person_id, from_on);
