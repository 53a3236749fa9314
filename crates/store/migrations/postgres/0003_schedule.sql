-- The schedule (R5): off-hours work records (R5.3), building-entry permits (R5.5), plans
-- from the all-site planner (R4.4) and visits with their workers and terminals.
CREATE TABLE off_hours (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    work_date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    cause TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision_comment TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX off_hours_by_date ON off_hours(work_date, site_id);

CREATE TABLE off_hours_workers (
    off_hours_id BIGINT NOT NULL REFERENCES off_hours(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (off_hours_id, user_id)
);

CREATE TABLE permits (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    kind TEXT NOT NULL,
    room TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    status TEXT NOT NULL,
    reference TEXT,
    note TEXT,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision_comment TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX permits_by_site ON permits(site_id, valid_from);

CREATE TABLE plans (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title TEXT NOT NULL,
    start_date TEXT NOT NULL,
    input TEXT NOT NULL,
    result TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE visits (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    visit_date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    purpose TEXT NOT NULL,
    room TEXT,
    status TEXT NOT NULL,
    plan_id BIGINT REFERENCES plans(id),
    completed_by TEXT,
    completed_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX visits_by_date ON visits(visit_date, site_id);
CREATE INDEX visits_by_plan ON visits(plan_id);

CREATE TABLE visit_workers (
    visit_id BIGINT NOT NULL REFERENCES visits(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (visit_id, user_id)
);

CREATE TABLE visit_terminals (
    visit_id BIGINT NOT NULL REFERENCES visits(id),
    terminal_id BIGINT NOT NULL REFERENCES terminals(id),
    PRIMARY KEY (visit_id, terminal_id)
);
CREATE INDEX visit_terminals_by_terminal ON visit_terminals(terminal_id);
