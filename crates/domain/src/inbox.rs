//! What is waiting for each person (issue 13, item 1): the City decides procedures,
//! reports, changes, off-hours work and permits and answers the contractor's questions; the
//! contractor's lead writes procedures and reports and answers the City's questions; the
//! worker goes on visits; both sides close the questions they asked once answered, and see
//! notices past their deadline; the lead sees the faults a ward office reported, and a
//! ward office's staff the visits to their site whose work they have not yet confirmed.
//! Incidents (issue 14): the contractor sees the faults to acknowledge and those under way;
//! the City the recoveries to accept and, once the contractor has collected a log or acted
//! on a fault not yet escalated, whether to judge it a hardware fault for the lessor (R4.2).
//! Deliverables (issue 15): the City the submissions to accept or return; the contractor's
//! lead and security officer those past their due date or returned.

use serde::Serialize;

use crate::people::Role;

labelled_enum! {
    /// A kind of thing that waits for someone.
    pub enum InboxKind {
        ProcedureToDecide = ("procedure_to_decide", "承認待ちの作業手順書"),
        ReportToDecide = ("report_to_decide", "受理待ちの結果報告"),
        QuestionToAnswer = ("question_to_answer", "回答待ちの疑義"),
        ChangeToApprove = ("change_to_approve", "承認待ちの作業上の変更"),
        QuestionToClose = ("question_to_close", "回答があった疑義(解決の記録待ち)"),
        OffHoursToDecide = ("off_hours_to_decide", "承認待ちの時間外作業"),
        PermitToDecide = ("permit_to_decide", "判断待ちの入館許可"),
        ProcedureToWrite = ("procedure_to_write", "作成・再提出が必要な作業手順書"),
        ReportToWrite = ("report_to_write", "作業中の作業依頼書(結果報告待ち)"),
        NoticeOverdue = ("notice_overdue", "対応期限を過ぎた通知"),
        VisitSoon = ("visit_soon", "今日から1週間の訪問"),
        FaultReportOpen = ("fault_report_open", "区役所からの未対応の故障報告"),
        SignOffDue = ("sign_off_due", "作業完了の確認待ちの訪問"),
        IncidentToAcknowledge = ("incident_to_acknowledge", "対応開始待ちの障害"),
        IncidentToWork = ("incident_to_work", "対応中の障害"),
        IncidentToAccept = ("incident_to_accept", "復旧の確認待ちの障害"),
        HardwareToJudge = ("hardware_to_judge", "ハードウェア障害の判断待ちの障害"),
        DeliverableToDecide = ("deliverable_to_decide", "受理待ちの提出書類"),
        DeliverableOwed = ("deliverable_owed", "提出期限を過ぎた・差し戻された提出書類"),
    }
}

impl InboxKind {
    /// Whether the operations find these items (their due dates come from the contract's
    /// rules and the business calendar, not from a column the store can compare).
    pub fn computed(self) -> bool {
        self == Self::DeliverableOwed
    }
}

/// The kinds that wait for `role`, in the order its inbox shows them.
pub fn kinds_for(role: Role) -> &'static [InboxKind] {
    use InboxKind::*;
    match role {
        Role::CityStaff => &[
            ProcedureToDecide,
            ReportToDecide,
            QuestionToAnswer,
            ChangeToApprove,
            QuestionToClose,
            OffHoursToDecide,
            PermitToDecide,
            IncidentToAccept,
            HardwareToJudge,
            DeliverableToDecide,
            NoticeOverdue,
        ],
        Role::ContractorLead => &[
            ProcedureToWrite,
            QuestionToAnswer,
            QuestionToClose,
            ReportToWrite,
            VisitSoon,
            IncidentToAcknowledge,
            IncidentToWork,
            FaultReportOpen,
            DeliverableOwed,
            NoticeOverdue,
        ],
        Role::ContractorWorker => &[
            VisitSoon,
            IncidentToAcknowledge,
            IncidentToWork,
            QuestionToClose,
        ],
        Role::SiteStaff => &[SignOffDue],
        Role::SecurityOfficer => &[DeliverableOwed],
        Role::Auditor | Role::Admin => &[],
    }
}

/// One thing waiting, and where it is acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InboxItem {
    pub kind: InboxKind,
    pub kind_label: String,
    /// What it is, in Japanese (the request's number, the question's subject, ...).
    pub title: String,
    /// The page where it is acted on.
    pub href: String,
    /// The day it concerns or is due, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Past its deadline.
    pub overdue: bool,
}

impl InboxItem {
    pub fn new(kind: InboxKind, title: String, href: String, date: Option<String>) -> Self {
        Self {
            kind,
            kind_label: kind.label_ja().to_string(),
            title,
            href,
            date,
            overdue: kind == InboxKind::NoticeOverdue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_side_has_its_own_inbox_and_the_readers_none() {
        assert!(kinds_for(Role::CityStaff).contains(&InboxKind::ProcedureToDecide));
        assert!(!kinds_for(Role::ContractorLead).contains(&InboxKind::ProcedureToDecide));
        assert!(kinds_for(Role::ContractorLead).contains(&InboxKind::ProcedureToWrite));
        assert_eq!(kinds_for(Role::ContractorWorker)[0], InboxKind::VisitSoon);
        assert!(kinds_for(Role::Auditor).is_empty());
        assert!(kinds_for(Role::CityStaff).contains(&InboxKind::IncidentToAccept));
        assert!(kinds_for(Role::CityStaff).contains(&InboxKind::HardwareToJudge));
        assert!(kinds_for(Role::ContractorWorker).contains(&InboxKind::IncidentToWork));
        assert!(!kinds_for(Role::SiteStaff).contains(&InboxKind::IncidentToAcknowledge));
        for kind in InboxKind::ALL {
            let shown = Role::ALL.iter().any(|r| kinds_for(*r).contains(&kind));
            assert!(shown, "{kind:?} waits for nobody");
        }
    }
}
