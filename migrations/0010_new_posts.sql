-- "Notify me of new posts" (DESIGN §15): each site's feed as natter last
-- read it, the posts it has seen there, and who asked to hear of new ones.

-- The last answer of a site's feed: its validators, for conditional GET.
-- primed is set once the first read recorded what existed (nobody is
-- emailed about those); a feed at another address starts over.
CREATE TABLE feed_state (
    site_id       TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    url           TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    primed        INTEGER,
    polled        INTEGER,
    last_error    TEXT
) STRICT;

-- The posts seen in a site's feed, by their id (guid), else their link.
-- A post is written here in the same transaction as its emails, so each is
-- told about once, restarts included.
CREATE TABLE feed_entries (
    site_id   TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    title     TEXT,
    link      TEXT,
    seen      INTEGER NOT NULL,
    PRIMARY KEY (site_id, entry_key)
) STRICT, WITHOUT ROWID;

-- An address that asked for the site's new posts. confirmed is set when its
-- owner confirmed (the subscriber's confirmation link, or a sign-in whose
-- provider verified the address); nothing is sent before.
CREATE TABLE post_subscriptions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id INTEGER NOT NULL UNIQUE REFERENCES subscribers(id) ON DELETE CASCADE,
    created       INTEGER NOT NULL,
    confirmed     INTEGER
) STRICT;
