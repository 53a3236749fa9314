-- The register of deliverables (提出書類, §6(1), §5(9), issue 15): one row per kind (the
-- contract file's code) and occasion ('start', a month 'YYYY-MM', or the date and number of
-- an instruction or event). A scheduled row's due date is computed from the contract's rule
-- and the business calendar at each read (due_on NULL); an instructed one keeps the date the
-- City set. Each submission keeps the file exactly as submitted with its SHA-256, and the
-- City's decision on it.
CREATE TABLE deliverables (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    code TEXT NOT NULL,
    occasion TEXT NOT NULL,
    title TEXT NOT NULL,
    due_on TEXT,
    note TEXT,
    status TEXT NOT NULL,
    waiver_reason TEXT,
    waived_by TEXT,
    waived_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (contract_id, code, occasion)
);
CREATE INDEX deliverables_by_status ON deliverables(contract_id, status);

CREATE TABLE deliverable_submissions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deliverable_id BIGINT NOT NULL REFERENCES deliverables(id),
    version BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    verdict TEXT,
    comment TEXT,
    decided_by TEXT,
    decided_at TEXT,
    UNIQUE (deliverable_id, version)
);
