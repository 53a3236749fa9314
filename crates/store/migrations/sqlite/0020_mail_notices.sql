-- Inbox notices by e-mail (issue 13, item 1), off unless an SMTP relay is configured: an
-- account may hold an e-mail address, and each inbox item mailed to a person is remembered
-- (by kind and page) so it is mailed once while it waits; an item that stops waiting is
-- forgotten, so it is mailed again if it comes back (a procedure returned and resubmitted).
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE mail_notices (
    user_id INTEGER NOT NULL REFERENCES users(id),
    item_key TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (user_id, item_key)
);
