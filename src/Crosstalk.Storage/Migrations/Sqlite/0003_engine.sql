-- Crosstalk store, SQLite, version 3: the store is where every process meets.
--
-- Start times as stored numbers (UTC milliseconds). The date filters used an index on julianday(started), an expression
-- whose result can differ between SQLite versions, and Debian's sqlite3 3.40 reported a healthy file as corrupt.
DROP INDEX ix_conversations_started;
ALTER TABLE runs ADD COLUMN started_ms INTEGER;
UPDATE runs SET started_ms = CAST(round((julianday(started) - 2440587.5) * 86400000.0) AS INTEGER);
ALTER TABLE conversations ADD COLUMN started_ms INTEGER;
UPDATE conversations SET started_ms = CAST(round((julianday(started) - 2440587.5) * 86400000.0) AS INTEGER) WHERE started IS NOT NULL;
CREATE INDEX ix_conversations_started_ms ON conversations (started_ms);

-- Each conversation's plan in a table of its own: read when the conversation runs, never when conversations are listed
-- or summed, so those scan small rows.
CREATE TABLE plans (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    spec            TEXT NOT NULL
);
INSERT INTO plans (conversation_id, spec) SELECT id, spec FROM conversations WHERE spec IS NOT NULL;
ALTER TABLE conversations DROP COLUMN spec;

-- A lease per conversation: the one process (or silo) that may run it, until the lease expires unrenewed.
ALTER TABLE conversations ADD COLUMN lease_owner TEXT;
ALTER TABLE conversations ADD COLUMN lease_expires_ms INTEGER;
CREATE INDEX ix_conversations_lease_owner ON conversations (lease_owner) WHERE lease_owner IS NOT NULL;

-- What an import stored, so that importing the same file again adds nothing.
ALTER TABLE conversations ADD COLUMN content_hash TEXT;
CREATE UNIQUE INDEX ux_conversations_content_hash ON conversations (content_hash) WHERE content_hash IS NOT NULL;

-- The message each running conversation is writing, as far as it has streamed: viewers in any process follow it.
CREATE TABLE live (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    seat            INTEGER NOT NULL,
    speaker         TEXT NOT NULL,
    text            TEXT NOT NULL,
    updated_ms      INTEGER NOT NULL
);

-- Who is watching which conversation live (until when): in-flight text is written only for those, so a batch that
-- nobody watches writes none.
CREATE TABLE live_watchers (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    expires_ms      INTEGER NOT NULL
);

-- The deterministic analysis of each conversation, computed once when it stops (or is imported) and kept with the
-- analyzer's version and the message count it saw: stale when either differs (a conversation that runs again loses its
-- analysis when its lease is taken). The corpus tables are sums over these.
CREATE TABLE analyses (
    conversation_id          INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    version                  INTEGER NOT NULL,
    message_count            INTEGER NOT NULL,
    pair                     TEXT NOT NULL,
    stop_reason              TEXT,
    first_end                INTEGER,
    first_end_seat           INTEGER,
    messages_after_first_end INTEGER NOT NULL,
    tokens_after_first_end   INTEGER NOT NULL,
    cost_after_first_end     TEXT,
    goodbye_loop_start       INTEGER,
    goodbye_loop_length      INTEGER NOT NULL,
    refusals                 INTEGER NOT NULL,
    near_duplicates          INTEGER NOT NULL,
    garbled_words            INTEGER NOT NULL,
    source                   TEXT
);

-- Each seat's facts, with what its per-model sums need of the conversation's (flags as 0 or 1, sums already taken only
-- where they count), so those sums are plain SUMs over one table — and over one covering index, in model order.
CREATE TABLE analysis_seats (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seat            INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    model           TEXT NOT NULL,
    messages        INTEGER NOT NULL,
    words           INTEGER NOT NULL,
    refusals        INTEGER NOT NULL,
    refused         INTEGER NOT NULL,
    goodbye_loop    INTEGER NOT NULL,
    ended_first     INTEGER NOT NULL,
    with_end        INTEGER NOT NULL,
    after_end       INTEGER NOT NULL,
    tokens_end      INTEGER NOT NULL,
    cost_end        TEXT,
    emoji           INTEGER NOT NULL,
    garbled         INTEGER NOT NULL,
    judged          INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seat)
) WITHOUT ROWID;

CREATE INDEX ix_analysis_seats_model ON analysis_seats (model, conversation_id);
CREATE INDEX ix_analysis_seats_sums ON analysis_seats (model, version, messages, words, refusals, refused, goodbye_loop, ended_first,
    with_end, after_end, tokens_end, cost_end, emoji, garbled, judged);
CREATE INDEX ix_analyses_sums ON analyses (stop_reason, message_count, first_end, pair, version, goodbye_loop_length,
    messages_after_first_end, refusals, tokens_after_first_end, cost_after_first_end);

-- The whole analysis (what the conversation page shows) and each seat's words, apart from the facts the corpus sums, so
-- the sums scan small rows.
CREATE TABLE analysis_documents (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    analysis        TEXT NOT NULL
);

CREATE TABLE analysis_vocabularies (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seat            INTEGER NOT NULL,
    vocabulary      TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seat)
) WITHOUT ROWID;
