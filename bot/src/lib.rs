//! aimsbot, the binary's library: wiring ([`app`]), the Discord adapter ([`discord`]), the HTTP
//! server ([`web`]) and the command-line subcommands ([`cli`]). End-to-end tests start the
//! same [`app::App`] the binary runs.

pub mod app;
pub mod cli;
pub mod discord;
pub mod telemetry;
pub mod web;
