-- A ward office's own staff (区役所担当者, issue 13 item 9): an account of that role
-- belongs to one site; the contractor's people may carry a badge number shown to the
-- reception desk of the sites they visit. The staff report terminal faults from their
-- counter and confirm, once per visit, that the work at their office was done.
ALTER TABLE users ADD COLUMN site_id INTEGER REFERENCES sites(id);
ALTER TABLE users ADD COLUMN badge_number TEXT;

CREATE TABLE fault_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    occurred_at TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX fault_reports_by_site ON fault_reports(contract_id, site_id, reported_at);
CREATE INDEX fault_reports_by_status ON fault_reports(contract_id, status);

CREATE TABLE visit_sign_offs (
    visit_id INTEGER PRIMARY KEY REFERENCES visits(id),
    signed_by INTEGER NOT NULL REFERENCES users(id),
    signed_at TEXT NOT NULL,
    note TEXT
);
