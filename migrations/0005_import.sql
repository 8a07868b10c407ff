-- Imported comments remember where they came from, so that importing the
-- same file again adds nothing twice.
ALTER TABLE comments ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX comments_import_key ON comments (import_key) WHERE import_key IS NOT NULL;
