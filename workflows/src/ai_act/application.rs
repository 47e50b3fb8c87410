//! From when the high-risk duties apply (EU AI Act Art. 113), and which AI systems they reach.
//!
//! The serious-incident duties (Art. 73 for providers, Art. 26(5) for deployers) concern
//! high-risk AI systems (Art. 73(1), 26(5)). The Digital Omnibus on AI moved the dates from
//! which the high-risk rules apply; they are kept here as data, each with its source, so a
//! further change is a row, not code.

use chrono::{NaiveDate, TimeZone};

use crate::Timestamp;

/// The two routes into high-risk (Art. 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HighRiskKind {
    /// Art. 6(2): a stand-alone system in an Annex III area.
    AnnexIii,
    /// Art. 6(1): a safety component of, or itself, a product under Annex I legislation.
    AnnexI,
}

impl HighRiskKind {
    pub fn label(self) -> &'static str {
        match self {
            HighRiskKind::AnnexIii => "Annex III high-risk systems",
            HighRiskKind::AnnexI => "Annex I high-risk systems (AI in regulated products)",
        }
    }
}

/// Whether the high-risk duties reach an AI system, as far as the inventory says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskScope {
    HighRisk(HighRiskKind),
    /// Classed, and not high-risk: the label of its class ("Minimal risk").
    NotHighRisk(&'static str),
    /// Not classified yet, or not in the inventory: treated as high-risk until classified, so
    /// a legal clock is never missed for want of a classification.
    Unclassified,
}

/// One date of application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateOfApplication {
    pub kind: HighRiskKind,
    /// From 00:00 on this day, Brussels time. (Further east the day starts an hour or two
    /// earlier; those first hours count here as before the date.)
    pub from: NaiveDate,
    pub source: &'static str,
}

impl DateOfApplication {
    pub fn starts_at(&self) -> Timestamp {
        let midnight = self.from.and_hms_opt(0, 0, 0).unwrap_or_default();
        let start = chrono_tz::Europe::Brussels
            .from_local_datetime(&midnight)
            .earliest()
            .map(|at| at.with_timezone(&chrono::Utc))
            .unwrap_or_else(|| midnight.and_utc());
        Timestamp::from_datetime(start)
    }

    /// "2 December 2027".
    pub fn day(&self) -> String {
        self.from.format("%-d %B %Y").to_string()
    }
}

const OMNIBUS: &str = "Art. 113 as amended by the Digital Omnibus on AI, procedure \
                       2025/0359(COD), adopted by the Council on 29 June 2026";

/// The dates in force. Before the Omnibus they were 2 August 2026 (Annex III) and 2 August 2027
/// (Annex I).
pub const DATES_OF_APPLICATION: &[DateOfApplication] = &[
    DateOfApplication {
        kind: HighRiskKind::AnnexIii,
        from: date(2027, 12, 2),
        source: OMNIBUS,
    },
    DateOfApplication {
        kind: HighRiskKind::AnnexI,
        from: date(2028, 8, 2),
        source: OMNIBUS,
    },
];

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("not a date"),
    }
}

/// The date from which the high-risk duties reach a system of this scope: its own route's, or,
/// for an unclassified system, the earliest (so it is never later than the law's).
pub fn applies_from(scope: RiskScope, dates: &[DateOfApplication]) -> Option<&DateOfApplication> {
    match scope {
        RiskScope::HighRisk(kind) => dates.iter().find(|d| d.kind == kind),
        RiskScope::Unclassified => dates.iter().min_by_key(|d| d.from),
        RiskScope::NotHighRisk(_) => None,
    }
}
