-- Crosstalk store, PostgreSQL, version 6: the full-text index reads a message as it was written, and only as much of it as
-- a tsvector holds. A NUL is kept as U+FFFF '0' (and U+FFFF as U+FFFF U+FFFF, since a text column holds no NUL): indexed
-- raw, "a<NUL>b" was found by "0b" and not by "b". And a message of more than about 1 MB of distinct words made
-- to_tsvector fail ("string is too long for tsvector"), which stopped the insert, and with it a whole import or batch:
-- the index takes a message's first 100,000 characters (words past them are found by substring search only).
-- SearchableText in PostgresTranscriptStore.cs writes the same expression, so that searches use this index.
DROP INDEX ix_messages_content_fts;
CREATE INDEX ix_messages_content_fts ON messages USING gin (
    to_tsvector('simple', left(replace(replace(content, U&'\FFFF\FFFF', ' '), U&'\FFFF0', ' '), 100000)));
