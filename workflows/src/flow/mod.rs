//! Guided prompts: flows are data (ordered steps, each a question with an input kind, limits
//! and conditions on earlier answers), and a pure engine moves a [`Session`] through them.
//!
//! `advance(session, input, context)` gives the next prompt, the refused answers with the
//! question each is about (the text typed so far kept in the session's drafts), or what the
//! confirmed flow produced. The engine knows no chat platform: an adapter renders a
//! [`Prompt`] with its own parts (a Discord modal for a form, a select menu or buttons for a
//! choice) and the services store the session between interactions.
//!
//! - [`model`]: flows, steps, conditions, answers; [`definitions`]: the five flows as data;
//!   [`keys`]: every step and context key.
//! - [`session`]: a person's way through a flow; [`engine`]: `advance`; [`build`]: the record
//!   a confirmed session stands for.

mod build;
pub mod datetime;
pub mod definitions;
pub mod engine;
pub mod keys;
pub mod model;
pub mod session;
mod summary;
mod validate;

pub use definitions::flow;
pub use engine::{
    Choice, Closed, Completion, Field, FlowContext, Input, InventoryEntry, MAX_CHOICES_PER_SCREEN,
    MAX_FORM_INPUTS, Outcome, Problem, Prompt, advance, closed, current_prompt,
};
pub use model::{Answer, Condition, Flow, FlowKind, InputKind, Required, Step};
pub use session::{Session, SessionOwner, SessionStatus};
pub use summary::summary;

#[cfg(test)]
mod tests;
