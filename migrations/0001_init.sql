-- natter schema, first release.

-- Server-wide settings, such as the secret key that hashes IP addresses.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- A site is one blog or web site whose pages carry threads.
-- origins and settings are JSON, parsed and validated by the server.
CREATE TABLE sites (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    origins  TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}'
) STRICT;

-- A thread is the discussion under one page of a site.
CREATE TABLE threads (
    id      INTEGER PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    url     TEXT,
    title   TEXT,
    locked  INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    UNIQUE (site_id, key)
) STRICT;

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    thread_id   INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES comments(id),
    status      TEXT NOT NULL CHECK (status IN ('published', 'pending', 'spam', 'deleted')),
    name        TEXT,
    email       TEXT,
    website     TEXT,
    text        TEXT NOT NULL,
    html        TEXT NOT NULL,
    ip_hash     TEXT,
    voter_hash  TEXT,
    edit_hash   TEXT,
    edit_until  INTEGER,
    created     INTEGER NOT NULL,
    edited      INTEGER
) STRICT;

CREATE INDEX comments_thread ON comments (thread_id, created);
CREATE INDEX comments_parent ON comments (parent_id);
CREATE INDEX comments_email ON comments (email) WHERE email IS NOT NULL;
