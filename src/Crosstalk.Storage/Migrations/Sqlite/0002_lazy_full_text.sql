-- Crosstalk store, SQLite, version 2: the full-text index catches up lazily.
-- Indexing a message inside its append transaction cost about a fifth of a durable append's time. Now appends only
-- store the row; before any full-text query the store indexes every message above the watermark, in one write
-- transaction, and moves the watermark (SqliteTranscriptStore.CatchUpFullTextAsync). Messages are append-only, but
-- the triggers below keep the index right for rows already indexed if anything deletes or edits them, and index at
-- once a row whose id is not above the watermark (a rowid reused after the highest message was deleted).

CREATE TABLE fts_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_upto INTEGER NOT NULL
);

-- Everything stored so far was indexed by the version 1 trigger.
INSERT INTO fts_state (id, indexed_upto) VALUES (1, COALESCE((SELECT MAX(id) FROM messages), 0));

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN new.id <= (SELECT indexed_upto FROM fts_state WHERE id = 1)
BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.id <= (SELECT indexed_upto FROM fts_state WHERE id = 1)
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
WHEN old.id <= (SELECT indexed_upto FROM fts_state WHERE id = 1)
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;
