//! Who may do what. Chat roles are mapped to these four by configuration; every command checks
//! a [`Permission`] here, server-side, and a refusal names the roles that would allow it.

use std::fmt;

use crate::choice_enum;

choice_enum!(
    /// aimsbot's roles (DESIGN §7).
    Role, field = "role" {
        /// Reports incidents and concerns, logs overrides, attests; sees their own records.
        Member => ("member", "member"),
        /// Owns AI systems: registers them and updates incidents.
        Owner => ("owner", "owner"),
        /// Everything in the guild: all records, campaigns, reviews, export.
        Compliance => ("compliance", "compliance"),
        /// Reads everything, changes nothing.
        Auditor => ("auditor", "auditor"),
    }
);

/// Something a person can try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ReportIncident,
    LogOverride,
    RaiseConcern,
    AnswerAttestation,
    ViewOwnRecords,
    ViewInventory,
    ViewAllRecords,
    ViewConcerns,
    UpdateIncident,
    /// Confirm or revise a serious-incident assessment.
    AssessIncident,
    /// Record that the provider or an authority was told.
    RecordIncidentReport,
    RegisterAiSystem,
    RequestAttestation,
}

impl Permission {
    /// The roles that grant it.
    pub fn granted_to(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::ReportIncident
            | Permission::LogOverride
            | Permission::RaiseConcern
            | Permission::AnswerAttestation
            | Permission::ViewOwnRecords => &[Member, Owner, Compliance],
            Permission::ViewInventory => &[Member, Owner, Compliance, Auditor],
            Permission::ViewAllRecords => &[Compliance, Auditor],
            Permission::ViewConcerns
            | Permission::RequestAttestation
            | Permission::AssessIncident
            | Permission::RecordIncidentReport => &[Compliance],
            Permission::UpdateIncident | Permission::RegisterAiSystem => &[Owner, Compliance],
        }
    }

    /// What it lets one do, for refusals ("… to see everyone's incidents").
    pub fn describe(self) -> &'static str {
        match self {
            Permission::ReportIncident => "report incidents",
            Permission::LogOverride => "log human overrides",
            Permission::RaiseConcern => "raise concerns",
            Permission::AnswerAttestation => "answer attestations",
            Permission::ViewOwnRecords => "see your own records",
            Permission::ViewInventory => "see the AI system inventory",
            Permission::ViewAllRecords => "see everyone's records",
            Permission::ViewConcerns => "see confidential concerns",
            Permission::UpdateIncident => "update incidents",
            Permission::AssessIncident => "confirm or revise a serious-incident assessment",
            Permission::RecordIncidentReport => "record reports to the provider or an authority",
            Permission::RegisterAiSystem => "register AI systems",
            Permission::RequestAttestation => "request attestations",
        }
    }
}

/// The roles a person holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        Self(roles)
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn can(&self, permission: Permission) -> bool {
        permission.granted_to().iter().any(|r| self.has(*r))
    }

    /// `Ok` when allowed; otherwise a refusal that names the roles needed.
    pub fn require(&self, permission: Permission) -> Result<(), Refusal> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(Refusal {
                permission,
                held: self.clone(),
            })
        }
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        let names: Vec<&str> = self.0.iter().map(|r| r.as_str()).collect();
        f.write_str(&names.join(", "))
    }
}

/// A refused action, in words for the person refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct Refusal {
    pub permission: Permission,
    pub held: Roles,
}

impl Refusal {
    pub fn message(&self) -> String {
        let needed: Vec<&str> = self
            .permission
            .granted_to()
            .iter()
            .map(|r| r.as_str())
            .collect();
        let needed = match needed.as_slice() {
            [one] => format!("the {one} role"),
            [init @ .., last] => format!("the {} or {last} role", init.join(", ")),
            [] => "a role".to_owned(),
        };
        format!(
            "You need {needed} to {} (your aimsbot roles: {}). Ask your compliance team if you should have it.",
            self.permission.describe(),
            self.held
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_roles_needed() {
        let member = Roles::new([Role::Member]);
        let refusal = member.require(Permission::RequestAttestation).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "You need the compliance role to request attestations (your aimsbot roles: member). Ask your compliance team if you should have it."
        );
        let refusal = member.require(Permission::ViewAllRecords).unwrap_err();
        assert!(
            refusal
                .to_string()
                .starts_with("You need the compliance or auditor role"),
            "{refusal}"
        );
    }

    #[test]
    fn auditors_read_but_do_not_write() {
        let auditor = Roles::new([Role::Auditor]);
        assert!(auditor.can(Permission::ViewAllRecords));
        assert!(!auditor.can(Permission::UpdateIncident));
        assert!(!auditor.can(Permission::ReportIncident));
        assert!(
            !auditor.can(Permission::ViewConcerns),
            "concerns are for compliance only"
        );
    }
}
