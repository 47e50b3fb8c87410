//! The subcommands' bodies: what each prints and how it exits.
//!
//! Output meant for the person at the terminal goes to stdout (results) or stderr (problems);
//! logs go to stderr through `tracing`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use aimsbot_config::{ConfigErrors, Settings};
use aimsbot_storage::Database;
use aimsbot_workflows::outbox::{JobQuery, JobStatus};
use aimsbot_workflows::services::Services;
use aimsbot_workflows::services::controls::{ControlCoverage, Coverage};
use aimsbot_workflows::verification::{VerifyError, verify_ledger};
use aimsbot_workflows::{Clock, GuildId, SystemClock, Timestamp};

use crate::app::{App, connect_options, offline_services, shutdown_signal};

/// aimsbot keeps the evidence an ISO/IEC 42001 auditor and the EU AI Act ask for — AI incident
/// reports, human overrides, training attestations, reviews and audits — collected in Discord
/// and stored in a tamper-evident ledger.
#[derive(Debug, Parser)]
#[command(name = "aimsbot", version, propagate_version = true)]
struct Cli {
    /// Configuration file (TOML). Without it, ./aimsbot.toml is read if present. Every key can
    /// also be set as AIMSBOT_<SECTION>__<KEY>, e.g. AIMSBOT_DATABASE__URL.
    #[arg(
        long,
        short,
        global = true,
        env = "AIMSBOT_CONFIG",
        value_name = "PATH"
    )]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service: the Discord bot (when a token is configured), the scheduler and the
    /// HTTP server with /healthz and /readyz. With no configuration at all it stores evidence
    /// in ./aimsbot.db and listens on 127.0.0.1:8080. Stops cleanly on Ctrl-C or SIGTERM.
    Run,
    /// Apply pending database migrations and exit. Refuses a database migrated by a newer
    /// aimsbot.
    Migrate,
    /// Validate the configuration and print it with secrets redacted. Exits 1 listing every
    /// problem (each with its key, where the value came from, and what is accepted).
    CheckConfig,
    /// Recompute the evidence ledger's hash chain from the first event to the last. Prints
    /// "ledger OK: N events, head <hash>", or names the first event that does not match and
    /// why, and exits 1.
    Verify,
    /// The outbox: messages owed because of a record (compliance-channel notices, direct
    /// messages asking people to attest), how each delivery went, and dead letters (messages
    /// given up after repeated failures, or refused, e.g. by someone who does not accept
    /// direct messages).
    Outbox {
        #[command(subcommand)]
        command: Option<OutboxCommand>,
    },
    /// Which ISO/IEC 42001 clauses and Annex A controls and which EU AI Act articles the
    /// records evidence: per control, how many records made in the period evidence it and
    /// through which fields, then the controls with none. The mapping is compiled in and
    /// checked against the research catalogue; pairings are judgement, not ISO text.
    Controls {
        /// First day of the period (YYYY-MM-DD, UTC) or an RFC 3339 instant. Default: a year
        /// before --to.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day of the period, included (YYYY-MM-DD, UTC), or an RFC 3339 instant (not
        /// included). Default: now.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only this Discord server's records (its id). Default: every server.
        #[arg(long, value_name = "ID")]
        guild: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum OutboxCommand {
    /// List messages, newest first (the default).
    List {
        /// Only messages in this state: queued, running, done or dead.
        #[arg(long, value_name = "STATE")]
        status: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show one message with every delivery attempt.
    Show {
        /// The message's id, as listed.
        id: i64,
    },
    /// Send a dead letter again (it goes back in the queue, due now).
    Retry {
        /// The message's id, as listed.
        id: i64,
    },
}

/// The `aimsbot` command: parses the arguments, loads the configuration, runs a subcommand.
#[allow(clippy::print_stderr)]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match aimsbot_config::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(errors) => {
            print_config_problems(&errors);
            return ExitCode::FAILURE;
        }
    };
    if let Command::CheckConfig = cli.command {
        return check_config(&settings);
    }
    crate::telemetry::init(&settings.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        match cli.command {
            Command::Run => run(settings).await,
            Command::Migrate => migrate(&settings).await,
            Command::Verify => verify(&settings).await,
            Command::Outbox { command } => match command {
                None => outbox_list(&settings, None, 50).await,
                Some(OutboxCommand::List { status, limit }) => {
                    outbox_list(&settings, status.as_deref(), limit).await
                }
                Some(OutboxCommand::Show { id }) => outbox_show(&settings, id).await,
                Some(OutboxCommand::Retry { id }) => outbox_retry(&settings, id).await,
            },
            Command::Controls { from, to, guild } => {
                controls(&settings, from.as_deref(), to.as_deref(), guild.as_deref()).await
            }
            Command::CheckConfig => unreachable!("handled before the runtime starts"),
        }
    })
}

#[allow(clippy::print_stderr)]
fn problem(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

/// Prints every configuration problem, one per line.
#[allow(clippy::print_stderr)]
pub fn print_config_problems(errors: &ConfigErrors) {
    let count = errors.problems.len();
    eprintln!(
        "the configuration has {count} problem{}:",
        if count == 1 { "" } else { "s" }
    );
    for problem in &errors.problems {
        eprintln!("  - {problem}");
    }
}

/// `aimsbot check-config`: the effective configuration, secrets redacted.
#[allow(clippy::print_stdout)]
pub fn check_config(settings: &Settings) -> ExitCode {
    print!("{}", settings.to_redacted_toml());
    ExitCode::SUCCESS
}

/// `aimsbot run`: until Ctrl-C or SIGTERM.
pub async fn run(settings: Settings) -> ExitCode {
    let app = match App::start(settings, Arc::new(SystemClock)).await {
        Ok(app) => app,
        Err(e) => return problem(format!("{e:#}")),
    };
    shutdown_signal().await;
    app.stop().await;
    ExitCode::SUCCESS
}

/// Opens the configured database without touching its schema, or says why it cannot.
async fn connect(settings: &Settings) -> Result<Database, ExitCode> {
    Database::connect(&connect_options(settings))
        .await
        .map_err(|e| {
            problem(format!(
                "cannot open the database {}: {e}",
                settings.database.url
            ))
        })
}

/// `aimsbot migrate`.
#[allow(clippy::print_stdout)]
pub async fn migrate(settings: &Settings) -> ExitCode {
    let database = match connect(settings).await {
        Ok(database) => database,
        Err(code) => return code,
    };
    let before = match database.schema_status().await {
        Ok(status) => status,
        Err(e) => return problem(e),
    };
    let result = database.migrate().await;
    database.close().await;
    match result {
        Ok(after) if after.applied == before.applied => {
            println!("database already at schema version {}", after.latest_known);
            ExitCode::SUCCESS
        }
        Ok(after) => {
            println!(
                "database migrated from schema version {} to {}",
                before
                    .applied
                    .map_or_else(|| "none (empty)".to_owned(), |v| v.to_string()),
                after.latest_known
            );
            ExitCode::SUCCESS
        }
        Err(e) => problem(e),
    }
}

/// `aimsbot verify`. Reads only: it never migrates the database it is checking.
#[allow(clippy::print_stdout)]
pub async fn verify(settings: &Settings) -> ExitCode {
    let database = match connect(settings).await {
        Ok(database) => database,
        Err(code) => return code,
    };
    match database.schema_status().await {
        Ok(status) if status.applied.is_none() => {
            database.close().await;
            return problem(format!(
                "the database {} holds no aimsbot ledger (no schema): nothing to verify",
                settings.database.url
            ));
        }
        Ok(_) => {}
        Err(e) => return problem(e),
    }
    let result = verify_ledger(database.store().as_ref()).await;
    database.close().await;
    match result {
        Ok(verified) => {
            println!(
                "ledger OK: {} events, head {}",
                verified.events,
                verified.head.hash.to_hex()
            );
            ExitCode::SUCCESS
        }
        Err(VerifyError::Broken(broken)) => problem(format!("ledger does not verify: {broken}")),
        Err(VerifyError::Store(e)) => problem(format!("cannot read the ledger: {e}")),
    }
}

/// The use cases over the configured database, for a subcommand; `None` after printing why.
async fn services_for(settings: &Settings) -> Result<(Database, Services), ExitCode> {
    let database = connect(settings).await?;
    if let Err(e) = database.require_current_schema().await {
        database.close().await;
        return Err(problem(e));
    }
    match offline_services(settings, &database, Arc::new(SystemClock)) {
        Ok(services) => Ok((database, services)),
        Err(e) => {
            database.close().await;
            Err(problem(format!("{e:#}")))
        }
    }
}

/// `aimsbot outbox [list]`: messages owed, newest first, with how many are where.
#[allow(clippy::print_stdout)]
pub async fn outbox_list(settings: &Settings, status: Option<&str>, limit: u32) -> ExitCode {
    let status = match status.map(str::parse::<JobStatus>).transpose() {
        Ok(status) => status,
        Err(e) => return problem(format!("--status: {}", e.message)),
    };
    let (database, services) = match services_for(settings).await {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let listed = async {
        let counts = services.delivery.counts().await?;
        let jobs = services
            .delivery
            .jobs(&JobQuery {
                status,
                limit: limit.max(1),
            })
            .await?;
        Ok::<_, aimsbot_workflows::services::ServiceError>((counts, jobs))
    }
    .await;
    database.close().await;
    let (counts, jobs) = match listed {
        Ok(listed) => listed,
        Err(e) => return problem(e),
    };
    println!(
        "outbox: {} queued, {} being sent, {} delivered, {} dead letters",
        counts.queued, counts.running, counts.done, counts.dead
    );
    if jobs.is_empty() {
        println!(
            "(no messages{})",
            status.map_or(String::new(), |s| format!(" {}", s.as_str()))
        );
    }
    for job in jobs {
        let reference = job.reference.map_or_else(String::new, |r| r.to_string());
        println!(
            "{:>6}  {:<8}  {:<20}  {:<15}  guild {}  attempts {}  created {}{}",
            job.id,
            job.status.as_str(),
            job.kind,
            reference,
            job.guild,
            job.attempts,
            job.created_at,
            job.last_error
                .map(|e| format!("\n        last error: {e}"))
                .unwrap_or_default()
        );
    }
    ExitCode::SUCCESS
}

/// `aimsbot outbox show ID`: one message and every attempt to deliver it.
#[allow(clippy::print_stdout)]
pub async fn outbox_show(settings: &Settings, id: i64) -> ExitCode {
    let (database, services) = match services_for(settings).await {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let attempts = services.delivery.attempts(id).await;
    database.close().await;
    let attempts = match attempts {
        Ok(attempts) => attempts,
        Err(e) => return problem(e),
    };
    if attempts.is_empty() {
        println!(
            "message {id}: no delivery attempts recorded (it may not exist yet or not have been tried)"
        );
    }
    for attempt in attempts {
        println!(
            "attempt {} by {}  {} .. {}  {}: {}",
            attempt.number,
            attempt.worker,
            attempt.started_at,
            attempt.finished_at,
            attempt.result.label(),
            attempt.detail
        );
    }
    ExitCode::SUCCESS
}

/// `aimsbot outbox retry ID`: a dead letter back in the queue.
#[allow(clippy::print_stdout)]
pub async fn outbox_retry(settings: &Settings, id: i64) -> ExitCode {
    let (database, services) = match services_for(settings).await {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let requeued = services.delivery.requeue(id).await;
    database.close().await;
    match requeued {
        Ok(true) => {
            println!("message {id} is queued again; a running aimsbot sends it at its next poll");
            ExitCode::SUCCESS
        }
        Ok(false) => problem(format!(
            "message {id} is not a dead letter (see `aimsbot outbox list --status dead`)"
        )),
        Err(e) => problem(e),
    }
}

/// A day (its start, or for the end of a period the start of the next day) or an instant.
fn period_bound(option: &str, text: &str, end: bool) -> Result<Timestamp, String> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let day = if end {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        return Ok(Timestamp::from_datetime(midnight));
    }
    text.trim().parse().map_err(|_| {
        format!(
            "{option}: `{text}` is not a date; write it like 2026-12-31 or 2026-12-31T18:00:00Z"
        )
    })
}

/// `aimsbot controls [--from DATE] [--to DATE] [--guild ID]`.
#[allow(clippy::print_stdout)]
pub async fn controls(
    settings: &Settings,
    from: Option<&str>,
    to: Option<&str>,
    guild: Option<&str>,
) -> ExitCode {
    let to = match to.map(|t| period_bound("--to", t, true)).transpose() {
        Ok(to) => to.unwrap_or_else(|| SystemClock.now()),
        Err(e) => return problem(e),
    };
    let from = match from.map(|f| period_bound("--from", f, false)).transpose() {
        Ok(from) => from.unwrap_or_else(|| to.plus(chrono::Duration::days(-365))),
        Err(e) => return problem(e),
    };
    let guild = match guild.map(|g| GuildId::new(g.trim())).transpose() {
        Ok(guild) => guild,
        Err(e) => return problem(format!("--guild: {}", e.message)),
    };
    let (database, services) = match services_for(settings).await {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let coverage = services.controls.coverage(guild, from, to).await;
    database.close().await;
    let coverage = match coverage {
        Ok(coverage) => coverage,
        Err(aimsbot_workflows::services::ServiceError::Invalid(e)) => {
            return problem(format!("--{}: {}", e.field, e.message));
        }
        Err(e) => return problem(e),
    };
    print!("{}", render_coverage(&coverage));
    ExitCode::SUCCESS
}

/// The coverage as the terminal shows it.
fn render_coverage(coverage: &Coverage) -> String {
    let evidenced = coverage.controls.iter().filter(|c| c.records() > 0).count();
    let mut out = format!(
        "Records made from {} up to {} ({}) evidence {evidenced} of {} controls.\n",
        coverage.from,
        coverage.to,
        coverage
            .guild
            .as_ref()
            .map_or_else(|| "every server".to_owned(), |g| format!("server {g}")),
        coverage.controls.len()
    );
    let mut source = None;
    for row in coverage.controls.iter().filter(|c| c.records() > 0) {
        if source != Some(row.control.source) {
            source = Some(row.control.source);
            out.push_str(&format!("\n{}\n", row.control.source.label()));
        }
        out.push_str(&format!(
            "  {:<11} {:>6}  {}\n              by {}\n",
            row.control.id,
            row.records(),
            row.control.title,
            evidenced_by(row, true)
        ));
    }
    out.push_str("\nNo evidence in this period:\n");
    for row in coverage.controls.iter().filter(|c| c.records() == 0) {
        let why = if row.collected() {
            format!("none of: {}", evidenced_by(row, false))
        } else {
            "aimsbot collects no record for it".to_owned()
        };
        out.push_str(&format!(
            "  {:<11} {}  ({why})\n",
            row.control.id, row.control.title
        ));
    }
    out
}

/// "Incident reports [initial_report] with initial_report set: 2; Human overrides: 1".
fn evidenced_by(row: &ControlCoverage, counts: bool) -> String {
    row.evidence
        .iter()
        .map(|(link, count)| {
            let fields = if link.fields.is_empty() {
                String::new()
            } else {
                format!(" [{}]", link.fields.join(", "))
            };
            let condition = if link.requires.is_empty() {
                String::new()
            } else {
                format!(" with {} set", link.requires.join(" or "))
            };
            let count = if counts {
                format!(": {count}")
            } else {
                String::new()
            };
            format!("{}{fields}{condition}{count}", link.evidence.label())
        })
        .collect::<Vec<_>>()
        .join("; ")
}
