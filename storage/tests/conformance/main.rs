//! One conformance suite for every storage backend: each test runs on SQLite always and on
//! PostgreSQL when `AIMSBOT_TEST_POSTGRES_URL` is set (required when `CI=true`).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

mod concurrency;
mod ledger;
mod outbox;
mod records;
mod schema;
mod sessions;
