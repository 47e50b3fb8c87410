//! The aimsbot binary, built in this package so that its end-to-end tests can run aimsbot as a
//! process of its own (to kill it with SIGKILL, or to run two on one database): cargo builds a
//! package's binaries before its integration tests and names them in `CARGO_BIN_EXE_<name>`.
//! It is `aimsbot::cli::main`, exactly what the `aimsbot` binary runs.

fn main() -> std::process::ExitCode {
    aimsbot::cli::main()
}
