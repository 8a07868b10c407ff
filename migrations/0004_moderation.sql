-- Moderators, their sessions, bans and the audit log.

CREATE TABLE admins (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created       INTEGER NOT NULL
) STRICT;

-- A session is known by the SHA-256 of its cookie value.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    admin_id   INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL
) STRICT;

-- kind 'ip' bans an IP hash, kind 'email' a lower-cased address.
CREATE TABLE bans (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('ip', 'email')),
    value      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created    INTEGER NOT NULL,
    expires    INTEGER,
    created_by TEXT NOT NULL
) STRICT;
CREATE INDEX bans_value ON bans (kind, value);

CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    admin  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_at ON audit (at);
