-- The lessor's contact as the contract named it when the City escalated an incident to the
-- lessor (R4.2, §7(1)); kept on the escalation event so that a later contract edit does
-- not rewrite whom the City called.
ALTER TABLE incident_events ADD COLUMN lessor_contact TEXT;
