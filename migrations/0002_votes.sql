-- Votes: one per comment per voter, with counters kept on the comment so a
-- thread is read without counting rows.

ALTER TABLE comments ADD COLUMN likes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN dislikes INTEGER NOT NULL DEFAULT 0;

CREATE TABLE votes (
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    voter_hash TEXT NOT NULL,
    value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created    INTEGER NOT NULL,
    PRIMARY KEY (comment_id, voter_hash)
) STRICT, WITHOUT ROWID;
