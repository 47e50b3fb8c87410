//! Verifying the whole ledger through the store port: page through the stored rows in order,
//! recompute every hash, and compare the end with the head the store records.

use crate::ledger::{ChainBreak, ChainHead, ChainVerifier};
use crate::ports::{Store, StoreError};

/// Rows read per round trip; memory stays flat however long the ledger is.
pub const PAGE_SIZE: u32 = 1000;

/// Why verification did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The chain does not match: this names the first event that does not.
    #[error(transparent)]
    Broken(#[from] ChainBreak),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a successful verification saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub events: u64,
    pub head: ChainHead,
}

/// Recomputes the chain from the first event to the last.
pub async fn verify_ledger(store: &dyn Store) -> Result<Verified, VerifyError> {
    let mut verifier = ChainVerifier::new();
    loop {
        let rows = store.ledger_rows(verifier.head().seq, PAGE_SIZE).await?;
        let Some(last) = rows.last().map(|r| r.seq) else {
            break;
        };
        for row in &rows {
            verifier.push(row)?;
        }
        debug_assert_eq!(verifier.head().seq, last);
    }
    let recorded = store.ledger_head().await?;
    let head = verifier.finish(recorded)?;
    Ok(Verified {
        events: head.seq,
        head,
    })
}
