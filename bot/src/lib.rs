//! aimsbot, the binary's library: wiring ([`app`]), what the parts share ([`state`]), the
//! Discord adapter ([`discord`]), the outbox's delivery worker ([`delivery`]), the prompt
//! reaper ([`reaper`]), the HTTP server ([`web`]) and the command-line subcommands ([`cli`]).
//! End-to-end tests start the same [`app::App`] the binary runs.

pub mod app;
pub mod cli;
pub mod delivery;
pub mod discord;
pub mod reaper;
mod secret;
pub mod state;
pub mod telemetry;
pub mod web;
