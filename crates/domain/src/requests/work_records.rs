//! 作業記録 (work records, R8.3): what was done on one terminal for one step of the
//! approved procedure, with its outcome, by whom and when.

use std::collections::{BTreeMap, BTreeSet};

use crate::vocab::Labelled;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::procedure::{MAX_STEPS, ProcedureStep, ProcedureVersion, may_record_work};
use super::work_request::{
    MAX_REQUEST_TERMINALS, WorkRequestStatus, WorkRequestVerb, work_request_transition,
};
use crate::calendar::BusinessCalendar;
use crate::people::Role;
use crate::rules::{Refusal, required_instant};
use crate::schedule::{OffHoursFact, Span, outside_window};
use crate::time::jst;
use crate::validation::{FieldErrors, optional_text};

/// The most records one list may carry: every step of the longest procedure on every
/// terminal of the largest request.
pub const MAX_RECORDS: usize = MAX_REQUEST_TERMINALS * MAX_STEPS;

/// The Japanese names of a work record's fields.
pub const WORK_RECORD_FIELDS: &[(&str, &str)] = &[
    ("terminal_id", "統合端末"),
    ("step_order", "手順の番号"),
    ("outcome", "結果"),
    ("performer_id", "実施者"),
    ("started_at", "開始日時"),
    ("ended_at", "終了日時"),
    ("replaces", "訂正した記録"),
    ("replaced_by", "訂正後の記録"),
];

labelled_enum! {
    /// How one step went on one terminal.
    pub enum StepOutcome {
        /// 実施済
        Done = ("done", "実施済"),
        /// 対象外: the step does not apply to this terminal.
        NotApplicable = ("not_applicable", "対象外"),
        /// 失敗: needs a note saying what happened.
        Failed = ("failed", "失敗"),
    }
}

impl StepOutcome {
    /// Leaves nothing to do on the step (done, or not applicable).
    pub fn settles_step(self) -> bool {
        matches!(self, Self::Done | Self::NotApplicable)
    }
}

/// A work record as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct WorkRecordInput {
    pub terminal_id: i64,
    /// The step's order in the approved procedure version (1, 2, …).
    pub step_order: u32,
    /// `done`, `not_applicable` or `failed`.
    pub outcome: String,
    /// The worker (user) who did it.
    pub performer_id: i64,
    /// `YYYY-MM-DD HH:MM`, Japan time.
    pub started_at: String,
    /// `YYYY-MM-DD HH:MM`, Japan time; not before the start.
    pub ended_at: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A checked work record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkRecordDraft {
    pub terminal_id: i64,
    pub step_order: u32,
    pub outcome: StepOutcome,
    pub performer_id: i64,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub note: Option<String>,
}

impl WorkRecordInput {
    /// Checks every field: a real step number, an end not before the start, and a note on
    /// a failed step.
    pub fn check(&self) -> Result<WorkRecordDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.step_order == 0 {
            e.push("step_order", "手順の番号は1以上で指定してください。");
        }
        let outcome = StepOutcome::parse(&self.outcome);
        if outcome.is_none() {
            e.push("outcome", StepOutcome::one_of_message("結果"));
        }
        let start = required_instant(&mut e, "started_at", "開始日時", &self.started_at);
        let end = required_instant(&mut e, "ended_at", "終了日時", &self.ended_at);
        if let (Some(s), Some(t)) = (start, end)
            && t < s
        {
            e.push("ended_at", "終了日時は開始日時以降にしてください。");
        }
        let note = optional_text(&mut e, "note", "備考", self.note.as_deref(), 2000);
        if outcome == Some(StepOutcome::Failed) && note.is_none() {
            e.push(
                "note",
                "失敗した手順は、何が起きたかを備考に入力してください。",
            );
        }
        match (outcome, start, end) {
            (Some(outcome), Some(started_at), Some(ended_at)) if e.is_empty() => {
                Ok(WorkRecordDraft {
                    terminal_id: self.terminal_id,
                    step_order: self.step_order,
                    outcome,
                    performer_id: self.performer_id,
                    started_at,
                    ended_at,
                    note,
                })
            }
            _ => Err(e),
        }
    }
}

impl WorkRecordDraft {
    /// Checks that the record is about a step of `steps` (the approved version) and one of
    /// the request's `terminals`.
    pub fn check_against(
        &self,
        steps: &[ProcedureStep],
        terminals: &[i64],
    ) -> Result<(), FieldErrors> {
        self.in_scope(
            steps.iter().any(|s| s.order == self.step_order),
            terminals.contains(&self.terminal_id),
        )
    }

    /// Refuses the record's step or terminal when the request has none such.
    fn in_scope(&self, has_step: bool, has_terminal: bool) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        if !has_step {
            e.push(
                "step_order",
                format!(
                    "手順{}は承認された作業手順書にありません。",
                    self.step_order
                ),
            );
        }
        if !has_terminal {
            e.push("terminal_id", "この統合端末は作業の対象ではありません。");
        }
        e.into_result(())
    }
}

checked_by!(WorkRecordInput => WorkRecordDraft);

/// Several work records at once (a whole offline checklist entered afterwards).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RecordsInput {
    pub records: Vec<WorkRecordInput>,
}

impl RecordsInput {
    /// Checks every record, naming each failing field as `records[i].field`; a list longer
    /// than [`MAX_RECORDS`] is refused before any record is looked at.
    pub fn check(&self) -> Result<Vec<WorkRecordDraft>, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.records.len() > MAX_RECORDS {
            e.push(
                "records",
                format!("作業記録は一度に{MAX_RECORDS}件までです。"),
            );
            return Err(e);
        }
        let mut drafts = Vec::with_capacity(self.records.len());
        for (i, r) in self.records.iter().enumerate() {
            match r.check() {
                Ok(d) => drafts.push(d),
                Err(errors) => errors
                    .0
                    .into_iter()
                    .for_each(|x| e.push(format!("records[{i}].{}", x.field), x.message)),
            }
        }
        e.into_result(drafts)
    }
}

checked_by!(RecordsInput => Vec<WorkRecordDraft>);

/// What the records say about recording work under a request: its status, its latest
/// procedure version with that version's steps, and the terminals its jobs cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFacts {
    pub request: WorkRequestStatus,
    pub latest: Option<ProcedureVersion>,
    /// The latest version's steps.
    pub steps: Vec<ProcedureStep>,
    /// The request's target terminals.
    pub terminals: Vec<i64>,
}

impl RecordFacts {
    /// Whether work may be recorded now (see [`may_record_work`]).
    pub fn may_record(&self) -> Result<(), Refusal> {
        Ok(may_record_work(self.latest, self.request)?)
    }

    /// The most records one change may carry: one per target terminal and step.
    pub fn capacity(&self) -> usize {
        self.terminals.len() * self.steps.len()
    }

    /// Refuses a list of `n` records when work may not be recorded, when it is empty, or
    /// when it is longer than the request has terminals and steps.
    pub fn bound(&self, n: usize) -> Result<(), Refusal> {
        self.may_record()?;
        if n == 0 {
            return Err(Refusal::invalid(
                "records",
                "記録する作業を1件以上入力してください。",
            ));
        }
        if n > self.capacity() {
            return Err(Refusal::invalid(
                "records",
                format!(
                    "この作業依頼書で一度に記録できるのは{}件(統合端末{}台×手順{}件)までです。",
                    self.capacity(),
                    self.terminals.len(),
                    self.steps.len()
                ),
            ));
        }
        Ok(())
    }
}

/// Judges recording `records` under a request by `role` (R8.3): an approved latest
/// procedure version, a request approved for work or in progress, and each record about
/// one of its terminals and one of the version's steps. Returns the request's new status
/// when the first work starts it (作業中).
pub fn judge_records(
    facts: &RecordFacts,
    records: &[WorkRecordDraft],
    role: Role,
) -> Result<Option<WorkRequestStatus>, Refusal> {
    facts.bound(records.len())?;
    let steps: BTreeSet<u32> = facts.steps.iter().map(|s| s.order).collect();
    let terminals: BTreeSet<i64> = facts.terminals.iter().copied().collect();
    let mut e = FieldErrors::default();
    for (i, r) in records.iter().enumerate() {
        let scope = r.in_scope(
            steps.contains(&r.step_order),
            terminals.contains(&r.terminal_id),
        );
        if let Err(errors) = scope {
            for err in errors.0 {
                e.push(format!("records[{i}].{}", err.field), err.message);
            }
        }
    }
    if !e.is_empty() {
        return Err(Refusal::Invalid(e));
    }
    if facts.request == WorkRequestStatus::ProcedureApproved {
        return Ok(Some(work_request_transition(
            facts.request,
            WorkRequestVerb::StartWork,
            role,
        )?));
    }
    Ok(None)
}

/// Work recorded from the request's page: one outcome, performer and time for every
/// terminal and step ticked.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RecordSelectionInput {
    pub terminal_ids: Vec<i64>,
    pub step_orders: Vec<u32>,
    pub outcome: String,
    pub performer_id: Option<i64>,
    pub started_at: String,
    pub ended_at: String,
    pub note: Option<String>,
}

impl RecordSelectionInput {
    /// The record of each ticked terminal and step, once each. More terminals or steps
    /// than the request has, or one that is not the request's, are refused before any
    /// record is built; so are the common fields, once, naming themselves.
    pub fn records(&self, facts: &RecordFacts) -> Result<Vec<WorkRecordDraft>, Refusal> {
        facts.may_record()?;
        let mut e = FieldErrors::default();
        let terminals: BTreeSet<i64> = facts.terminals.iter().copied().collect();
        let steps: BTreeSet<u32> = facts.steps.iter().map(|s| s.order).collect();
        let chosen_terminals = chosen(
            &mut e,
            "terminal_id",
            &self.terminal_ids,
            &terminals,
            |n| format!("統合端末は、この作業依頼書の対象の{n}台までしか選べません。"),
            |id| format!("統合端末ID {id} はこの作業依頼書の対象ではありません。"),
            "記録する統合端末を選んでください。",
        );
        let chosen_steps = chosen(
            &mut e,
            "step_order",
            &self.step_orders,
            &steps,
            |n| format!("手順は、作業手順書の{n}件までしか選べません。"),
            |order| format!("手順{order}は承認された作業手順書にありません。"),
            "記録する手順を選んでください。",
        );
        if self.performer_id.is_none() {
            e.push("performer_id", "実施者を選んでください。");
        }
        let one = WorkRecordInput {
            terminal_id: chosen_terminals.first().copied().unwrap_or_default(),
            step_order: chosen_steps.first().copied().unwrap_or(1),
            outcome: self.outcome.clone(),
            performer_id: self.performer_id.unwrap_or_default(),
            started_at: self.started_at.clone(),
            ended_at: self.ended_at.clone(),
            note: self.note.clone(),
        };
        let template = match one.check() {
            Ok(t) => Some(t),
            Err(errors) => {
                e.0.extend(errors.0);
                None
            }
        };
        let Some(template) = template.filter(|_| e.is_empty()) else {
            return Err(Refusal::Invalid(e));
        };
        let mut records = Vec::with_capacity(chosen_terminals.len() * chosen_steps.len());
        for &terminal_id in &chosen_terminals {
            for &step_order in &chosen_steps {
                records.push(WorkRecordDraft {
                    terminal_id,
                    step_order,
                    ..template.clone()
                });
            }
        }
        Ok(records)
    }
}

/// The distinct values of a ticked field, in order, all of them among `allowed` and no
/// more of them than `allowed` has; refusals are pushed on `e` naming `field`.
fn chosen<T: Copy + Ord + std::fmt::Display>(
    e: &mut FieldErrors,
    field: &str,
    values: &[T],
    allowed: &BTreeSet<T>,
    too_many: impl Fn(usize) -> String,
    unknown: impl Fn(T) -> String,
    none: &str,
) -> Vec<T> {
    if values.len() > allowed.len() {
        e.push(field, too_many(allowed.len()));
        return Vec::new();
    }
    let mut out: Vec<T> = Vec::with_capacity(values.len());
    let mut seen = BTreeSet::new();
    for &v in values {
        if !allowed.contains(&v) {
            e.push(field, unknown(v));
        } else if seen.insert(v) {
            out.push(v);
        }
    }
    if values.is_empty() {
        e.push(field, none);
    }
    out
}

/// The first and last Japan-time days on which `records` start, or `None` for no record.
pub fn record_days(records: &[WorkRecordDraft]) -> Option<(NaiveDate, NaiveDate)> {
    let days = records
        .iter()
        .map(|r| r.started_at.with_timezone(&jst()).date_naive());
    let first = days.clone().min()?;
    Some((first, days.max()?))
}

/// Judges the hours of `records` (R5.3): each lies within one day, and work outside the
/// working window needs off-hours work the City instructed or approved, at the terminal's
/// site (`terminal_sites`: terminal, site), covering the time and naming the performer.
pub fn judge_record_hours(
    calendar: &BusinessCalendar,
    records: &[WorkRecordDraft],
    terminal_sites: &[(i64, i64)],
    off_hours: &[OffHoursFact],
) -> Result<(), Refusal> {
    let sites: BTreeMap<i64, i64> = terminal_sites.iter().copied().collect();
    for r in records {
        let site = sites.get(&r.terminal_id).copied();
        let worked = WorkedHours {
            field: "started_at",
            site_id: site,
            performer_id: r.performer_id,
            start: r.started_at,
            end: r.ended_at,
        };
        worked.judge(calendar, off_hours)?;
    }
    Ok(())
}

/// Work done by one person at one site from `start` to `end`, as its hours are judged.
#[derive(Debug, Clone, Copy)]
pub struct WorkedHours<'a> {
    /// The field a refusal names.
    pub field: &'a str,
    pub site_id: Option<i64>,
    pub performer_id: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl WorkedHours<'_> {
    /// Judges the hours (R5.3): within one day, and outside the working window only under
    /// off-hours work the City instructed or approved at the site, covering the time and
    /// naming the performer.
    pub fn judge(
        &self,
        calendar: &BusinessCalendar,
        off_hours: &[OffHoursFact],
    ) -> Result<(), Refusal> {
        let (start, end) = (
            self.start.with_timezone(&jst()),
            self.end.with_timezone(&jst()),
        );
        if end.date_naive() != start.date_naive() {
            return Err(Refusal::conflict(
                "ended_at",
                "日付をまたぐ作業は、日ごとに分けて記録してください。",
            ));
        }
        let span = Span {
            date: start.date_naive(),
            start: start.time(),
            end: end.time(),
        };
        let Some(why) = outside_window(calendar, &span) else {
            return Ok(());
        };
        let covered = off_hours.iter().any(|o| {
            Some(o.site_id) == self.site_id
                && o.status.allows_work()
                && o.span.covers(&span)
                && o.worker_ids.contains(&self.performer_id)
        });
        if covered {
            return Ok(());
        }
        Err(Refusal::conflict(
            self.field,
            format!(
                "{why}。この拠点・時間の時間外作業の承認(または本市の指示)がないため、作業を記録できません(仕様書 5(2))。"
            ),
        ))
    }
}
