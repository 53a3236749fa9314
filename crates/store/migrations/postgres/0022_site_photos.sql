-- Evidence photos on site (issue 13 item 6): whether the City allows photographs in a
-- site's terminal room. Juki-net rooms may forbid them, so a site allows none until the
-- City says otherwise; a photo is attached to one work record only where it is allowed.
ALTER TABLE sites ADD COLUMN photos_allowed BIGINT NOT NULL DEFAULT 0;
