-- Crosstalk store, SQLite, version 1.
-- Times are ISO-8601 text with their offset ("o" format); filters compare julianday(...) so offsets do not matter.
-- Costs are decimal text per message (exact), REAL in the running totals.

CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    experiment  TEXT NOT NULL,
    started     TEXT NOT NULL,
    metadata    TEXT NOT NULL DEFAULT '{}',
    spec        TEXT
);

CREATE TABLE conversations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id        TEXT REFERENCES runs (id),
    title         TEXT NOT NULL,
    started       TEXT,
    ended         TEXT,
    stop_reason   TEXT,
    stop_seat     INTEGER,
    stop_message  INTEGER,
    stop_detail   TEXT,
    message_count INTEGER NOT NULL DEFAULT 0,
    total_tokens  INTEGER NOT NULL DEFAULT 0,
    total_cost    REAL,
    parent_id     INTEGER REFERENCES conversations (id),
    forked_at     INTEGER,
    metadata      TEXT NOT NULL DEFAULT '{}',
    spec          TEXT
);

CREATE INDEX ix_conversations_run ON conversations (run_id, id);
CREATE INDEX ix_conversations_stop_reason ON conversations (stop_reason, id);
CREATE INDEX ix_conversations_started ON conversations (julianday(started));
CREATE INDEX ix_conversations_message_count ON conversations (message_count);
CREATE INDEX ix_conversations_parent ON conversations (parent_id);

CREATE TABLE participants (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seat            INTEGER NOT NULL CHECK (seat >= 1),
    name            TEXT NOT NULL,
    model           TEXT,
    system_prompt   TEXT,
    PRIMARY KEY (conversation_id, seat)
) WITHOUT ROWID;

CREATE INDEX ix_participants_model ON participants (model);

-- (conversation_id, idx) is the key; the INTEGER PRIMARY KEY only gives full-text search a rowid that VACUUM keeps.
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    idx              INTEGER NOT NULL CHECK (idx >= 1),
    seat             INTEGER NOT NULL,
    speaker          TEXT NOT NULL,
    content          TEXT NOT NULL,
    completed_at     TEXT,
    input_tokens     INTEGER,
    output_tokens    INTEGER,
    reasoning_tokens INTEGER,
    estimated        INTEGER,
    cost             TEXT,
    latency_ms       REAL,
    ttft_ms          REAL,
    finish_reason    TEXT,
    reasoning        TEXT,
    sent_as          TEXT,
    attempts         TEXT,
    UNIQUE (conversation_id, idx)
);

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;
