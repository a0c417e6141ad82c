-- Crosstalk store, PostgreSQL, version 7: an imported conversation keeps which file it was read from, by content (a hash
-- of the file's bytes, its name, and the transcript's place in it), so that the same file imported again is found even
-- when it is read differently (a newer reader, metadata beside it: its content hash then differs) and is not added a
-- second time.
ALTER TABLE conversations ADD COLUMN IF NOT EXISTS imported_file text;
CREATE INDEX IF NOT EXISTS ix_conversations_imported_file ON conversations (imported_file) WHERE imported_file IS NOT NULL;

-- Earlier versions kept an imported UniversalBackrooms log's full path on the importing machine (its reader's "source"):
-- its analysis names the file as every other import does, relative to what was imported, and the path is dropped.
UPDATE analyses a SET source = c.metadata ->> 'importedFrom'
FROM conversations c
WHERE a.conversation_id = c.id AND c.metadata ->> 'format' = 'universal-backrooms' AND c.metadata ->> 'importedFrom' IS NOT NULL;
UPDATE conversations SET metadata = metadata - 'source'
WHERE metadata ->> 'format' = 'universal-backrooms' AND metadata ->> 'importedFrom' IS NOT NULL AND metadata ->> 'source' IS NOT NULL;
