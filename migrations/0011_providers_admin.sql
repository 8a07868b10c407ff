-- Sign-in providers added in the admin page (DESIGN §15), beside those of
-- natter.toml. spec is the provider as written (JSON, without its secret);
-- client_secret is kept apart and never sent back to the page.
CREATE TABLE providers (
    id            TEXT PRIMARY KEY,
    spec          TEXT NOT NULL,
    client_secret TEXT NOT NULL DEFAULT '',
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL
) STRICT;

-- A ban may also be of a signed-in reader's identity (kind 'identity', the
-- identity's id as its value): the table is made again with the wider
-- check, keeping every ban and its id.
CREATE TABLE bans_new (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('ip', 'email', 'identity')),
    value      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created    INTEGER NOT NULL,
    expires    INTEGER,
    created_by TEXT NOT NULL
) STRICT;
INSERT INTO bans_new (id, kind, value, reason, created, expires, created_by)
    SELECT id, kind, value, reason, created, expires, created_by FROM bans;
DROP TABLE bans;
ALTER TABLE bans_new RENAME TO bans;
CREATE INDEX bans_value ON bans (kind, value);
