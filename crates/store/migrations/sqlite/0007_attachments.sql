-- Attachments (R2.4, R8.2, R8.3): files kept in the database beside their owner (a notice,
-- a procedure version or a request's evidence), with their SHA-256 and who uploaded them.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_kind TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX attachments_by_owner ON attachments(owner_kind, owner_id);
