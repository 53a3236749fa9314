-- An INSERT into audit_entries takes the head row's lock before any of its rows goes in.
-- Without this, an appender whose rows already held their seq in the primary key could
-- wait for the head held by another app server, which in turn waited on that seq: a
-- deadlock (found by two servers appending at once). Locking the head first gives every
-- appender the same lock order: the head, then the keys.
CREATE FUNCTION audit_lock_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM audit_head WHERE id = 1 FOR UPDATE;
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_entries_lock_head BEFORE INSERT ON audit_entries
FOR EACH STATEMENT EXECUTE FUNCTION audit_lock_head();
