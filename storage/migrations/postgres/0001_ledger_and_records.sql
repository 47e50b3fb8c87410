-- The ledger, the records projected from it, and the counters that number references.
-- Never edit an applied migration: add a new one (sqlx checks each file's checksum).

-- One row per event, chained by hash (see workflows/src/ledger.rs). Text columns hold exactly
-- the bytes that were hashed (TEXT, not JSONB, which would reorder and reformat them).
CREATE TABLE ledger_events (
    seq         BIGINT PRIMARY KEY,
    guild_id    TEXT   NOT NULL,
    record_ref  TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    actor       TEXT   NOT NULL,
    recorded_at TEXT   NOT NULL,
    payload     TEXT   NOT NULL,
    prev_hash   TEXT   NOT NULL,
    hash        TEXT   NOT NULL
);
CREATE INDEX ledger_events_by_record ON ledger_events (guild_id, record_ref, seq);
CREATE INDEX ledger_events_by_time ON ledger_events (recorded_at);

-- Append-only, enforced by the database as well as by the code: a correction is a new event.
CREATE FUNCTION ledger_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_events is append-only: record a correction as an amended event';
END;
$$;
CREATE TRIGGER ledger_events_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_events
    FOR EACH ROW EXECUTE FUNCTION ledger_events_append_only();
CREATE TRIGGER ledger_events_no_truncate BEFORE TRUNCATE ON ledger_events
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_append_only();

-- The chain's head, kept apart from the events so that cutting events off the end shows.
-- Writers lock this row, which orders all appends.
CREATE TABLE ledger_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT   NOT NULL
);
INSERT INTO ledger_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The database itself keeps the chain linked: an event must follow the head, and the head
-- follows every event appended.
CREATE FUNCTION ledger_events_follow_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head ledger_head%ROWTYPE;
BEGIN
    SELECT * INTO head FROM ledger_head WHERE id = 1;
    IF NEW.seq IS DISTINCT FROM head.seq + 1 OR NEW.prev_hash IS DISTINCT FROM head.hash THEN
        RAISE EXCEPTION 'ledger_events: an event must follow the ledger head (seq + 1, prev_hash = head hash)';
    END IF;
    UPDATE ledger_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_events_follow_head BEFORE INSERT ON ledger_events
    FOR EACH ROW EXECUTE FUNCTION ledger_events_follow_head();

-- Reference numbers per guild, kind and year; incremented in the writing transaction, so a
-- rolled-back write leaves no gap.
CREATE TABLE reference_counters (
    guild_id    TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    year        BIGINT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (guild_id, kind, year)
);

-- The current state of each record: the projection of its events.
CREATE TABLE records (
    guild_id        TEXT   NOT NULL,
    reference       TEXT   NOT NULL,
    kind            TEXT   NOT NULL,
    title           TEXT   NOT NULL,
    status          TEXT,
    ai_system       TEXT,
    person_platform TEXT,
    person_id       TEXT,
    body            TEXT   NOT NULL,
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    last_seq        BIGINT NOT NULL REFERENCES ledger_events (seq),
    PRIMARY KEY (guild_id, reference)
);
CREATE INDEX records_by_kind_time ON records (guild_id, kind, created_at);
CREATE INDEX records_by_kind_status ON records (guild_id, kind, status, created_at);
CREATE INDEX records_by_person ON records (guild_id, kind, person_platform, person_id);

-- Keys that make a write happen once (chat interaction ids, API Idempotency-Key headers).
CREATE TABLE idempotency_keys (
    key        TEXT   PRIMARY KEY,
    guild_id   TEXT   NOT NULL,
    reference  TEXT   NOT NULL,
    seq        BIGINT NOT NULL REFERENCES ledger_events (seq),
    created_at TEXT   NOT NULL
);
