-- Notifications: a durable outbox, email subscriptions and single-use links.

-- Every email and webhook call waits here until it is delivered. A row is
-- written in the same transaction as the change it tells about, so a
-- restart or an outage loses nothing; it is marked sent only after the mail
-- server or webhook receiver accepted it.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('email', 'webhook')),
    site_id    TEXT,
    topic      TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    payload    TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_try   INTEGER NOT NULL,
    last_error TEXT,
    created    INTEGER NOT NULL,
    done       INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (next_try) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox (state, id);

-- An email address that asked for notifications on a site. email_hash is a
-- keyed hash of the lower-cased address; confirmed is set when its owner
-- clicked the confirmation link, and nothing but that link is sent before.
CREATE TABLE subscribers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id    TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    email_hash TEXT NOT NULL,
    confirmed  INTEGER,
    asked      INTEGER,
    created    INTEGER NOT NULL,
    UNIQUE (site_id, email_hash)
) STRICT;

-- comment_id 0: every new comment in the thread; otherwise replies to that comment.
CREATE TABLE subscriptions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    thread_id     INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    comment_id    INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL,
    UNIQUE (subscriber_id, thread_id, comment_id)
) STRICT;
CREATE INDEX subscriptions_thread ON subscriptions (thread_id, comment_id);

-- The nonces of single-use links that were used.
CREATE TABLE used_links (
    nonce TEXT PRIMARY KEY,
    used  INTEGER NOT NULL
) STRICT;

-- When readers were told about a comment, so that restoring it later does
-- not tell them twice.
ALTER TABLE comments ADD COLUMN announced INTEGER;
