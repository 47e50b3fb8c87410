//! Test support for aimsbot: a fake Discord (REST and gateway on 127.0.0.1) that drives the
//! real serenity/poise client, and JSON fixtures for the payloads Discord sends.
//!
//! The bot's end-to-end tests and the load tool share this crate, so everything here is public
//! API: see [`fake_discord::FakeDiscord`], the builders in [`fixtures`], and [`harness`], which
//! starts the real aimsbot against the fake.

pub mod fake_discord;
pub mod fixtures;
pub mod harness;
pub mod process;
