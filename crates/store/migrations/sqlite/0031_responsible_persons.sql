-- The contractor's responsible persons (§6(1), §6(3)): 業務責任者, データ保護責任者,
-- セキュリティ責任者 and 情報資産取扱者, each a designation of a person (name, company,
-- contact, optional account) from a date to an optional end. A designation that succeeds
-- the person in force names it in previous_id: that is a change (a 業務責任者's change is a
-- 業務責任者変更通知書). The organisation chart (作業体制図, §6(2)) drawn after each change is
-- kept as a version: the date it is drawn for, its SVG and the SVG's SHA-256.
CREATE TABLE designations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    company TEXT NOT NULL,
    contact TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    effective_from TEXT NOT NULL,
    effective_until TEXT,
    previous_id INTEGER REFERENCES designations(id),
    note TEXT,
    designated_by TEXT NOT NULL,
    designated_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX designations_by_kind ON designations(contract_id, kind, effective_from);

CREATE TABLE org_chart_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    effective_date TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    svg TEXT NOT NULL,
    cause TEXT NOT NULL,
    designation_id INTEGER NOT NULL REFERENCES designations(id),
    created_at TEXT NOT NULL
);
CREATE INDEX org_chart_versions_by_contract ON org_chart_versions(contract_id, id);
