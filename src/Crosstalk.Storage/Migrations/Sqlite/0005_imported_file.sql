-- Crosstalk store, SQLite, version 5: an imported conversation keeps which file it was read from, by content (a hash of the
-- file's bytes, its name, and the transcript's place in it), so that the same file imported again is found even when it is
-- read differently (a newer reader, metadata beside it: its content hash then differs) and is not added a second time.
ALTER TABLE conversations ADD COLUMN imported_file TEXT;
CREATE INDEX ix_conversations_imported_file ON conversations (imported_file) WHERE imported_file IS NOT NULL;

-- Earlier versions kept an imported UniversalBackrooms log's full path on the importing machine (its reader's "source"):
-- its analysis names the file as every other import does, relative to what was imported, and the path is dropped.
UPDATE analyses SET source = (SELECT json_extract(c.metadata, '$.importedFrom') FROM conversations c WHERE c.id = analyses.conversation_id)
WHERE conversation_id IN (
    SELECT id FROM conversations
    WHERE json_extract(metadata, '$.format') = 'universal-backrooms' AND json_extract(metadata, '$.importedFrom') IS NOT NULL);
UPDATE conversations SET metadata = json_remove(metadata, '$.source')
WHERE json_extract(metadata, '$.format') = 'universal-backrooms' AND json_extract(metadata, '$.importedFrom') IS NOT NULL
    AND json_extract(metadata, '$.source') IS NOT NULL;
