//! The EU AI Act rules aimsbot applies to incidents: the organisation's role towards an AI
//! system (Art. 3(3), 3(4)), the serious-incident criteria of Art. 3(49) (with the Art. 3(61)
//! widespread infringement), and the reporting clocks that follow (Art. 73, Art. 26(5)).
//!
//! The rules are data: when the law moves (the 2026 Digital Omnibus moved other dates), a row
//! changes, not the code. Clocks start at `aware_at` and count calendar days: the Act says
//! "days", not working days, and there is no roll-over to a Monday. Records use these types;
//! nothing here depends on a record.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::{Timestamp, choice_enum};

choice_enum!(
    /// The organisation's role towards the AI system (EU AI Act Art. 3(3) and 3(4)).
    OrganisationRole, field = "organisation_role" {
        Provider => ("provider", "Provider"),
        Deployer => ("deployer", "Deployer"),
        Both => ("both", "Provider and deployer"),
    }
);

choice_enum!(
    /// The serious-incident test of EU AI Act Art. 3(49), plus the Art. 73(3) "widespread
    /// infringement" case, which shortens the clock.
    SeriousCriterion, field = "serious" {
        /// Art. 3(49)(a), death: Art. 73(4) applies.
        Death => ("death", "Death of a person"),
        /// Art. 3(49)(a), serious harm to a person's health.
        SeriousHealthHarm => ("serious_health_harm", "Serious harm to a person's health"),
        /// Art. 3(49)(b).
        CriticalInfrastructure => ("critical_infrastructure", "Serious and irreversible disruption of critical infrastructure"),
        /// Art. 3(49)(c).
        FundamentalRights => ("fundamental_rights", "Infringement of obligations protecting fundamental rights"),
        /// Art. 3(61) with Art. 73(3).
        WidespreadInfringement => ("widespread_infringement", "Widespread infringement"),
        /// Art. 3(49)(d).
        PropertyOrEnvironment => ("property_or_environment", "Serious harm to property or the environment"),
        NotSerious => ("not_serious", "None of these: not a serious incident"),
    }
);

/// Who must be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The market surveillance authority of the Member State where the incident occurred.
    MarketSurveillanceAuthority,
    /// The AI system's provider (a deployer's duty).
    Provider,
}

/// One row of the rule table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineRule {
    pub article: &'static str,
    /// Applies to a provider's (`Provider`) or a deployer's (`Deployer`) duty.
    pub duty_of: OrganisationRole,
    /// Applies when the assessment names any of these criteria; empty = any serious incident.
    pub criteria: &'static [SeriousCriterion],
    pub recipient: Recipient,
    /// Calendar days after awareness; 0 = "immediately".
    pub days: i64,
    pub summary: &'static str,
}

/// Art. 73 (providers) and Art. 26(5) (deployers). Where several provider rules apply, the
/// shortest wins.
pub const RULES: &[DeadlineRule] = &[
    DeadlineRule {
        article: "Art. 73(2)",
        duty_of: OrganisationRole::Provider,
        criteria: &[],
        recipient: Recipient::MarketSurveillanceAuthority,
        days: 15,
        summary: "report the serious incident to the market surveillance authority",
    },
    DeadlineRule {
        article: "Art. 73(4)",
        duty_of: OrganisationRole::Provider,
        criteria: &[SeriousCriterion::Death],
        recipient: Recipient::MarketSurveillanceAuthority,
        days: 10,
        summary: "report the death of a person to the market surveillance authority",
    },
    DeadlineRule {
        article: "Art. 73(3)",
        duty_of: OrganisationRole::Provider,
        criteria: &[
            SeriousCriterion::CriticalInfrastructure,
            SeriousCriterion::WidespreadInfringement,
        ],
        recipient: Recipient::MarketSurveillanceAuthority,
        days: 2,
        summary: "report the critical-infrastructure incident or widespread infringement to the market surveillance authority",
    },
    DeadlineRule {
        article: "Art. 26(5)",
        duty_of: OrganisationRole::Deployer,
        criteria: &[],
        recipient: Recipient::Provider,
        days: 0,
        summary: "inform the provider immediately (then the importer or distributor and the market surveillance authority)",
    },
];

/// A reporting duty with its due instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingDeadline {
    pub article: String,
    pub recipient: Recipient,
    pub due_at: Timestamp,
    /// Calendar days from awareness; 0 means "immediately" (due at awareness).
    pub days: i64,
    pub summary: String,
}

/// The deadlines that follow from a serious-incident assessment. Nothing is due for an
/// incident judged not serious.
pub fn reporting_deadlines(
    criteria: &[SeriousCriterion],
    role: OrganisationRole,
    aware_at: Timestamp,
) -> Vec<ReportingDeadline> {
    let serious: Vec<_> = criteria
        .iter()
        .copied()
        .filter(|c| *c != SeriousCriterion::NotSerious)
        .collect();
    if serious.is_empty() {
        return Vec::new();
    }
    let applies = |rule: &DeadlineRule| {
        let duty = matches!(
            (rule.duty_of, role),
            (
                OrganisationRole::Provider,
                OrganisationRole::Provider | OrganisationRole::Both
            ) | (
                OrganisationRole::Deployer,
                OrganisationRole::Deployer | OrganisationRole::Both
            )
        );
        duty && (rule.criteria.is_empty() || rule.criteria.iter().any(|c| serious.contains(c)))
    };
    let to_deadline = |rule: &DeadlineRule| ReportingDeadline {
        article: rule.article.to_owned(),
        recipient: rule.recipient,
        due_at: aware_at.plus(Duration::days(rule.days)),
        days: rule.days,
        summary: rule.summary.to_owned(),
    };
    let mut deadlines = Vec::new();
    if let Some(provider_rule) = RULES
        .iter()
        .filter(|r| r.duty_of == OrganisationRole::Provider && applies(r))
        .min_by_key(|r| r.days)
    {
        deadlines.push(to_deadline(provider_rule));
    }
    deadlines.extend(
        RULES
            .iter()
            .filter(|r| r.duty_of == OrganisationRole::Deployer && applies(r))
            .map(to_deadline),
    );
    deadlines.sort_by_key(|d| d.due_at);
    deadlines
}

#[cfg(test)]
mod tests {
    use super::*;
    use SeriousCriterion::*;

    fn aware() -> Timestamp {
        // A Friday evening: calendar days must not roll over the weekend.
        "2026-11-27T18:30:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn due(criteria: &[SeriousCriterion], role: OrganisationRole) -> Vec<(String, String)> {
        reporting_deadlines(criteria, role, aware())
            .into_iter()
            .map(|d| (d.article, d.due_at.to_canonical()))
            .collect()
    }

    #[test]
    fn serious_harm_to_health_is_fifteen_calendar_days() {
        assert_eq!(
            due(&[SeriousHealthHarm], OrganisationRole::Provider),
            [("Art. 73(2)".into(), "2026-12-12T18:30:00.000000Z".into())]
        );
    }

    #[test]
    fn death_is_ten_days() {
        assert_eq!(
            due(&[Death, SeriousHealthHarm], OrganisationRole::Provider),
            [("Art. 73(4)".into(), "2026-12-07T18:30:00.000000Z".into())]
        );
    }

    #[test]
    fn critical_infrastructure_and_widespread_infringement_are_two_days() {
        for c in [CriticalInfrastructure, WidespreadInfringement] {
            assert_eq!(
                due(&[c, Death], OrganisationRole::Provider),
                [("Art. 73(3)".into(), "2026-11-29T18:30:00.000000Z".into())],
                "{c:?}"
            );
        }
    }

    #[test]
    fn fundamental_rights_and_property_are_fifteen_days() {
        for c in [FundamentalRights, PropertyOrEnvironment] {
            assert_eq!(due(&[c], OrganisationRole::Provider)[0].0, "Art. 73(2)");
        }
    }

    #[test]
    fn a_deployer_informs_the_provider_immediately() {
        assert_eq!(
            due(&[SeriousHealthHarm], OrganisationRole::Deployer),
            [("Art. 26(5)".into(), "2026-11-27T18:30:00.000000Z".into())]
        );
        let both = due(&[Death], OrganisationRole::Both);
        assert_eq!(
            both,
            [
                ("Art. 26(5)".into(), "2026-11-27T18:30:00.000000Z".into()),
                ("Art. 73(4)".into(), "2026-12-07T18:30:00.000000Z".into()),
            ]
        );
    }

    #[test]
    fn nothing_is_due_when_judged_not_serious() {
        assert!(due(&[NotSerious], OrganisationRole::Both).is_empty());
        assert!(due(&[], OrganisationRole::Both).is_empty());
    }
}
