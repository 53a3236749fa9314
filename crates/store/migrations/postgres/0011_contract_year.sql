-- Records belong to a contract year (R1.2): the contract is a row, loaded from its TOML
-- file (kept as it was read, with its SHA-256), and every record of a year names it. The
-- inventory, the people and the audit trail outlive a year and carry no contract. Rows
-- written before this migration are given the contract in force when the server next
-- starts (Store::adopt_contract).
CREATE TABLE contracts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    source TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    UNIQUE (name, fiscal_year)
);

ALTER TABLE notices ADD COLUMN contract_id BIGINT REFERENCES contracts(id);
ALTER TABLE jobs ADD COLUMN contract_id BIGINT REFERENCES contracts(id);
ALTER TABLE work_requests ADD COLUMN contract_id BIGINT REFERENCES contracts(id);
ALTER TABLE off_hours ADD COLUMN contract_id BIGINT REFERENCES contracts(id);
ALTER TABLE permits ADD COLUMN contract_id BIGINT REFERENCES contracts(id);
ALTER TABLE plans ADD COLUMN contract_id BIGINT REFERENCES contracts(id);
ALTER TABLE visits ADD COLUMN contract_id BIGINT REFERENCES contracts(id);
ALTER TABLE inspection_templates ADD COLUMN contract_id BIGINT REFERENCES contracts(id);

CREATE INDEX notices_contract ON notices (contract_id);
CREATE INDEX jobs_contract ON jobs (contract_id);
CREATE INDEX work_requests_contract ON work_requests (contract_id);
CREATE INDEX off_hours_contract ON off_hours (contract_id);
CREATE INDEX permits_contract ON permits (contract_id);
CREATE INDEX plans_contract ON plans (contract_id);
CREATE INDEX visits_contract ON visits (contract_id);
CREATE INDEX inspection_templates_contract ON inspection_templates (contract_id);
