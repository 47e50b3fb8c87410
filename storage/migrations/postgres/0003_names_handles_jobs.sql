-- Finding records by what people type, following up a concern by its handle, and the job
-- table that holds the messages owed by writes (the outbox; the scheduler reuses it).
-- Never edit an applied migration: add a new one (sqlx checks each file's checksum).

-- A record's title in lower case (Rust's `str::to_lowercase`, written with every write), so
-- that a name lookup ignores case and is still an index range scan; and a concern's
-- `follow_up_handle_sha256`, so that a follow-up finds its concern without reading bodies.
-- COLLATE "C": the prefix lookup is a byte-order range (`>= prefix AND < prefix || U+10FFFF`),
-- which a linguistic collation would not keep contiguous.
ALTER TABLE records ADD COLUMN search_title TEXT COLLATE "C";
ALTER TABLE records ADD COLUMN follow_up_key TEXT;

-- Backfill. PostgreSQL's lower() follows the database's locale, where the application uses
-- Rust's Unicode lowercasing: for a non-ASCII title written before this migration the two may
-- differ until the record's next change rewrites the column. Acceptable for a backfill.
UPDATE records SET
    search_title = lower(title),
    follow_up_key = CASE WHEN kind = 'concern'
                         THEN body::jsonb ->> 'follow_up_handle_sha256' END;

-- `reference` completes the order lookups return, so that a planner without statistics
-- does not prefer the primary key (which gives that order) to this index.
CREATE INDEX records_by_search_title ON records (guild_id, kind, search_title, reference);
-- The prefix lookup by reference is a byte-order range too; the primary key's index is in the
-- database's collation, which may not be byte order.
CREATE INDEX records_by_reference_bytes ON records (guild_id, kind, reference COLLATE "C");
-- Only concerns have a key: a partial index stays small.
CREATE INDEX records_by_follow_up_key ON records (follow_up_key) WHERE follow_up_key IS NOT NULL;

-- The reaper deletes by expiry alone.
CREATE INDEX prompt_sessions_by_expires_at ON prompt_sessions (expires_at);

-- One row per message owed (and, next, per reminder): created once per dedupe key, claimed by
-- one worker at a time under a lease, kept after delivery as evidence. Timestamps are the
-- canonical text of the rest of the schema (fixed width, so byte order is time order; COLLATE
-- "C" makes the comparisons byte order whatever the database's locale).
CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id     TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    dedupe_key   TEXT   NOT NULL UNIQUE,
    -- The JSON of the message (`outbox::Message`).
    payload      TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('queued', 'running', 'done', 'dead')),
    run_at       TEXT   COLLATE "C" NOT NULL,
    -- Claims so far; also the fencing token of the current claim.
    attempts     BIGINT NOT NULL DEFAULT 0,
    -- Attempts that failed in a way that counts towards giving up.
    failures     BIGINT NOT NULL DEFAULT 0,
    locked_by    TEXT,
    locked_until TEXT   COLLATE "C",
    last_error   TEXT,
    created_at   TEXT   COLLATE "C" NOT NULL,
    finished_at  TEXT   COLLATE "C"
);
-- The claim reads only these two partial indexes, however many delivered jobs accumulate.
-- `status` leads although it is constant in each: it makes a planner without statistics
-- prefer them to `jobs_by_status` for the claim.
CREATE INDEX jobs_queued ON jobs (status, run_at, id) WHERE status = 'queued';
CREATE INDEX jobs_running ON jobs (status, locked_until) WHERE status = 'running';
-- Listing by status, newest first, and counting per status.
CREATE INDEX jobs_by_status ON jobs (status, id);

-- Every attempt to deliver a job, as evidence: who tried, when, and how it ended.
CREATE TABLE job_attempts (
    job_id      BIGINT NOT NULL REFERENCES jobs (id),
    number      BIGINT NOT NULL,
    worker      TEXT   NOT NULL,
    started_at  TEXT   NOT NULL,
    finished_at TEXT   NOT NULL,
    result      TEXT   NOT NULL,
    detail      TEXT   NOT NULL,
    PRIMARY KEY (job_id, number)
);
