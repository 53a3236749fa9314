-- A TEXT PRIMARY KEY may hold NULL on SQLite unless declared NOT NULL (a quirk SQLite keeps
-- for old databases); on PostgreSQL a primary key never does. Found by the test comparing
-- the engines' schemas (src/schema.rs). SQLite cannot add NOT NULL to a column, so both
-- tables are made anew and their rows copied (no row has a NULL key: every insert binds one).
CREATE TABLE sessions_new (
    id_hash TEXT NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
INSERT INTO sessions_new (id_hash, user_id, created_at, expires_at)
SELECT id_hash, user_id, created_at, expires_at FROM sessions WHERE id_hash IS NOT NULL;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE calendar_overrides_new (
    date TEXT NOT NULL PRIMARY KEY,
    is_open INTEGER NOT NULL,
    reason TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO calendar_overrides_new (date, is_open, reason, updated_at)
SELECT date, is_open, reason, updated_at FROM calendar_overrides WHERE date IS NOT NULL;
DROP TABLE calendar_overrides;
ALTER TABLE calendar_overrides_new RENAME TO calendar_overrides;
