//! The `aimsbot` binary as a newcomer and an operator use it: run on a fresh machine, on
//! PostgreSQL, check a broken config, migrate, verify a ledger, refuse a newer database, list
//! the controls the records evidence.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aimsbot_storage::testing::{self, TestDb};
use aimsbot_workflows::GuildId;
use aimsbot_workflows::ports::NewRecord;
use aimsbot_workflows::testing::{fixed_now, incident, person};

const BIN: &str = env!("CARGO_BIN_EXE_aimsbot");

/// A command with no AIMSBOT_* configuration from the developer's own environment.
fn aimsbot(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command.current_dir(dir).env_remove("RUST_LOG");
    for (name, _) in std::env::vars() {
        if name.starts_with("AIMSBOT_") {
            command.env_remove(name);
        }
    }
    command
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A started `aimsbot run`, with the address it reported listening on.
struct Running {
    child: Child,
    addr: String,
    log: mpsc::Receiver<String>,
}

fn start_run(mut command: Command) -> Running {
    let mut child = command
        .arg("run")
        .env("AIMSBOT_WEB__BIND", "127.0.0.1:0")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Owned from here on, so a panic below still kills the process.
    let mut running = Running {
        child,
        addr: String::new(),
        log: rx,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while running.addr.is_empty() {
        let line = running
            .log
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| {
                panic!(
                    "aimsbot run never said it was listening; it said:\n{}",
                    seen.join("\n")
                )
            });
        match line.split("listening on http://").nth(1) {
            Some(addr) => running.addr = addr.trim().to_owned(),
            None => seen.push(line),
        }
    }
    running
}

impl Drop for Running {
    /// A failed test must not leave a server running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn get(&self, path: &str) -> (u16, String) {
        let url = format!("http://{}{path}", self.addr);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let response = reqwest::get(&url).await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        })
    }

    /// Sends SIGINT, as Ctrl-C does, and returns the exit status and how long it took.
    fn interrupt(mut self) -> (std::process::ExitStatus, Duration, Vec<String>) {
        let started = Instant::now();
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = started + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("aimsbot did not exit within 10 s of SIGINT");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        (status, started.elapsed(), self.log.try_iter().collect())
    }
}

#[test]
fn run_on_a_fresh_directory_serves_health_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_run(aimsbot(dir.path()));
    assert!(
        dir.path().join("aimsbot.db").exists(),
        "./aimsbot.db is created"
    );
    assert_eq!(running.get("/healthz"), (200, "ok\n".to_owned()));
    let (code, body) = running.get("/readyz");
    assert_eq!(code, 200, "{body}");
    assert!(
        body.contains(r#""database":"ok""#) && body.contains("not configured"),
        "{body}"
    );
    let (status, took, log) = running.interrupt();
    assert!(status.success(), "exit status {status:?}; log: {log:?}");
    assert!(took < Duration::from_secs(5), "shutdown took {took:?}");
}

#[test]
fn migrate_then_run_on_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(testing::postgres()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let output = aimsbot(dir.path())
        .arg("migrate")
        .env("AIMSBOT_DATABASE__URL", &db.url)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("already at schema version"), "{stdout}");

    let mut command = aimsbot(dir.path());
    command.env("AIMSBOT_DATABASE__URL", &db.url);
    let running = start_run(command);
    assert_eq!(running.get("/healthz").0, 200);
    assert_eq!(running.get("/readyz").0, 200);
    assert!(
        !dir.path().join("aimsbot.db").exists(),
        "no SQLite file when on PostgreSQL"
    );
    let (status, took, _) = running.interrupt();
    assert!(status.success());
    assert!(took < Duration::from_secs(5), "shutdown took {took:?}");
}

#[test]
fn check_config_lists_every_problem_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aimsbot.toml"),
        "[web]\nbnd = \"127.0.0.1:1\"\n[database]\nurl = \"mysql://db/aims\"\n[scheduler]\ndefault_time_zone = \"Mars/Olympus\"\n",
    )
    .unwrap();
    let output = aimsbot(dir.path()).arg("check-config").output().unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("3 problems"), "{stderr}");
    for key in ["web.bnd", "database.url", "scheduler.default_time_zone"] {
        assert!(stderr.contains(key), "{key} is named in:\n{stderr}");
    }
}

#[test]
fn check_config_prints_the_effective_config_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let output = aimsbot(dir.path())
        .arg("check-config")
        .env("AIMSBOT_DISCORD__TOKEN", "MTIz.very-secret-token")
        .env("AIMSBOT_DISCORD__GUILD_IDS", "123456789012345678")
        .env(
            "AIMSBOT_SECURITY__SECRET",
            "a-server-secret-of-at-least-32-characters",
        )
        .env(
            "AIMSBOT_DATABASE__URL",
            "postgres://aims:hunter2@db.internal/aims",
        )
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("[database]") && stdout.contains("db.internal"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("hunter2")
            && !stdout.contains("very-secret-token")
            && !stdout.contains("a-server-secret"),
        "{stdout}"
    );
    assert!(stdout.contains("[redacted]"), "{stdout}");
}

/// A SQLite database with one incident per account, reported by alice on 28 November 2026.
fn database_with_incidents(accounts: &[&str]) -> (tokio::runtime::Runtime, TestDb) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db: TestDb = rt.block_on(testing::sqlite());
    let store = db.store();
    rt.block_on(async {
        for account in accounts {
            let alice = person(3000, "alice");
            store
                .create(NewRecord {
                    guild: GuildId::new("2000").unwrap(),
                    actor: alice.clone(),
                    at: fixed_now(),
                    record: incident(alice, account, fixed_now()),
                    idempotency_key: None,
                    owed: Vec::new(),
                })
                .await
                .unwrap();
        }
    });
    (rt, db)
}

#[test]
fn verify_reports_the_head_and_names_a_tampered_event() {
    let (rt, db) = database_with_incidents(&["event 0", "event 1", "event 2"]);
    let store = db.store();
    let head = rt.block_on(store.ledger_head()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let verify = || {
        aimsbot(dir.path())
            .arg("verify")
            .env("AIMSBOT_DATABASE__URL", &db.url)
            .output()
            .unwrap()
    };

    let output = verify();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stdout.trim(),
        format!("ledger OK: 3 events, head {}", head.hash.to_hex())
    );

    rt.block_on(async {
        db.disable_append_only_guards().await;
        db.execute("UPDATE ledger_events SET payload = replace(payload, 'event 1', 'event 7') WHERE seq = 2").await;
    });
    let output = verify();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("event seq 2") && stderr.contains("altered"),
        "{stderr}"
    );
}

#[test]
fn run_refuses_a_database_migrated_by_a_newer_aimsbot() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db: TestDb = rt.block_on(testing::sqlite());
    rt.block_on(db.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, X'00', 0)",
    ));
    let dir = tempfile::tempdir().unwrap();
    let output = aimsbot(dir.path())
        .arg("run")
        .env("AIMSBOT_DATABASE__URL", &db.url)
        .env("AIMSBOT_WEB__BIND", "127.0.0.1:0")
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("version 9999") && stderr.contains("newer aimsbot"),
        "{stderr}"
    );
}

#[test]
fn controls_lists_what_the_records_evidence_and_what_has_none() {
    let (_rt, db) = database_with_incidents(&["It refused everyone over 60"]);
    let dir = tempfile::tempdir().unwrap();
    let controls = |args: &[&str]| {
        aimsbot(dir.path())
            .arg("controls")
            .args(args)
            .env("AIMSBOT_DATABASE__URL", &db.url)
            .output()
            .unwrap()
    };

    let output = controls(&["--from", "2026-11-01", "--to", "2026-11-28"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let (evidenced, none) = stdout.split_once("No evidence in this period:").unwrap();
    let line = |text: &str, id: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{id} ")))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no line for {id} in:\n{text}"))
    };
    // The incident of 28 November (the last day, included) evidences communication (7.4).
    assert!(
        line(evidenced, "A.8.4").contains(" 1  Communication of incidents"),
        "{stdout}"
    );
    assert!(line(evidenced, "Art. 3(49)").contains(" 1  "), "{stdout}");
    // Nothing evidences the AI policy, and the incident was never reported to an authority.
    assert!(
        line(none, "A.2.2").contains("(none of: AI policy reviews)"),
        "{stdout}"
    );
    assert!(
        line(none, "Art. 73").contains("with initial_report or complete_report set)"),
        "{stdout}"
    );
    assert!(
        line(none, "4.3").contains("aimsbot collects no record for it"),
        "{stdout}"
    );

    // Before the incident, nothing is evidenced.
    let output = controls(&["--from", "2026-10-01", "--to", "2026-10-31"]);
    let (stdout, _) = text(&output);
    assert!(stdout.contains("evidence 0 of "), "{stdout}");

    let output = controls(&["--from", "2026-12-01", "--to", "2026-11-01"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("--to: the period ends"), "{stderr}");
    let output = controls(&["--from", "last week"]);
    let (_, stderr) = text(&output);
    assert!(
        stderr.contains("--from: `last week` is not a date"),
        "{stderr}"
    );
}
