-- A device swapped by the lessor (R4.2, §7(1)): the replacement's numbers and the inventory
-- row installed for it, kept on the swap event; another party's part in an incident (R9.1,
-- R9.3) with its contact as the contract named it and when the City was told beforehand;
-- the re-setup tasks a swap leaves (a touch panel's setting adjustment; for a terminal the
-- year's ア イ ウ エ re-applied and a new オ password), each done by a task_done event.
ALTER TABLE incident_events ADD COLUMN new_asset_number TEXT;
ALTER TABLE incident_events ADD COLUMN new_serial TEXT;
ALTER TABLE incident_events ADD COLUMN replacement_id BIGINT;
ALTER TABLE incident_events ADD COLUMN party TEXT;
ALTER TABLE incident_events ADD COLUMN party_contact TEXT;
ALTER TABLE incident_events ADD COLUMN city_notified_at TEXT;
ALTER TABLE incident_events ADD COLUMN task_id BIGINT;

CREATE TABLE incident_tasks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    swap_event_id BIGINT NOT NULL REFERENCES incident_events(id),
    kind TEXT NOT NULL,
    job_id BIGINT REFERENCES jobs(id),
    label TEXT NOT NULL,
    done_event_id BIGINT REFERENCES incident_events(id),
    created_at TEXT NOT NULL
);
CREATE INDEX incident_tasks_by_incident ON incident_tasks(incident_id, id);
