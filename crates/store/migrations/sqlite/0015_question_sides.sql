-- Who raised a question decides who answers it (issue 12, item 9): the City answers the
-- contractor's questions, the contractor's lead answers the City's, and the side that asked
-- closes it. A change to the work in an answer by the contractor waits for the City's
-- approval (§5(11)), recorded with the question. Earlier questions take the role of the
-- account that raised them (the contractor's when it is gone).
ALTER TABLE questions ADD COLUMN raised_role TEXT;
ALTER TABLE questions ADD COLUMN change_approved_by TEXT;
ALTER TABLE questions ADD COLUMN change_approved_at TEXT;
UPDATE questions SET raised_role = COALESCE(
    (SELECT u.role FROM users u WHERE u.username = questions.raised_by), 'contractor_lead');
