-- Each new audit entry must link to the one before it (the next seq, that entry's hash), the
-- first of a statement to the head of the chain, and inserting them moves the head: the
-- database itself keeps the chain from forking or leaving a gap, and a change appends its
-- entries in one statement. Checked once per statement, so that the head row gets one new
-- version per statement, not one per entry.
CREATE FUNCTION audit_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq BIGINT;
    head_hash TEXT;
    broken BIGINT;
    last_seq BIGINT;
    last_hash TEXT;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
    SELECT count(*) INTO broken FROM (
        SELECT seq, prev_hash,
               coalesce(lag(seq) OVER w, head_seq) AS before_seq,
               coalesce(lag(hash) OVER w, head_hash) AS before_hash
        FROM new_entries WINDOW w AS (ORDER BY seq)
    ) e
    WHERE e.seq <> e.before_seq + 1 OR e.prev_hash <> e.before_hash;
    IF broken > 0 THEN
        RAISE EXCEPTION 'an audit entry must follow the head of the chain';
    END IF;
    SELECT seq, hash INTO last_seq, last_hash FROM new_entries ORDER BY seq DESC LIMIT 1;
    IF last_seq IS NOT NULL THEN
        UPDATE audit_head SET seq = last_seq, hash = last_hash WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_entries_link AFTER INSERT ON audit_entries
REFERENCING NEW TABLE AS new_entries
FOR EACH STATEMENT EXECUTE FUNCTION audit_link();
