//! Human references such as `INC-2026-0042`: a record kind, the year it was recorded and a
//! number allocated per guild, kind and year without gaps (storage does the allocating).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// The kinds of record aimsbot keeps; each has its own reference prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    AiSystem,
    Incident,
    HumanOverride,
    Attestation,
    Campaign,
    Review,
    CorrectiveAction,
    /// A confidential concern (ISO/IEC 42001 A.3.3), possibly anonymous.
    Concern,
    /// AI outputs reviewed and accepted over a period (the other half of an override rate).
    AcceptedOutputs,
}

impl RecordKind {
    pub const ALL: [RecordKind; 9] = [
        RecordKind::AiSystem,
        RecordKind::Incident,
        RecordKind::HumanOverride,
        RecordKind::Attestation,
        RecordKind::Campaign,
        RecordKind::Review,
        RecordKind::CorrectiveAction,
        RecordKind::Concern,
        RecordKind::AcceptedOutputs,
    ];

    pub fn prefix(self) -> &'static str {
        match self {
            RecordKind::AiSystem => "AIS",
            RecordKind::Incident => "INC",
            RecordKind::HumanOverride => "OVR",
            RecordKind::Attestation => "ATT",
            RecordKind::Campaign => "CMP",
            RecordKind::Review => "REV",
            RecordKind::CorrectiveAction => "CA",
            RecordKind::Concern => "CON",
            RecordKind::AcceptedOutputs => "ACC",
        }
    }

    /// The name used in storage and APIs (`incident`, `human_override`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::AiSystem => "ai_system",
            RecordKind::Incident => "incident",
            RecordKind::HumanOverride => "human_override",
            RecordKind::Attestation => "attestation",
            RecordKind::Campaign => "campaign",
            RecordKind::Review => "review",
            RecordKind::CorrectiveAction => "corrective_action",
            RecordKind::Concern => "concern",
            RecordKind::AcceptedOutputs => "accepted_outputs",
        }
    }

    pub fn from_prefix(prefix: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.prefix() == prefix)
    }
}

impl FromStr for RecordKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let accepted: Vec<_> = Self::ALL.iter().map(|k| k.as_str()).collect();
                ValidationError::new(
                    "kind",
                    format!(
                        "`{s}` is not a record kind; accepted: {}",
                        accepted.join(", ")
                    ),
                )
            })
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record's human reference: `<PREFIX>-<YEAR>-<NUMBER>`, the number zero-padded to at least
/// four digits (`INC-2026-0042`, `INC-2026-12345`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference {
    kind: RecordKind,
    year: i32,
    number: u32,
}

impl Reference {
    pub fn new(kind: RecordKind, year: i32, number: u32) -> Result<Self, ValidationError> {
        if !(2000..=9999).contains(&year) {
            return Err(ValidationError::new(
                "reference",
                format!("year {year} is outside 2000..=9999"),
            ));
        }
        if number == 0 {
            return Err(ValidationError::new("reference", "numbers start at 1"));
        }
        Ok(Self { kind, year, number })
    }

    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn number(&self) -> u32 {
        self.number
    }

    /// Parses a reference typed for a record of `kind`, saying so when it names another kind.
    pub fn parse_as(text: &str, kind: RecordKind) -> Result<Self, ValidationError> {
        let reference: Reference = text.parse()?;
        if reference.kind() == kind {
            return Ok(reference);
        }
        let name = kind.as_str().replace('_', " ");
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        Err(ValidationError::new(
            "reference",
            format!(
                "{reference} is not {article} {name} reference (they start with {}-)",
                kind.prefix()
            ),
        ))
    }
}

impl FromStr for Reference {
    type Err = ValidationError;

    /// Parses `INC-2026-0042`; case-insensitive, so a reference typed in chat as `inc-2026-42`
    /// is found too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || {
            ValidationError::new(
                "reference",
                format!(
                    "`{s}` is not a reference; write it as PREFIX-YEAR-NUMBER, e.g. INC-2026-0042 \
                     (prefixes: AIS, INC, OVR, ATT, CMP, REV, CA, CON)"
                ),
            )
        };
        let upper = s.trim().to_ascii_uppercase();
        let mut parts = upper.splitn(3, '-');
        let (Some(prefix), Some(year), Some(number)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let kind = RecordKind::from_prefix(prefix).ok_or_else(invalid)?;
        if year.len() != 4 || number.is_empty() || number.len() > 9 {
            return Err(invalid());
        }
        let year = year.parse().map_err(|_| invalid())?;
        let number = number.parse().map_err(|_| invalid())?;
        Self::new(kind, year, number)
    }
}

impl TryFrom<String> for Reference {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Reference> for String {
    fn from(value: Reference) -> Self {
        value.to_string()
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:04}", self.kind.prefix(), self.year, self.number)
    }
}

impl fmt::Debug for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_with_four_digit_padding() {
        let r = Reference::new(RecordKind::Incident, 2026, 42).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.to_string(), "INC-2026-0042");
        let big = Reference::new(RecordKind::CorrectiveAction, 2026, 12345)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(big.to_string(), "CA-2026-12345");
    }

    #[test]
    fn parses_what_people_type() {
        let r: Reference = "inc-2026-42".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.to_string(), "INC-2026-0042");
        for bad in [
            "INC-26-1",
            "XYZ-2026-1",
            "INC-2026-",
            "INC2026",
            "INC-2026-1x",
        ] {
            let err = bad.parse::<Reference>().unwrap_err();
            assert!(err.message.contains("PREFIX-YEAR-NUMBER"), "{bad}: {err}");
        }
        let zero = "INC-2026-0".parse::<Reference>().unwrap_err();
        assert_eq!(zero.message, "numbers start at 1");
    }

    proptest! {
        #[test]
        fn display_and_parse_round_trip(kind in 0usize..RecordKind::ALL.len(), year in 2000i32..=9999, number in 1u32..=999_999_999) {
            let r = Reference::new(RecordKind::ALL[kind], year, number).unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(r.to_string().parse::<Reference>(), Ok(r));
        }
    }
}
