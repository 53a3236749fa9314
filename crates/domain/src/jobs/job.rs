//! Jobs (作業, R2-R4): one piece of work of a category ア..ク, coming from a J-LIS notice
//! (ア イ ウ), the City's order (エ オ カ) or an incident (キ ク), on all terminals or on
//! chosen ones.

use crate::vocab::Labelled;
use serde::{Deserialize, Serialize};

use crate::contract::{CategoryCode, WorkOrigin};
use crate::inventory::AssetStatus;
use crate::people::{Action, Role};
use crate::rules::{Ground, Refusal, TransitionError};
use crate::rules::{Rule, apply, distinct, only};
use crate::validation::{FieldErrors, optional_text, required_text};

/// The most terminals a job may name one by one: far above the City's register (about 50
/// to 100 integrated terminals); a job on more covers all terminals instead.
pub const MAX_JOB_TERMINALS: usize = 1_000;

/// The statuses of a terminal installed at a site now (in service or under repair, not
/// spare or retired): what a job on all terminals covers.
pub const INSTALLED: [AssetStatus; 2] = [AssetStatus::InService, AssetStatus::UnderRepair];

/// The Japanese names of a job's fields.
pub const JOB_FIELDS: &[(&str, &str)] = &[
    ("category", "作業区分"),
    ("origin", "発生元"),
    ("notice_id", "J-LISからの通知"),
    ("notice", "J-LISからの通知"),
    ("title", "作業名"),
    ("description", "作業内容"),
    ("all_terminals", "全端末"),
    ("terminal_ids", "対象の統合端末"),
    ("terminals", "対象の統合端末"),
    ("done_on", "完了日"),
    ("verb", "操作"),
    ("terminal", "統合端末"),
    ("finding", "指摘"),
    ("follow_up", "登録した作業"),
    ("waiver", "納品不要とした成果品"),
    ("decided_on", "判断日"),
];

/// Where a job's category comes from, per §4: (1) J-LIS notices, (2) the City, (3) faults.
pub fn origin_of(category: CategoryCode) -> WorkOrigin {
    use CategoryCode::*;
    match category {
        SoftwareUpdate | OsSecurityUpdate | NoticeSettingsChange => WorkOrigin::JlisNotice,
        CitySettingsChange | PasswordRotation | AnnualInspection => WorkOrigin::CityOrder,
        TerminalRecovery | TouchPanelRecovery => WorkOrigin::Incident,
    }
}

/// Why a job exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobOrigin {
    /// J-LISからの通知 (ア イ ウ).
    Notice { notice_id: i64 },
    /// 本市独自指示 (エ オ カ).
    CityOrder,
    /// 障害 (キ ク).
    Incident,
}

labelled_enum! {
    /// The kind of a [`JobOrigin`], as stored in the `origin` column.
    pub enum JobOriginKind {
        Notice = ("notice", "J-LISからの通知"),
        CityOrder = ("city_order", "本市指示"),
        Incident = ("incident", "障害"),
    }
}

impl JobOrigin {
    pub fn kind(self) -> JobOriginKind {
        match self {
            Self::Notice { .. } => JobOriginKind::Notice,
            Self::CityOrder => JobOriginKind::CityOrder,
            Self::Incident => JobOriginKind::Incident,
        }
    }
    pub fn as_str(self) -> &'static str {
        self.kind().as_str()
    }
    pub fn label_ja(self) -> &'static str {
        self.kind().label_ja()
    }
    /// The §4 group this origin belongs to.
    pub fn work_origin(self) -> WorkOrigin {
        match self {
            Self::Notice { .. } => WorkOrigin::JlisNotice,
            Self::CityOrder => WorkOrigin::CityOrder,
            Self::Incident => WorkOrigin::Incident,
        }
    }
    pub fn notice_id(self) -> Option<i64> {
        match self {
            Self::Notice { notice_id } => Some(notice_id),
            _ => None,
        }
    }
}

/// Which terminals a job covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "terminal_ids", rename_all = "snake_case")]
pub enum JobTarget {
    /// 全端末: every terminal in service when the work is done.
    AllTerminals,
    /// 指定端末: these terminals (sorted, no repeats).
    Terminals(Vec<i64>),
}

impl JobTarget {
    /// The terminal ids the job covers, given those in service.
    pub fn resolve(&self, in_service: &[i64]) -> Vec<i64> {
        match self {
            Self::AllTerminals => distinct(in_service),
            Self::Terminals(ids) => ids.clone(),
        }
    }
}

labelled_enum! {
    /// Where a job stands.
    pub enum JobStatus {
        /// 予定: recorded; no 作業依頼書 yet.
        Planned = ("planned", "予定"),
        /// 依頼済: a 作業依頼書 was issued for it (R8.1).
        Requested = ("requested", "依頼済"),
        /// 作業中: work has been recorded.
        InProgress = ("in_progress", "作業中"),
        /// 完了: the City accepted the result.
        Done = ("done", "完了"),
        /// 中止
        Cancelled = ("cancelled", "中止"),
    }
}

impl JobStatus {
    /// Still to be finished (counts as open in the category counts).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Planned | Self::Requested | Self::InProgress)
    }

    /// The status of a new job, when `role` may record one (the City staff, or the
    /// contractor's lead, e.g. on a fault call).
    pub fn initial(role: Role) -> Result<Self, TransitionError> {
        only(CREATORS, role, "作業の登録")?;
        Ok(Self::Planned)
    }
}

labelled_enum! {
    /// What someone does to a job.
    pub enum JobVerb {
        /// A 作業依頼書 covering the job was issued.
        Request = ("request", "作業依頼"),
        /// The first work was recorded.
        Start = ("start", "作業開始"),
        /// The City accepted the result.
        Complete = ("complete", "完了の確認"),
        Cancel = ("cancel", "中止"),
    }
}

const CREATORS: &[Role] = &[Role::CityStaff, Role::ContractorLead];
const CITY: &[Role] = &[Role::CityStaff];
const CONTRACTOR: &[Role] = &[Role::ContractorLead, Role::ContractorWorker];

/// The job state machine: the City requests, completes and cancels; the contractor starts.
pub fn job_transition(
    from: JobStatus,
    verb: JobVerb,
    role: Role,
) -> Result<JobStatus, TransitionError> {
    use JobStatus::*;
    let rule = match verb {
        JobVerb::Request => Rule {
            roles: CITY,
            from: &[Planned],
            to: Requested,
        },
        JobVerb::Start => Rule {
            roles: CONTRACTOR,
            from: &[Requested],
            to: InProgress,
        },
        JobVerb::Complete => Rule {
            roles: CITY,
            from: &[InProgress],
            to: Done,
        },
        JobVerb::Cancel => Rule {
            roles: CITY,
            from: &[Planned, Requested, InProgress],
            to: Cancelled,
        },
    };
    apply("作業", rule, from, verb, role)
}

impl JobVerb {
    /// Someone applies the verb to a job by itself: only a cancellation. A job is requested
    /// by issuing its 作業依頼書 (R8.1), started by its first work record and completed by
    /// the City's acceptance of its result report (R8.3).
    pub fn is_direct(self) -> bool {
        self == Self::Cancel
    }
}

/// What a job's direct move is judged on: its status, and the number of the live
/// 作業依頼書 it is worked under, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobMoveFacts {
    pub status: JobStatus,
    pub request: Option<String>,
}

/// Judges `verb` applied to a job by itself (not through its request): only a job outside
/// any live 作業依頼書 is cancelled this way; the other moves belong to the request chain and
/// are refused naming the step that makes them.
pub fn judge_job_move(
    facts: &JobMoveFacts,
    verb: JobVerb,
    role: Role,
) -> Result<JobStatus, Refusal> {
    let judged = job_transition(facts.status, verb, role);
    if let Err(e @ TransitionError(_, Ground::Role)) = judged {
        return Err(e.into());
    }
    let chain = match verb {
        JobVerb::Request => Some(
            "作業の依頼は、作業依頼書を発行して行います(仕様書 5(8)ア)。作業依頼書の画面から発行してください。",
        ),
        JobVerb::Start => {
            Some("作業の開始は、最初の作業記録を登録したときに記録されます(仕様書 5(8)ウ)。")
        }
        JobVerb::Complete => Some(
            "作業の完了は、本市が作業依頼書の結果報告を承認したときに記録されます(仕様書 5(8)ウ)。",
        ),
        JobVerb::Cancel => None,
    };
    if let Some(rule) = chain {
        return Err(Refusal::conflict("verb", rule));
    }
    if let Some(number) = &facts.request {
        return Err(Refusal::conflict(
            "verb",
            format!(
                "作業依頼書「{number}」で依頼中の作業です。中止するときは、作業依頼書を取り消してください。"
            ),
        ));
    }
    Ok(judged?)
}

/// A job as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct JobInput {
    /// The work category, ア..ク.
    pub category: String,
    /// `notice` (ア イ ウ), `city_order` (エ オ カ) or `incident` (キ ク).
    pub origin: String,
    /// The J-LIS notice, for origin `notice` only.
    #[serde(default)]
    pub notice_id: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Every terminal in service; `terminal_ids` must then be empty.
    #[serde(default)]
    pub all_terminals: bool,
    /// The chosen terminals (at most [`MAX_JOB_TERMINALS`]).
    #[serde(default)]
    pub terminal_ids: Vec<i64>,
}

/// A checked job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobDraft {
    pub category: CategoryCode,
    pub origin: JobOrigin,
    pub title: String,
    pub description: Option<String>,
    pub target: JobTarget,
}

impl JobInput {
    /// Checks every field, and that the origin fits the category (§4).
    pub fn check(&self) -> Result<JobDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let category = CategoryCode::from_kana(&self.category);
        if category.is_none() {
            e.push("category", "作業区分はア〜クのいずれかを指定してください。");
        }
        let origin = self.check_origin(&mut e, category);
        let title = required_text(&mut e, "title", "作業名", &self.title, 200);
        let description = optional_text(
            &mut e,
            "description",
            "作業内容",
            self.description.as_deref(),
            4000,
        );
        if self.terminal_ids.len() > MAX_JOB_TERMINALS {
            e.push(
                "terminal_ids",
                format!("対象の統合端末は{MAX_JOB_TERMINALS}台まで選べます。それより多い場合は全端末を対象にしてください。"),
            );
        }
        let ids = distinct(&self.terminal_ids);
        let target = match (self.all_terminals, ids.is_empty()) {
            (true, true) => Some(JobTarget::AllTerminals),
            (false, false) => Some(JobTarget::Terminals(ids)),
            (true, false) => {
                e.push(
                    "terminal_ids",
                    "全端末を対象とする場合は、端末を選ばないでください。",
                );
                None
            }
            (false, true) => {
                e.push(
                    "terminal_ids",
                    "対象の統合端末を1台以上選ぶか、全端末を対象にしてください。",
                );
                None
            }
        };
        match (category, origin, target) {
            (Some(category), Some(origin), Some(target)) if e.is_empty() => Ok(JobDraft {
                category,
                origin,
                title,
                description,
                target,
            }),
            _ => Err(e),
        }
    }

    /// Reads the origin and notice id, refusing combinations §4 does not allow.
    fn check_origin(
        &self,
        e: &mut FieldErrors,
        category: Option<CategoryCode>,
    ) -> Option<JobOrigin> {
        let origin = match (self.origin.trim(), self.notice_id) {
            ("notice", Some(notice_id)) => Some(JobOrigin::Notice { notice_id }),
            ("notice", None) => {
                e.push(
                    "notice_id",
                    "J-LISからの通知による作業は、通知を選んでください。",
                );
                return None;
            }
            ("city_order", None) => Some(JobOrigin::CityOrder),
            ("incident", None) => Some(JobOrigin::Incident),
            ("city_order" | "incident", Some(_)) => {
                e.push(
                    "notice_id",
                    "通知を選べるのは、J-LISからの通知による作業（ア・イ・ウ）だけです。",
                );
                return None;
            }
            _ => {
                e.push("origin", JobOriginKind::one_of_message("作業の発生元"));
                return None;
            }
        };
        let (origin, category) = (origin?, category?);
        let expected = origin_of(category);
        if origin.work_origin() != expected {
            e.push(
                "origin",
                format!(
                    "作業区分{category}は「{}」の作業です（発生元「{}」とは組み合わせられません）。",
                    expected.label_ja(),
                    origin.label_ja()
                ),
            );
            return None;
        }
        Some(origin)
    }
}

impl JobVerb {
    /// What the access table must grant: the contractor's people start the work (as they
    /// record it); the rest is managing jobs. The state machine then says which role does
    /// what.
    pub const fn action(self) -> Action {
        match self {
            Self::Start => Action::RecordWork,
            _ => Action::ManageJobs,
        }
    }
}

/// A terminal of the register as a job's target is judged against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalFacts {
    pub id: i64,
    pub asset_number: String,
    pub status: AssetStatus,
}

/// The terminals `target` covers, in the order of `found`: for all terminals, those of
/// `found` installed now (the store loads the installed ones), refused when there is none;
/// chosen ones must each be in `found` (the store loads those of the ids that exist) and
/// not retired. Every refusal names `terminal_ids`.
pub fn judge_job_terminals(
    target: &JobTarget,
    found: &[TerminalFacts],
) -> Result<Vec<TerminalFacts>, Refusal> {
    let ids = match target {
        JobTarget::AllTerminals => {
            let installed: Vec<TerminalFacts> = found
                .iter()
                .filter(|t| INSTALLED.contains(&t.status))
                .cloned()
                .collect();
            if installed.is_empty() {
                return Err(Refusal::invalid(
                    "terminal_ids",
                    "使用中の統合端末が登録されていないため、全端末を対象にできません。",
                ));
            }
            return Ok(installed);
        }
        JobTarget::Terminals(ids) => ids,
    };
    let mut e = FieldErrors::default();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        match found.iter().find(|t| t.id == *id) {
            None => e.push(
                "terminal_ids",
                format!("統合端末ID {id} は登録されていません。"),
            ),
            Some(t) if t.status == AssetStatus::Retired => e.push(
                "terminal_ids",
                format!(
                    "統合端末 {} は撤去済みのため対象にできません。",
                    t.asset_number
                ),
            ),
            Some(t) => out.push(t.clone()),
        }
    }
    Ok(e.into_result(out)?)
}

checked_by!(JobInput => JobDraft);
