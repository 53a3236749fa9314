//! What the audit trail names, in Japanese: the kinds of record ([`Entity`]), what was done
//! to them ([`AuditAction`] or the record's own verbs) and their fields, so that the
//! history of every record reads in plain Japanese (R8.5). Each field table stands beside
//! the type it describes; this module only says which tables an entity's entries use.

use serde_json::Value;

use crate::people::Action;
use crate::vocab::Labelled;
use crate::{
    approvals, attachments, availability, calendar, contract, deliverables, incidents, inventory,
    jobs, people, requests, responsible_persons, roster, schedule, site_staff, work_log,
};

labelled_enum! {
    /// A kind of record the audit trail names.
    pub enum Entity {
        Contract = ("contract", "契約"),
        Site = ("site", "拠点"),
        Terminal = ("terminal", "統合端末"),
        TouchPanel = ("touch_panel", "タッチパネル"),
        TerminalImport = ("terminal_import", "統合端末CSV取込"),
        User = ("user", "利用者"),
        ApiToken = ("api_token", "APIトークン"),
        CalendarOverride = ("calendar_override", "臨時の閉庁日・開庁日"),
        OffHours = ("off_hours", "時間外作業"),
        Permit = ("permit", "入館許可"),
        Visit = ("visit", "訪問"),
        Plan = ("plan", "全拠点計画"),
        Notice = ("notice", "J-LISからの通知"),
        Job = ("job", "作業"),
        PasswordRotation = ("password_rotation", "管理者パスワード変更"),
        Inspection = ("inspection", "年次点検の点検結果"),
        InspectionTemplate = ("inspection_template", "年次点検の点検項目"),
        Attachment = ("attachment", "添付ファイル"),
        WorkRequest = ("work_request", "作業依頼書"),
        Question = ("question", "疑義"),
        Procedure = ("procedure", "作業手順書"),
        WorkRecord = ("work_record", "作業記録"),
        Report = ("report", "結果報告"),
        WorkLog = ("work_log", "機器以外の作業の記録"),
        SignIn = ("sign_in", "サインイン"),
        SecondFactor = ("second_factor", "二要素認証"),
        FaultReport = ("fault_report", "故障報告"),
        Incident = ("incident", "障害"),
        ServiceLevel = ("service_level", "障害対応の目標"),
        FaultLog = ("fault_log", "障害ログ"),
        Deliverable = ("deliverable", "提出書類"),
        Designation = ("designation", "責任者の指定"),
        Absence = ("absence", "従事者の不在"),
        RosterPerson = ("roster_person", "従事者名簿の従事者"),
        Subcontract = ("subcontract", "再委託申請書"),
    }
}

labelled_enum! {
    /// What was done to a record, where it is not one of the record's own verbs.
    pub enum AuditAction {
        Create = ("create", "登録"),
        Update = ("update", "変更"),
        Delete = ("delete", "削除"),
        Transition = ("transition", "状態の変更"),
        Import = ("import", "取込"),
        AttachTouchPanel = ("attach_touch_panel", "タッチパネル接続"),
        Detach = ("detach", "取り外し"),
        Revoke = ("revoke", "失効"),
        ChangePassword = ("change_password", "パスワード変更"),
        Agree = ("agree", "本市の同意"),
        CreateJobs = ("create_jobs", "作業登録"),
        Replace = ("replace", "記録のやり直し"),
        RaiseFollowUp = ("raise_follow_up", "指摘への作業登録"),
        Waive = ("waive", "成果品の納品不要の判断"),
        Decide = ("decide", "判断"),
        SignInSucceeded = ("sign_in", "サインイン"),
        SignInFailed = ("sign_in_failed", "サインイン失敗"),
        SignOut = ("sign_out", "サインアウト"),
        SignOutEverywhere = ("sign_out_everywhere", "すべての端末からサインアウト"),
        Lock = ("lock", "ロック"),
        Unlock = ("unlock", "ロック解除"),
        FirstUse = ("first_use", "初回利用"),
        Enrol = ("enrol", "登録"),
        Reset = ("reset", "リセット"),
        UseRecoveryCode = ("use_recovery_code", "回復コードの使用"),
        SignOff = ("sign_off", "区役所の作業完了確認"),
        UrgentRequest = ("urgent_request", "緊急の作業依頼書の発行"),
        Succeed = ("succeed", "後任の指定（変更）"),
        End = ("end", "指定の終了"),
        Acknowledge = ("acknowledge", "本市の受領"),
    }
}

/// Fields every kind of record may carry.
const COMMON_FIELDS: &[(&str, &str)] = &[
    ("status", "状態"),
    ("note", "備考"),
    ("comment", "コメント"),
    ("reason", "理由"),
    ("request_id", "作業依頼書"),
];

impl Entity {
    /// What the access table must grant to read the history of one record of this kind:
    /// whoever may read the record reads its history; the rest is the auditors' trail.
    pub fn view_action(self) -> Action {
        use Entity::*;
        match self {
            Site | Terminal | TouchPanel | TerminalImport => Action::ViewInventory,
            // A fault report's history is read by those who see every site (a ward office's
            // staff read their own site's reports on their pages).
            OffHours | Permit | Visit | Plan | FaultReport => Action::ViewSchedule,
            Notice | Job | PasswordRotation | Inspection | InspectionTemplate | Attachment
            | WorkRequest | Question | Procedure | WorkRecord | Report | WorkLog => {
                Action::ViewJobs
            }
            CalendarOverride | Contract => Action::ViewContract,
            User | ApiToken | SignIn | SecondFactor => Action::ViewAudit,
            Incident | ServiceLevel => Action::ViewIncidents,
            FaultLog => Action::ViewFaultLogs,
            Deliverable => Action::ViewDeliverables,
            Designation => Action::ViewResponsiblePersons,
            Absence => Action::ViewRoster,
            RosterPerson | Subcontract => Action::ViewRoster,
        }
    }

    /// The refusal of a record of this kind that does not exist (404).
    pub fn not_found(self) -> String {
        format!("{}が見つかりません。", self.label_ja())
    }

    /// The field tables of this entity's entries, besides [`COMMON_FIELDS`].
    fn field_tables(self) -> &'static [&'static [(&'static str, &'static str)]] {
        use Entity::*;
        match self {
            Contract => &[contract::CONTRACT_FIELDS],
            Site => &[inventory::SITE_FIELDS],
            Terminal | TouchPanel => &[inventory::ASSET_FIELDS],
            TerminalImport => &[inventory::IMPORT_FIELDS],
            User => &[people::USER_FIELDS],
            ApiToken => &[people::TOKEN_FIELDS],
            CalendarOverride => &[calendar::OVERRIDE_FIELDS],
            OffHours => &[schedule::OFF_HOURS_FIELDS],
            Permit => &[schedule::PERMIT_FIELDS],
            Visit => &[schedule::VISIT_FIELDS, site_staff::SIGN_OFF_FIELDS],
            Plan => &[schedule::PLAN_FIELDS],
            Notice => &[jobs::NOTICE_FIELDS],
            Job => &[jobs::JOB_FIELDS, incidents::URGENT_FIELDS],
            PasswordRotation => &[jobs::ROTATION_FIELDS],
            Inspection => &[jobs::INSPECTION_FIELDS],
            InspectionTemplate => &[jobs::TEMPLATE_FIELDS],
            Attachment => &[attachments::ATTACHMENT_FIELDS],
            WorkRequest => &[
                requests::WORK_REQUEST_FIELDS,
                approvals::APPROVAL_FIELDS,
                incidents::URGENT_FIELDS,
            ],
            Question => &[requests::QUESTION_FIELDS],
            Procedure => &[
                requests::PROCEDURE_FIELDS,
                approvals::APPROVAL_FIELDS,
                incidents::URGENT_FIELDS,
            ],
            WorkRecord => &[requests::WORK_RECORD_FIELDS],
            Report => &[requests::REPORT_FIELDS, approvals::APPROVAL_FIELDS],
            WorkLog => &[work_log::WORK_LOG_FIELDS],
            SignIn | SecondFactor => &[people::SIGN_IN_FIELDS],
            FaultReport => &[site_staff::FAULT_REPORT_FIELDS],
            Deliverable => &[
                deliverables::DELIVERABLE_FIELDS,
                deliverables::DECISION_FIELDS,
            ],
            Incident => &[
                incidents::INCIDENT_FIELDS,
                incidents::EVENT_FIELDS,
                incidents::URGENT_FIELDS,
            ],
            ServiceLevel => &[incidents::SETTINGS_FIELDS],
            FaultLog => &[incidents::FAULT_LOG_FIELDS],
            Designation => &[responsible_persons::DESIGNATION_FIELDS],
            Absence => &[availability::ABSENCE_FIELDS],
            RosterPerson => &[roster::ROSTER_FIELDS],
            Subcontract => &[roster::subcontracting::SUBCONTRACT_FIELDS],
        }
    }

    /// The Japanese name of `field` of this entity's entries.
    pub fn field_label(self, field: &str) -> Option<&'static str> {
        self.field_tables()
            .iter()
            .copied()
            .chain([COMMON_FIELDS])
            .flat_map(|t| t.iter())
            .find(|(f, _)| *f == field)
            .map(|(_, l)| *l)
    }

    /// The Japanese name of the action `code` done to this entity: a general
    /// [`AuditAction`] or one of the entity's own verbs.
    pub fn action_label(self, code: &str) -> Option<&'static str> {
        use Entity::*;
        fn verb<T: Labelled>(code: &str) -> Option<&'static str> {
            T::from_code(code).map(Labelled::label)
        }
        AuditAction::parse(code)
            .map(AuditAction::label_ja)
            .or_else(|| match self {
                Notice => verb::<jobs::NoticeVerb>(code),
                Job => verb::<jobs::JobVerb>(code),
                WorkRequest => verb::<requests::WorkRequestVerb>(code),
                Question => verb::<requests::QuestionVerb>(code),
                Procedure => verb::<requests::ProcedureVerb>(code),
                Report => verb::<requests::ReportVerb>(code),
                Visit => verb::<schedule::VisitVerb>(code),
                OffHours => verb::<schedule::OffHoursVerb>(code),
                Permit => verb::<schedule::PermitVerb>(code),
                Incident => verb::<incidents::EventKind>(code),
                Deliverable => verb::<deliverables::DeliverableVerb>(code),
                RosterPerson => verb::<roster::NoticeKind>(code),
                _ => None,
            })
    }

    /// The Japanese label of a stored `code` in `field` of this entity (a status, a kind,
    /// a role), when the field holds one of the closed vocabularies.
    pub fn code_label(self, field: &str, code: &str) -> Option<&'static str> {
        use Entity::*;
        fn of<T: Labelled>(code: &str) -> Option<&'static str> {
            T::from_code(code).map(Labelled::label)
        }
        match (self, field) {
            (Terminal | TouchPanel, "status") => of::<inventory::AssetStatus>(code),
            (User, "role") => of::<people::Role>(code),
            (OffHours, "status") => of::<schedule::OffHoursStatus>(code),
            (OffHours, "cause") => of::<schedule::OffHoursCause>(code),
            (Permit, "status") => of::<schedule::PermitStatus>(code),
            (Permit, "kind") => of::<schedule::PermitKind>(code),
            (Visit, "status") => of::<schedule::VisitStatus>(code),
            (Notice, "status") => of::<jobs::NoticeStatus>(code),
            (Notice, "kind") => of::<jobs::NoticeKind>(code),
            (Job, "status") => of::<jobs::JobStatus>(code),
            (Job, "origin") => of::<jobs::JobOriginKind>(code),
            (Attachment, "owner_kind") => of::<attachments::OwnerKind>(code),
            (WorkRequest, "status") => of::<requests::WorkRequestStatus>(code),
            (Question, "status") => of::<requests::QuestionStatus>(code),
            (Procedure, "status") => of::<requests::ProcedureVersionStatus>(code),
            (WorkRecord, "outcome") => of::<requests::StepOutcome>(code),
            (Report, "status") => of::<requests::ReportStatus>(code),
            (WorkLog, "kind") => of::<work_log::WorkLogKind>(code),
            (FaultReport, "status") => of::<site_staff::FaultReportStatus>(code),
            (Incident, "status") => of::<incidents::IncidentStatus>(code),
            (Incident, "urgency") => of::<incidents::Urgency>(code),
            (Incident, "device") => of::<inventory::AssetKind>(code),
            (Incident, "pause_reason") => of::<incidents::PauseReason>(code),
            (Incident | Procedure, "approval") => of::<incidents::UrgentApproval>(code),
            (FaultLog, "kind") => of::<incidents::LogKind>(code),
            (Deliverable, "status") => of::<deliverables::DeliverableStatus>(code),
            (Deliverable, "verdict") => of::<deliverables::Verdict>(code),
            (FaultLog, "status") => of::<incidents::LogState>(code),
            (Designation, "kind") => of::<responsible_persons::DesignationKind>(code),
            (Absence, "kind") => of::<availability::AbsenceKind>(code),
            (RosterPerson, "kind") => of::<roster::NoticeKind>(code),
            (RosterPerson, "contract_role") => of::<roster::RosterRole>(code),
            (Subcontract, "status") => of::<roster::subcontracting::SubcontractStatus>(code),
            (Subcontract, "decision") => of::<roster::subcontracting::SubcontractDecision>(code),
            _ => None,
        }
    }
}

/// What an entry would show untranslated: its action when neither general nor a verb of
/// the entity, and every field of `changes` without a Japanese name. Empty when the entry
/// reads in Japanese throughout.
pub fn unlabelled(entity: Entity, action: &str, changes: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    if entity.action_label(action).is_none() {
        missing.push(format!("action {action}"));
    }
    if let Some(fields) = changes.as_object() {
        missing.extend(
            fields
                .keys()
                .filter(|f| entity.field_label(f).is_none())
                .map(|f| format!("field {f}")),
        );
    }
    missing
}

/// The Japanese name of an input field wherever it appears (a JSON body's missing field):
/// the first table that names it, or the field itself.
pub fn any_field_label(field: &str) -> &str {
    Entity::ALL
        .iter()
        .find_map(|e| e.field_label(field))
        .unwrap_or(field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entities_actions_and_codes_read_in_japanese() {
        assert_eq!(Entity::WorkRequest.label_ja(), "作業依頼書");
        assert_eq!(Entity::WorkRequest.action_label("issue"), None);
        assert_eq!(Entity::Procedure.action_label("submit"), Some("提出"));
        assert_eq!(
            Entity::WorkRecord.field_label("step_order"),
            Some("手順の番号")
        );
        assert_eq!(Entity::Job.code_label("status", "done"), Some("完了"));
        assert_eq!(
            Entity::User.code_label("role", "auditor"),
            Some("監査担当者")
        );
    }

    #[test]
    fn an_unnamed_field_or_action_is_reported() {
        let changes = json!({"status": {"after": "x"}, "mystery": {"after": 1}});
        assert_eq!(
            unlabelled(Entity::Visit, "explode", &changes),
            ["action explode", "field mystery"]
        );
        assert!(unlabelled(Entity::Visit, "cancel", &json!({"status": {}})).is_empty());
    }
}
