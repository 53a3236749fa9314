//! The urgent 作業依頼書 of an incident (§5(8)ア, R8.1, R8.2; issue 14 item 6). Work on
//! Juki-net equipment is done under a 作業依頼書 whose 作業手順書 the City approved, but a
//! fault cannot wait for the usual paperwork: the City issues, from the incident and in one
//! step, a キ/ク job on the incident's terminal, its request (dated from today, within the
//! contract period) and version 1 of its procedure, approved as a standard recovery
//! procedure or by phone. The City's 決裁 route is skipped for this kind alone, and the
//! records say so; the work records and the result report then follow the usual rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::vocab::IncidentStatus;
use crate::contract::{CategoryCode, Period};
use crate::jobs::{JobDraft, JobOrigin, JobTarget};
use crate::people::Role;
use crate::requests::{
    ProcedureDraft, ProcedureStep, WorkRequestDraft, WorkRequestStatus, WorkRequestVerb,
    judge_request_dates, work_request_transition,
};
use crate::rules::{Refusal, only};
use crate::time::date_ja;
use crate::validation::{FieldErrors, optional_text};
use crate::vocab as v;

/// The longest name of the City's approver, in characters.
const MAX_APPROVER: usize = 100;
/// The longest note, in characters.
const MAX_NOTE: usize = 2000;

labelled_enum! {
    /// How the City approved the procedure of an urgent request.
    pub enum UrgentApproval {
        /// The incident's category's standard recovery steps, approved as they stand.
        StandardProcedure = ("standard_procedure", "標準復旧手順による承認"),
        /// Approved over the phone by someone at the City.
        Phone = ("phone", "電話による承認"),
    }
}

/// The Japanese names of an urgent request's recorded fields.
pub const URGENT_FIELDS: &[(&str, &str)] = &[
    ("urgent", "緊急の作業依頼書"),
    ("incident_id", "障害"),
    ("job_id", "作業"),
    ("procedure_id", "作業手順書"),
    ("approval", "承認の方法"),
    ("approved_by_name", "承認した本市の担当者"),
    ("approved_by", "記録した本市担当者"),
    ("approved_at", "承認日時"),
    ("approval_route", "本市の決裁"),
];

/// What the audit trail records for the skipped 決裁 route.
pub const ROUTE_SKIPPED: &str = "緊急の作業依頼のため省略";

/// The City's urgent request as typed (the incident's page or the API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UrgentRequestInput {
    /// `standard_procedure` (標準復旧手順による承認) or `phone` (電話による承認).
    pub approval: String,
    /// Who at the City approved (by phone); empty: the City staff member issuing it.
    pub approved_by_name: Option<String>,
    /// Anything the City adds to the request's contents.
    pub note: Option<String>,
}

/// A checked urgent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgentRequestDraft {
    pub approval: UrgentApproval,
    pub approved_by_name: Option<String>,
    pub note: Option<String>,
}

impl UrgentRequestInput {
    pub fn check(&self) -> Result<UrgentRequestDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let approval =
            v::required::<UrgentApproval>(&mut e, "approval", "承認の方法", &self.approval);
        let approved_by_name = optional_text(
            &mut e,
            "approved_by_name",
            "承認した本市の担当者",
            self.approved_by_name.as_deref(),
            MAX_APPROVER,
        );
        let note = optional_text(&mut e, "note", "備考", self.note.as_deref(), MAX_NOTE);
        match approval {
            Some(approval) if e.is_empty() => Ok(UrgentRequestDraft {
                approval,
                approved_by_name,
                note,
            }),
            _ => Err(e),
        }
    }
}

checked_by!(UrgentRequestInput => UrgentRequestDraft);

/// An incident as far as its urgent request is judged, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgentFacts {
    pub incident_id: i64,
    pub category: CategoryCode,
    pub status: IncidentStatus,
    pub terminal_id: i64,
    pub site_id: i64,
    /// The failed device's asset number (the terminal's, or the touch panel's for ク).
    pub device_asset: String,
    pub symptom: String,
    /// The number of the incident's urgent request, when it has one already.
    pub urgent_request: Option<String>,
}

/// What issuing an urgent request writes, in this order: the job, the request naming it
/// (its `job_ids` filled in with the new job's id), version 1 of the procedure approved,
/// and the request moved on to 手順書承認済.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgentIssue {
    pub job: JobDraft,
    pub request: WorkRequestDraft,
    pub procedure: ProcedureDraft,
    /// The procedure's decision, saying how it was approved and that 決裁 was skipped.
    pub decision_comment: String,
    /// The request's status once its procedure is approved.
    pub request_status: WorkRequestStatus,
}

/// The number of an incident's urgent request.
pub fn urgent_request_number(incident_id: i64) -> String {
    format!("緊急-障害{incident_id}")
}

/// The standard recovery steps of a category (キ: a terminal, ク: a touch panel, R4.1,
/// R4.2): what an urgent request's procedure is approved as.
pub fn standard_recovery_steps(category: CategoryCode) -> Vec<ProcedureStep> {
    let steps: &[(&str, &str)] = match category {
        CategoryCode::TouchPanelRecovery => &[
            (
                "タッチパネルの障害の状況を区役所の担当者と確認する",
                "症状と発生状況が記録されている",
            ),
            (
                "タッチパネルの設定を調整する（機器の交換後は交換した機器の設定調整）",
                "タッチパネルが入力位置を正しく認識する",
            ),
            (
                "統合端末とタッチパネルの動作を確認する",
                "区役所の担当者が業務を再開できる",
            ),
        ],
        _ => &[
            (
                "障害の状況を確認し、障害ログを取得する",
                "症状と取得した障害ログが記録されている",
            ),
            (
                "J-LISへの問い合わせの結果に基づき復旧処置を行う",
                "統合端末が正常に起動し、住基ネットに接続できる",
            ),
            (
                "業務アプリケーションの動作を確認する",
                "区役所の担当者が業務を再開できる",
            ),
        ],
    };
    steps
        .iter()
        .zip(1u32..)
        .map(|((action, expected), order)| ProcedureStep {
            order,
            action: (*action).into(),
            expected_result: (*expected).into(),
        })
        .collect()
}

/// Judges an urgent request `d` by `role` on an incident with `facts`, issued `today` under
/// a contract of `period`: the City staff issue it; the incident is not yet accepted and
/// has no urgent request; today lies in the contract period. The request runs from today to
/// the end of the contract period on the incident's site and terminal.
pub fn judge_urgent_request(
    role: Role,
    facts: &UrgentFacts,
    d: &UrgentRequestDraft,
    approver: &str,
    period: Period,
    today: NaiveDate,
) -> Result<UrgentIssue, Refusal> {
    only(&[Role::CityStaff], role, "緊急の作業依頼書の発行")?;
    if facts.status == IncidentStatus::Accepted {
        return Err(Refusal::conflict(
            "status",
            "この障害は本市が復旧を確認済み（完了）のため、緊急の作業依頼書は発行できません。",
        ));
    }
    if let Some(number) = &facts.urgent_request {
        return Err(Refusal::conflict(
            "urgent_request",
            format!("この障害には既に緊急の作業依頼書「{number}」が発行されています。"),
        ));
    }
    if !super::INCIDENT_CATEGORIES.contains(&facts.category) {
        return Err(Refusal::conflict(
            "category",
            "緊急の作業依頼書はキ・クの障害にだけ発行できます。",
        ));
    }
    if judge_request_dates(today, today, period.end, period).is_err() {
        return Err(Refusal::conflict(
            "issued_on",
            format!(
                "本日（{}）は契約期間（{}〜{}）の外のため、緊急の作業依頼書は発行できません。",
                date_ja(today),
                date_ja(period.start),
                date_ja(period.end)
            ),
        ));
    }
    let id = facts.incident_id;
    let device = super::device_of(facts.category).map_or("統合端末", |k| k.label_ja());
    let mut contents = format!(
        "障害 {id}（{} {device} {}）の復旧作業を緊急に依頼します。\n症状: {}",
        facts.category, facts.device_asset, facts.symptom
    );
    if let Some(note) = &d.note {
        contents.push_str(&format!("\n{note}"));
    }
    let approver = d.approved_by_name.as_deref().unwrap_or(approver);
    let decision_comment = format!(
        "緊急の作業依頼のため本市の決裁を省略し、{}として記録（承認: {approver}）",
        d.approval.label_ja()
    );
    let request_status = work_request_transition(
        WorkRequestStatus::initial(role)?,
        WorkRequestVerb::ApproveProcedure,
        role,
    )?;
    Ok(UrgentIssue {
        job: JobDraft {
            category: facts.category,
            origin: JobOrigin::Incident,
            title: format!("障害 {id} の復旧（{}）", facts.device_asset),
            description: Some(facts.symptom.clone()),
            target: JobTarget::Terminals(vec![facts.terminal_id]),
        },
        request: WorkRequestDraft {
            request_number: urgent_request_number(id),
            issued_on: today,
            period_from: today,
            period_to: period.end,
            site_ids: vec![facts.site_id],
            contents,
            job_ids: Vec::new(),
            combination_approved: false,
        },
        procedure: ProcedureDraft {
            steps: standard_recovery_steps(facts.category),
            note: Some(format!(
                "標準復旧手順（{}）。緊急の作業依頼書の作業手順書として{}。",
                device,
                d.approval.label_ja()
            )),
        },
        decision_comment,
        request_status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> UrgentFacts {
        UrgentFacts {
            incident_id: 7,
            category: CategoryCode::TerminalRecovery,
            status: IncidentStatus::Responding,
            terminal_id: 3,
            site_id: 2,
            device_asset: "JT-1".into(),
            symptom: "起動しない".into(),
            urgent_request: None,
        }
    }

    fn draft(approval: UrgentApproval) -> UrgentRequestDraft {
        UrgentRequestDraft {
            approval,
            approved_by_name: Some("係長 札幌".into()),
            note: None,
        }
    }

    fn period() -> Period {
        Period {
            start: NaiveDate::from_ymd_opt(2020, 10, 1).expect("date"),
            end: NaiveDate::from_ymd_opt(2021, 3, 31).expect("date"),
        }
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        let y = if m >= 4 { 2020 } else { 2021 };
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn the_city_issues_one_from_today_to_the_end_of_the_period() {
        let d = draft(UrgentApproval::Phone);
        let issue =
            judge_urgent_request(Role::CityStaff, &facts(), &d, "city", period(), day(1, 12))
                .expect("issued");
        assert_eq!(issue.request.issued_on, day(1, 12));
        assert_eq!(issue.request.period_from, day(1, 12));
        assert_eq!(issue.request.period_to, day(3, 31));
        assert_eq!(issue.request.site_ids, [2]);
        assert_eq!(issue.job.target, JobTarget::Terminals(vec![3]));
        assert_eq!(issue.job.origin, JobOrigin::Incident);
        assert_eq!(issue.request_status, WorkRequestStatus::ProcedureApproved);
        assert_eq!(issue.procedure.steps.len(), 3);
        assert!(issue.decision_comment.contains("電話による承認"));
        assert!(issue.decision_comment.contains("係長 札幌"));
        assert!(issue.decision_comment.contains("決裁を省略"));
    }

    #[test]
    fn only_the_city_and_only_once_on_an_incident_not_accepted_within_the_period() {
        let d = draft(UrgentApproval::StandardProcedure);
        let judge = |role, f: &UrgentFacts, today| {
            judge_urgent_request(role, f, &d, "city", period(), today)
        };
        for role in [Role::ContractorLead, Role::ContractorWorker, Role::Auditor] {
            assert!(matches!(
                judge(role, &facts(), day(1, 12)),
                Err(Refusal::Forbidden(_))
            ));
        }
        let accepted = UrgentFacts {
            status: IncidentStatus::Accepted,
            ..facts()
        };
        let field = |r: Result<UrgentIssue, Refusal>| match r {
            Err(Refusal::Conflict { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(judge(Role::CityStaff, &accepted, day(1, 12))),
            "status"
        );
        let twice = UrgentFacts {
            urgent_request: Some(urgent_request_number(7)),
            ..facts()
        };
        assert_eq!(
            field(judge(Role::CityStaff, &twice, day(1, 12))),
            "urgent_request"
        );
        let after = NaiveDate::from_ymd_opt(2021, 4, 1).expect("date");
        assert_eq!(field(judge(Role::CityStaff, &facts(), after)), "issued_on");
    }

    #[test]
    fn a_touch_panel_fault_has_its_own_standard_steps() {
        let steps = standard_recovery_steps(CategoryCode::TouchPanelRecovery);
        assert!(steps[1].action.contains("設定を調整"));
        assert_eq!(steps.iter().map(|s| s.order).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn the_way_of_approval_is_required() {
        let e = UrgentRequestInput::default()
            .check()
            .expect_err("no approval");
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["approval"]);
    }
}
