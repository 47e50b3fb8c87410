//! Which controls the records evidence over a period: for every ISO/IEC 42001 clause and
//! Annex A control and every AI Act article of the mapping (`crate::controls`), how many
//! records made in the period evidence it, and which have none.

use std::collections::HashMap;
use std::sync::Arc;

use crate::controls::{CONTROLS, Control, EvidenceType, Link};
use crate::ports::EvidenceQuery;
use crate::{GuildId, Timestamp, ValidationError};

use super::{Deps, ServiceError};

/// The evidence of one control.
#[derive(Debug, Clone)]
pub struct ControlCoverage {
    pub control: &'static Control,
    /// Each way records evidence it, with how many did in the period.
    pub evidence: Vec<(&'static Link, u64)>,
}

impl ControlCoverage {
    pub fn records(&self) -> u64 {
        self.evidence.iter().map(|(_, n)| n).sum()
    }

    /// Whether aimsbot collects anything for it at all.
    pub fn collected(&self) -> bool {
        !self.evidence.is_empty()
    }
}

/// Every control with its evidence in `[from, to)`.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub guild: Option<GuildId>,
    pub from: Timestamp,
    pub to: Timestamp,
    pub controls: Vec<ControlCoverage>,
}

#[derive(Debug, Clone)]
pub struct Controls {
    deps: Arc<Deps>,
}

impl Controls {
    pub(crate) fn new(deps: Arc<Deps>) -> Self {
        Self { deps }
    }

    /// Counts, per control, the records made in `[from, to)` in `guild` (or in every guild)
    /// that evidence it. For operators and auditors with database access (the CLI).
    pub async fn coverage(
        &self,
        guild: Option<GuildId>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Coverage, ServiceError> {
        if from >= to {
            return Err(ValidationError::new(
                "to",
                format!(
                    "the period ends ({to}) before it starts ({from}); give an end after the start"
                ),
            )
            .into());
        }
        // Many links share a kind of record and a condition: each is counted once.
        let mut counted: HashMap<(EvidenceType, &'static [&'static str]), u64> = HashMap::new();
        let mut controls = Vec::with_capacity(CONTROLS.len());
        for control in CONTROLS {
            let mut evidence = Vec::new();
            for link in control.links() {
                let key = (link.evidence, link.requires);
                let count = match counted.get(&key) {
                    Some(count) => *count,
                    None => {
                        let (kind, reviews) = link.evidence.stored_as();
                        let count = self
                            .deps
                            .store
                            .count_evidence(&EvidenceQuery {
                                guild: guild.clone(),
                                kind,
                                review_kinds: reviews.iter().map(|r| r.as_str()).collect(),
                                requires: link.requires.to_vec(),
                                ai_system: None,
                                from,
                                to,
                            })
                            .await?;
                        counted.insert(key, count);
                        count
                    }
                };
                evidence.push((link, count));
            }
            controls.push(ControlCoverage { control, evidence });
        }
        Ok(Coverage {
            guild,
            from,
            to,
            controls,
        })
    }
}
