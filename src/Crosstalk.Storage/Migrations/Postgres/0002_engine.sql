-- Crosstalk store, PostgreSQL, version 2: the store is where every process meets.

-- Start times also as stored numbers (UTC milliseconds), as on SQLite, so both stores filter the same way.
ALTER TABLE runs ADD COLUMN started_ms bigint;
UPDATE runs SET started_ms = (extract(epoch FROM started) * 1000)::bigint;
ALTER TABLE conversations ADD COLUMN started_ms bigint;
UPDATE conversations SET started_ms = (extract(epoch FROM started) * 1000)::bigint WHERE started IS NOT NULL;
DROP INDEX ix_conversations_started;
CREATE INDEX ix_conversations_started_ms ON conversations (started_ms);

-- Each conversation's plan in a table of its own: read when the conversation runs, never when conversations are listed
-- or summed, so those scan small rows.
CREATE TABLE plans (
    conversation_id bigint PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    spec            text NOT NULL
);
INSERT INTO plans (conversation_id, spec) SELECT id, spec FROM conversations WHERE spec IS NOT NULL;
ALTER TABLE conversations DROP COLUMN spec;

-- A lease per conversation: the one process (or silo) that may run it, until the lease expires unrenewed.
ALTER TABLE conversations ADD COLUMN lease_owner text;
ALTER TABLE conversations ADD COLUMN lease_expires_ms bigint;
CREATE INDEX ix_conversations_lease_owner ON conversations (lease_owner) WHERE lease_owner IS NOT NULL;

-- What an import stored, so that importing the same file again adds nothing.
ALTER TABLE conversations ADD COLUMN content_hash text;
CREATE UNIQUE INDEX ux_conversations_content_hash ON conversations (content_hash) WHERE content_hash IS NOT NULL;

-- The message each running conversation is writing, as far as it has streamed: viewers on any machine follow it.
CREATE TABLE live (
    conversation_id bigint PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    idx             integer NOT NULL,
    seat            integer NOT NULL,
    speaker         text NOT NULL,
    text            text NOT NULL,
    updated_ms      bigint NOT NULL
);

-- Who is watching which conversation live (until when): in-flight text is written only for those, so a batch that
-- nobody watches writes none.
CREATE TABLE live_watchers (
    conversation_id bigint PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    expires_ms      bigint NOT NULL
);

-- The deterministic analysis of each conversation, kept with the analyzer's version and the message count it saw.
CREATE TABLE analyses (
    conversation_id          bigint PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    version                  integer NOT NULL,
    message_count            integer NOT NULL,
    pair                     text NOT NULL,
    stop_reason              text,
    first_end                integer,
    first_end_seat           integer,
    messages_after_first_end integer NOT NULL,
    tokens_after_first_end   bigint NOT NULL,
    cost_after_first_end     numeric,
    goodbye_loop_start       integer,
    goodbye_loop_length      integer NOT NULL,
    refusals                 integer NOT NULL,
    near_duplicates          integer NOT NULL,
    garbled_words            integer NOT NULL,
    source                   text
);

-- Each seat's facts, with what its per-model sums need of the conversation's (flags as 0 or 1, sums already taken only
-- where they count), so those sums are plain SUMs over one table — and over one covering index, in model order.
CREATE TABLE analysis_seats (
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seat            integer NOT NULL,
    version         integer NOT NULL,
    model           text NOT NULL,
    messages        integer NOT NULL,
    words           bigint NOT NULL,
    refusals        integer NOT NULL,
    refused         integer NOT NULL,
    goodbye_loop    integer NOT NULL,
    ended_first     integer NOT NULL,
    with_end        integer NOT NULL,
    after_end       integer NOT NULL,
    tokens_end      bigint NOT NULL,
    cost_end        numeric,
    emoji           bigint NOT NULL,
    garbled         bigint NOT NULL,
    judged          bigint NOT NULL,
    PRIMARY KEY (conversation_id, seat)
);

CREATE INDEX ix_analysis_seats_model ON analysis_seats (model, conversation_id);
CREATE INDEX ix_analysis_seats_sums ON analysis_seats (model, version, messages, words, refusals, refused, goodbye_loop, ended_first,
    with_end, after_end, tokens_end, cost_end, emoji, garbled, judged);
CREATE INDEX ix_analyses_sums ON analyses (stop_reason, message_count, first_end, pair, version, goodbye_loop_length,
    messages_after_first_end, refusals, tokens_after_first_end, cost_after_first_end);

-- The whole analysis (what the conversation page shows) and each seat's words, apart from the facts the corpus sums, so
-- the sums scan small rows.
CREATE TABLE analysis_documents (
    conversation_id bigint PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    analysis        text NOT NULL
);

CREATE TABLE analysis_vocabularies (
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seat            integer NOT NULL,
    vocabulary      text NOT NULL,
    PRIMARY KEY (conversation_id, seat)
);
