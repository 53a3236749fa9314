-- A correction is a new version of a record (issue 12, item 4): a work record or a password
-- change recorded again for the same terminal and step (or job) is a new row, and the row it
-- corrects stays, marked with the row that replaced it and when. Only the current version
-- of each is unique; the partial indexes keep the names the constraints had.
ALTER TABLE work_records ADD COLUMN replaced_by BIGINT;
ALTER TABLE work_records ADD COLUMN replaced_at TEXT;
ALTER TABLE work_records DROP CONSTRAINT work_records_request_id_terminal_id_step_order_key;
CREATE UNIQUE INDEX work_records_request_id_terminal_id_step_order_key
    ON work_records (request_id, terminal_id, step_order) WHERE replaced_at IS NULL;

ALTER TABLE password_rotations ADD COLUMN replaced_by BIGINT;
ALTER TABLE password_rotations ADD COLUMN replaced_at TEXT;
ALTER TABLE password_rotations DROP CONSTRAINT password_rotations_job_id_terminal_id_key;
CREATE UNIQUE INDEX password_rotations_job_id_terminal_id_key
    ON password_rotations (job_id, terminal_id) WHERE replaced_at IS NULL;
