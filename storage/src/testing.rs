//! Test databases for this crate's conformance suite and other crates' tests (feature
//! `test-support`): a fresh SQLite file per test, and a fresh PostgreSQL schema per test when
//! `AIMSBOT_TEST_POSTGRES_URL` is set. Without it the Postgres half is skipped with a notice,
//! unless `CI=true`, where a missing or unreachable Postgres fails the run.

#![allow(clippy::unwrap_used)] // test support: a failed unwrap is a failed test

use std::sync::Arc;

use crate::{ConnectOptions, Database};
use aimsbot_workflows::ports::{Outbox, SessionStore, Store};

pub const POSTGRES_URL_VAR: &str = "AIMSBOT_TEST_POSTGRES_URL";

/// A migrated database that cleans up after itself.
#[derive(Debug)]
pub struct TestDb {
    pub db: Database,
    /// The URL it was opened with, for handing to the `aimsbot` binary.
    pub url: String,
    cleanup: Option<Cleanup>,
    _dir: Option<tempfile::TempDir>,
}

#[derive(Debug)]
enum Cleanup {
    PostgresSchema { admin_url: String, schema: String },
}

impl TestDb {
    pub fn store(&self) -> Arc<dyn Store> {
        self.db.store()
    }

    pub fn sessions(&self) -> Arc<dyn SessionStore> {
        self.db.sessions()
    }

    pub fn outbox(&self) -> Arc<dyn Outbox> {
        self.db.outbox()
    }

    /// Runs raw SQL with write access, bypassing the store: for tampering tests.
    pub async fn execute(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match &self.db {
            Database::Sqlite(s) => {
                sqlx::raw_sql(sql).execute(s.write_pool()).await.unwrap();
            }
            Database::Postgres(s) => {
                sqlx::raw_sql(sql).execute(s.write_pool()).await.unwrap();
            }
        }
    }

    /// Lets tamper tests write to the ledger freely, as an attacker with database access could:
    /// drops the append-only and chain-linking triggers.
    pub async fn disable_append_only_guards(&self) {
        match &self.db {
            Database::Sqlite(_) => {
                self.execute(
                    "DROP TRIGGER ledger_events_no_update; DROP TRIGGER ledger_events_no_delete; \
                     DROP TRIGGER ledger_events_follow_head; DROP TRIGGER ledger_head_follows_events;",
                )
                .await
            }
            Database::Postgres(_) => {
                self.execute("ALTER TABLE ledger_events DISABLE TRIGGER USER")
                    .await
            }
        }
    }
}

/// The reads the ports promise are indexed, whose query plans the conformance suite checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexedLookup {
    RecordsNamedExactly,
    RecordsNamedStartingWith,
    ConcernByHandle,
    /// The outbox's claim of due jobs.
    ClaimDueJobs,
}

impl TestDb {
    /// How the database would run `lookup`, as text, one line per plan node: SQLite's `EXPLAIN
    /// QUERY PLAN`, or PostgreSQL's `EXPLAIN` with sequential scans discouraged, so that a
    /// table of a few rows still shows whether an index can serve.
    pub async fn query_plan(&self, lookup: IndexedLookup) -> String {
        let limit = 5_i64;
        let (sqlite, postgres, binds): (&str, &str, &[&str]) = match lookup {
            IndexedLookup::RecordsNamedExactly => (
                crate::sqlite::RECORDS_NAMED_EXACTLY,
                crate::postgres::RECORDS_NAMED_EXACTLY,
                &["2000", "ai_system", "credit scorer", "CREDIT SCORER"],
            ),
            IndexedLookup::RecordsNamedStartingWith => (
                crate::sqlite::RECORDS_NAMED_STARTING_WITH,
                crate::postgres::RECORDS_NAMED_STARTING_WITH,
                &[
                    "2000",
                    "ai_system",
                    "cre",
                    "cre\u{10FFFF}",
                    "CRE",
                    "CRE\u{10FFFF}",
                ],
            ),
            IndexedLookup::ConcernByHandle => (
                crate::sqlite::CONCERN_BY_HANDLE,
                crate::postgres::CONCERN_BY_HANDLE,
                &["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
            ),
            IndexedLookup::ClaimDueJobs => (
                crate::sqlite::CLAIM,
                crate::postgres::CLAIM,
                &[
                    "worker",
                    "2026-12-01T10:05:00.000000Z",
                    "2026-12-01T10:00:00.000000Z",
                ],
            ),
        };
        let with_limit = lookup != IndexedLookup::ConcernByHandle;
        match &self.db {
            Database::Sqlite(s) => {
                let explain = sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sqlite}"));
                let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(explain);
                for bind in binds {
                    query = query.bind(*bind);
                }
                if with_limit {
                    query = query.bind(limit);
                }
                let rows = query.fetch_all(s.write_pool()).await.unwrap();
                rows.into_iter()
                    .map(|(_, _, _, detail)| detail)
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            Database::Postgres(s) => {
                let mut tx = s.write_pool().begin().await.unwrap();
                sqlx::query("SET LOCAL enable_seqscan = off")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                let explain = sqlx::AssertSqlSafe(format!("EXPLAIN {postgres}"));
                let mut query = sqlx::query_scalar::<_, String>(explain);
                for bind in binds {
                    query = query.bind(*bind);
                }
                if with_limit {
                    query = query.bind(limit);
                }
                let lines = query.fetch_all(&mut *tx).await.unwrap();
                lines.join("\n")
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(Cleanup::PostgresSchema { admin_url, schema }) = self.cleanup.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot be blocked on: clean up from a
        // thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(pool) = sqlx::PgPool::connect(&admin_url).await {
                    let drop = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                        .execute(&pool)
                        .await;
                }
            });
        })
        .join();
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("aimsbot.db").display());
    let db = Database::connect(&ConnectOptions::new(url.clone()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    TestDb {
        db,
        url,
        cleanup: None,
        _dir: Some(dir),
    }
}

/// The Postgres URL for tests, or `None` (skip) outside CI.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "{POSTGRES_URL_VAR} is not set, and CI=true requires the PostgreSQL conformance tests to run"
            )
        }
        _ => {
            eprintln!(
                "notice: skipping the PostgreSQL half of this test: set {POSTGRES_URL_VAR}=postgres://… to run it"
            );
            None
        }
    }
}

pub async fn postgres() -> Option<TestDb> {
    let admin_url = postgres_url()?;
    let admin = sqlx::PgPool::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {POSTGRES_URL_VAR}: {e}"));
    let schema = format!("aimsbot_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let separator = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
    let db = Database::connect(&ConnectOptions::new(url.clone()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    Some(TestDb {
        db,
        url,
        cleanup: Some(Cleanup::PostgresSchema { admin_url, schema }),
        _dir: None,
    })
}
