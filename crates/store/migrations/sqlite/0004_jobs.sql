-- Jobs from notice to result (R2, R3, R8): J-LIS notices, jobs with their target
-- terminals, 作業依頼書 (work requests) covering one or several jobs, questions on them,
-- versioned 作業手順書 (procedures) with the City's decision, per-terminal work records,
-- result reports, administrator-password rotations (the fact only) and inspections.
CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    jlis_reference TEXT NOT NULL UNIQUE,
    received_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    requested_deadline TEXT,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    category TEXT NOT NULL,
    origin TEXT NOT NULL,
    notice_id INTEGER REFERENCES notices(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    all_terminals INTEGER NOT NULL,
    status TEXT NOT NULL,
    done_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX jobs_by_category ON jobs(category, status);

CREATE TABLE job_terminals (
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    PRIMARY KEY (job_id, terminal_id)
);

CREATE TABLE work_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_number TEXT NOT NULL UNIQUE,
    issued_on TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    contents TEXT NOT NULL,
    combination_approved INTEGER NOT NULL,
    status TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE work_request_jobs (
    request_id INTEGER NOT NULL REFERENCES work_requests(id),
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    PRIMARY KEY (request_id, job_id)
);

CREATE TABLE work_request_sites (
    request_id INTEGER NOT NULL REFERENCES work_requests(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    PRIMARY KEY (request_id, site_id)
);

CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER REFERENCES work_requests(id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    answer TEXT,
    change_note TEXT,
    answered_by TEXT,
    answered_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX questions_by_request ON questions(request_id, status);

CREATE TABLE procedures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES work_requests(id),
    version INTEGER NOT NULL,
    steps TEXT NOT NULL,
    note TEXT,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    submitted_by TEXT,
    submitted_at TEXT,
    decided_by TEXT,
    decided_at TEXT,
    decision_comment TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (request_id, version)
);

CREATE TABLE work_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES work_requests(id),
    procedure_id INTEGER NOT NULL REFERENCES procedures(id),
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    step_order INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    performer_id INTEGER NOT NULL REFERENCES users(id),
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (request_id, terminal_id, step_order)
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES work_requests(id),
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_by TEXT,
    submitted_at TEXT,
    decided_by TEXT,
    decided_at TEXT,
    decision_comment TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Administrator-password rotation (オ, R3.2): who changed which terminal's password when.
-- The password itself is never entered or stored.
CREATE TABLE password_rotations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    changed_by INTEGER NOT NULL REFERENCES users(id),
    changed_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (job_id, terminal_id)
);
