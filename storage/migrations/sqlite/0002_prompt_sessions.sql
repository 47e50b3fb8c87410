-- Guided-prompt sessions: a person's answers between interactions (drafts, not evidence, so
-- not in the ledger). The whole session is kept as JSON in `state`; `version` makes a stale
-- save fail instead of overwriting a newer one.
CREATE TABLE prompt_sessions (
    id             TEXT   PRIMARY KEY,
    guild_id       TEXT   NOT NULL,
    flow           TEXT   NOT NULL,
    owner_platform TEXT   NOT NULL,
    owner_id       TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    state          TEXT   NOT NULL,
    version        INTEGER NOT NULL,
    created_at     TEXT   NOT NULL,
    expires_at     TEXT   NOT NULL
);
CREATE INDEX prompt_sessions_by_expiry ON prompt_sessions (status, expires_at);
