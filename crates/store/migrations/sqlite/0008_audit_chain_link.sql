-- Each new audit entry must link to the head of the chain (the next seq, the head's hash),
-- and inserting it moves the head: the database itself keeps the chain from forking or
-- leaving a gap, and a change appends its entries in one statement.
CREATE TRIGGER audit_entries_link BEFORE INSERT ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'an audit entry must follow the head of the chain')
    WHERE NOT EXISTS (
        SELECT 1 FROM audit_head WHERE id = 1 AND seq + 1 = NEW.seq AND hash = NEW.prev_hash
    );
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
END;
