-- The City's 決裁 (issue 12, item 15): an account holds a post (担当, 係長, 課長, ...), a
-- person may stand in for another while they are absent, and each step of a document's route
-- is recorded with its post, verdict, person and time. Steps belong to one document version.
ALTER TABLE users ADD COLUMN post TEXT;

CREATE TABLE stand_ins (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    for_user_id BIGINT NOT NULL REFERENCES users(id),
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX stand_ins_by_user ON stand_ins (user_id, valid_from);

CREATE TABLE approval_steps (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    document_id BIGINT NOT NULL,
    step BIGINT NOT NULL,
    post TEXT,
    verdict TEXT NOT NULL,
    comment TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    on_behalf_of TEXT,
    UNIQUE (kind, document_id, step)
);
