//! Drain benchmark: how fast the outbox empties against a Discord that enforces a global rate
//! limit and announces it in its response headers, and whether anything is lost or sent twice.
//!
//! It fills a SQLite database with attestation requests (each owing one direct message, as
//! `/attest request` does), starts the fake Discord with a global limit (50 requests per second
//! by default), starts a real `aimsbot` process on that database pointed at the fake, and
//! waits until every message arrived. It reports the requests per second achieved against the
//! limit, the 429s the fake's limiter had to send (those are the sender's misses; injected
//! failures are counted apart), duplicates and losses.
//!
//! ```sh
//! cargo build --release -p aimsbot -p aimsbot-tests
//! target/release/drain --messages 10000 --people 1000 --limit 50
//! ```

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aimsbot_storage::{ConnectOptions, Database};
use aimsbot_tests::fake_discord::{FakeConfig, FakeDiscord, RandomFailures};
use aimsbot_tests::fixtures::{self, DEFAULT_GUILD_ID};
use aimsbot_tests::harness::guild_with_members;
use aimsbot_workflows::outbox::OwedMessage;
use aimsbot_workflows::ports::NewRecord;
use aimsbot_workflows::testing::pending_attestation;
use aimsbot_workflows::{Actor, Clock, GuildId, SystemClock};
use clap::Parser;
use serde_json::Value;

/// Drain owed direct messages through a rate-limited fake Discord and measure the sender.
#[derive(Debug, Parser)]
struct Args {
    /// How many direct messages are owed.
    #[arg(long, default_value_t = 10_000)]
    messages: usize,
    /// Among how many people (each gets messages / people).
    #[arg(long, default_value_t = 1_000)]
    people: usize,
    /// The fake's global limit, in requests per second.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Also answer this share of calls with an injected 429 or 5xx (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    inject: f64,
    /// The aimsbot binary (default: next to this one).
    #[arg(long)]
    bot: Option<PathBuf>,
}

const FIRST_PERSON: u64 = 3_000_000_000_000_000_000;

async fn fill(url: &str, messages: usize, people: usize) {
    let database = Database::connect(&ConnectOptions::new(url)).await.unwrap();
    database.migrate().await.unwrap();
    let store = database.store();
    let guild = GuildId::new(DEFAULT_GUILD_ID.to_string()).unwrap();
    let requester = Actor::discord(FIRST_PERSON - 1, "carla");
    for n in 0..messages {
        let person = Actor::discord(FIRST_PERSON + (n % people) as u64, "person");
        store
            .create(NewRecord {
                guild: guild.clone(),
                actor: requester.clone(),
                at: SystemClock.now(),
                record: pending_attestation(
                    person.clone(),
                    requester.clone(),
                    "I completed the AI literacy training",
                ),
                idempotency_key: None,
                owed: vec![OwedMessage::AttestationRequest { person }],
            })
            .await
            .unwrap();
    }
    database.close().await;
}

fn start_bot(path: &PathBuf, fake: &FakeDiscord, dir: &std::path::Path, url: &str) -> Child {
    Command::new(path)
        .arg("run")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AIMSBOT_DATABASE__URL", url)
        .env("AIMSBOT_DISCORD__TOKEN", "fake-token")
        .env("AIMSBOT_DISCORD__API_BASE_URL", fake.base_url())
        .env("AIMSBOT_DISCORD__GUILD_IDS", DEFAULT_GUILD_ID.to_string())
        .env("AIMSBOT_WEB__BIND", "127.0.0.1:0")
        .env("AIMSBOT_SCHEDULER__TICK_INTERVAL", "1s")
        .env("AIMSBOT_LOG__FILTER", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e} (build it: cargo build --release -p aimsbot)",
                path.display()
            )
        })
}

/// Direct messages created per person, and sends per nonce.
fn tally(fake: &FakeDiscord, people: usize) -> (usize, BTreeMap<String, usize>) {
    let mut created = 0;
    let mut sends = BTreeMap::new();
    for n in 0..people {
        let channel = fixtures::dm_channel_id(FIRST_PERSON + n as u64).to_string();
        created += fake.created_messages_in(&channel).len();
    }
    for call in fake.calls() {
        if call.method == "POST"
            && call.route().starts_with("/channels/")
            && call.route().ends_with("/messages")
            && call.status == 200
        {
            let nonce = call
                .body
                .as_ref()
                .map_or(Value::Null, |b| b["nonce"].clone());
            *sends.entry(nonce.to_string()).or_insert(0) += 1;
        }
    }
    (created, sends)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let bot = args
        .bot
        .clone()
        .unwrap_or_else(|| std::env::current_exe().unwrap().with_file_name("aimsbot"));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("aimsbot.db").display());
    let filling = Instant::now();
    fill(&url, args.messages, args.people).await;
    println!(
        "drain: {} direct messages owed to {} people, filled in {:.1} s",
        args.messages,
        args.people,
        filling.elapsed().as_secs_f64()
    );

    let fake = FakeConfig::default()
        .with_guilds(vec![guild_with_members(&[])])
        .with_global_rate_limit(args.limit, Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    if args.inject > 0.0 {
        fake.fail_randomly(RandomFailures {
            route_prefixes: vec!["/channels/".into(), "/users/@me/channels".into()],
            rate: args.inject,
            statuses: vec![429, 500, 502, 503],
            seed: 7,
        });
    }
    let mut child = start_bot(&bot, &fake, dir.path(), &url);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(3600);
    let mut first_send: Option<Instant> = None;
    let mut last_progress = (Instant::now(), 0);
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (created, _) = tally(&fake, args.people);
        if first_send.is_none() && created > 0 {
            first_send = Some(Instant::now());
        }
        if created >= args.messages || Instant::now() > deadline {
            break;
        }
        if created != last_progress.1 {
            last_progress = (Instant::now(), created);
        } else if last_progress.0.elapsed() > Duration::from_secs(60) {
            eprintln!("no progress for 60 s at {created} messages; giving up");
            break;
        }
    }
    let finished = Instant::now();
    // Leave a moment for a duplicate to show before counting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();

    let (created, sends) = tally(&fake, args.people);
    let requests: Vec<_> = fake
        .calls()
        .into_iter()
        .filter(|c| {
            c.method == "POST"
                && (c.route().starts_with("/channels/") || c.route() == "/users/@me/channels")
        })
        .collect();
    // What went through the limit: injected failures are answered before it.
    let handled = requests
        .iter()
        .filter(|c| (200..300).contains(&c.status))
        .count();
    let window = match (requests.first(), requests.last()) {
        (Some(first), Some(last)) => last.at.saturating_duration_since(first.at),
        _ => Duration::ZERO,
    };
    let rate = handled as f64 / window.as_secs_f64().max(f64::EPSILON);
    let duplicates: usize = sends.values().map(|n| n.saturating_sub(1)).sum();
    let injected = fake.injected_failures();
    let injected_429 = injected.get(&429).copied().unwrap_or(0);
    println!(
        "delivered:             {created} of {} direct messages ({} lost)",
        args.messages,
        args.messages.saturating_sub(created)
    );
    println!(
        "requests:              {} handled ({} opening direct-message channels), {} failed or refused",
        handled,
        requests
            .iter()
            .filter(|c| c.route() == "/users/@me/channels" && c.status == 200)
            .count(),
        requests.len() - handled
    );
    println!(
        "achieved rate:         {rate:.1} requests/s over {:.1} s, against a limit of {} (ratio {:.3})",
        window.as_secs_f64(),
        args.limit,
        rate / f64::from(args.limit)
    );
    println!(
        "429s from the limit:   {} (beyond the {} injected 429s; injected failures: {:?})",
        fake.rate_limited(),
        injected_429,
        injected
    );
    println!("duplicates:            {duplicates}");
    println!(
        "wall time:             {:.1} s from start, {:.1} s from the first message",
        finished.duration_since(started).as_secs_f64(),
        first_send.map_or(0.0, |f| finished.duration_since(f).as_secs_f64())
    );
    if created < args.messages || duplicates > 0 {
        std::process::exit(1);
    }
}
