-- Incidents (障害, R4.1, R4.2, issue 14): a failed terminal (キ) or touch panel (ク), its
-- timeline of events and the City's service-level targets. The status is the one the
-- domain judged from the events (kept for lists and inboxes); the clocks are computed
-- from the events, never stored.
CREATE TABLE incidents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    category TEXT NOT NULL,
    device TEXT NOT NULL,
    terminal_id BIGINT NOT NULL REFERENCES terminals(id),
    touch_panel_id BIGINT REFERENCES touch_panels(id),
    site_id BIGINT NOT NULL REFERENCES sites(id),
    fault_report_id BIGINT UNIQUE REFERENCES fault_reports(id),
    reported_at TEXT NOT NULL,
    symptom TEXT NOT NULL,
    can_continue BIGINT NOT NULL,
    fallback TEXT,
    urgency TEXT NOT NULL,
    status TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX incidents_by_status ON incidents(contract_id, status, reported_at);

CREATE TABLE incident_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT,
    inquiry_number TEXT,
    pause_reason TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX incident_events_by_incident ON incident_events(incident_id, at, id);

CREATE TABLE sla_targets (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    effective_from TEXT NOT NULL,
    respond_minutes BIGINT,
    recover_minutes BIGINT,
    near_share_percent BIGINT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE INDEX sla_targets_by_contract ON sla_targets(contract_id, effective_from);
