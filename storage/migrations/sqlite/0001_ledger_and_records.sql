-- The ledger, the records projected from it, and the counters that number references.
-- Never edit an applied migration: add a new one (sqlx checks each file's checksum).

-- One row per event, chained by hash (see workflows/src/ledger.rs). Text columns hold exactly
-- the bytes that were hashed.
CREATE TABLE ledger_events (
    seq         INTEGER PRIMARY KEY,
    guild_id    TEXT    NOT NULL,
    record_ref  TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX ledger_events_by_record ON ledger_events (guild_id, record_ref, seq);
CREATE INDEX ledger_events_by_time ON ledger_events (recorded_at);

-- Append-only, enforced by the database as well as by the code: a correction is a new event.
CREATE TRIGGER ledger_events_no_update BEFORE UPDATE ON ledger_events
BEGIN
    SELECT RAISE(ABORT, 'ledger_events is append-only: record a correction as an amended event');
END;
CREATE TRIGGER ledger_events_no_delete BEFORE DELETE ON ledger_events
BEGIN
    SELECT RAISE(ABORT, 'ledger_events is append-only: events are never deleted');
END;

-- The chain's head, kept apart from the events so that cutting events off the end shows.
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO ledger_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The database itself keeps the chain linked: an event must follow the head, and the head
-- follows every event appended.
CREATE TRIGGER ledger_events_follow_head BEFORE INSERT ON ledger_events
WHEN NEW.seq IS NOT (SELECT seq + 1 FROM ledger_head WHERE id = 1)
  OR NEW.prev_hash IS NOT (SELECT hash FROM ledger_head WHERE id = 1)
BEGIN
    SELECT RAISE(ABORT, 'ledger_events: an event must follow the ledger head (seq + 1, prev_hash = head hash)');
END;
CREATE TRIGGER ledger_head_follows_events AFTER INSERT ON ledger_events
BEGIN
    UPDATE ledger_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
END;

-- Reference numbers per guild, kind and year; incremented in the writing transaction, so a
-- rolled-back write leaves no gap.
CREATE TABLE reference_counters (
    guild_id    TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (guild_id, kind, year)
);

-- The current state of each record: the projection of its events.
CREATE TABLE records (
    guild_id        TEXT    NOT NULL,
    reference       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    status          TEXT,
    ai_system       TEXT,
    person_platform TEXT,
    person_id       TEXT,
    body            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    last_seq        INTEGER NOT NULL REFERENCES ledger_events (seq),
    PRIMARY KEY (guild_id, reference)
);
CREATE INDEX records_by_kind_time ON records (guild_id, kind, created_at);
CREATE INDEX records_by_kind_status ON records (guild_id, kind, status, created_at);
CREATE INDEX records_by_person ON records (guild_id, kind, person_platform, person_id);

-- Keys that make a write happen once (chat interaction ids, API Idempotency-Key headers).
CREATE TABLE idempotency_keys (
    key        TEXT    PRIMARY KEY,
    guild_id   TEXT    NOT NULL,
    reference  TEXT    NOT NULL,
    seq        INTEGER NOT NULL REFERENCES ledger_events (seq),
    created_at TEXT    NOT NULL
);
