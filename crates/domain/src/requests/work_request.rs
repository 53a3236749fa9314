//! 作業依頼書 (work request, R8.1): the City's written request for one job, or for several
//! jobs done in one visit when the City approved the combination (R4.3).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::bounds::{judge_request_dates, judge_request_sites};
use crate::contract::Period;
use crate::jobs::{JobStatus, JobVerb, job_transition};
use crate::people::Role;
use crate::rules::{Refusal, TransitionError};
use crate::rules::{Rule, apply, distinct, only, required_date};
use crate::validation::{FieldErrors, required_text};

/// The most jobs one request combines in one visit (R4.3).
pub const MAX_REQUEST_JOBS: usize = 50;

/// The most sites one request names.
pub const MAX_REQUEST_SITES: usize = 500;

/// The most terminals one request covers, its jobs' terminals together: far more than the
/// City has. A request is not issued over more, and work is recorded on at most as many.
pub const MAX_REQUEST_TERMINALS: usize = 1000;

/// The Japanese names of a 作業依頼書's fields.
pub const WORK_REQUEST_FIELDS: &[(&str, &str)] = &[
    ("request_number", "依頼番号"),
    ("issued_on", "発行日"),
    ("period_from", "作業期間の開始日"),
    ("period_to", "作業期間の終了日"),
    ("contents", "依頼内容"),
    ("job_ids", "作業"),
    ("site_ids", "作業場所"),
    ("combination_approved", "作業の組合せの承認"),
];

labelled_enum! {
    /// Where a work request stands.
    pub enum WorkRequestStatus {
        /// 発行済: the City issued it; the 作業手順書 is not yet approved.
        Issued = ("issued", "発行済"),
        /// 手順書承認済: the City approved a version of the 作業手順書 (R8.2).
        ProcedureApproved = ("procedure_approved", "手順書承認済"),
        /// 作業中: work is being recorded.
        InProgress = ("in_progress", "作業中"),
        /// 結果報告済: the contractor reported the result (R8.3).
        Reported = ("reported", "結果報告済"),
        /// 完了: the City accepted the result; closed.
        Accepted = ("accepted", "完了"),
        /// 取消
        Cancelled = ("cancelled", "取消"),
    }
}

impl WorkRequestStatus {
    /// Neither cancelled nor accepted: its jobs move with it.
    pub fn is_live(self) -> bool {
        !matches!(self, Self::Cancelled | Self::Accepted)
    }

    /// The status of a newly issued request, when `role` may issue one (the City staff).
    pub fn initial(role: Role) -> Result<Self, TransitionError> {
        only(CITY, role, "作業依頼書の発行")?;
        Ok(Self::Issued)
    }
}

labelled_enum! {
    /// What someone does to a work request.
    pub enum WorkRequestVerb {
        /// The City approved the first version of the 作業手順書 (see `may_approve`);
        /// approving a later version leaves the request where it stands.
        ApproveProcedure = ("approve_procedure", "作業手順書の承認"),
        /// The first work was recorded (see `may_record_work`).
        StartWork = ("start_work", "作業開始"),
        Report = ("report", "結果報告"),
        /// The City sends the reported work back to be done again.
        ReturnForRework = ("return_for_rework", "再作業の依頼"),
        Accept = ("accept", "完了の確認"),
        Cancel = ("cancel", "取消"),
    }
}

const CITY: &[Role] = &[Role::CityStaff];
const LEAD: &[Role] = &[Role::ContractorLead];
const CONTRACTOR: &[Role] = &[Role::ContractorLead, Role::ContractorWorker];

/// The work request state machine: the City approves procedures, sends work back, accepts
/// and cancels; the contractor works, and its lead reports.
pub fn work_request_transition(
    from: WorkRequestStatus,
    verb: WorkRequestVerb,
    role: Role,
) -> Result<WorkRequestStatus, TransitionError> {
    use WorkRequestStatus::*;
    let rule = match verb {
        WorkRequestVerb::ApproveProcedure => Rule {
            roles: CITY,
            from: &[Issued],
            to: ProcedureApproved,
        },
        WorkRequestVerb::StartWork => Rule {
            roles: CONTRACTOR,
            from: &[ProcedureApproved],
            to: InProgress,
        },
        WorkRequestVerb::Report => Rule {
            roles: LEAD,
            from: &[InProgress],
            to: Reported,
        },
        WorkRequestVerb::ReturnForRework => Rule {
            roles: CITY,
            from: &[Reported],
            to: InProgress,
        },
        WorkRequestVerb::Accept => Rule {
            roles: CITY,
            from: &[Reported],
            to: Accepted,
        },
        WorkRequestVerb::Cancel => Rule {
            roles: CITY,
            from: &[Issued, ProcedureApproved, InProgress],
            to: Cancelled,
        },
    };
    apply("作業依頼書", rule, from, verb, role)
}

/// A work request as entered by the City.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct WorkRequestInput {
    /// The City's number of the form.
    pub request_number: String,
    /// `YYYY-MM-DD`
    pub issued_on: String,
    /// `YYYY-MM-DD`: the first day work may be done.
    pub period_from: String,
    /// `YYYY-MM-DD`: the last day; not before `period_from`.
    pub period_to: String,
    /// The sites where the work is done.
    #[serde(default)]
    pub site_ids: Vec<i64>,
    /// What is requested.
    pub contents: String,
    /// The jobs requested; several means one combined visit (R4.3).
    #[serde(default)]
    pub job_ids: Vec<i64>,
    /// The City approved doing these jobs together (required when there are several).
    #[serde(default)]
    pub combination_approved: bool,
}

/// A checked work request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkRequestDraft {
    pub request_number: String,
    pub issued_on: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub site_ids: Vec<i64>,
    pub contents: String,
    /// Sorted, no repeats; at least one.
    pub job_ids: Vec<i64>,
    /// True exactly when the request combines several jobs (and the City approved that).
    pub combination_approved: bool,
}

impl WorkRequestDraft {
    /// Several jobs in one visit (R4.3).
    pub fn is_combined(&self) -> bool {
        self.job_ids.len() > 1
    }
}

impl WorkRequestInput {
    /// Checks every field: a real period, at least one site and one job, and the City's
    /// approval when jobs are combined.
    pub fn check(&self) -> Result<WorkRequestDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let request_number = required_text(
            &mut e,
            "request_number",
            "作業依頼書の番号",
            &self.request_number,
            50,
        );
        let issued_on = required_date(&mut e, "issued_on", "発行日", &self.issued_on);
        let from = required_date(&mut e, "period_from", "作業期間の開始日", &self.period_from);
        let to = required_date(&mut e, "period_to", "作業期間の終了日", &self.period_to);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            e.push("period_to", "作業期間の終了日は開始日以降にしてください。");
        }
        let site_ids = bounded(
            &mut e,
            "site_ids",
            "作業場所",
            &self.site_ids,
            MAX_REQUEST_SITES,
        );
        if site_ids.as_ref().is_some_and(Vec::is_empty) {
            e.push("site_ids", "作業場所（拠点）を1つ以上選んでください。");
        }
        let contents = required_text(&mut e, "contents", "依頼内容", &self.contents, 4000);
        let job_ids = bounded(
            &mut e,
            "job_ids",
            "依頼する作業",
            &self.job_ids,
            MAX_REQUEST_JOBS,
        );
        if job_ids.as_ref().is_some_and(Vec::is_empty) {
            e.push("job_ids", "依頼する作業を1つ以上選んでください。");
        }
        let (site_ids, job_ids) = (site_ids.unwrap_or_default(), job_ids.unwrap_or_default());
        let combined = job_ids.len() > 1;
        if combined && !self.combination_approved {
            e.push(
                "combination_approved",
                "複数の作業を1回の作業でまとめて実施するには、本市の承認（同時実施の承認）を記録してください。",
            );
        }
        match (issued_on, from, to) {
            (Some(issued_on), Some(period_from), Some(period_to)) if e.is_empty() => {
                Ok(WorkRequestDraft {
                    request_number,
                    issued_on,
                    period_from,
                    period_to,
                    site_ids,
                    contents,
                    job_ids,
                    combination_approved: combined,
                })
            }
            _ => Err(e),
        }
    }
}

/// The ids of a list field, sorted without repeats, when there are at most `max`; more is
/// refused naming the field and the limit (nothing is sorted).
fn bounded(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    ids: &[i64],
    max: usize,
) -> Option<Vec<i64>> {
    if ids.len() > max {
        e.push(field, format!("{label}は{max}件までです。"));
        return None;
    }
    Some(distinct(ids))
}

checked_by!(WorkRequestInput => WorkRequestDraft);

/// One job moved with its request, from the status it was judged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobMove {
    pub id: i64,
    pub from: JobStatus,
    pub to: JobStatus,
}

/// Moves each of a request's `jobs` (id and status) by `verb`, or refuses naming the job
/// that cannot move.
pub fn job_moves(
    jobs: &[(i64, JobStatus)],
    verb: JobVerb,
    role: Role,
) -> Result<Vec<JobMove>, Refusal> {
    jobs.iter()
        // A job already under way (an オ change or a カ checklist recorded first started it)
        // needs no start when its request's first work record comes.
        .filter(|&&(_, from)| !(verb == JobVerb::Start && from == JobStatus::InProgress))
        .map(|&(id, from)| {
            let to = job_transition(from, verb, role)
                .map_err(|e| Refusal::conflict("job_ids", format!("作業ID {id}: {}", e.0)))?;
            Ok(JobMove { id, from, to })
        })
        .collect()
}

/// What the records say about a request about to be issued.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueFacts {
    /// Another request has the number.
    pub number_taken: bool,
    /// The draft's sites that are not in the register.
    pub unknown_sites: Vec<i64>,
    /// Each of the draft's jobs with its status; `None` when there is no such job.
    pub jobs: Vec<(i64, Option<JobStatus>)>,
    /// How many terminals the jobs cover together.
    pub terminals: usize,
    /// The sites of the jobs' terminals, with their names: the request must name each.
    pub job_sites: Vec<(i64, String)>,
}

/// What issuing a request writes: its status, and its jobs moved to 依頼済.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub status: WorkRequestStatus,
    pub jobs: Vec<JobMove>,
}

/// Judges issuing `draft` by `role` (R8.1): the City issues; the number is new; its dates
/// lie in the `contract` period and work starts no earlier than the issue; every site and
/// job exists; each job waits for a request; the request names every site where its jobs'
/// terminals are; the jobs cover no more than [`MAX_REQUEST_TERMINALS`].
pub fn judge_issue(
    draft: &WorkRequestDraft,
    facts: &IssueFacts,
    contract: Period,
    role: Role,
) -> Result<Issue, Refusal> {
    let status = WorkRequestStatus::initial(role)?;
    judge_request_dates(
        draft.issued_on,
        draft.period_from,
        draft.period_to,
        contract,
    )?;
    if facts.number_taken {
        return Err(Refusal::conflict(
            "request_number",
            format!("作業依頼書番号「{}」は登録済みです。", draft.request_number),
        ));
    }
    let mut e = FieldErrors::default();
    for id in &facts.unknown_sites {
        e.push("site_ids", format!("拠点ID {id} は登録されていません。"));
    }
    let mut known = Vec::new();
    for (id, status) in &facts.jobs {
        match status {
            Some(s) => known.push((*id, *s)),
            None => e.push("job_ids", format!("作業ID {id} は登録されていません。")),
        }
    }
    if !e.is_empty() {
        return Err(Refusal::Invalid(e));
    }
    judge_request_sites(&draft.site_ids, &facts.job_sites)?;
    if facts.terminals > MAX_REQUEST_TERMINALS {
        return Err(Refusal::invalid(
            "job_ids",
            format!(
                "選んだ作業の統合端末が{}台あります。1つの作業依頼書で扱えるのは{MAX_REQUEST_TERMINALS}台までです。",
                facts.terminals
            ),
        ));
    }
    Ok(Issue {
        status,
        jobs: job_moves(&known, JobVerb::Request, role)?,
    })
}
