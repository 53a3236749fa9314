-- Foundation: sites, terminals, touch panels, asset history, people, sessions, audit trail.
CREATE TABLE sites (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    postal_code TEXT,
    address TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    needs_entry_permit BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE terminals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asset_number TEXT NOT NULL UNIQUE,
    serial TEXT NOT NULL UNIQUE,
    model TEXT NOT NULL,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    room TEXT,
    lessor TEXT,
    lease_start TEXT,
    lease_end TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX terminals_by_site ON terminals(site_id, asset_number);
CREATE INDEX terminals_by_status ON terminals(status, asset_number);

CREATE TABLE touch_panels (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asset_number TEXT NOT NULL UNIQUE,
    serial TEXT NOT NULL UNIQUE,
    model TEXT NOT NULL,
    terminal_id BIGINT UNIQUE REFERENCES terminals(id),
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE asset_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asset_kind TEXT NOT NULL,
    asset_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    site_id BIGINT REFERENCES sites(id),
    room TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX asset_events_by_asset ON asset_events(asset_kind, asset_id, id);

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);

CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures(kind, key, at);

CREATE TABLE audit_entries (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entries_by_entity ON audit_entries(entity, entity_id, seq);

-- The chain's head: every writing transaction updates it first, which serialises writers
-- and tells `audit verify` where the chain must end.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END
$$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq < OLD.seq THEN
        RAISE EXCEPTION 'the audit head only moves forward';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
