-- Who an author is, one vote per client, subscriptions only by their owner,
-- and privacy links at most once in a while per address.

-- comments.voter_hash now holds the author key: a keyed hash of the site
-- and the widget's voter id, the same from any address. Rows written before
-- hold an older form bound to the address, which matches no new key.

-- A vote counts once per keyed IP hash and once per voter key: a new vote
-- from either replaces the earlier one. Votes cast before this kept only
-- a hash of both together; they stay counted under that old key.
CREATE TABLE votes_by_client (
    id         INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    ip_hash    TEXT,
    voter_key  TEXT,
    value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created    INTEGER NOT NULL
) STRICT;
INSERT INTO votes_by_client (comment_id, ip_hash, voter_key, value, created)
    SELECT comment_id, NULL, 'old:' || voter_hash, value, created FROM votes;
DROP TABLE votes;
ALTER TABLE votes_by_client RENAME TO votes;
CREATE UNIQUE INDEX votes_ip ON votes (comment_id, ip_hash) WHERE ip_hash IS NOT NULL;
CREATE UNIQUE INDEX votes_voter ON votes (comment_id, voter_key) WHERE voter_key IS NOT NULL;

-- A subscription asked for by someone not known as the address's owner
-- waits, unsent, until the owner confirms. Those made before were made
-- under the address's own confirmation.
ALTER TABLE subscriptions ADD COLUMN confirmed INTEGER;
UPDATE subscriptions SET confirmed = created
 WHERE subscriber_id IN (SELECT id FROM subscribers WHERE confirmed IS NOT NULL);

-- The author key of the post that asked for the last confirmation email.
-- When the owner confirms, that key is known as the owner's.
ALTER TABLE subscribers ADD COLUMN asked_by TEXT;
CREATE TABLE subscriber_keys (
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    author_key    TEXT NOT NULL,
    confirmed     INTEGER NOT NULL,
    PRIMARY KEY (subscriber_id, author_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX subscriber_keys_key ON subscriber_keys (author_key);

-- When a privacy link was last emailed to an address, per action, so a
-- stranger cannot flood a mailbox through the privacy form.
CREATE TABLE privacy_asked (
    site_id    TEXT NOT NULL,
    email_hash TEXT NOT NULL,
    action     TEXT NOT NULL,
    asked      INTEGER NOT NULL,
    PRIMARY KEY (site_id, email_hash, action)
) STRICT, WITHOUT ROWID;
