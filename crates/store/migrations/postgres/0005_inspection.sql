-- The annual inspection (カ, R3.3) and waived deliverables (R8.4): the City's checklist
-- template (each edit a new row, the latest in force), one filled checklist per terminal
-- of a カ job, the follow-up jobs raised from its findings, and the City's waiver per job.
CREATE TABLE inspection_templates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    items TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL
);

CREATE TABLE inspections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id BIGINT NOT NULL REFERENCES jobs(id),
    terminal_id BIGINT NOT NULL REFERENCES terminals(id),
    inspected_on TEXT NOT NULL,
    inspector_id BIGINT NOT NULL REFERENCES users(id),
    answers TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (job_id, terminal_id)
);

CREATE TABLE inspection_follow_ups (
    job_id BIGINT NOT NULL REFERENCES jobs(id),
    terminal_id BIGINT NOT NULL REFERENCES terminals(id),
    item_id TEXT NOT NULL,
    follow_up_job_id BIGINT NOT NULL REFERENCES jobs(id),
    PRIMARY KEY (job_id, terminal_id, item_id)
);

CREATE TABLE deliverable_waivers (
    job_id BIGINT PRIMARY KEY REFERENCES jobs(id),
    scope TEXT NOT NULL,
    deliverables TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    reason TEXT,
    decided_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
