-- Crosstalk store, PostgreSQL, version 4: a conversation that stopped on a message that could not be had keeps every
-- attempt made for that message (JSON, as messages.attempts), so a failed request is recorded somewhere even when none
-- succeeded.
ALTER TABLE conversations ADD COLUMN stop_attempts jsonb;
