-- Readers who sign in (DESIGN §15). An identity is (issuer, subject) on one
-- site, never an email address; its display name is the reader's to change.
-- admin_id links it to a moderator account, whose comments carry the
-- site's team badge.
CREATE TABLE identities (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id        TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    issuer         TEXT NOT NULL,
    subject        TEXT NOT NULL,
    provider       TEXT NOT NULL,
    name           TEXT NOT NULL,
    email          TEXT,
    email_verified INTEGER NOT NULL DEFAULT 0,
    profile_url    TEXT,
    admin_id       INTEGER REFERENCES admins(id) ON DELETE SET NULL,
    created        INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    UNIQUE (site_id, issuer, subject)
) STRICT;
CREATE INDEX identities_name ON identities (site_id, name COLLATE NOCASE);

-- Reader tokens, kept only as their hash.
CREATE TABLE reader_tokens (
    hash        TEXT PRIMARY KEY,
    identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    created     INTEGER NOT NULL,
    last_used   INTEGER NOT NULL
) STRICT;
CREATE INDEX reader_tokens_identity ON reader_tokens (identity_id);

-- Sign-ins under way: found by the hash of their state, used once. origin
-- is the page's registered origin, the only one the token is handed to.
CREATE TABLE sign_in_flows (
    state_hash TEXT PRIMARY KEY,
    provider   TEXT NOT NULL,
    site_id    TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    origin     TEXT NOT NULL,
    page_url   TEXT NOT NULL,
    return_url TEXT,
    verifier   TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    created    INTEGER NOT NULL
) STRICT;

-- A signed-in reader's comments name their identity; team is set on a
-- moderator's comments (the badge), pinned on those shown first; held_reason
-- says which rule held a comment.
ALTER TABLE comments ADD COLUMN identity_id INTEGER REFERENCES identities(id) ON DELETE SET NULL;
ALTER TABLE comments ADD COLUMN team INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN held_reason TEXT;
CREATE INDEX comments_identity ON comments (identity_id) WHERE identity_id IS NOT NULL;
