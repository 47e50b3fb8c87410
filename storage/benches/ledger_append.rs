//! `ledger_append`: events appended per second to the SQLite ledger, against a plain
//! single-row INSERT of a payload of the same size, on the same connection settings (WAL, one
//! writer connection, the same `synchronous` level), measured in one run. Prints the ratio.
//!
//! An append is the whole write path: `BEGIN IMMEDIATE`, read the ledger head, read and
//! re-validate the record, hash, insert the event, advance the head, update the record,
//! commit. Run with `cargo bench -p aimsbot-storage --bench ledger_append`.
//!
//! The ratio printed last comes from a paired measurement: rounds that time a block of appends
//! and then a block of plain inserts, so both see the same disk. (This machine's fsync latency
//! drifts by 2x within a minute; two criterion benchmarks run one after the other do not see
//! the same disk, so the ratio of their means is noise-prone.)

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use aimsbot_storage::{ConnectOptions, Database, SqliteDurability};
use aimsbot_workflows::GuildId;
use aimsbot_workflows::ports::{NewRecord, RecordChange, Store};
use aimsbot_workflows::records::Change;
use aimsbot_workflows::testing::{ai_system, fixed_now, person};
use aimsbot_workflows::text::Narrative;
use criterion::{Criterion, Throughput};

/// Characters in each event's note, about the size of a short incident account.
const NOTE_CHARS: usize = 400;

struct Setup {
    store: std::sync::Arc<dyn Store>,
    plain: sqlx::SqlitePool,
    change: RecordChange,
    payload: String,
    _dir: tempfile::TempDir,
}

async fn setup(durability: SqliteDurability) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let open = |name: &str| {
        let mut options =
            ConnectOptions::new(format!("sqlite://{}", dir.path().join(name).display()));
        options.sqlite_durability = durability;
        options
    };
    let ledger = Database::connect(&open("ledger.db")).await.unwrap();
    ledger.migrate().await.unwrap();
    let store = ledger.store();
    let guild = GuildId::new("2000").unwrap();
    let owner = person(3000, "alice");
    let system = store
        .create(NewRecord {
            guild: guild.clone(),
            actor: owner.clone(),
            at: fixed_now(),
            record: ai_system("Credit scorer", owner.clone()),
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap();
    let change = RecordChange {
        guild,
        reference: system.record.reference,
        actor: owner,
        at: fixed_now(),
        change: Change::Note {
            note: Narrative::new("n".repeat(NOTE_CHARS)).unwrap(),
        },
        idempotency_key: None,
        owed: Vec::new(),
    };
    // The plain table gets exactly as many payload bytes as a ledger event row carries.
    let payload = aimsbot_workflows::canonical::to_canonical_string(&change.change.payload());

    let Database::Sqlite(plain_db) = Database::connect(&open("plain.db")).await.unwrap() else {
        unreachable!("a sqlite URL opens SQLite")
    };
    let plain = plain_db.write_pool().clone();
    sqlx::query("CREATE TABLE plain (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        .execute(&plain)
        .await
        .unwrap();
    Setup {
        store,
        plain,
        change,
        payload,
        _dir: dir,
    }
}

/// Rounds of the paired measurement, and operations of each kind per round.
const ROUNDS: usize = 30;
const PER_ROUND: u32 = 100;

/// Times `PER_ROUND` appends then `PER_ROUND` plain inserts, `ROUNDS` times; returns the
/// ratio (append rate / plain rate) of every round, sorted.
fn paired_ratios(rt: &tokio::runtime::Runtime, setup: &Setup) -> Vec<f64> {
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            rt.block_on(async {
                let started = Instant::now();
                for _ in 0..PER_ROUND {
                    setup.store.change(setup.change.clone()).await.unwrap();
                }
                let ledger = started.elapsed();
                let started = Instant::now();
                for _ in 0..PER_ROUND {
                    sqlx::query("INSERT INTO plain (payload) VALUES ($1)")
                        .bind(&setup.payload)
                        .execute(&setup.plain)
                        .await
                        .unwrap();
                }
                started.elapsed().as_secs_f64() / ledger.as_secs_f64()
            })
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios
}

fn bench(c: &mut Criterion, label: &str, durability: SqliteDurability) -> Vec<f64> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let setup = rt.block_on(setup(durability));
    let mut group = c.benchmark_group(format!("ledger_append_{label}"));
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("ledger_append", |b| {
        b.to_async(&rt).iter_custom(|iterations| {
            let store = setup.store.clone();
            let change = setup.change.clone();
            async move {
                let started = Instant::now();
                for _ in 0..iterations {
                    store.change(change.clone()).await.unwrap();
                }
                started.elapsed()
            }
        });
    });
    group.bench_function("plain_insert", |b| {
        b.to_async(&rt).iter_custom(|iterations| {
            let pool = setup.plain.clone();
            let payload = setup.payload.clone();
            async move {
                let started = Instant::now();
                for _ in 0..iterations {
                    sqlx::query("INSERT INTO plain (payload) VALUES ($1)")
                        .bind(&payload)
                        .execute(&pool)
                        .await
                        .unwrap();
                }
                started.elapsed()
            }
        });
    });
    group.finish();
    paired_ratios(&rt, &setup)
}

/// Where criterion wrote its estimates: `<target>/criterion`, found from this executable's
/// path (`<target>/release/deps/ledger_append-…`).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().join("criterion")
}

fn mean_ns(group: &str, function: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates["mean"]["point_estimate"].as_f64()
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let full = bench(&mut criterion, "full", SqliteDurability::Full);
    let normal = bench(&mut criterion, "normal", SqliteDurability::Normal);
    criterion.final_summary();

    println!("\nledger_append summary (SQLite, one run, {NOTE_CHARS}-character notes):");
    for (label, ratios) in [("full", full), ("normal", normal)] {
        let group = format!("ledger_append_{label}");
        if let (Some(ledger), Some(plain)) = (
            mean_ns(&group, "ledger_append"),
            mean_ns(&group, "plain_insert"),
        ) {
            println!(
                "  synchronous={label:<6}  criterion means: ledger {:>6.0} events/s, plain insert {:>6.0} rows/s",
                1e9 / ledger,
                1e9 / plain
            );
        }
        let quantile = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
        println!(
            "  synchronous={label:<6}  paired ratio ledger/plain: median {:.2} (quartiles {:.2}-{:.2}, {ROUNDS} rounds of {PER_ROUND}+{PER_ROUND})",
            quantile(0.5),
            quantile(0.25),
            quantile(0.75)
        );
    }
}
