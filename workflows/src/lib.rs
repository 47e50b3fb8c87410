//! aimsbot's domain core: the records an ISO/IEC 42001 auditor asks for, the tamper-evident
//! ledger that holds them, and the ports through which storage, chat and the clock are reached.
//!
//! Nothing here performs I/O or knows Discord, SQL or HTTP; adapters live in other crates and
//! implement the traits in [`ports`].
//!
//! Glossary:
//! - **record**: an AI system, incident, human override, attestation, campaign, review or
//!   corrective action, named by a human [`Reference`] such as `INC-2026-0042`.
//! - **event**: one change to a record, appended to the **ledger**; a record is the projection
//!   of its events.
//! - **guild**: the tenant (a Discord server); records, references and views never cross guilds.
//! - **actor**: who did something, in platform-neutral form.

pub mod access;
pub mod actor;
pub mod ai_act;
pub mod canonical;
pub mod choice;
pub mod controls;
pub mod flow;
pub mod keyed;
pub mod ledger;
pub mod outbox;
pub mod ports;
pub mod records;
pub mod reference;
pub mod services;
pub mod tenancy;
pub mod text;
pub mod time;
pub mod validation;
pub mod verification;

pub use actor::{Actor, GuildId, Platform};
pub use ledger::{ChainBreak, ChainHead, ChainVerifier, EventKind, Hash, LedgerEvent};
pub use records::{Record, StoredRecord};
pub use reference::{RecordKind, Reference};
pub use time::{Clock, SystemClock, Timestamp};
pub use validation::ValidationError;

#[cfg(any(test, feature = "test-support"))]
pub mod testing;
