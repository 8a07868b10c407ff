-- What changed in threads' public comments, for live readers (DESIGN §16):
-- one row per comment that appeared, changed or went, kept an hour, so
-- that a reader whose stream dropped (or whose natter restarted) resumes
-- from its last event id and misses nothing. Triggers write the rows in
-- the same transaction as the change itself, whichever code made it.
-- AUTOINCREMENT: an id is never used twice, even after pruning. Rows are
-- only appended, in id order (and so in time order), so the table needs no
-- index: a stream resuming reads the ids after its own, and pruning drops
-- the oldest ids. Writes of comments pay only for the append.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id  INTEGER NOT NULL,
    comment_id INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('created', 'edited', 'deleted', 'approved')),
    at         INTEGER NOT NULL
) STRICT;

-- A comment published as it is posted (or imported).
CREATE TRIGGER events_created AFTER INSERT ON comments
WHEN NEW.status = 'published'
BEGIN
    INSERT INTO events (thread_id, comment_id, kind, at)
    VALUES (NEW.thread_id, NEW.id, 'created', CAST(strftime('%s', 'now') AS INTEGER));
END;

-- Published from held (or restored), or no longer public (deleted by its
-- author or a moderator, held again, marked as spam).
CREATE TRIGGER events_status AFTER UPDATE OF status ON comments
WHEN OLD.status != NEW.status AND 'published' IN (OLD.status, NEW.status)
BEGIN
    INSERT INTO events (thread_id, comment_id, kind, at)
    VALUES (NEW.thread_id, NEW.id,
            CASE NEW.status WHEN 'published' THEN 'approved' ELSE 'deleted' END,
            CAST(strftime('%s', 'now') AS INTEGER));
END;

-- A published comment edited, renamed or (un)pinned.
CREATE TRIGGER events_edited AFTER UPDATE OF html, name, website, pinned ON comments
WHEN OLD.status = 'published' AND NEW.status = 'published'
 AND (OLD.html IS NOT NEW.html OR OLD.name IS NOT NEW.name
      OR OLD.website IS NOT NEW.website OR OLD.pinned IS NOT NEW.pinned)
BEGIN
    INSERT INTO events (thread_id, comment_id, kind, at)
    VALUES (NEW.thread_id, NEW.id, 'edited', CAST(strftime('%s', 'now') AS INTEGER));
END;

-- A published comment removed outright (its thread or site deleted, or an
-- erasure).
CREATE TRIGGER events_removed AFTER DELETE ON comments
WHEN OLD.status = 'published'
BEGIN
    INSERT INTO events (thread_id, comment_id, kind, at)
    VALUES (OLD.thread_id, OLD.id, 'deleted', CAST(strftime('%s', 'now') AS INTEGER));
END;
