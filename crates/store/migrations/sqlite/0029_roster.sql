-- The worker roster (従事者名簿, §5(6)イ, §5(4)) and subcontracting (再委託申請書, §6(1)),
-- issue 15 items 3 and 5. A subcontract is applied for by the contractor's lead and
-- approved or refused by the City; only after its approval can a person of that
-- subcontractor join the roster. A roster person is an identity (optionally an account,
-- optionally a subcontractor's person); everything else about them comes from their
-- notices: each add, modify or remove is a notice with its effective date and the instant
-- it was given to the City, carrying the person's details as they stand from that date.
-- `late` keeps the fact that the notice was not given before its effective day (Japan
-- time); the City's acknowledgement is recorded when it comes.
CREATE TABLE subcontracts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    subcontractor TEXT NOT NULL,
    scope TEXT NOT NULL,
    planned_start TEXT NOT NULL,
    status TEXT NOT NULL,
    applied_by TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    comment TEXT
);
CREATE INDEX subcontracts_by_contract ON subcontracts(contract_id, applied_at);

CREATE TABLE roster_persons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    user_id INTEGER REFERENCES users(id),
    subcontract_id INTEGER REFERENCES subcontracts(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (contract_id, user_id)
);

CREATE TABLE roster_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES roster_persons(id),
    kind TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    given_at TEXT NOT NULL,
    late INTEGER NOT NULL,
    name TEXT NOT NULL,
    kana TEXT NOT NULL,
    company TEXT NOT NULL,
    contract_role TEXT NOT NULL,
    badge_number TEXT NOT NULL,
    contact TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT
);
CREATE INDEX roster_notices_by_person ON roster_notices(person_id, effective_on);
