//! カ: the annual inspection (R3.3): the City's checklist template, one filled checklist
//! per terminal of a カ job (a second replaces the first), and the follow-up エ jobs
//! raised from its findings, each linked back to the finding.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::jobs::{
    ChecklistAnswer, ChecklistTemplate, FilledChecklist, InspectionFacts, JobStatus, JobVerb,
    StoredChecklist, findings, judge_follow_up, judge_inspection, judge_inspection_job,
};
use jukiops_domain::people::Authorized;
use jukiops_domain::time::today_jst;
use jukiops_domain::vocab::DecodeError;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::job_changes::{apply_job_verb, insert_job};
use super::{JobTerminal, category, job_facts, job_terminal_asset, jst_text, person_facts};
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

/// The stored answers, as JSON.
fn answers_of(text: &str) -> Result<Vec<ChecklistAnswer>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
}

/// A stored `YYYY-MM-DD`.
fn date_of(text: &str) -> Result<chrono::NaiveDate, StoreError> {
    parse_date(text).ok_or_else(|| {
        StoreError::Decode(DecodeError {
            vocabulary: "date",
            code: text.chars().take(64).collect(),
        })
    })
}

/// The category of job `job_id` of year `year`, or 404.
async fn job_category(
    conn: &mut AnyConnection,
    year: i64,
    job_id: i64,
) -> Result<CategoryCode, StoreError> {
    let code: String =
        sqlx::query_scalar("SELECT category FROM jobs WHERE id = $1 AND contract_id = $2")
            .bind(job_id)
            .bind(year)
            .fetch_optional(conn)
            .await?
            .ok_or(StoreError::NotFound(Entity::Job))?;
    category(&code)
}

impl Store {
    /// The checklist template in force this year: the City's latest edit, or the built-in
    /// one.
    pub async fn inspection_template(&self) -> Result<ChecklistTemplate, StoreError> {
        let mut conn = self.pool.acquire().await?;
        template_of(&mut conn, self.contract_id()?).await
    }

    /// Stores a new checklist template of the year (the City staff), audited with the
    /// labels before and after.
    pub async fn save_inspection_template(
        &self,
        who: &Authorized,
        t: &ChecklistTemplate,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let year = ch.contract_id()?;
        let before = template_of(ch.conn(), year).await?;
        let items = serde_json::to_string(&t.items)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inspection_templates (items, edited_by, edited_at, contract_id) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&items)
        .bind(who.name())
        .bind(&now)
        .bind(year)
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

    /// Records the checklist of one terminal of カ job `job_id` of the year, as
    /// [`judge_inspection`] decides from the job, the terminal and the inspector; a second
    /// one for the same terminal replaces the first. The first record starts a requested
    /// job.
    pub async fn record_inspection(
        &self,
        who: &Authorized,
        job_id: i64,
        c: &FilledChecklist,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let year = ch.contract_id()?;
        ch.lock("jobs", job_id).await?;
        let job = job_facts(ch.conn(), year, job_id)
            .await?
            .ok_or(StoreError::NotFound(Entity::Job))?;
        let facts = InspectionFacts {
            job,
            terminal: job_terminal_asset(ch.conn(), job_id, c.terminal_id).await?,
            inspector: person_facts(ch.conn(), c.inspector_id).await?,
            scope: crate::requests::job_work_scope(ch.conn(), year, job_id).await?,
            today: today_jst(ch.now_utc()),
        };
        let verdict = judge_inspection(c, &facts)?;
        let named = [(c.inspector_id, c.inspected_on)];
        crate::roster::check_on_roster(ch.conn(), year, "inspector_id", &named).await?;
        if verdict.starts_job {
            let (from, role) = (JobStatus::Requested, who.role());
            apply_job_verb(&mut ch, job_id, from, JobVerb::Start, role).await?;
        }
        let previous: Option<i64> =
            sqlx::query_scalar("SELECT id FROM inspections WHERE job_id = $1 AND terminal_id = $2")
                .bind(job_id)
                .bind(c.terminal_id)
                .fetch_optional(ch.conn())
                .await?;
        let answers = serde_json::to_string(&c.answers)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
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
        let changes = json!({
            "job": {"after": job_id}, "terminal": {"after": verdict.asset_number},
            "inspected_on": {"after": inspected_on}, "inspector": {"after": verdict.inspector},
            "findings": {"after": c.findings_summary()},
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

    /// The filled checklists of カ job `job_id` of the year, their findings and the
    /// terminals left; any other job is not found.
    pub async fn job_inspections(&self, job_id: i64) -> Result<JobInspections, StoreError> {
        let job = self.job(job_id).await?;
        if job.job.category != CategoryCode::AnnualInspection {
            return Err(StoreError::NotFound(Entity::Job));
        }
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
                inspected_on: date_of(&i.inspected_on)?,
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
    /// `job_id` of the year, titled after the failed item and linked back; once per
    /// finding, as [`judge_follow_up`] decides.
    pub async fn raise_follow_up(
        &self,
        who: &Authorized,
        job_id: i64,
        terminal_id: i64,
        item_id: &str,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let year = ch.contract_id()?;
        judge_inspection_job(job_category(ch.conn(), year, job_id).await?)?;
        let r = sqlx::query(
            "SELECT i.inspected_on, i.answers, t.asset_number FROM inspections i \
             JOIN terminals t ON t.id = i.terminal_id WHERE i.job_id = $1 AND i.terminal_id = $2",
        )
        .bind(job_id)
        .bind(terminal_id)
        .fetch_optional(ch.conn())
        .await?
        .ok_or(StoreError::NotFound(Entity::Inspection))?;
        let checklist = StoredChecklist {
            terminal_id,
            asset_number: r.try_get("asset_number")?,
            inspected_on: date_of(&r.try_get::<String, _>("inspected_on")?)?,
            answers: answers_of(&r.try_get::<String, _>("answers")?)?,
        };
        let linked: Option<i64> = sqlx::query_scalar(
            "SELECT follow_up_job_id FROM inspection_follow_ups \
             WHERE job_id = $1 AND terminal_id = $2 AND item_id = $3",
        )
        .bind(job_id)
        .bind(terminal_id)
        .bind(item_id.trim())
        .fetch_optional(ch.conn())
        .await?;
        let (finding, draft) = judge_follow_up(job_id, &checklist, item_id, linked)?;
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
            "terminal": {"after": checklist.asset_number}, "finding": {"after": finding.label},
            "follow_up": {"after": format!("{new_id} {}", draft.title)},
        });
        ch.audit(Entity::Job, job_id, AuditAction::RaiseFollowUp, &changes);
        ch.commit().await?;
        Ok(new_id)
    }
}

/// The template in force in year `year`: its latest edit, or the built-in one.
async fn template_of(conn: &mut AnyConnection, year: i64) -> Result<ChecklistTemplate, StoreError> {
    let items: Option<String> = sqlx::query_scalar(
        "SELECT items FROM inspection_templates WHERE contract_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(year)
    .fetch_optional(conn)
    .await?;
    match items {
        Some(text) => Ok(ChecklistTemplate {
            items: serde_json::from_str(&text)
                .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?,
        }),
        None => Ok(ChecklistTemplate::default_ja()),
    }
}
