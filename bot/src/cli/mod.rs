//! The subcommands' bodies: what each prints and how it exits.
//!
//! Output meant for the person at the terminal goes to stdout (results) or stderr (problems);
//! logs go to stderr through `tracing`.

use std::process::ExitCode;
use std::sync::Arc;

use aimsbot_config::{ConfigErrors, Settings};
use aimsbot_storage::Database;
use aimsbot_workflows::SystemClock;
use aimsbot_workflows::verification::{VerifyError, verify_ledger};

use crate::app::{App, connect_options, shutdown_signal};

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
