//! Load tool: drives guided incident reports (slash command with options, modal, confirm)
//! through the fake Discord against a real `aimsbot` process on SQLite, at a fixed arrival
//! rate, and reports interactions per second, the time from INTERACTION_CREATE sent to the
//! answer the person sees (p50/p90/p99/max), and the bot's peak resident memory. The answer is
//! the interaction callback, or, when the bot deferred (it does before recording), the edit
//! that follows the deferral.
//!
//! Build both binaries, then run it:
//!
//! ```sh
//! cargo build --release -p aimsbot -p aimsbot-tests
//! target/release/load --flows 4000 --rate 200
//! ```

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aimsbot_tests::fake_discord::{FakeConfig, FakeDiscord, RecordedCall};
use aimsbot_tests::fixtures::{self, DEFAULT_GUILD_ID, Invoker, opt};
use aimsbot_tests::harness::{callback, guild_with_members, id_ending, prompt_message};
use clap::Parser;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

/// Drive incident reports through the fake Discord and measure the bot.
#[derive(Debug, Parser)]
struct Args {
    /// How many flows (slash command + modal + confirm) to run.
    #[arg(long, default_value_t = 2000)]
    flows: usize,
    /// Flows started per second (open loop: a slow bot does not slow the arrivals).
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// The aimsbot binary (default: next to this one).
    #[arg(long)]
    bot: Option<PathBuf>,
    /// SQLite durability: full (the default) or normal.
    #[arg(long, default_value = "full")]
    sqlite_synchronous: String,
}

/// Routes the bot's answers to the flows waiting for them.
type Waiters = Arc<Mutex<HashMap<String, oneshot::Sender<(Instant, Value)>>>>;

fn route_callbacks(mut calls: mpsc::UnboundedReceiver<RecordedCall>, waiters: Waiters) {
    tokio::spawn(async move {
        // Interaction token -> id of a deferred interaction whose answer is still to come.
        let mut deferred: HashMap<String, String> = HashMap::new();
        while let Some(call) = calls.recv().await {
            let route = call.route().to_owned();
            let answered = if call.method == "POST" && route.starts_with("/interactions/") {
                let mut parts = route.trim_start_matches("/interactions/").split('/');
                let (Some(id), Some(token)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let body = call.body.clone().unwrap_or(Value::Null);
                if body["type"]
                    .as_u64()
                    .is_some_and(|t| [callback::DEFERRED, callback::DEFERRED_UPDATE].contains(&t))
                {
                    deferred.insert(token.to_owned(), id.to_owned());
                    continue;
                }
                Some((id.to_owned(), body))
            } else if route.starts_with("/webhooks/") {
                let token = route.split('/').nth(3).unwrap_or_default();
                deferred.remove(token).map(|id| {
                    (
                        id,
                        json!({"data": call.body.clone().unwrap_or(Value::Null)}),
                    )
                })
            } else {
                None
            };
            if let Some((id, body)) = answered
                && let Some(waiter) = waiters.lock().unwrap().remove(&id)
            {
                let _ = waiter.send((call.at, body));
            }
        }
    });
}

/// Sends one interaction and waits for its answer: the answer and the latency.
async fn interact(
    fake: &FakeDiscord,
    waiters: &Waiters,
    interaction: Value,
) -> Result<(Value, Duration), String> {
    let id = interaction["id"].as_str().unwrap().to_owned();
    let (tx, rx) = oneshot::channel();
    waiters.lock().unwrap().insert(id.clone(), tx);
    let sent = Instant::now();
    fake.dispatch("INTERACTION_CREATE", interaction).await;
    match tokio::time::timeout(Duration::from_secs(10), rx).await {
        Ok(Ok((at, body))) => Ok((body, at.saturating_duration_since(sent))),
        _ => {
            waiters.lock().unwrap().remove(&id);
            Err(format!("no answer within 10 s for interaction {id}"))
        }
    }
}

/// One guided report: three interactions, three latencies.
async fn flow(
    fake: Arc<FakeDiscord>,
    waiters: Waiters,
    user: u64,
) -> Result<[Duration; 3], String> {
    let invoker = Invoker::new(
        DEFAULT_GUILD_ID,
        fixtures::DEFAULT_CHANNEL_ID,
        user,
        &format!("user{user}"),
    );
    let options = json!([opt::subcommand(
        "report",
        json!([
            opt::string("system", "Loan scorer"),
            opt::string("kind", "near_miss"),
            opt::string("severity", "low"),
            opt::string("harm", "none"),
            opt::string("serious", "not_serious"),
            opt::string("role", "deployer"),
        ])
    )]);
    let (modal, first) = interact(
        &fake,
        &waiters,
        fixtures::slash_command(&invoker, "incident", options),
    )
    .await?;
    let form = modal["data"]["custom_id"]
        .as_str()
        .ok_or_else(|| format!("expected a modal, got {modal}"))?;
    let submit = fixtures::modal_submit(
        &invoker,
        form,
        &[
            ("ai_system", "Loan scorer"),
            ("title", "Score looked off for a thin-file applicant"),
            (
                "what_happened",
                "The model scored a thin-file applicant far below peers; the officer caught it.",
            ),
            ("occurred_at", "1 hour ago"),
            ("aware_at", "1 hour ago"),
        ],
    );
    let (summary, second) = interact(&fake, &waiters, submit).await?;
    if !summary["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .contains("Nothing is recorded until you confirm")
    {
        return Err(format!("expected the summary, got {summary}"));
    }
    let confirm = fixtures::component_click(
        &invoker,
        &id_ending(&summary, ":confirm"),
        prompt_message(&invoker),
    );
    let (done, third) = interact(&fake, &waiters, confirm).await?;
    if !done["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .contains("Recorded as")
    {
        return Err(format!("expected the confirmation, got {done}"));
    }
    Ok([first, second, third])
}

fn start_bot(
    path: &PathBuf,
    fake: &FakeDiscord,
    dir: &std::path::Path,
    synchronous: &str,
) -> Child {
    Command::new(path)
        .arg("run")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "AIMSBOT_DATABASE__URL",
            format!("sqlite://{}", dir.join("aimsbot.db").display()),
        )
        .env("AIMSBOT_DATABASE__SQLITE_SYNCHRONOUS", synchronous)
        .env("AIMSBOT_DISCORD__TOKEN", "fake-token")
        .env("AIMSBOT_DISCORD__API_BASE_URL", fake.base_url())
        .env("AIMSBOT_DISCORD__GUILD_IDS", DEFAULT_GUILD_ID.to_string())
        .env("AIMSBOT_WEB__BIND", "127.0.0.1:0")
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

/// Peak and current resident memory of a process, in KiB (Linux).
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let bot = args
        .bot
        .clone()
        .unwrap_or_else(|| std::env::current_exe().unwrap().with_file_name("aimsbot"));
    let fake = Arc::new(
        FakeConfig::default()
            .with_guilds(vec![guild_with_members(&[])])
            .start()
            .await
            .unwrap(),
    );
    let waiters: Waiters = Arc::default();
    let mut calls = fake.subscribe();
    let dir = tempfile::tempdir().unwrap();
    let mut child = start_bot(&bot, &fake, dir.path(), &args.sqlite_synchronous);

    // Ready when its commands are registered (poise's setup has run).
    let registered = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(call) = calls.recv().await {
            if call.method == "PUT" && call.route().contains("/commands") {
                return;
            }
        }
    })
    .await;
    if registered.is_err() {
        let _ = child.kill();
        panic!("the bot did not register its commands within 30 s");
    }
    route_callbacks(calls, waiters.clone());
    let (_, rss_idle) = memory_kib(child.id());

    println!(
        "load: {} flows (slash command + modal + confirm) at {} flows/s against {} (SQLite synchronous={})",
        args.flows,
        args.rate,
        bot.display(),
        args.sqlite_synchronous
    );
    let started = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / args.rate);
    let mut tasks = Vec::with_capacity(args.flows);
    for i in 0..args.flows {
        let due = started + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let user = 2_000_000_000_000_000_000 + (i as u64 % 500);
        tasks.push(tokio::spawn(flow(fake.clone(), waiters.clone(), user)));
    }
    let mut latencies = Vec::with_capacity(args.flows * 3);
    let mut by_step: [Vec<Duration>; 3] = Default::default();
    let mut failures = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(three) => {
                for (step, latency) in three.iter().enumerate() {
                    by_step[step].push(*latency);
                }
                latencies.extend(three);
            }
            Err(e) => failures.push(e),
        }
    }
    let elapsed = started.elapsed();
    let (peak_kib, rss_kib) = memory_kib(child.id());
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();

    // What the bot acknowledged must be in its database, with a valid ledger.
    let database = aimsbot_storage::Database::connect(&aimsbot_storage::ConnectOptions::new(
        format!("sqlite://{}", dir.path().join("aimsbot.db").display()),
    ))
    .await
    .unwrap();
    let verified = aimsbot_workflows::verification::verify_ledger(database.store().as_ref()).await;

    latencies.sort();
    let completed = args.flows - failures.len();
    println!(
        "completed flows:       {completed} of {} ({} failed)",
        args.flows,
        failures.len()
    );
    for failure in failures.iter().take(5) {
        println!("  failure: {failure}");
    }
    println!("wall time:             {:.2} s", elapsed.as_secs_f64());
    println!(
        "flows per second:      {:.1}",
        completed as f64 / elapsed.as_secs_f64()
    );
    println!(
        "interactions / second: {:.1}",
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "INTERACTION_CREATE -> answer: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} interactions)",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 90.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
        latencies.len()
    );
    for (step, name) in [
        "slash command -> form",
        "form -> summary",
        "confirm -> recorded",
    ]
    .iter()
    .enumerate()
    {
        let step_latencies = &mut by_step[step];
        step_latencies.sort();
        println!(
            "  {name:<22} p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms",
            ms(percentile(step_latencies, 50.0)),
            ms(percentile(step_latencies, 90.0)),
            ms(percentile(step_latencies, 99.0)),
        );
    }
    println!(
        "bot memory:            peak RSS {:.1} MiB (idle before load {:.1} MiB, at end {:.1} MiB)",
        peak_kib as f64 / 1024.0,
        rss_idle as f64 / 1024.0,
        rss_kib as f64 / 1024.0
    );
    match verified {
        Ok(v) => println!(
            "ledger:                OK, {} events (one per recorded incident)",
            v.events
        ),
        Err(e) => println!("ledger:                DOES NOT VERIFY: {e}"),
    }
    if !failures.is_empty() {
        std::process::exit(1);
    }
}
