-- "first" moderation asks whether an author has an earlier approved comment;
-- an author without an email is known by their voter key.
CREATE INDEX comments_voter ON comments (voter_hash) WHERE voter_hash IS NOT NULL;
