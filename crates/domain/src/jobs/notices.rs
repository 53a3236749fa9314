//! J-LIS notices (R2.4): each is recorded with its received date, J-LIS reference, content
//! and deadline, and leads to one or more jobs of ア, イ or ウ.

use crate::vocab::Labelled;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::contract::CategoryCode;
use crate::people::Role;
use crate::rules::{Refusal, TransitionError};
use crate::rules::{Rule, apply, only, optional_date, required_date};
use crate::validation::{FieldErrors, required_text};

/// The Japanese names of a notice's fields.
pub const NOTICE_FIELDS: &[(&str, &str)] = &[
    ("received_on", "受付日"),
    ("jlis_reference", "J-LISの文書番号"),
    ("title", "件名"),
    ("body", "通知の内容"),
    ("kind", "種類"),
    ("requested_deadline", "期限"),
    ("job", "作業"),
];

labelled_enum! {
    /// What a J-LIS notice asks for; each kind is one work category of §4(1).
    pub enum NoticeKind {
        /// ア: update or apply software (R2.1).
        SoftwareUpdate = ("software_update", "ソフトウェア更新"),
        /// イ: apply OS security updates (R2.2).
        OsSecurityUpdate = ("os_security_update", "OSセキュリティ更新"),
        /// ウ: change or fix OS or application settings (R2.3).
        SettingsChange = ("settings_change", "設定変更"),
    }
}

impl NoticeKind {
    /// The work category the notice's jobs fall in.
    pub fn category(self) -> CategoryCode {
        match self {
            Self::SoftwareUpdate => CategoryCode::SoftwareUpdate,
            Self::OsSecurityUpdate => CategoryCode::OsSecurityUpdate,
            Self::SettingsChange => CategoryCode::NoticeSettingsChange,
        }
    }

    /// The kind whose jobs fall in `category`, if it is one of ア, イ, ウ.
    pub fn from_category(category: CategoryCode) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.category() == category)
    }
}

labelled_enum! {
    /// Where a J-LIS notice stands.
    pub enum NoticeStatus {
        /// 受付: recorded; no job yet.
        Received = ("received", "受付"),
        /// 作業登録済: at least one job was created from it.
        JobsCreated = ("jobs_created", "作業登録済"),
        /// 完了: every job it led to is finished.
        Closed = ("closed", "完了"),
        /// 撤回: J-LIS withdrew it.
        Withdrawn = ("withdrawn", "撤回"),
    }
}

labelled_enum! {
    /// What the City staff do to a notice.
    pub enum NoticeVerb {
        /// A job was created from the notice (again allowed while jobs are being added).
        CreateJobs = ("create_jobs", "作業登録"),
        Close = ("close", "完了"),
        Withdraw = ("withdraw", "撤回の記録"),
    }
}

const CITY: &[Role] = &[Role::CityStaff];

impl NoticeStatus {
    /// Whether work on the notice is still to be done (its deadline still binds).
    pub fn is_open(self) -> bool {
        matches!(self, NoticeStatus::Received | NoticeStatus::JobsCreated)
    }

    /// Whether a notice in this status with `deadline` (`YYYY-MM-DD`) is past it on
    /// `today`: still open and the deadline before today.
    pub fn is_overdue(self, deadline: Option<&str>, today: chrono::NaiveDate) -> bool {
        self.is_open()
            && deadline
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_some_and(|d| d < today)
    }

    /// The status of a newly recorded notice, when `role` may record one (the City staff).
    pub fn initial(role: Role) -> Result<Self, TransitionError> {
        only(CITY, role, "J-LISからの通知の記録")?;
        Ok(Self::Received)
    }
}

/// The notice state machine: only the City staff move a notice.
pub fn notice_transition(
    from: NoticeStatus,
    verb: NoticeVerb,
    role: Role,
) -> Result<NoticeStatus, TransitionError> {
    use NoticeStatus::*;
    let rule = match verb {
        NoticeVerb::CreateJobs => Rule {
            roles: CITY,
            from: &[Received, JobsCreated],
            to: JobsCreated,
        },
        NoticeVerb::Close => Rule {
            roles: CITY,
            from: &[JobsCreated],
            to: Closed,
        },
        NoticeVerb::Withdraw => Rule {
            roles: CITY,
            from: &[Received, JobsCreated],
            to: Withdrawn,
        },
    };
    apply("通知", rule, from, verb, role)
}

/// What a move of a notice is judged against: its status and how many of its jobs are
/// still to be finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeFacts {
    pub status: NoticeStatus,
    pub open_jobs: u32,
}

/// Judges `verb` on a notice by `role` (R2.4): the state machine, and closing only once
/// every job it led to is finished. A job is added by creating it, never by this verb.
pub fn judge_notice_move(
    facts: NoticeFacts,
    verb: NoticeVerb,
    role: Role,
) -> Result<NoticeStatus, Refusal> {
    if verb == NoticeVerb::CreateJobs {
        return Err(Refusal::invalid(
            "verb",
            "作業登録は、この通知から作業を登録すると記録されます。",
        ));
    }
    let to = notice_transition(facts.status, verb, role)?;
    if verb == NoticeVerb::Close && facts.open_jobs > 0 {
        return Err(Refusal::conflict(
            "status",
            format!(
                "この通知による作業のうち{}件が終わっていないため、完了にできません。",
                facts.open_jobs
            ),
        ));
    }
    Ok(to)
}

impl NoticeFacts {
    /// The notice's last job ended (done or cancelled): it closes with it (R2.4).
    pub fn closes_with_its_jobs(self) -> bool {
        self.status == NoticeStatus::JobsCreated && self.open_jobs == 0
    }
}

/// The notice a new job of `category` comes from, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeOfJob {
    pub jlis_reference: String,
    pub kind: NoticeKind,
    pub status: NoticeStatus,
}

/// Judges adding a job of `category` to a notice by `role`: the notice's kind must fit the
/// category (ア, イ or ウ) and the state machine must let a job be added. Returns the
/// notice's new status.
pub fn judge_job_from_notice(
    notice: &NoticeOfJob,
    category: CategoryCode,
    role: Role,
) -> Result<NoticeStatus, Refusal> {
    if notice.kind.category() != category {
        return Err(Refusal::invalid(
            "category",
            format!(
                "通知「{}」は{}の通知のため、作業区分は{}にしてください。",
                notice.jlis_reference,
                notice.kind.label_ja(),
                notice.kind.category()
            ),
        ));
    }
    notice_transition(notice.status, NoticeVerb::CreateJobs, role)
        .map_err(|e| Refusal::conflict("notice_id", e.0))
}

/// A J-LIS notice as entered (R2.4).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NoticeInput {
    /// `YYYY-MM-DD`: the day the City received it.
    pub received_on: String,
    /// J-LIS's own number or reference of the notice.
    pub jlis_reference: String,
    pub title: String,
    /// The content of the notice.
    pub body: String,
    /// `software_update` (ア), `os_security_update` (イ) or `settings_change` (ウ); the
    /// kana ア, イ, ウ are accepted too.
    pub kind: String,
    /// `YYYY-MM-DD`: the deadline J-LIS set, if any.
    #[serde(default)]
    pub requested_deadline: Option<String>,
}

/// A checked notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeDraft {
    pub received_on: NaiveDate,
    pub jlis_reference: String,
    pub title: String,
    pub body: String,
    pub kind: NoticeKind,
    pub requested_deadline: Option<NaiveDate>,
}

impl NoticeInput {
    /// Checks every field; the deadline may not precede the received date.
    pub fn check(&self) -> Result<NoticeDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let received_on = required_date(&mut e, "received_on", "受付日", &self.received_on);
        let jlis_reference = required_text(
            &mut e,
            "jlis_reference",
            "J-LISの文書番号",
            &self.jlis_reference,
            100,
        );
        let title = required_text(&mut e, "title", "件名", &self.title, 200);
        let body = required_text(&mut e, "body", "通知の内容", &self.body, 10_000);
        let kind = NoticeKind::parse(&self.kind)
            .or_else(|| CategoryCode::from_kana(&self.kind).and_then(NoticeKind::from_category));
        if kind.is_none() {
            e.push("kind", NoticeKind::one_of_message("通知の種類"));
        }
        let deadline = optional_date(
            &mut e,
            "requested_deadline",
            "期限",
            self.requested_deadline.as_deref(),
        );
        if let (Some(r), Some(d)) = (received_on, deadline)
            && d < r
        {
            e.push("requested_deadline", "期限は受付日以降にしてください。");
        }
        match (received_on, kind) {
            (Some(received_on), Some(kind)) if e.is_empty() => Ok(NoticeDraft {
                received_on,
                jlis_reference,
                title,
                body,
                kind,
                requested_deadline: deadline,
            }),
            _ => Err(e),
        }
    }
}

checked_by!(NoticeInput => NoticeDraft);

#[cfg(test)]
mod overdue_tests {
    use super::NoticeStatus;
    use chrono::NaiveDate;

    #[test]
    fn an_open_notice_past_its_deadline_is_overdue() {
        let today = NaiveDate::from_ymd_opt(2020, 11, 1).expect("date");
        assert!(NoticeStatus::Received.is_overdue(Some("2020-10-31"), today));
        assert!(NoticeStatus::JobsCreated.is_overdue(Some("2020-10-31"), today));
        assert!(
            !NoticeStatus::Received.is_overdue(Some("2020-11-01"), today),
            "due today is not late"
        );
        assert!(!NoticeStatus::Received.is_overdue(None, today));
        assert!(!NoticeStatus::Closed.is_overdue(Some("2020-10-01"), today));
        assert!(!NoticeStatus::Withdrawn.is_overdue(Some("2020-10-01"), today));
    }
}
