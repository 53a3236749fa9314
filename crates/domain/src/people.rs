//! People and access: the six roles and the one access table every endpoint goes through.

use serde::{Deserialize, Serialize};

use crate::validation::FieldErrors;

/// A user's role. One role per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 本市担当者: issues requests, approves, answers questions, receives reports.
    CityStaff,
    /// 業務責任者: the contractor's person responsible for the work.
    ContractorLead,
    /// 作業従事者: a contractor's worker.
    ContractorWorker,
    /// セキュリティ責任者: keeps the security records (R10.7).
    SecurityOfficer,
    /// 監査担当: reads everything, changes nothing.
    Auditor,
    /// システム管理者: users and settings only.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Self::CityStaff,
        Self::ContractorLead,
        Self::ContractorWorker,
        Self::SecurityOfficer,
        Self::Auditor,
        Self::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CityStaff => "city_staff",
            Self::ContractorLead => "contractor_lead",
            Self::ContractorWorker => "contractor_worker",
            Self::SecurityOfficer => "security_officer",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::CityStaff => "本市担当者",
            Self::ContractorLead => "業務責任者",
            Self::ContractorWorker => "作業従事者",
            Self::SecurityOfficer => "セキュリティ責任者",
            Self::Auditor => "監査担当者",
            Self::Admin => "システム管理者",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// Everything a request can do. Each endpoint names exactly one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Dashboard and the contract (R1).
    ViewContract,
    /// Sites, terminals, touch panels and their histories.
    ViewInventory,
    /// Create or change sites, terminals and touch panels (R4.2).
    EditInventory,
    /// The list of accounts.
    ViewUsers,
    /// Create, change and disable accounts.
    ManageUsers,
    /// The whole audit trail and its verification (R8.5).
    ViewAudit,
    /// One's own password and API tokens.
    ManageOwnAccount,
    /// The table of extra closed or open days (R5.2): a setting the City decides.
    EditCalendar,
    /// Visits, plans, off-hours records and permits (R4.4, R5).
    ViewSchedule,
    /// Plan, change and cancel visits; run the all-site planner (R4.4).
    PlanVisits,
    /// Record that a planned visit took place.
    RecordVisits,
    /// Record off-hours work: the City's instruction or the contractor's application (R5.3).
    FileOffHours,
    /// Approve or reject the contractor's off-hours application (R5.3).
    DecideOffHours,
    /// Apply for (or withdraw) a building-entry permit (R5.5).
    RequestPermits,
    /// Grant or refuse a building-entry permit (R5.5).
    DecidePermits,
    /// Notices, jobs, work requests, procedures, records and reports (R2, R3, R8).
    ViewJobs,
    /// Record a J-LIS notice (R2.4): the City receives them.
    RecordNotices,
    /// Create jobs and move them (the state machine says which role does what).
    ManageJobs,
    /// Issue (or cancel) a 作業依頼書 (R8.1).
    IssueRequests,
    /// Raise a question (疑義) on a request (R8.2, R8.5).
    RaiseQuestions,
    /// Answer a question (R8.2).
    AnswerQuestions,
    /// Write and submit a 作業手順書 version (R8.2).
    WriteProcedures,
    /// Approve or return a 作業手順書 version (R8.2).
    DecideProcedures,
    /// Record the work per terminal and step, and administrator-password changes (R8.3, R3.2).
    RecordWork,
    /// Compile and submit the result report (R8.3).
    SubmitReports,
    /// Accept or return a result report; waive deliverables (R8.3, R8.4).
    DecideReports,
    /// Agree to a request's schedule: a plan or a visit (issue 4, item 6).
    AgreeSchedule,
    /// Edit the annual inspection's checklist template (R3.3): the City decides it.
    EditInspectionTemplate,
}

use Role::*;

/// The access table: which roles may do what. Every handler asks [`may`]; nothing else
/// grants access. Auditors read everything and change nothing; admins manage users only.
pub const ACCESS: &[(Action, &[Role])] = &[
    (Action::ViewContract, &Role::ALL),
    (
        Action::ViewInventory,
        &[
            CityStaff,
            ContractorLead,
            ContractorWorker,
            SecurityOfficer,
            Auditor,
        ],
    ),
    (Action::EditInventory, &[CityStaff, ContractorLead]),
    (Action::ViewUsers, &[Admin, Auditor, SecurityOfficer]),
    (Action::ManageUsers, &[Admin]),
    (
        Action::ViewAudit,
        &[Auditor, SecurityOfficer, Admin, CityStaff],
    ),
    (Action::ManageOwnAccount, &Role::ALL),
    (Action::EditCalendar, &[CityStaff, Admin]),
    (
        Action::ViewSchedule,
        &[
            CityStaff,
            ContractorLead,
            ContractorWorker,
            SecurityOfficer,
            Auditor,
        ],
    ),
    (Action::PlanVisits, &[ContractorLead]),
    (Action::RecordVisits, &[ContractorLead, ContractorWorker]),
    (Action::FileOffHours, &[CityStaff, ContractorLead]),
    (Action::DecideOffHours, &[CityStaff]),
    (Action::RequestPermits, &[ContractorLead]),
    (Action::DecidePermits, &[CityStaff]),
    (
        Action::ViewJobs,
        &[
            CityStaff,
            ContractorLead,
            ContractorWorker,
            SecurityOfficer,
            Auditor,
        ],
    ),
    (Action::RecordNotices, &[CityStaff]),
    (Action::ManageJobs, &[CityStaff, ContractorLead]),
    (Action::IssueRequests, &[CityStaff]),
    (
        Action::RaiseQuestions,
        &[CityStaff, ContractorLead, ContractorWorker],
    ),
    (Action::AnswerQuestions, &[CityStaff]),
    (Action::WriteProcedures, &[ContractorLead]),
    (Action::DecideProcedures, &[CityStaff]),
    (Action::RecordWork, &[ContractorLead, ContractorWorker]),
    (Action::SubmitReports, &[ContractorLead]),
    (Action::DecideReports, &[CityStaff]),
    (Action::AgreeSchedule, &[CityStaff]),
    (Action::EditInspectionTemplate, &[CityStaff]),
];

/// Whether `role` may perform `action`, from [`ACCESS`].
pub fn may(role: Role, action: Action) -> bool {
    ACCESS
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;

/// Login names: 3-32 of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn check_username(errors: &mut FieldErrors, field: &str, name: &str) {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    let first_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !(3..=32).contains(&name.len()) || !ok_chars || !first_ok {
        errors.push(
            field,
            "ログインIDは半角英小文字・数字・「.」「_」「-」の3〜32文字で入力してください。",
        );
    }
}

/// Passwords: 12-128 characters; anything else is the user's choice.
pub fn check_password(errors: &mut FieldErrors, field: &str, password: &str) {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        errors.push(
            field,
            format!("パスワードは{PASSWORD_MIN}文字以上にしてください。"),
        );
    } else if n > PASSWORD_MAX {
        errors.push(
            field,
            format!("パスワードは{PASSWORD_MAX}文字以内にしてください。"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_row() {
        for a in [
            Action::ViewContract,
            Action::ViewInventory,
            Action::EditInventory,
            Action::ViewUsers,
            Action::ManageUsers,
            Action::ViewAudit,
            Action::ManageOwnAccount,
            Action::EditCalendar,
            Action::ViewSchedule,
            Action::PlanVisits,
            Action::RecordVisits,
            Action::FileOffHours,
            Action::DecideOffHours,
            Action::RequestPermits,
            Action::DecidePermits,
            Action::ViewJobs,
            Action::RecordNotices,
            Action::ManageJobs,
            Action::IssueRequests,
            Action::RaiseQuestions,
            Action::AnswerQuestions,
            Action::WriteProcedures,
            Action::DecideProcedures,
            Action::RecordWork,
            Action::SubmitReports,
            Action::DecideReports,
            Action::AgreeSchedule,
            Action::EditInspectionTemplate,
        ] {
            assert_eq!(ACCESS.iter().filter(|(x, _)| *x == a).count(), 1, "{a:?}");
        }
    }

    #[test]
    fn auditors_change_nothing_and_admins_only_manage_users() {
        assert!(may(Auditor, Action::ViewInventory));
        assert!(!may(Auditor, Action::EditInventory));
        assert!(!may(Auditor, Action::ManageUsers));
        assert!(may(Admin, Action::ManageUsers));
        assert!(!may(Admin, Action::EditInventory));
        assert!(!may(Admin, Action::ViewInventory));
        assert!(!may(ContractorWorker, Action::EditInventory));
    }

    #[test]
    fn usernames_and_passwords() {
        let mut e = FieldErrors::default();
        check_username(&mut e, "u", "lead.1");
        check_password(&mut e, "p", "correct horse battery");
        assert!(e.is_empty());
        check_username(&mut e, "u", "Lead");
        check_username(&mut e, "u", "-x1");
        check_password(&mut e, "p", "short");
        assert_eq!(e.0.len(), 3);
    }
}
