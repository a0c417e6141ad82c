-- Crosstalk store, PostgreSQL, version 5: the times a transcript carries (a run's and a conversation's start, its end,
-- each message's) are kept as written, with their UTC offset, as the SQLite store keeps them: timestamptz keeps only the
-- instant, so a transcript read in one time zone came back in UTC, and the seed Markdown (wall-clock times without an
-- offset) came back shifted by the zone's offset. Sorting and filtering use the *_ms columns. Times stored before this
-- version lost their offset then; they read as UTC, as they did.
ALTER TABLE runs ALTER COLUMN started TYPE text USING to_char(started AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"0+00:00"');
ALTER TABLE conversations ALTER COLUMN started TYPE text USING to_char(started AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"0+00:00"');
ALTER TABLE conversations ALTER COLUMN ended TYPE text USING to_char(ended AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"0+00:00"');
ALTER TABLE messages ALTER COLUMN completed_at TYPE text USING to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"0+00:00"');
