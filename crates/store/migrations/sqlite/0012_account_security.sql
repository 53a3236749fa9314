-- What a national-register system's sign-in needs (issue 11): a password set by someone
-- else is changed at the first sign-in; sessions end when idle and may wait for the second
-- factor; a token's first use is recorded; the second factor (TOTP, RFC 6238) with its
-- secret sealed by the server's key and one-time recovery codes stored as digests.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN second_factor_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN first_used_at TEXT;

CREATE TABLE second_factors (
    user_id INTEGER NOT NULL PRIMARY KEY REFERENCES users(id),
    secret_sealed TEXT NOT NULL,
    confirmed_at TEXT,
    last_step INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL UNIQUE,
    used_at TEXT
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- An account name (as typed: known or not, indistinguishably) that reached the limit of
-- failed sign-ins: one row while locked, so that the lock is recorded in the trail once.
-- The refusal itself counts login_failures; an administrator's unlock removes both.
CREATE TABLE account_locks (
    account TEXT NOT NULL PRIMARY KEY,
    locked_at TEXT NOT NULL
);
