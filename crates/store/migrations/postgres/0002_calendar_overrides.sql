-- Extra closed or open days that win over the contract's rules (R5.2): a law change, an
-- election, a one-off closure. One row per date.
CREATE TABLE calendar_overrides (
    date TEXT PRIMARY KEY,
    is_open BIGINT NOT NULL,
    reason TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
