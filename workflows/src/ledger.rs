//! The tamper-evident ledger: every change to a record is an event, chained to the one before
//! by SHA-256.
//!
//! `hash = SHA-256(prev_hash ‖ canonical JSON of {seq, guild_id, record_ref, kind, actor,
//! recorded_at, payload})`, where `prev_hash` is the previous event's 32 raw bytes (all zeros
//! before the first event). Storage keeps each event's payload and actor as canonical text, so
//! [`ChainVerifier`] can recompute every hash from the stored columns alone and name the first
//! event that does not match.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::canonical::{is_canonical, to_canonical_string};
use crate::{Actor, GuildId, Reference, Timestamp, ValidationError};

/// A SHA-256 digest, shown as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hash([u8; 32]);

impl Hash {
    /// The `prev_hash` of the first event.
    pub const GENESIS: Hash = Hash([0; 32]);

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl FromStr for Hash {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|e| {
            ValidationError::new("hash", format!("`{s}` is not 64 hex digits ({e})"))
        })?;
        Ok(Self(bytes))
    }
}

impl TryFrom<String> for Hash {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Hash> for String {
    fn from(value: Hash) -> Self {
        value.to_hex()
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

/// What an event did to its record. Stored by name; names never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The record came into being; the payload is its full body.
    Created,
    /// A correction: the payload holds `changes` (the fields' new values) and a `reason`.
    Amended,
    /// A lifecycle step (triaged, contained, closed, answered…): `changes` plus an optional `note`.
    StatusChanged,
    /// A timeline entry that changes no field: a `note`.
    NoteAdded,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [
        EventKind::Created,
        EventKind::Amended,
        EventKind::StatusChanged,
        EventKind::NoteAdded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Amended => "amended",
            EventKind::StatusChanged => "status_changed",
            EventKind::NoteAdded => "note_added",
        }
    }
}

impl FromStr for EventKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ValidationError::new("kind", format!("`{s}` is not an event kind")))
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event as appended: everything but its position in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub guild: GuildId,
    pub record_ref: Reference,
    pub kind: EventKind,
    pub actor: Actor,
    pub recorded_at: Timestamp,
    pub payload: Value,
}

impl NewEvent {
    /// Places the event after `head` and computes its hash.
    pub fn seal(self, head: &ChainHead) -> LedgerEvent {
        let seq = head.seq + 1;
        let hash = event_hash(
            &head.hash,
            &canonical_event(
                seq,
                self.guild.as_str(),
                &self.record_ref.to_string(),
                self.kind.as_str(),
                &to_canonical_string(&actor_json(&self.actor)),
                &self.recorded_at.to_canonical(),
                &to_canonical_string(&self.payload),
            ),
        );
        LedgerEvent {
            seq,
            guild: self.guild,
            record_ref: self.record_ref,
            kind: self.kind,
            actor: self.actor,
            recorded_at: self.recorded_at,
            payload: self.payload,
            prev_hash: head.hash,
            hash,
        }
    }
}

/// An event in the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEvent {
    pub seq: u64,
    pub guild: GuildId,
    pub record_ref: Reference,
    pub kind: EventKind,
    pub actor: Actor,
    pub recorded_at: Timestamp,
    pub payload: Value,
    pub prev_hash: Hash,
    pub hash: Hash,
}

impl LedgerEvent {
    /// The columns storage writes, in the exact text that is hashed.
    pub fn to_row(&self) -> StoredEvent {
        StoredEvent {
            seq: self.seq,
            guild_id: self.guild.to_string(),
            record_ref: self.record_ref.to_string(),
            kind: self.kind.as_str().to_owned(),
            actor: to_canonical_string(&actor_json(&self.actor)),
            recorded_at: self.recorded_at.to_canonical(),
            payload: to_canonical_string(&self.payload),
            prev_hash: self.prev_hash.to_hex(),
            hash: self.hash.to_hex(),
        }
    }
}

fn actor_json(actor: &Actor) -> Value {
    // An `Actor` is plain strings and a unit enum: it always converts.
    serde_json::to_value(actor).unwrap_or(Value::Null)
}

/// An event exactly as a storage row holds it: text columns, unparsed, so that verification
/// sees what is on disk rather than what a parser made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u64,
    pub guild_id: String,
    pub record_ref: String,
    pub kind: String,
    pub actor: String,
    pub recorded_at: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEvent {
    /// Parses the row back into an event, checking every column (but not the chain).
    pub fn parse(&self) -> Result<LedgerEvent, ValidationError> {
        let actor: Value = serde_json::from_str(&self.actor)
            .map_err(|e| ValidationError::new("actor", format!("is not JSON: {e}")))?;
        let payload: Value = serde_json::from_str(&self.payload)
            .map_err(|e| ValidationError::new("payload", format!("is not JSON: {e}")))?;
        Ok(LedgerEvent {
            seq: self.seq,
            guild: GuildId::new(self.guild_id.clone())?,
            record_ref: self.record_ref.parse()?,
            kind: self.kind.parse()?,
            actor: serde_json::from_value(actor)
                .map_err(|e| ValidationError::new("actor", e.to_string()))?,
            recorded_at: self.recorded_at.parse()?,
            payload,
            prev_hash: self.prev_hash.parse()?,
            hash: self.hash.parse()?,
        })
    }
}

/// The end of the chain: the last event's sequence number and hash (0 and zeros when empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: Hash,
}

impl ChainHead {
    pub const EMPTY: ChainHead = ChainHead {
        seq: 0,
        hash: Hash::GENESIS,
    };
}

fn canonical_event(
    seq: u64,
    guild_id: &str,
    record_ref: &str,
    kind: &str,
    actor_text: &str,
    recorded_at: &str,
    payload_text: &str,
) -> Result<String, ValidationError> {
    let parse = |field: &str, text: &str| {
        serde_json::from_str::<Value>(text)
            .map_err(|e| ValidationError::new(field, format!("is not JSON: {e}")))
    };
    let event = json!({
        "seq": seq,
        "guild_id": guild_id,
        "record_ref": record_ref,
        "kind": kind,
        "actor": parse("actor", actor_text)?,
        "recorded_at": recorded_at,
        "payload": parse("payload", payload_text)?,
    });
    Ok(to_canonical_string(&event))
}

fn event_hash(prev: &Hash, canonical: &Result<String, ValidationError>) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    if let Ok(text) = canonical {
        hasher.update(text.as_bytes());
    }
    Hash(hasher.finalize().into())
}

/// Why the chain does not verify, naming the first event that does not match.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error(
        "event seq {found}: expected seq {expected} next (an event is missing, or was inserted or reordered)"
    )]
    SequenceGap { expected: u64, found: u64 },
    #[error(
        "event seq {seq}: prev_hash {found} does not match the hash of event seq {prev_seq} ({expected})"
    )]
    PrevHashMismatch {
        seq: u64,
        prev_seq: u64,
        expected: String,
        found: String,
    },
    #[error(
        "event seq {seq}: stored hash {stored} does not match its contents (recomputed {computed}): the event was altered"
    )]
    HashMismatch {
        seq: u64,
        stored: String,
        computed: String,
    },
    #[error("event seq {seq}: {column} is not in canonical form: the stored bytes were altered")]
    NotCanonical { seq: u64, column: &'static str },
    #[error("event seq {seq}: unreadable: {problem}")]
    Unreadable { seq: u64, problem: String },
    #[error(
        "the ledger head says seq {head_seq} with hash {head_hash}, but the last event is seq {last_seq} with hash {last_hash} (events were removed from or added to the end)"
    )]
    HeadMismatch {
        head_seq: u64,
        head_hash: String,
        last_seq: u64,
        last_hash: String,
    },
}

impl ChainBreak {
    /// The sequence number of the first event that does not match, if one is to blame.
    pub fn seq(&self) -> Option<u64> {
        match self {
            ChainBreak::SequenceGap { found, .. } => Some(*found),
            ChainBreak::PrevHashMismatch { seq, .. }
            | ChainBreak::HashMismatch { seq, .. }
            | ChainBreak::NotCanonical { seq, .. }
            | ChainBreak::Unreadable { seq, .. } => Some(*seq),
            ChainBreak::HeadMismatch { .. } => None,
        }
    }
}

/// Recomputes the chain event by event, from stored rows, in `seq` order. Feed it pages of any
/// size: memory stays flat however long the ledger is.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    head: ChainHead,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            head: ChainHead::EMPTY,
        }
    }
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the next stored event against everything before it.
    pub fn push(&mut self, row: &StoredEvent) -> Result<(), ChainBreak> {
        let expected = self.head.seq + 1;
        if row.seq != expected {
            return Err(ChainBreak::SequenceGap {
                expected,
                found: row.seq,
            });
        }
        for (column, text) in [("actor", &row.actor), ("payload", &row.payload)] {
            if !is_canonical(text) {
                return Err(ChainBreak::NotCanonical {
                    seq: row.seq,
                    column,
                });
            }
        }
        let unreadable = |problem: String| ChainBreak::Unreadable {
            seq: row.seq,
            problem,
        };
        let prev: Hash = row
            .prev_hash
            .parse()
            .map_err(|e: ValidationError| unreadable(e.to_string()))?;
        if prev != self.head.hash {
            return Err(ChainBreak::PrevHashMismatch {
                seq: row.seq,
                prev_seq: self.head.seq,
                expected: self.head.hash.to_hex(),
                found: row.prev_hash.clone(),
            });
        }
        let computed = event_hash(
            &self.head.hash,
            &canonical_event(
                row.seq,
                &row.guild_id,
                &row.record_ref,
                &row.kind,
                &row.actor,
                &row.recorded_at,
                &row.payload,
            ),
        );
        if computed.to_hex() != row.hash {
            return Err(ChainBreak::HashMismatch {
                seq: row.seq,
                stored: row.hash.clone(),
                computed: computed.to_hex(),
            });
        }
        // The hash covers the raw columns; parsing them proves they also mean something.
        row.parse().map_err(|e| unreadable(e.to_string()))?;
        self.head = ChainHead {
            seq: row.seq,
            hash: computed,
        };
        Ok(())
    }

    /// Ends verification against the head that storage records separately, which catches
    /// events cut from (or added to) the end of the chain.
    pub fn finish(self, recorded_head: ChainHead) -> Result<ChainHead, ChainBreak> {
        if recorded_head != self.head {
            return Err(ChainBreak::HeadMismatch {
                head_seq: recorded_head.seq,
                head_hash: recorded_head.hash.to_hex(),
                last_seq: self.head.seq,
                last_hash: self.head.hash.to_hex(),
            });
        }
        Ok(self.head)
    }

    pub fn head(&self) -> ChainHead {
        self.head
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Platform, RecordKind};
    use proptest::prelude::*;

    fn event(n: u32, text: &str) -> NewEvent {
        NewEvent {
            guild: GuildId::new("2000").unwrap_or_else(|e| panic!("{e}")),
            record_ref: Reference::new(RecordKind::Incident, 2026, n)
                .unwrap_or_else(|e| panic!("{e}")),
            kind: EventKind::Created,
            actor: Actor::new(Platform::Discord, "3000", "alice").unwrap_or_else(|e| panic!("{e}")),
            recorded_at: "2026-11-28T10:00:00Z"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
            payload: json!({"title": text, "n": n}),
        }
    }

    fn chain(texts: &[&str]) -> Vec<StoredEvent> {
        let mut head = ChainHead::EMPTY;
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let sealed = event(i as u32 + 1, t).seal(&head);
                head = ChainHead {
                    seq: sealed.seq,
                    hash: sealed.hash,
                };
                sealed.to_row()
            })
            .collect()
    }

    fn verify(rows: &[StoredEvent]) -> Result<ChainHead, ChainBreak> {
        let mut verifier = ChainVerifier::new();
        for row in rows {
            verifier.push(row)?;
        }
        Ok(verifier.head())
    }

    #[test]
    fn the_hash_format_is_pinned() {
        // Changing the canonical form changes every hash ever issued: this must never move.
        // Cross-checked outside Rust: Python's sha256(bytes(32) + json.dumps(event,
        // sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).
        let rows = chain(&["model refused a loan"]);
        assert_eq!(rows[0].payload, r#"{"n":1,"title":"model refused a loan"}"#);
        assert_eq!(
            rows[0].hash,
            "3aa08977e58eba5b5d667a1b96124b1b5c8e3fc0d41aec5a8b1f53d99a46016c"
        );
    }

    #[test]
    fn a_valid_chain_verifies_to_its_head() {
        let rows = chain(&["a", "b", "c"]);
        let head = verify(&rows).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(head.seq, 3);
        assert_eq!(head.hash.to_hex(), rows[2].hash);
    }

    #[test]
    fn a_missing_event_is_named() {
        let mut rows = chain(&["a", "b", "c"]);
        rows.remove(1);
        assert_eq!(verify(&rows).unwrap_err().seq(), Some(3));
    }

    #[test]
    fn a_cut_tail_is_caught_by_the_recorded_head() {
        let rows = chain(&["a", "b", "c"]);
        let full = verify(&rows).unwrap_or_else(|e| panic!("{e}"));
        let mut verifier = ChainVerifier::new();
        for row in &rows[..2] {
            verifier.push(row).unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(matches!(
            verifier.finish(full),
            Err(ChainBreak::HeadMismatch { .. })
        ));
    }

    proptest! {
        #[test]
        fn changing_any_byte_of_any_payload_is_caught_at_that_event(
            victim in 0usize..5,
            position in any::<prop::sample::Index>(),
            replacement in any::<u8>(),
        ) {
            let mut rows = chain(&["one", "two", "three", "four", "five"]);
            let mut bytes = rows[victim].payload.clone().into_bytes();
            let at = position.index(bytes.len());
            prop_assume!(bytes[at] != replacement);
            bytes[at] = replacement;
            rows[victim].payload = String::from_utf8_lossy(&bytes).into_owned();
            let err = verify(&rows).unwrap_err();
            prop_assert_eq!(err.seq(), Some(rows[victim].seq));
        }
    }
}
