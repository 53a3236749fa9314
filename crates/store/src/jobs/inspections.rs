//! カ: the annual inspection (R3.3): the City's checklist template, one filled checklist
//! per terminal of a カ job (a second replaces the first), and the follow-up エ jobs
//! raised from its findings, each linked back to the finding.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{
    AnswerValue, ChecklistAnswer, ChecklistTemplate, FilledChecklist, Finding, JobDraft, JobOrigin,
    JobStatus, JobTarget, JobVerb, findings,
};
use jukiops_domain::people::Authorized;
use jukiops_domain::time::today_jst;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::job_changes::{apply_job_verb, insert_job, job_status};
use super::rotations::{job_terminal, performer};
use super::{JobTerminal, invalid, jst_text};
use crate::{PersonRef, Store, StoreError};

/// One terminal's filled checklist.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub job_id: i64,
    pub terminal_id: i64,
    pub asset_number: String,
    /// `YYYY-MM-DD`
    pub inspected_on: String,
    pub inspector: PersonRef,
    pub answers: Vec<ChecklistAnswer>,
    pub recorded_by: String,
    /// Japan time.
    pub recorded_at: String,
}

/// A failed item and the follow-up job raised from it, if any.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionFinding {
    pub terminal_id: i64,
    pub asset_number: String,
    pub item_id: String,
    pub label: String,
    pub note: String,
    /// The title a follow-up job gets.
    pub job_title: String,
    pub follow_up_job_id: Option<i64>,
}

/// The checklists of one カ job, its findings and its terminals not yet inspected.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobInspections {
    pub job_id: i64,
    pub inspections: Vec<Inspection>,
    pub findings: Vec<InspectionFinding>,
    pub not_inspected: Vec<JobTerminal>,
}

/// 422 on `job_id` unless job `job_id` exists and is a カ job.
async fn inspection_job(conn: &mut AnyConnection, job_id: i64) -> Result<(), StoreError> {
    let category: String = sqlx::query_scalar("SELECT category FROM jobs WHERE id = $1")
        .bind(job_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound(Entity::Job))?;
    if CategoryCode::from_kana(&category) != Some(CategoryCode::AnnualInspection) {
        return Err(invalid(
            "job_id",
            "点検結果は、作業区分カ(年次点検)の作業にだけ記録できます。",
        ));
    }
    Ok(())
}

/// The stored answers, as JSON.
fn answers_of(text: &str) -> Result<Vec<ChecklistAnswer>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
}

impl Store {
    /// The checklist template in force: the City's latest edit, or the built-in one.
    pub async fn inspection_template(&self) -> Result<ChecklistTemplate, StoreError> {
        let items: Option<String> =
            sqlx::query_scalar("SELECT items FROM inspection_templates ORDER BY id DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        match items {
            Some(text) => Ok(ChecklistTemplate {
                items: serde_json::from_str(&text)
                    .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?,
            }),
            None => Ok(ChecklistTemplate::default_ja()),
        }
    }

    /// Stores a new checklist template (the City staff), audited with the labels before
    /// and after.
    pub async fn save_inspection_template(
        &self,
        who: &Authorized,
        t: &ChecklistTemplate,
    ) -> Result<i64, StoreError> {
        let before = self.inspection_template().await?;
        let mut ch = self.begin(who).await?;
        let items = serde_json::to_string(&t.items).unwrap_or_default();
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inspection_templates (items, edited_by, edited_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&items)
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        let labels = |t: &ChecklistTemplate| {
            t.items
                .iter()
                .map(|i| format!("{}({})", i.label, i.kind.label_ja()))
                .collect::<Vec<_>>()
                .join("、")
        };
        let changes = json!({"items": {"before": labels(&before), "after": labels(t)}});
        ch.audit(
            Entity::InspectionTemplate,
            id,
            AuditAction::Update,
            &changes,
        );
        ch.commit().await?;
        Ok(id)
    }

    /// Records the checklist of one terminal of カ job `job_id`; a second one for the
    /// same terminal replaces the first. The first record starts a requested job.
    pub async fn record_inspection(
        &self,
        who: &Authorized,
        job_id: i64,
        c: &FilledChecklist,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        inspection_job(ch.conn(), job_id).await?;
        let status = job_status(ch.conn(), job_id).await?;
        if !matches!(status, JobStatus::Requested | JobStatus::InProgress) {
            return Err(StoreError::conflict(
                "job_id",
                format!(
                    "この作業は「{}」のため、点検結果を記録できません。",
                    status.label_ja()
                ),
            ));
        }
        let asset = job_terminal(ch.conn(), job_id, c.terminal_id).await?;
        let inspector = performer(ch.conn(), "inspector_id", c.inspector_id).await?;
        if c.inspected_on > today_jst(ch.now_utc()) {
            return Err(invalid(
                "inspected_on",
                "点検日に未来の日付は指定できません。",
            ));
        }
        if status == JobStatus::Requested {
            let role = who.role();
            apply_job_verb(&mut ch, job_id, status, JobVerb::Start, role).await?;
        }
        let previous: Option<i64> =
            sqlx::query_scalar("SELECT id FROM inspections WHERE job_id = $1 AND terminal_id = $2")
                .bind(job_id)
                .bind(c.terminal_id)
                .fetch_optional(ch.conn())
                .await?;
        let answers = serde_json::to_string(&c.answers).unwrap_or_default();
        let now = ch.now().to_string();
        let inspected_on = c.inspected_on.to_string();
        let id: i64 = match previous {
            Some(id) => {
                sqlx::query(
                    "UPDATE inspections SET inspected_on = $1, inspector_id = $2, answers = $3, \
                     recorded_by = $4, recorded_at = $5 WHERE id = $6",
                )
                .bind(&inspected_on)
                .bind(c.inspector_id)
                .bind(&answers)
                .bind(who.name())
                .bind(&now)
                .bind(id)
                .execute(ch.conn())
                .await?;
                id
            }
            None => {
                sqlx::query_scalar(
                    "INSERT INTO inspections (job_id, terminal_id, inspected_on, inspector_id, answers, \
                     recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(job_id)
                .bind(c.terminal_id)
                .bind(&inspected_on)
                .bind(c.inspector_id)
                .bind(&answers)
                .bind(who.name())
                .bind(&now)
                .fetch_one(ch.conn())
                .await?
            }
        };
        let failed: Vec<&str> = c
            .answers
            .iter()
            .filter(|a| a.value == AnswerValue::Fail)
            .map(|a| a.label.as_str())
            .collect();
        let changes = json!({
            "job": {"after": job_id}, "terminal": {"after": asset},
            "inspected_on": {"after": inspected_on}, "inspector": {"after": inspector},
            "findings": {"after": if failed.is_empty() { "なし".to_string() } else { failed.join("、") }},
        });
        let action = if previous.is_some() {
            AuditAction::Replace
        } else {
            AuditAction::Create
        };
        ch.audit(Entity::Inspection, id, action, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// The filled checklists of カ job `job_id`, their findings and the terminals left.
    pub async fn job_inspections(&self, job_id: i64) -> Result<JobInspections, StoreError> {
        let job = self.job(job_id).await?;
        let rows = sqlx::query(
            "SELECT i.id, i.terminal_id, t.asset_number, i.inspected_on, i.inspector_id, u.username, \
             u.display_name, i.answers, i.recorded_by, i.recorded_at FROM inspections i \
             JOIN terminals t ON t.id = i.terminal_id JOIN users u ON u.id = i.inspector_id \
             WHERE i.job_id = $1 ORDER BY t.asset_number",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await?;
        let mut inspections = Vec::with_capacity(rows.len());
        for r in &rows {
            inspections.push(Inspection {
                id: r.try_get("id")?,
                job_id,
                terminal_id: r.try_get("terminal_id")?,
                asset_number: r.try_get("asset_number")?,
                inspected_on: r.try_get("inspected_on")?,
                inspector: PersonRef {
                    id: r.try_get("inspector_id")?,
                    username: r.try_get("username")?,
                    display_name: r.try_get("display_name")?,
                },
                answers: answers_of(&r.try_get::<String, _>("answers")?)?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: jst_text(r.try_get("recorded_at")?).unwrap_or_default(),
            });
        }
        let links = sqlx::query(
            "SELECT terminal_id, item_id, follow_up_job_id FROM inspection_follow_ups WHERE job_id = $1",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await?;
        let mut found = Vec::new();
        for i in &inspections {
            let filled = FilledChecklist {
                terminal_id: i.terminal_id,
                inspected_on: jukiops_domain::inventory::parse_date(&i.inspected_on)
                    .unwrap_or_default(),
                inspector_id: i.inspector.id,
                answers: i.answers.clone(),
            };
            for f in findings(std::slice::from_ref(&filled)) {
                let link = links.iter().find(|l| {
                    l.try_get::<i64, _>("terminal_id").ok() == Some(f.terminal_id)
                        && l.try_get::<String, _>("item_id").ok().as_deref() == Some(&f.item_id)
                });
                found.push(InspectionFinding {
                    terminal_id: f.terminal_id,
                    asset_number: i.asset_number.clone(),
                    job_title: f.job_title(),
                    follow_up_job_id: link.and_then(|l| l.try_get("follow_up_job_id").ok()),
                    item_id: f.item_id,
                    label: f.label,
                    note: f.note,
                });
            }
        }
        let not_inspected = job
            .terminals
            .into_iter()
            .filter(|t| !inspections.iter().any(|i| i.terminal_id == t.id))
            .collect();
        Ok(JobInspections {
            job_id,
            inspections,
            findings: found,
            not_inspected,
        })
    }

    /// Raises an エ job (the City's order) on the terminal of a finding of カ job
    /// `job_id`, titled after the failed item and linked back; once per finding.
    pub async fn raise_follow_up(
        &self,
        who: &Authorized,
        job_id: i64,
        terminal_id: i64,
        item_id: &str,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        inspection_job(ch.conn(), job_id).await?;
        let r = sqlx::query(
            "SELECT i.inspected_on, i.answers, t.asset_number FROM inspections i \
             JOIN terminals t ON t.id = i.terminal_id WHERE i.job_id = $1 AND i.terminal_id = $2",
        )
        .bind(job_id)
        .bind(terminal_id)
        .fetch_optional(ch.conn())
        .await?
        .ok_or(StoreError::NotFound(Entity::Inspection))?;
        let asset: String = r.try_get("asset_number")?;
        let inspected_on: String = r.try_get("inspected_on")?;
        let answer = answers_of(&r.try_get::<String, _>("answers")?)?
            .into_iter()
            .find(|a| a.item_id == item_id.trim() && a.value == AnswerValue::Fail)
            .ok_or_else(|| {
                invalid(
                    "item_id",
                    format!(
                        "統合端末 {asset} の点検結果に、不合格の項目「{item_id}」はありません。"
                    ),
                )
            })?;
        let finding = Finding {
            terminal_id,
            inspected_on: jukiops_domain::inventory::parse_date(&inspected_on).unwrap_or_default(),
            item_id: answer.item_id.clone(),
            label: answer.label.clone(),
            note: answer.note.clone().unwrap_or_default(),
        };
        let linked: Option<i64> = sqlx::query_scalar(
            "SELECT follow_up_job_id FROM inspection_follow_ups WHERE job_id = $1 AND terminal_id = $2 AND item_id = $3",
        )
        .bind(job_id)
        .bind(terminal_id)
        .bind(&finding.item_id)
        .fetch_optional(ch.conn())
        .await?;
        if let Some(other) = linked {
            return Err(StoreError::conflict(
                "item_id",
                format!("この指摘には既に作業(作業ID {other})が登録されています。"),
            ));
        }
        let draft = JobDraft {
            category: CategoryCode::CitySettingsChange,
            origin: JobOrigin::CityOrder,
            title: finding.job_title(),
            description: Some(format!(
                "年次点検(作業ID {job_id})で統合端末 {asset} に指摘({}): {}",
                finding.inspected_on, finding.note
            )),
            target: JobTarget::Terminals(vec![terminal_id]),
        };
        let new_id = insert_job(&mut ch, who, &draft).await?;
        sqlx::query(
            "INSERT INTO inspection_follow_ups (job_id, terminal_id, item_id, follow_up_job_id) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(job_id)
        .bind(terminal_id)
        .bind(&finding.item_id)
        .bind(new_id)
        .execute(ch.conn())
        .await?;
        let changes = json!({
            "terminal": {"after": asset}, "finding": {"after": finding.label},
            "follow_up": {"after": format!("{new_id} {}", draft.title)},
        });
        ch.audit(Entity::Job, job_id, AuditAction::RaiseFollowUp, &changes);
        ch.commit().await?;
        Ok(new_id)
    }
}
