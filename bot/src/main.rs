//! The `aimsbot` command: runs the service, migrates the database, checks the configuration,
//! verifies the evidence ledger and lists the outbox. Everything is in [`aimsbot::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    aimsbot::cli::main()
}
