//! The `aimsbot` command: runs the service, migrates the database, checks the configuration
//! and verifies the evidence ledger.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match aimsbot_config::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(errors) => {
            aimsbot::cli::print_config_problems(&errors);
            return ExitCode::FAILURE;
        }
    };
    if let Command::CheckConfig = cli.command {
        return aimsbot::cli::check_config(&settings);
    }
    aimsbot::telemetry::init(&settings.log);
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
            Command::Run => aimsbot::cli::run(settings).await,
            Command::Migrate => aimsbot::cli::migrate(&settings).await,
            Command::Verify => aimsbot::cli::verify(&settings).await,
            Command::CheckConfig => unreachable!("handled before the runtime starts"),
        }
    })
}
