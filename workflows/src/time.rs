//! Instants as the ledger stores and hashes them, and the injected clock.
//!
//! Every instant is UTC with microsecond precision (what PostgreSQL keeps), written as
//! RFC 3339 with exactly six fractional digits and a `Z`, so both backends hash the same bytes
//! and the text sorts in time order.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ValidationError;

/// A UTC instant truncated to microseconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

const CANONICAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

impl Timestamp {
    pub fn from_datetime(at: DateTime<Utc>) -> Self {
        Self(at.trunc_subsecs(6))
    }

    pub fn from_unix_micros(micros: i64) -> Option<Self> {
        DateTime::from_timestamp_micros(micros).map(Self)
    }

    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    pub fn unix_micros(&self) -> i64 {
        self.0.timestamp_micros()
    }

    /// The calendar year in UTC, which numbers references (`INC-2026-…`).
    pub fn year(&self) -> i32 {
        chrono::Datelike::year(&self.0)
    }

    /// The canonical text form that is hashed and stored.
    pub fn to_canonical(&self) -> String {
        self.0.format(CANONICAL_FORMAT).to_string()
    }

    #[must_use]
    pub fn plus(&self, duration: chrono::Duration) -> Self {
        Self::from_datetime(self.0 + duration)
    }
}

impl FromStr for Timestamp {
    type Err = ValidationError;

    /// Accepts any RFC 3339 instant (any offset); the result is UTC, truncated to microseconds.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse_from_rfc3339(s)
            .map(|at| Self::from_datetime(at.with_timezone(&Utc)))
            .map_err(|e| {
                ValidationError::new(
                    "timestamp",
                    format!(
                        "`{s}` is not an RFC 3339 date-time ({e}); write e.g. 2026-11-28T14:30:00Z"
                    ),
                )
            })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_canonical())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_canonical())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_canonical())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Where "now" comes from. Injected so that tests move time instead of sleeping.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_datetime(Utc::now())
    }
}

/// A clock that stands still until told to move; for tests and replays.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        Self(Mutex::new(start))
    }

    pub fn set(&self, at: Timestamp) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now = now.plus(by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_has_six_fractional_digits_and_z() {
        let at: Timestamp = "2026-03-08T02:30:00.1234567+01:00"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(at.to_canonical(), "2026-03-08T01:30:00.123456Z");
        let round: Timestamp = at.to_canonical().parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(round, at);
    }

    #[test]
    fn rejects_text_that_is_not_a_date_time() {
        let err = "yesterday".parse::<Timestamp>().unwrap_err();
        assert!(err.message.contains("RFC 3339"), "{err}");
    }
}
