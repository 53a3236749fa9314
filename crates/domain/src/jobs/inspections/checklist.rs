//! A checklist filled in for one terminal during the annual inspection (R3.3), and the
//! findings (failed items) that should each raise a follow-up job.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::template::{ChecklistItem, ChecklistTemplate, ItemKind, MAX_ITEMS};
use crate::contract::CategoryCode;
use crate::inventory::parse_date;
use crate::jobs::job::{JobDraft, JobOrigin, JobTarget};
use crate::jobs::work::{JobFacts, WorkKind, judge_job_for, judge_job_terminal, judge_performer};
use crate::people::PersonFacts;
use crate::requests::WorkScope;
use crate::rules::{Refusal, required_date};
use crate::validation::{FieldErrors, optional_text};

/// The Japanese names of an inspection checklist's fields.
pub const INSPECTION_FIELDS: &[(&str, &str)] = &[
    ("job", "作業"),
    ("terminal_id", "統合端末"),
    ("terminal", "統合端末"),
    ("inspected_on", "点検日"),
    ("inspector_id", "点検した人"),
    ("inspector", "点検した人"),
    ("findings", "指摘(不合格の項目)"),
    ("item_id", "点検項目"),
];

/// The answer to one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    Pass,
    Fail,
    Text(String),
    Date(NaiveDate),
}

/// One item's answer as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ChecklistAnswerInput {
    pub item_id: String,
    /// `pass`/`fail`, the text, or `YYYY-MM-DD`, by the item's kind.
    pub value: String,
    /// Required when the item fails.
    #[serde(default)]
    pub note: Option<String>,
}

/// A checklist as filled in for one terminal.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ChecklistInput {
    pub terminal_id: i64,
    /// `YYYY-MM-DD`
    pub inspected_on: String,
    /// The worker (user) who inspected.
    pub inspector_id: i64,
    /// One per item of the template (at most [`MAX_ITEMS`]).
    #[serde(default)]
    pub answers: Vec<ChecklistAnswerInput>,
}

/// One checked answer; the label is kept as it read on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChecklistAnswer {
    pub item_id: String,
    pub label: String,
    pub value: AnswerValue,
    pub note: Option<String>,
}

/// A checked, filled checklist; answers in the template's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilledChecklist {
    pub terminal_id: i64,
    pub inspected_on: NaiveDate,
    pub inspector_id: i64,
    pub answers: Vec<ChecklistAnswer>,
}

impl FilledChecklist {
    /// The failed items in words, for the audit trail: their labels, or `なし`.
    pub fn findings_summary(&self) -> String {
        let failed: Vec<&str> = self
            .answers
            .iter()
            .filter(|a| a.value == AnswerValue::Fail)
            .map(|a| a.label.as_str())
            .collect();
        if failed.is_empty() {
            "なし".to_string()
        } else {
            failed.join("、")
        }
    }
}

impl ChecklistInput {
    /// Checks the answers against `template`: known items answered once, every pass/fail
    /// and date item answered, values of the item's kind, and a note on each fail.
    pub fn check(&self, template: &ChecklistTemplate) -> Result<FilledChecklist, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.answers.len() > MAX_ITEMS {
            e.push("answers", format!("回答は{MAX_ITEMS}件までです。"));
            return Err(e);
        }
        let inspected_on = required_date(&mut e, "inspected_on", "点検日", &self.inspected_on);
        self.check_item_ids(&mut e, template);
        let mut answers = Vec::new();
        for item in &template.items {
            let found = self
                .answers
                .iter()
                .enumerate()
                .find(|(_, a)| a.item_id.trim() == item.id);
            match found {
                Some((i, a)) => answers.extend(check_answer(&mut e, i, item, a)),
                None if item.kind != ItemKind::Text => e.push(
                    "answers",
                    format!("「{}」を点検して結果を入力してください。", item.label),
                ),
                None => {}
            }
        }
        match inspected_on {
            Some(inspected_on) if e.is_empty() => Ok(FilledChecklist {
                terminal_id: self.terminal_id,
                inspected_on,
                inspector_id: self.inspector_id,
                answers,
            }),
            _ => Err(e),
        }
    }

    /// Refuses answers to items the template lacks, and second answers to an item.
    fn check_item_ids(&self, e: &mut FieldErrors, template: &ChecklistTemplate) {
        let mut seen: Vec<&str> = Vec::new();
        for (i, a) in self.answers.iter().enumerate() {
            let id = a.item_id.trim();
            if template.item(id).is_none() {
                e.push(
                    format!("answers[{i}].item_id"),
                    format!("点検項目「{id}」はありません。"),
                );
            } else if seen.contains(&id) {
                e.push(
                    format!("answers[{i}].item_id"),
                    format!("点検項目「{id}」の回答が重複しています。"),
                );
            }
            seen.push(id);
        }
    }
}

/// Checks the answer at position `i` to `item`; `None` for an empty text (or an error).
fn check_answer(
    e: &mut FieldErrors,
    i: usize,
    item: &ChecklistItem,
    a: &ChecklistAnswerInput,
) -> Option<ChecklistAnswer> {
    let field = format!("answers[{i}]");
    let note = optional_text(e, &format!("{field}.note"), "所見", a.note.as_deref(), 1000);
    let value = read_value(e, &field, &item.label, item.kind, &a.value)?;
    if value == AnswerValue::Fail && note.is_none() {
        e.push(
            format!("{field}.note"),
            format!(
                "「{}」が不合格の場合は、所見を入力してください。",
                item.label
            ),
        );
    }
    Some(ChecklistAnswer {
        item_id: item.id.clone(),
        label: item.label.clone(),
        value,
        note,
    })
}

/// Reads one answer's value by its item's kind; `None` for an empty text (or an error).
fn read_value(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    kind: ItemKind,
    raw: &str,
) -> Option<AnswerValue> {
    let v = raw.trim();
    let field = format!("{field}.value");
    match kind {
        ItemKind::PassFail => match v {
            "pass" => Some(AnswerValue::Pass),
            "fail" => Some(AnswerValue::Fail),
            _ => {
                e.push(
                    field,
                    format!("「{label}」は pass（合格）または fail（不合格）を指定してください。"),
                );
                None
            }
        },
        ItemKind::Text => {
            let text = optional_text(e, &field, label, Some(v), 1000)?;
            Some(AnswerValue::Text(text))
        }
        ItemKind::Date => {
            let date = parse_date(v);
            if date.is_none() {
                e.push(
                    field,
                    format!("「{label}」をYYYY-MM-DDの形式で入力してください。"),
                );
            }
            date.map(AnswerValue::Date)
        }
    }
}

/// A failed item on a terminal: each should raise a follow-up job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub terminal_id: i64,
    pub inspected_on: NaiveDate,
    pub item_id: String,
    pub label: String,
    pub note: String,
}

impl Finding {
    /// A title for the follow-up job, e.g. `年次点検の指摘: 画面ロック`.
    pub fn job_title(&self) -> String {
        format!("年次点検の指摘: {}", self.label)
    }

    /// The follow-up job of this finding of カ job `job_id` on terminal `asset_number`:
    /// an エ job by the City's order on that terminal, titled after the failed item.
    pub fn follow_up_job(&self, job_id: i64, asset_number: &str) -> JobDraft {
        JobDraft {
            category: CategoryCode::CitySettingsChange,
            origin: JobOrigin::CityOrder,
            title: self.job_title(),
            description: Some(format!(
                "年次点検(作業ID {job_id})で統合端末 {asset_number} に指摘({}): {}",
                self.inspected_on, self.note
            )),
            target: JobTarget::Terminals(vec![self.terminal_id]),
        }
    }
}

/// The work a checklist is: on a カ job, recorded as 点検結果.
const INSPECTION: WorkKind = WorkKind {
    category: CategoryCode::AnnualInspection,
    wrong_category: "点検結果は、作業区分カ(年次点検)の作業にだけ記録できます。",
    what: "点検結果",
};

/// Refuses a job of another category than カ, naming `job_id`.
pub fn judge_inspection_job(category: CategoryCode) -> Result<(), Refusal> {
    if category != INSPECTION.category {
        return Err(Refusal::invalid("job_id", INSPECTION.wrong_category));
    }
    Ok(())
}

/// What recording a checklist is judged against, as the store found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionFacts {
    pub job: JobFacts,
    /// The terminal's asset number, when it is one of the job's terminals.
    pub terminal: Option<String>,
    /// The person named as the inspector.
    pub inspector: Option<PersonFacts>,
    /// The request the job's work is done under (its status, procedure and bounds).
    pub scope: Option<WorkScope>,
    /// Today in Japan.
    pub today: NaiveDate,
}

/// What a checklist may be recorded as: the names the audit shows, and whether it starts
/// the job (the first record of a requested job does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionVerdict {
    pub asset_number: String,
    pub inspector: String,
    pub starts_job: bool,
}

/// Judges recording checklist `c` (R3.3, R8): on a requested or started カ job, for one of
/// its terminals, by an enabled lead or worker, under its request's approved procedure on a
/// day of the request's period, not dated in the future.
pub fn judge_inspection(
    c: &FilledChecklist,
    facts: &InspectionFacts,
) -> Result<InspectionVerdict, Refusal> {
    let starts_job = judge_job_for(INSPECTION, facts.job)?;
    let asset_number = judge_job_terminal(c.terminal_id, facts.terminal.as_deref())?;
    let inspector = judge_performer("inspector_id", c.inspector_id, facts.inspector.as_ref())?;
    let scope = facts.scope.as_ref().ok_or_else(|| {
        Refusal::conflict(
            "job_id",
            "この作業の作業依頼書がありません(仕様書 5(8)ア)。",
        )
    })?;
    scope.judge_day("inspected_on", c.inspected_on)?;
    if c.inspected_on > facts.today {
        return Err(Refusal::invalid(
            "inspected_on",
            "点検日に未来の日付は指定できません。",
        ));
    }
    Ok(InspectionVerdict {
        asset_number,
        inspector,
        starts_job,
    })
}

/// One terminal's checklist as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChecklist {
    pub terminal_id: i64,
    pub asset_number: String,
    pub inspected_on: NaiveDate,
    pub answers: Vec<ChecklistAnswer>,
}

/// Judges raising the follow-up job of failed item `item_id` of `checklist` (a checklist
/// of カ job `job_id`); `linked` is the follow-up job already raised for it, if any. Returns
/// the finding and the job to create.
pub fn judge_follow_up(
    job_id: i64,
    checklist: &StoredChecklist,
    item_id: &str,
    linked: Option<i64>,
) -> Result<(Finding, JobDraft), Refusal> {
    let answer = checklist
        .answers
        .iter()
        .find(|a| a.item_id == item_id.trim() && a.value == AnswerValue::Fail)
        .ok_or_else(|| {
            Refusal::invalid(
                "item_id",
                format!(
                    "統合端末 {} の点検結果に、不合格の項目「{item_id}」はありません。",
                    checklist.asset_number
                ),
            )
        })?;
    if let Some(other) = linked {
        return Err(Refusal::conflict(
            "item_id",
            format!("この指摘には既に作業(作業ID {other})が登録されています。"),
        ));
    }
    let finding = Finding {
        terminal_id: checklist.terminal_id,
        inspected_on: checklist.inspected_on,
        item_id: answer.item_id.clone(),
        label: answer.label.clone(),
        note: answer.note.clone().unwrap_or_default(),
    };
    let job = finding.follow_up_job(job_id, &checklist.asset_number);
    Ok((finding, job))
}

/// Every failed item of `checklists`, in the order given and then the template's.
pub fn findings(checklists: &[FilledChecklist]) -> Vec<Finding> {
    checklists
        .iter()
        .flat_map(|c| {
            c.answers
                .iter()
                .filter(|a| a.value == AnswerValue::Fail)
                .map(|a| Finding {
                    terminal_id: c.terminal_id,
                    inspected_on: c.inspected_on,
                    item_id: a.item_id.clone(),
                    label: a.label.clone(),
                    note: a.note.clone().unwrap_or_default(),
                })
        })
        .collect()
}
