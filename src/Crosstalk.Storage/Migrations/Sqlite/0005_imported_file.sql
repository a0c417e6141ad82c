-- Crosstalk store, SQLite, version 5: an imported conversation keeps which file it was read from, by content (a hash of the
-- file's bytes and the transcript's place in it), so that the same file imported again is found even when a later
-- version reads it differently (its content hash then differs) and is not added a second time.
ALTER TABLE conversations ADD COLUMN imported_file TEXT;
CREATE INDEX ix_conversations_imported_file ON conversations (imported_file) WHERE imported_file IS NOT NULL;
