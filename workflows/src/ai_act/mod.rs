//! The EU AI Act rules aimsbot applies to incidents (Regulation (EU) 2024/1689, as amended by
//! the 2026 Digital Omnibus): the organisation's role towards an AI system (Art. 3(3), 3(4)),
//! the serious-incident test of Art. 3(49) with the widespread infringement of Art. 3(61), the
//! dates from which the high-risk duties apply (Art. 113), and the reporting clocks that follow
//! (Art. 73, Art. 26(5)).
//!
//! The rules are data: when the law moves, a row changes, not the code. Each rule names its
//! article, and a unit test pins it. Records use these types; nothing here depends on a record.
//!
//! - [`application`]: the dates of application, with their source.
//! - [`clocks`]: which reporting deadlines an incident's current facts give.

pub mod application;
pub mod clocks;

use crate::choice_enum;

pub use application::{DATES_OF_APPLICATION, DateOfApplication, HighRiskKind, RiskScope};
pub use clocks::{Clocks, Deadline, Immediately, IncidentFacts, Recipient, clocks};

choice_enum!(
    /// The organisation's role towards the AI system (EU AI Act Art. 3(3) and 3(4)).
    OrganisationRole, field = "organisation_role" {
        Provider => ("provider", "Provider"),
        Deployer => ("deployer", "Deployer"),
        Both => ("both", "Provider and deployer"),
    }
);

choice_enum!(
    /// The serious-incident test of EU AI Act Art. 3(49): an incident or malfunctioning that
    /// directly or indirectly led to one of these.
    SeriousCriterion, field = "serious" {
        /// Art. 3(49)(a), death: Art. 73(4) applies.
        Death => ("death", "Death of a person"),
        /// Art. 3(49)(a), serious harm to a person's health.
        SeriousHealthHarm => ("serious_health_harm", "Serious harm to a person's health"),
        /// Art. 3(49)(b): Art. 73(3) applies.
        CriticalInfrastructure => ("critical_infrastructure", "Serious and irreversible disruption of critical infrastructure"),
        /// Art. 3(49)(c). Reports made before the widespread infringement of Art. 3(61) was
        /// asked as a follow-up stored it as a criterion of its own; they read as this.
        #[serde(alias = "widespread_infringement")]
        FundamentalRights => ("fundamental_rights", "Infringement of obligations protecting fundamental rights"),
        /// Art. 3(49)(d).
        PropertyOrEnvironment => ("property_or_environment", "Serious harm to property or the environment"),
        NotSerious => ("not_serious", "None of these: not a serious incident"),
    }
);

choice_enum!(
    /// The Member States of the European Union, by ISO 3166-1 code (Greece is `GR`).
    MemberState, field = "member_states" {
        AT => ("AT", "Austria"), BE => ("BE", "Belgium"), BG => ("BG", "Bulgaria"),
        HR => ("HR", "Croatia"), CY => ("CY", "Cyprus"), CZ => ("CZ", "Czechia"),
        DK => ("DK", "Denmark"), EE => ("EE", "Estonia"), FI => ("FI", "Finland"),
        FR => ("FR", "France"), DE => ("DE", "Germany"), GR => ("GR", "Greece"),
        HU => ("HU", "Hungary"), IE => ("IE", "Ireland"), IT => ("IT", "Italy"),
        LV => ("LV", "Latvia"), LT => ("LT", "Lithuania"), LU => ("LU", "Luxembourg"),
        MT => ("MT", "Malta"), NL => ("NL", "Netherlands"), PL => ("PL", "Poland"),
        PT => ("PT", "Portugal"), RO => ("RO", "Romania"), SK => ("SK", "Slovakia"),
        SI => ("SI", "Slovenia"), ES => ("ES", "Spain"), SE => ("SE", "Sweden"),
    }
);

impl MemberState {
    /// Reads a list typed as codes or names, separated by commas or spaces ("DE, FR, NL");
    /// `EL` (the EU's code for Greece) is accepted too. The result is sorted, without repeats.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, crate::ValidationError> {
        let mut states = Vec::new();
        for item in text
            .split([',', ';', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let item = if item.eq_ignore_ascii_case("EL") {
                "GR"
            } else {
                item
            };
            states.push(item.parse::<Self>()?);
        }
        states.sort();
        states.dedup();
        Ok(states)
    }

    /// "DE, FR, NL".
    pub fn join(states: &[Self]) -> String {
        states
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_states_are_read_by_code_or_name_and_a_wrong_one_is_named() {
        assert_eq!(
            MemberState::parse_list("fr, Germany EL,FR").unwrap_or_default(),
            [MemberState::FR, MemberState::DE, MemberState::GR]
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
        );
        let err = MemberState::parse_list("DE, UK")
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("`UK`") && e.contains("SE")),
            "{err:?}"
        );
    }

    #[test]
    fn a_report_made_with_the_old_widespread_criterion_still_reads() {
        let read: SeriousCriterion = serde_json::from_str("\"widespread_infringement\"")
            .unwrap_or(SeriousCriterion::NotSerious);
        assert_eq!(read, SeriousCriterion::FundamentalRights);
    }
}
