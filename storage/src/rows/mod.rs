//! The rows the SQL reads and writes, as plain structs, and their conversion to and from the
//! domain's types.
//!
//! A row that is read derives [`sqlx::FromRow`]: one struct serves both backends, whose
//! columns have the same names and compatible types (`BIGINT` on PostgreSQL where SQLite says
//! `INTEGER`, so both decode as `i64`). A row that is written derives [`serde::Serialize`]: the
//! rows of one table are bound as a single JSON array, which the SQL expands into columns
//! (`jsonb_each` on SQLite, `json_populate_recordset` on PostgreSQL), so a statement names its
//! columns instead of numbering a long list of parameters.

mod jobs;
mod ledger;
mod sessions;

pub(crate) use jobs::{
    AttemptRow, ClaimedJobRow, JobOutcome, JobSummaryRow, NewJobRow, StatusCountRow, outbox_counts,
};
pub(crate) use ledger::{
    ChangeStartRow, CounterRow, EventRow, HeadRow, IdempotencyKeyRow, RecordRow, RecordWriteRow,
    WriteHeadRow, reference_from_counter,
};
pub(crate) use sessions::{SessionRow, SessionVersionRow, SessionWriteRow};

use aimsbot_workflows::ports::StoreError;
use aimsbot_workflows::{Timestamp, ValidationError};

/// Data read back that does not parse is corruption or tampering, not a user mistake: it is
/// reported as a backend failure naming the row, so it reaches the logs and the operator and
/// never a person's screen.
pub(crate) fn corrupt(what: String) -> StoreError {
    StoreError::backend(std::io::Error::new(std::io::ErrorKind::InvalidData, what))
}

/// The rows of one table as the JSON array a write statement expands.
pub(crate) fn json_array<T: serde::Serialize>(rows: &[T]) -> Result<String, StoreError> {
    // Rows are plain strings and integers; serialising them cannot fail in practice.
    serde_json::to_string(rows).map_err(StoreError::backend)
}

/// A stored timestamp column, which this crate always writes in canonical form.
pub(crate) fn timestamp(column: &str, text: &str) -> Result<Timestamp, StoreError> {
    text.parse()
        .map_err(|e: ValidationError| corrupt(format!("{column}: {e}")))
}

/// A stored count (attempts, a sequence number…), never negative.
pub(crate) fn unsigned<T: TryFrom<i64>>(column: &str, value: i64) -> Result<T, StoreError> {
    T::try_from(value).map_err(|_| corrupt(format!("{column} {value} is out of range")))
}

/// A sequence number or count as the databases store it (`BIGINT`).
pub(crate) fn signed(value: u64) -> i64 {
    // Sequence numbers and counts stay far below 2^63.
    i64::try_from(value).unwrap_or(i64::MAX)
}
