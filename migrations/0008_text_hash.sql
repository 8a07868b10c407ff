-- The duplicate check ("this was already posted here a moment ago") finds a
-- text by its hash instead of reading every comment of the last minutes of
-- a busy page. text_hash is the first 8 bytes of the SHA-256 of the text,
-- as a signed integer; the store computes it. Rows written before this
-- migration have none, and the check still compares their text through
-- the small second index, which only holds those rows.
ALTER TABLE comments ADD COLUMN text_hash INTEGER;

CREATE INDEX comments_text_hash ON comments (thread_id, text_hash, created);
CREATE INDEX comments_unhashed ON comments (thread_id, created)
    WHERE text_hash IS NULL;
