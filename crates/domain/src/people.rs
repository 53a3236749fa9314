//! People and access: the seven roles and the one access table every endpoint goes through.

use crate::validation::FieldErrors;

labelled_enum! {
    /// A user's role. One role per account.
    pub enum Role {
        /// 本市担当者: issues requests, approves, answers questions, receives reports.
        CityStaff = ("city_staff", "本市担当者"),
        /// 業務責任者: the contractor's person responsible for the work.
        ContractorLead = ("contractor_lead", "業務責任者"),
        /// 作業従事者: a contractor's worker.
        ContractorWorker = ("contractor_worker", "作業従事者"),
        /// セキュリティ責任者: keeps the security records (R10.7).
        SecurityOfficer = ("security_officer", "セキュリティ責任者"),
        /// 監査担当: reads everything, changes nothing.
        Auditor = ("auditor", "監査担当者"),
        /// システム管理者: users and settings only.
        Admin = ("admin", "システム管理者"),
        /// 区役所担当者: a ward office's own staff, who host the work at their site: they see
        /// their own site only (see [`crate::site_staff`]).
        SiteStaff = ("site_staff", "区役所担当者"),
    }
}

labelled_enum! {
    /// Everything a request can do. Each endpoint names exactly one action.
    pub enum Action {
        /// Dashboard and the contract (R1).
        ViewContract = ("view_contract", "契約の閲覧"),
        /// Sites, terminals, touch panels and their histories.
        ViewInventory = ("view_inventory", "機器台帳の閲覧"),
        /// Create or change sites, terminals and touch panels (R4.2).
        EditInventory = ("edit_inventory", "機器台帳の編集"),
        /// The list of accounts.
        ViewUsers = ("view_users", "利用者の閲覧"),
        /// Create, change and disable accounts.
        ManageUsers = ("manage_users", "利用者の管理"),
        /// The whole audit trail and its verification (R8.5).
        ViewAudit = ("view_audit", "監査記録の閲覧"),
        /// One's own password and API tokens.
        ManageOwnAccount = ("manage_own_account", "自分のアカウントの管理"),
        /// The table of extra closed or open days (R5.2): a setting the City decides.
        EditCalendar = ("edit_calendar", "閉庁日・開庁日の設定"),
        /// Visits, plans, off-hours records and permits (R4.4, R5).
        ViewSchedule = ("view_schedule", "予定の閲覧"),
        /// Plan, change and cancel visits; run the all-site planner (R4.4).
        PlanVisits = ("plan_visits", "訪問の計画"),
        /// Record that a planned visit took place.
        RecordVisits = ("record_visits", "訪問の実施記録"),
        /// Record off-hours work: the City's instruction or the contractor's application (R5.3).
        FileOffHours = ("file_off_hours", "時間外作業の指示・申請"),
        /// Approve or reject the contractor's off-hours application (R5.3).
        DecideOffHours = ("decide_off_hours", "時間外作業の承認"),
        /// Apply for (or withdraw) a building-entry permit (R5.5).
        RequestPermits = ("request_permits", "入館許可の申請"),
        /// Grant or refuse a building-entry permit (R5.5).
        DecidePermits = ("decide_permits", "入館許可の判断"),
        /// Notices, jobs, work requests, procedures, records and reports (R2, R3, R8).
        ViewJobs = ("view_jobs", "作業の閲覧"),
        /// Record a J-LIS notice (R2.4): the City receives them.
        RecordNotices = ("record_notices", "J-LISからの通知の記録"),
        /// Create jobs and move them (the state machine says which role does what).
        ManageJobs = ("manage_jobs", "作業の管理"),
        /// Issue (or cancel) a 作業依頼書 (R8.1).
        IssueRequests = ("issue_requests", "作業依頼書の発行"),
        /// Raise a question (疑義) on a request (R8.2, R8.5).
        RaiseQuestions = ("raise_questions", "疑義の提出"),
        /// Answer a question of the other side (R8.2, §5(11)): the City answers the
        /// contractor's, the contractor's lead the City's.
        AnswerQuestions = ("answer_questions", "疑義への回答"),
        /// Write and submit a 作業手順書 version (R8.2).
        WriteProcedures = ("write_procedures", "作業手順書の作成"),
        /// Approve or return a 作業手順書 version (R8.2).
        DecideProcedures = ("decide_procedures", "作業手順書の承認"),
        /// Record the work per terminal and step, and administrator-password changes (R8.3, R3.2).
        RecordWork = ("record_work", "作業の記録"),
        /// Compile and submit the result report (R8.3).
        SubmitReports = ("submit_reports", "結果報告の提出"),
        /// Accept or return a result report; waive deliverables (R8.3, R8.4).
        DecideReports = ("decide_reports", "結果報告の受理"),
        /// Agree to a request's schedule: a plan or a visit (issue 4, item 6).
        AgreeSchedule = ("agree_schedule", "日程への同意"),
        /// Edit the annual inspection's checklist template (R3.3): the City decides it.
        EditInspectionTemplate = ("edit_inspection_template", "年次点検の点検項目の編集"),
        /// Load a contract file as the year's contract (R1.2): done by the system at start.
        LoadContract = ("load_contract", "契約の読み込み"),
        /// Record a sign-in, a sign-out or a failed attempt in the trail: done by the system.
        RecordSignIn = ("record_sign_in", "サインインの記録"),
        /// A ward office's own page: the visits to its site with the workers, the terminals
        /// out of service (issue 13, item 9).
        ViewOwnSite = ("view_own_site", "自拠点の予定の閲覧"),
        /// Report a fault of a terminal from the counter of one's own site.
        ReportFaults = ("report_faults", "故障の報告"),
        /// Confirm that the work of a visit to one's own site was done.
        SignOffVisits = ("sign_off_visits", "作業完了の確認"),
        /// The fault reports: all of them, or a ward office's own site's.
        ViewFaultReports = ("view_fault_reports", "故障報告の閲覧"),
        /// Mark a ward office's fault report as dealt with.
        ResolveFaultReports = ("resolve_fault_reports", "故障報告の対応済みの記録"),
        /// Incidents (キ ク) with their timelines and clocks (R4.1, R4.2).
        ViewIncidents = ("view_incidents", "障害の閲覧"),
        /// Register an incident (the City or the contractor's lead, R4.1).
        ReportIncidents = ("report_incidents", "障害の登録"),
        /// Add an event to an incident's timeline (the timeline says which role does what).
        RecordIncidents = ("record_incidents", "障害対応の記録"),
        /// Set the service-level targets of incidents (the City, issue 14 item 5).
        SetServiceLevels = ("set_service_levels", "障害対応の目標の設定"),
        /// Read and download an incident's fault logs (§5(6)ア: only those who need them).
        ViewFaultLogs = ("view_fault_logs", "障害ログの閲覧"),
        /// Store a fault log collected from a terminal (the contractor, §5(6)ア).
        CollectFaultLogs = ("collect_fault_logs", "障害ログの保管"),
        /// Delete the content of fault logs past their retention: done by the system.
        PurgeFaultLogs = ("purge_fault_logs", "保管期限を過ぎた障害ログの削除"),
        /// The register of deliverables (§6(1)) with the files submitted.
        ViewDeliverables = ("view_deliverables", "提出書類の閲覧"),
        /// Submit a deliverable (the contractor's lead or security officer).
        SubmitDeliverables = ("submit_deliverables", "提出書類の提出"),
        /// Accept, return or waive a deliverable, or ask for one (the City, §5(9)).
        DecideDeliverables = ("decide_deliverables", "提出書類の受理・差戻し・指示"),
        /// The responsible persons and the organisation chart (§6(1)-(3)).
        ViewResponsiblePersons = ("view_responsible_persons", "責任者・作業体制図の閲覧"),
        /// Designate (or end) a responsible person: the contractor's lead (§6(1), §6(3)).
        DesignateResponsiblePersons = ("designate_responsible_persons", "責任者の指定"),
        /// The worker roster with its notices, and the subcontracting applications (§5(6)イ, §6(1)).
        ViewRoster = ("view_roster", "従事者名簿の閲覧"),
        /// Keep the roster: add a person, notify a change (the contractor's lead).
        KeepRoster = ("keep_roster", "従事者名簿の届出"),
        /// Record the City's acknowledgement of a roster notice.
        AcknowledgeRoster = ("acknowledge_roster", "従事者名簿の届出の受領"),
        /// Apply for subcontracting (再委託申請書, the contractor's lead).
        ApplySubcontracting = ("apply_subcontracting", "再委託の申請"),
        /// Approve or refuse a subcontracting application (the City).
        DecideSubcontracting = ("decide_subcontracting", "再委託の承認"),
    }
}

use Role::*;

/// The access table: which roles may do what. Every handler asks [`may`]; nothing else
/// grants access. Auditors read everything and change nothing; admins manage users only;
/// a ward office's staff see their own site, report faults and sign off visits, nothing else.
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
        &[ContractorLead, ContractorWorker, CityStaff],
    ),
    (Action::AnswerQuestions, &[CityStaff, ContractorLead]),
    (Action::WriteProcedures, &[ContractorLead]),
    (Action::DecideProcedures, &[CityStaff]),
    (Action::RecordWork, &[ContractorLead, ContractorWorker]),
    (Action::SubmitReports, &[ContractorLead]),
    (Action::DecideReports, &[CityStaff]),
    (Action::AgreeSchedule, &[CityStaff]),
    (Action::EditInspectionTemplate, &[CityStaff]),
    (Action::LoadContract, &[Admin]),
    (Action::RecordSignIn, &[Admin]),
    (Action::ViewOwnSite, &[SiteStaff]),
    (Action::ReportFaults, &[SiteStaff]),
    (Action::SignOffVisits, &[SiteStaff]),
    (
        Action::ViewFaultReports,
        &[
            CityStaff,
            ContractorLead,
            ContractorWorker,
            SiteStaff,
            SecurityOfficer,
            Auditor,
        ],
    ),
    (Action::ResolveFaultReports, &[ContractorLead, CityStaff]),
    (
        Action::ViewIncidents,
        &[
            CityStaff,
            ContractorLead,
            ContractorWorker,
            SecurityOfficer,
            Auditor,
        ],
    ),
    (Action::ReportIncidents, &[CityStaff, ContractorLead]),
    (
        Action::RecordIncidents,
        &[CityStaff, ContractorLead, ContractorWorker],
    ),
    (Action::SetServiceLevels, &[CityStaff]),
    (
        Action::ViewFaultLogs,
        &[CityStaff, ContractorLead, ContractorWorker, SecurityOfficer],
    ),
    (
        Action::CollectFaultLogs,
        &[ContractorLead, ContractorWorker],
    ),
    (Action::PurgeFaultLogs, &[Admin]),
    (
        Action::ViewDeliverables,
        &[CityStaff, ContractorLead, SecurityOfficer, Auditor],
    ),
    (
        Action::SubmitDeliverables,
        &[ContractorLead, SecurityOfficer],
    ),
    (Action::DecideDeliverables, &[CityStaff]),
    (
        Action::ViewResponsiblePersons,
        &[
            CityStaff,
            ContractorLead,
            ContractorWorker,
            SecurityOfficer,
            Auditor,
        ],
    ),
    (Action::DesignateResponsiblePersons, &[ContractorLead]),
    (
        Action::ViewRoster,
        &[CityStaff, ContractorLead, SecurityOfficer, Auditor],
    ),
    (Action::KeepRoster, &[ContractorLead]),
    (Action::AcknowledgeRoster, &[CityStaff]),
    (Action::ApplySubcontracting, &[ContractorLead]),
    (Action::DecideSubcontracting, &[CityStaff]),
];

/// Whether `role` may perform `action`, from [`ACCESS`].
pub fn may(role: Role, action: Action) -> bool {
    ACCESS
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

impl Action {
    /// The role the system (the CLI, the demo) acts as when it performs this action: the
    /// first role the access table lists for it, the party that would normally do it.
    pub fn acting_role(self) -> Role {
        ACCESS
            .iter()
            .find(|(a, _)| *a == self)
            .and_then(|(_, roles)| roles.first().copied())
            .unwrap_or(Role::Admin)
    }
}

/// Who is changing something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person; their role decides what they may do.
    User {
        id: i64,
        username: String,
        role: Role,
    },
    /// The operator at the command line or the system itself (`cli:user-add`, `demo`, ...):
    /// whoever runs the binary on the server already holds the database.
    System(String),
}

/// How a change made by the system rather than a person (an [`Actor::System`] name, as
/// records keep it) is shown: the demo's seeding, a command on the server, ...
pub fn system_actor_label(name: &str) -> Option<&'static str> {
    let kind = name.split(':').next().unwrap_or(name);
    Some(match kind {
        "demo" => "デモデータの作成",
        "cli" => "サーバーでの操作",
        "system" | "bench" | "test" => "システム",
        _ => return None,
    })
}

/// The refusal of an action the access table does not grant (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("この操作を行う権限がありません。")]
pub struct Forbidden;

impl Actor {
    pub fn name(&self) -> &str {
        match self {
            Actor::User { username, .. } => username,
            Actor::System(name) => name,
        }
    }
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Actor::User { id, .. } => Some(*id),
            Actor::System(_) => None,
        }
    }
    /// The signed-in person's role; `None` for the system.
    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::User { role, .. } => Some(*role),
            Actor::System(_) => None,
        }
    }
    /// Whether the access table lets this actor perform `action` (the system may do all).
    pub fn may(&self, action: Action) -> bool {
        match self {
            Actor::User { role, .. } => may(*role, action),
            Actor::System(_) => true,
        }
    }
    /// The proof that this actor may perform `action`, or [`Forbidden`]: the only way to
    /// obtain an [`Authorized`], which every change of the store requires.
    pub fn authorize(&self, action: Action) -> Result<Authorized, Forbidden> {
        if !self.may(action) {
            return Err(Forbidden);
        }
        Ok(Authorized {
            role: self.role().unwrap_or_else(|| action.acting_role()),
            actor: self.clone(),
            action,
        })
    }
}

/// An actor checked against the access table for one action: made only by
/// [`Actor::authorize`], so holding one proves the check was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    actor: Actor,
    action: Action,
    role: Role,
}

impl Authorized {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
    /// The action that was checked.
    pub fn action(&self) -> Action {
        self.action
    }
    /// The role whose rules apply: the person's own, or for the system the action's
    /// [`Action::acting_role`].
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn name(&self) -> &str {
        self.actor.name()
    }
    pub fn user_id(&self) -> Option<i64> {
        self.actor.user_id()
    }
}

pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;

/// The Japanese names of an account's recorded fields (R8.5).
pub const USER_FIELDS: &[(&str, &str)] = &[
    ("username", "ログインID"),
    ("display_name", "氏名"),
    ("role", "ロール"),
    ("disabled", "無効"),
    ("password", "パスワード"),
    ("tokens_revoked", "失効したAPIトークンの数"),
    ("post", "職"),
    ("email", "メールアドレス"),
    ("stand_in_for", "代理する相手"),
    ("valid_from", "代理の開始日"),
    ("valid_to", "代理の終了日"),
    ("site_id", "担当する拠点"),
    ("badge_number", "社員証番号"),
];

/// The Japanese names of a sign-in's recorded fields (the login history, R8.5).
pub const SIGN_IN_FIELDS: &[(&str, &str)] = &[
    ("username", "ログインID"),
    ("address", "接続元"),
    ("user_agent", "ブラウザ等"),
    ("step", "段階"),
    ("recovery_codes_left", "残りの回復コード"),
    ("failures", "続いた失敗の回数"),
    ("sessions_ended", "終了したセッションの数"),
];

/// The Japanese names of an API token's recorded fields.
pub const TOKEN_FIELDS: &[(&str, &str)] = &[
    ("name", "トークン名"),
    ("expires_at", "有効期限"),
    ("revoked_at", "失効日時"),
    ("first_used_at", "初回利用日時"),
];

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

/// A person of the register, as stored, as far as the rules about who did some work go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub username: String,
    pub role: Role,
    pub disabled: bool,
}

/// Whether an account may be named as having done the contractor's work (on a visit, a
/// work record, a password change, a checklist, the log of other work): an enabled lead or
/// worker.
pub fn does_contract_work(role: Role, disabled: bool) -> bool {
    !disabled && matches!(role, Role::ContractorWorker | Role::ContractorLead)
}

/// The refusal, naming `field`, of account `id` named as having done the contractor's work
/// when it may not (unknown, disabled, or not the contractor's).
pub fn not_a_contract_worker(field: &str, id: i64) -> crate::rules::Refusal {
    crate::rules::Refusal::invalid(
        field,
        format!("利用者ID {id} は有効な作業従事者・業務責任者ではありません。"),
    )
}

/// A new account as typed (the form or the API).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// The first password (changed at the first sign-in). Written only: a form shown again
    /// never carries it back.
    #[serde(serialize_with = "never_written")]
    #[schema(write_only, format = Password)]
    pub password: String,
    /// The site of a ward office's staff (区役所担当者): required for that role, ignored
    /// for the others.
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub site_id: Option<i64>,
    /// A worker's (or lead's) badge number, shown to the reception desk of the sites they
    /// visit; empty for none.
    pub badge_number: String,
}

/// Serialises a secret as an empty string: it never leaves the server.
fn never_written<S: serde::Serializer>(_: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("")
}

/// A checked new account; the password is still to be hashed.
#[derive(Debug, Clone)]
pub struct NewUserDraft {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
    /// The site, for a ward office's staff only.
    pub site_id: Option<i64>,
    pub badge_number: Option<String>,
}

impl NewUserInput {
    pub fn check(&self) -> Result<NewUserDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let username = self.username.trim().to_string();
        check_username(&mut e, "username", &username);
        let display_name = crate::validation::required_text(
            &mut e,
            "display_name",
            "氏名",
            &self.display_name,
            100,
        );
        let role = crate::vocab::required::<Role>(&mut e, "role", "ロール", &self.role);
        check_password(&mut e, "password", &self.password);
        let badge_number = check_badge(&mut e, Some(&self.badge_number));
        let scope = role.map(|r| check_scope(&mut e, r, self.site_id, badge_number.as_ref()));
        match (role, scope) {
            (Some(role), Some((site_id, badge_number))) if e.is_empty() => Ok(NewUserDraft {
                username,
                display_name,
                role,
                password: self.password.clone(),
                site_id,
                badge_number,
            }),
            _ => Err(e),
        }
    }
}

/// Changes to an account as typed; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct UserUpdateInput {
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// `true` disables the account (its sessions and tokens end).
    #[serde(default, deserialize_with = "crate::validation::flexible_bool")]
    pub disabled: Option<bool>,
    /// A new password set by the administrator; empty leaves it unchanged.
    pub password: Option<String>,
    /// The post held in the City's 決裁 (担当, 係長, 課長, ...); empty clears it.
    pub post: Option<String>,
    /// Where inbox notices are mailed when an SMTP relay is configured; empty clears it.
    pub email: Option<String>,
    /// The site of a ward office's staff (required for that role); absent or empty keeps
    /// it. Another role keeps no site.
    #[serde(default, deserialize_with = "crate::validation::optional_number")]
    pub site_id: Option<i64>,
    /// A worker's or lead's badge number; empty clears it.
    pub badge_number: Option<String>,
}

/// Checked changes to an account; the new password is still to be hashed.
#[derive(Debug, Clone, Default)]
pub struct UserUpdateDraft {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
    /// A new post (`Some(None)` clears it).
    pub post: Option<Option<String>>,
    /// A new e-mail address (`Some(None)` clears it).
    pub email: Option<Option<String>>,
    /// A new site (for a ward office's staff).
    pub site_id: Option<i64>,
    /// A new badge number (`Some(None)` clears it).
    pub badge_number: Option<Option<String>>,
}

impl UserUpdateInput {
    pub fn check(&self) -> Result<UserUpdateDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let display_name = self
            .display_name
            .as_deref()
            .map(|d| crate::validation::required_text(&mut e, "display_name", "氏名", d, 100));
        let role = self.role.as_deref().and_then(|r| {
            let parsed = Role::parse(r);
            if parsed.is_none() {
                e.push("role", "ロールの指定が正しくありません。");
            }
            parsed
        });
        let password = self.password.clone().filter(|p| !p.is_empty());
        if let Some(p) = &password {
            check_password(&mut e, "password", p);
        }
        let post = self
            .post
            .as_deref()
            .map(|p| crate::validation::optional_text(&mut e, "post", "職", Some(p), 50));
        let email = self
            .email
            .as_deref()
            .map(|m| crate::mail::optional_email(&mut e, "email", m));
        let badge_number = self
            .badge_number
            .as_deref()
            .map(|b| check_badge(&mut e, Some(b)));
        e.into_result(UserUpdateDraft {
            display_name,
            role,
            disabled: self.disabled,
            password,
            post,
            email,
            site_id: self.site_id,
            badge_number,
        })
    }
}

checked_by!(NewUserInput => NewUserDraft, UserUpdateInput => UserUpdateDraft);

/// The longest badge number, in characters.
pub const BADGE_MAX: usize = 30;

/// Checks a badge number as typed: empty is none.
fn check_badge(e: &mut FieldErrors, value: Option<&str>) -> Option<String> {
    crate::validation::optional_text(e, "badge_number", "社員証番号", value, BADGE_MAX)
}

/// Whether an account of `role` may carry a badge number: the contractor's people, who go
/// to the sites.
pub fn carries_badge(role: Role) -> bool {
    matches!(role, Role::ContractorWorker | Role::ContractorLead)
}

/// What an account of `role` keeps of a site and a badge number: a ward office's staff
/// must have a site (and no other role keeps one); only the contractor's people carry a
/// badge. A refusal names the field.
pub fn check_scope(
    e: &mut FieldErrors,
    role: Role,
    site_id: Option<i64>,
    badge_number: Option<&String>,
) -> (Option<i64>, Option<String>) {
    let site_id = if role == Role::SiteStaff {
        if site_id.is_none() {
            e.push(
                "site_id",
                "区役所担当者には担当する拠点を指定してください。",
            );
        }
        site_id
    } else {
        None
    };
    if badge_number.is_some() && !carries_badge(role) {
        e.push(
            "badge_number",
            "社員証番号は作業従事者・業務責任者にのみ登録できます。",
        );
    }
    (
        site_id,
        badge_number.filter(|_| carries_badge(role)).cloned(),
    )
}

/// The site and badge number an account keeps after a change: the role it ends with
/// (`role`), the site and badge it had, and those the change gives. A ward office's staff
/// must end with a site; another role keeps none, and a badge is dropped when the account
/// stops being the contractor's.
pub fn judge_scope_change(
    role: Role,
    (site_before, badge_before): (Option<i64>, Option<String>),
    change: &UserUpdateDraft,
) -> Result<(Option<i64>, Option<String>), crate::rules::Refusal> {
    let mut e = FieldErrors::default();
    let site = change.site_id.or(site_before);
    let given_badge = change.badge_number.clone().flatten();
    let badge = match &change.badge_number {
        Some(b) => b.clone(),
        None => badge_before.filter(|_| carries_badge(role)),
    };
    let (site, _) = check_scope(&mut e, role, site, given_badge.as_ref());
    if !e.is_empty() {
        return Err(crate::rules::Refusal::Invalid(e));
    }
    Ok((site, badge.filter(|_| carries_badge(role))))
}

/// An administrator may not change their own role nor disable themselves (someone must
/// remain able to manage accounts).
pub fn judge_user_change(
    actor_id: Option<i64>,
    target_id: i64,
    current_role: Role,
    change: &UserUpdateDraft,
) -> Result<(), crate::rules::Refusal> {
    let own = actor_id == Some(target_id);
    if own && (change.disabled == Some(true) || change.role.is_some_and(|r| r != current_role)) {
        return Err(crate::rules::Refusal::conflict(
            "role",
            "自分自身のロール変更・無効化はできません。",
        ));
    }
    Ok(())
}

/// Checks the name and lifetime of a new API token: a name of 1-100 characters, 1-366 days
/// or no expiry.
pub fn check_token(name: &str, days: Option<i64>) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = crate::validation::required_text(&mut e, "name", "トークン名", name, 100);
    if days.is_some_and(|d| !(1..=366).contains(&d)) {
        e.push("days", "有効日数は1〜366日で指定してください。");
    }
    e.into_result(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_row() {
        for a in Action::ALL {
            assert_eq!(ACCESS.iter().filter(|(x, _)| *x == a).count(), 1, "{a:?}");
        }
        assert_eq!(ACCESS.len(), Action::ALL.len());
    }

    #[test]
    fn the_system_acts_as_the_first_role_of_the_row() {
        assert_eq!(Action::RecordNotices.acting_role(), CityStaff);
        assert_eq!(Action::RaiseQuestions.acting_role(), ContractorLead);
        let system = Actor::System("cli".into());
        let auth = system.authorize(Action::RecordWork).expect("system may");
        assert_eq!(auth.role(), ContractorLead);
        let auditor = Actor::User {
            id: 1,
            username: "a".into(),
            role: Auditor,
        };
        assert_eq!(auditor.authorize(Action::RecordWork), Err(Forbidden));
        let worker = Actor::User {
            id: 2,
            username: "w".into(),
            role: ContractorWorker,
        };
        assert_eq!(
            worker.authorize(Action::RecordWork).map(|a| a.role()),
            Ok(ContractorWorker)
        );
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
    fn an_administrator_keeps_their_own_role() {
        let demote = UserUpdateDraft {
            role: Some(Auditor),
            ..Default::default()
        };
        assert!(judge_user_change(Some(1), 1, Admin, &demote).is_err());
        assert!(judge_user_change(Some(1), 2, Admin, &demote).is_ok());
        let rename = UserUpdateDraft {
            display_name: Some("x".into()),
            ..Default::default()
        };
        assert!(judge_user_change(Some(1), 1, Admin, &rename).is_ok());
    }

    #[test]
    fn a_ward_offices_staff_need_a_site_and_only_the_contractors_people_a_badge() {
        let input = |role: &str, site: Option<i64>, badge: &str| NewUserInput {
            username: "ward".into(),
            display_name: "区役 五月".into(),
            role: role.into(),
            password: "long-enough-password".into(),
            site_id: site,
            badge_number: badge.into(),
        };
        let fields = |e: FieldErrors| e.0.into_iter().map(|e| e.field).collect::<Vec<_>>();
        let no_site = input("site_staff", None, "").check().expect_err("no site");
        assert_eq!(fields(no_site), ["site_id"]);
        let d = input("site_staff", Some(3), "").check().expect("site");
        assert_eq!((d.site_id, d.badge_number), (Some(3), None));
        // Another role keeps no site; a badge is the contractor's people's only.
        let d = input("contractor_worker", Some(3), "W-1")
            .check()
            .expect("worker");
        assert_eq!((d.site_id, d.badge_number.as_deref()), (None, Some("W-1")));
        let badge = input("auditor", None, "A-1").check().expect_err("badge");
        assert_eq!(fields(badge), ["badge_number"]);

        // Changes: to site staff without a site is refused; away from it the site goes,
        // and a badge goes when the account stops being the contractor's.
        let to = |role: Role| UserUpdateDraft {
            role: Some(role),
            ..Default::default()
        };
        assert!(judge_scope_change(SiteStaff, (None, None), &to(SiteStaff)).is_err());
        assert_eq!(
            judge_scope_change(Auditor, (Some(3), None), &to(Auditor)),
            Ok((None, None))
        );
        let worker = (None, Some("W-1".to_string()));
        assert_eq!(
            judge_scope_change(ContractorLead, worker.clone(), &to(ContractorLead)),
            Ok((None, Some("W-1".into())))
        );
        assert_eq!(
            judge_scope_change(CityStaff, worker, &to(CityStaff)),
            Ok((None, None))
        );
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
