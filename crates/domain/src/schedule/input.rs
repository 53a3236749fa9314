//! What people enter for off-hours work, permits and visits, and its field-by-field check.
//! The JSON API deserialises these types; the HTML forms are turned into them.

use crate::vocab::Labelled;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{OffHoursCause, OffHoursVerb, PermitKind, PermitVerb, Span, check_span};
use crate::inventory::parse_date;
use crate::validation::{FieldErrors, optional_text, required_text};

/// The most people one visit or off-hours record names. A visit of the all-site plan has
/// one; a visit planned by hand a few: no room of a ward office holds more at once.
pub const MAX_VISIT_WORKERS: usize = 20;
/// The most terminals one visit works on: far more than any site holds, since a visit
/// lies within one working day.
pub const MAX_VISIT_TERMINALS: usize = 500;
/// The longest comment given with a decision.
const MAX_COMMENT: usize = 500;

/// The Japanese names of an off-hours record's fields.
pub const OFF_HOURS_FIELDS: &[(&str, &str)] = &[
    ("site", "拠点"),
    ("site_id", "拠点"),
    ("date", "日付"),
    ("start", "開始時刻"),
    ("end", "終了時刻"),
    ("cause", "事由の区分"),
    ("reason", "理由"),
    ("worker_ids", "作業従事者"),
];

/// The Japanese names of an entry permit's fields.
pub const PERMIT_FIELDS: &[(&str, &str)] = &[
    ("site", "拠点"),
    ("site_id", "拠点"),
    ("kind", "種類"),
    ("room", "部屋"),
    ("valid_from", "有効期間(開始)"),
    ("valid_to", "有効期間(終了)"),
];

/// The Japanese names of a visit's fields.
pub const VISIT_FIELDS: &[(&str, &str)] = &[
    ("site", "拠点"),
    ("site_id", "拠点"),
    ("date", "日付"),
    ("start", "開始時刻"),
    ("end", "終了時刻"),
    ("purpose", "作業内容"),
    ("room", "部屋"),
    ("worker_ids", "作業従事者"),
    ("terminal_ids", "統合端末"),
    ("all_terminals", "拠点の使用中の統合端末すべて"),
    ("plan_id", "全拠点計画"),
    ("agreed_by", "本市の同意"),
];

/// The Japanese names of an all-site plan's fields.
pub const PLAN_FIELDS: &[(&str, &str)] = &[
    ("title", "計画名"),
    ("start", "開始日"),
    ("visits", "訪問件数"),
    ("within_deadline", "期限内"),
    ("cost_minutes", "作業・移動時間の合計(分)"),
    ("agreed_by", "本市の同意"),
    ("purpose", "作業内容"),
    ("work_minutes_per_terminal", "1台あたりの作業時間"),
    ("workers", "作業従事者"),
    ("worker_ids", "作業従事者"),
    ("site_ids", "対象の拠点"),
    ("travel_csv", "移動時間表"),
];

/// An off-hours record as entered (R5.3).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct OffHoursInput {
    pub site_id: i64,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`, Japan time
    pub start: String,
    pub end: String,
    /// `city` (本市の事由: the City's instruction) or `contractor` (受注者の事由: needs approval)
    pub cause: String,
    pub reason: String,
    /// The workers (users) who will do the work.
    #[serde(default)]
    pub worker_ids: Vec<i64>,
}

/// A checked off-hours record.
#[derive(Debug, Clone, PartialEq)]
pub struct OffHoursDraft {
    pub site_id: i64,
    pub span: Span,
    pub cause: OffHoursCause,
    pub reason: String,
    pub worker_ids: Vec<i64>,
}

impl OffHoursInput {
    pub fn check(&self) -> Result<OffHoursDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let span = check_span(&mut e, &self.date, &self.start, &self.end);
        let cause = OffHoursCause::parse(&self.cause);
        if cause.is_none() {
            e.push("cause", "事由の区分は city（本市の事由）または contractor（受注者の事由）を指定してください。");
        }
        let reason = required_text(&mut e, "reason", "理由", &self.reason, 500);
        let worker_ids = check_workers(&mut e, &self.worker_ids);
        match (span, cause) {
            (Some(span), Some(cause)) if e.is_empty() => Ok(OffHoursDraft {
                site_id: self.site_id,
                span,
                cause,
                reason,
                worker_ids,
            }),
            _ => Err(e),
        }
    }
}

/// A building-entry permit as entered (R5.5).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PermitInput {
    pub site_id: i64,
    /// `building` (入館), `after_hours` (時間外入館) or `room` (指定室入室)
    pub kind: String,
    /// The designated room, for `room` permits.
    #[serde(default)]
    pub room: Option<String>,
    /// `YYYY-MM-DD`: the first day the permit covers.
    pub valid_from: String,
    /// `YYYY-MM-DD`: the last day; the first day when empty.
    #[serde(default)]
    pub valid_to: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A checked permit application.
#[derive(Debug, Clone, PartialEq)]
pub struct PermitDraft {
    pub site_id: i64,
    pub kind: PermitKind,
    pub room: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub note: Option<String>,
}

impl PermitInput {
    pub fn check(&self) -> Result<PermitDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = PermitKind::parse(&self.kind);
        if kind.is_none() {
            e.push("kind", PermitKind::one_of_message("許可の種類"));
        }
        let room = optional_text(&mut e, "room", "部屋", self.room.as_deref(), 100);
        if kind == Some(PermitKind::Room) && room.is_none() {
            e.push("room", "指定室入室許可には部屋を入力してください。");
        }
        let from = parse_date(&self.valid_from);
        if from.is_none() {
            e.push(
                "valid_from",
                "有効期間の開始日をYYYY-MM-DDの形式で入力してください。",
            );
        }
        let to = match self
            .valid_to
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => from,
            Some(s) => {
                let to = parse_date(s);
                if to.is_none() {
                    e.push(
                        "valid_to",
                        "有効期間の終了日をYYYY-MM-DDの形式で入力してください。",
                    );
                }
                to
            }
        };
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            e.push("valid_to", "有効期間の終了日は開始日以降にしてください。");
        }
        let note = optional_text(&mut e, "note", "備考", self.note.as_deref(), 500);
        match (kind, from, to) {
            (Some(kind), Some(valid_from), Some(valid_to)) if e.is_empty() => Ok(PermitDraft {
                site_id: self.site_id,
                room: if kind == PermitKind::Room { room } else { None },
                kind,
                valid_from,
                valid_to,
                note,
            }),
            _ => Err(e),
        }
    }
}

/// A visit as entered: one site, one stretch of one day, its workers and terminals.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct VisitInput {
    pub site_id: i64,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`, Japan time
    pub start: String,
    pub end: String,
    /// What the visit is for.
    pub purpose: String,
    /// A room entered besides those of the terminals (for designated-room permits).
    #[serde(default)]
    pub room: Option<String>,
    #[serde(default)]
    pub worker_ids: Vec<i64>,
    /// Terminals worked on; they must be placed at the site.
    #[serde(default)]
    pub terminal_ids: Vec<i64>,
    /// Also every terminal in use (in service or under repair) at the site.
    #[serde(default)]
    pub all_terminals: bool,
    /// The 作業依頼書 this visit serves, if any.
    #[serde(default)]
    pub request_id: Option<i64>,
}

/// A checked visit.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitDraft {
    pub site_id: i64,
    pub span: Span,
    pub purpose: String,
    pub room: Option<String>,
    pub worker_ids: Vec<i64>,
    pub terminal_ids: Vec<i64>,
    /// Every terminal in use at the site besides `terminal_ids`.
    pub all_terminals: bool,
    pub request_id: Option<i64>,
}

impl VisitInput {
    pub fn check(&self) -> Result<VisitDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let span = check_span(&mut e, &self.date, &self.start, &self.end);
        let purpose = required_text(&mut e, "purpose", "作業内容", &self.purpose, 200);
        let room = optional_text(&mut e, "room", "部屋", self.room.as_deref(), 100);
        let worker_ids = check_workers(&mut e, &self.worker_ids);
        if self.terminal_ids.len() > MAX_VISIT_TERMINALS {
            e.push(
                "terminal_ids",
                format!("統合端末は{MAX_VISIT_TERMINALS}台まで選べます。"),
            );
        }
        match span {
            Some(span) if e.is_empty() => Ok(VisitDraft {
                site_id: self.site_id,
                span,
                purpose,
                room,
                worker_ids,
                terminal_ids: distinct(&self.terminal_ids),
                all_terminals: self.all_terminals,
                request_id: self.request_id,
            }),
            _ => Err(e),
        }
    }
}

/// The workers named: at least one, at most [`MAX_VISIT_WORKERS`], each once.
fn check_workers(e: &mut FieldErrors, ids: &[i64]) -> Vec<i64> {
    let worker_ids = distinct(ids);
    if worker_ids.is_empty() {
        e.push("worker_ids", "作業従事者を1名以上選んでください。");
    } else if ids.len() > MAX_VISIT_WORKERS {
        e.push(
            "worker_ids",
            format!("作業従事者は{MAX_VISIT_WORKERS}名まで選べます。"),
        );
    }
    worker_ids
}

fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// The City's decision on an off-hours application, or the withdrawal of a record.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct OffHoursDecision {
    /// `approve` / `reject` (本市担当者), `withdraw` (記録した側)
    pub verb: OffHoursVerb,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The City's decision on a permit, or the withdrawal of the application.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PermitDecision {
    /// `grant` / `refuse` (本市担当者), `withdraw` (業務責任者)
    pub verb: PermitVerb,
    /// 許可番号やコメント
    #[serde(default)]
    pub comment: Option<String>,
}

/// The comment given with a decision: trimmed, empty is none, at most 500 characters.
pub fn check_comment(comment: Option<&str>) -> Result<Option<String>, FieldErrors> {
    let mut e = FieldErrors::default();
    let c = optional_text(&mut e, "comment", "コメント", comment, MAX_COMMENT);
    e.into_result(c)
}

checked_by!(OffHoursInput => OffHoursDraft);
checked_by!(PermitInput => PermitDraft);
checked_by!(VisitInput => VisitDraft);
