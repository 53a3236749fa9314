//! Questions (疑義) on a request (R8.2, R8.5): raised by either side, answered by the City;
//! an unanswered one blocks the approval of the procedure. Questions follow their request's
//! year.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::{Authorized, Role};
use jukiops_domain::requests::{
    AnswerDraft, QuestionDraft, QuestionFacts, QuestionStatus, QuestionVerb, judge_question_move,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::facts::request_status;
use crate::common::jst_text;
use crate::{Store, StoreError};

/// One question with its answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Question {
    pub id: i64,
    pub request_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub status: QuestionStatus,
    pub status_label: String,
    pub raised_by: String,
    /// The role of who raised it: the other side answers.
    pub raised_role: Role,
    pub raised_at: String,
    pub answer: Option<String>,
    /// What changes in the work because of the answer (R8.5).
    pub change_note: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
    /// The City's approval of the change (§5(11)).
    pub change_approved_by: Option<String>,
    pub change_approved_at: Option<String>,
}

impl Question {
    /// What its moves are judged on.
    pub fn facts(&self) -> QuestionFacts {
        QuestionFacts {
            status: self.status,
            raised_role: self.raised_role,
            raised_by: self.raised_by.clone(),
        }
    }
}

fn row(r: &AnyRow) -> Result<Question, StoreError> {
    let status = QuestionStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(Question {
        id: r.try_get("id")?,
        request_id: r.try_get("request_id")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        status,
        status_label: status.label_ja().into(),
        raised_by: r.try_get("raised_by")?,
        raised_role: Role::decode(&r.try_get::<String, _>("raised_role")?)?,
        raised_at: jst_text(r.try_get("raised_at")?).unwrap_or_default(),
        answer: r.try_get("answer")?,
        change_note: r.try_get("change_note")?,
        answered_by: r.try_get("answered_by")?,
        answered_at: jst_text(r.try_get("answered_at")?),
        change_approved_by: r.try_get("change_approved_by")?,
        change_approved_at: jst_text(r.try_get("change_approved_at")?),
    })
}

impl Store {
    /// The questions on a request, oldest first.
    pub async fn questions_of(&self, request_id: i64) -> Result<Vec<Question>, StoreError> {
        let rows = sqlx::query(
            "SELECT q.* FROM questions q JOIN work_requests w ON w.id = q.request_id \
             WHERE q.request_id = $1 AND w.contract_id = $2 ORDER BY q.id",
        )
        .bind(request_id)
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Raises a question on a request.
    pub async fn raise_question(
        &self,
        who: &Authorized,
        request_id: i64,
        d: &QuestionDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let request = request_status(ch.conn(), contract, request_id).await?;
        let status = QuestionStatus::initial(who.role(), request)?;
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO questions (request_id, subject, body, status, raised_by, raised_at, updated_at, raised_role) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
        )
        .bind(request_id)
        .bind(&d.subject)
        .bind(&d.body)
        .bind(status.as_str())
        .bind(who.name())
        .bind(&now)
        .bind(who.role().as_str())
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({"request_id": {"after": request_id}, "subject": {"after": d.subject}, "body": {"after": d.body}});
        ch.audit(Entity::Question, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Answers, approves the change of, or closes a question, as [`judge_question_move`]
    /// decides from who raised it; returns its request.
    pub async fn move_question(
        &self,
        who: &Authorized,
        id: i64,
        verb: QuestionVerb,
        answer: Option<&AnswerDraft>,
    ) -> Result<Option<i64>, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let r = sqlx::query(
            "SELECT q.* FROM questions q JOIN work_requests w ON w.id = q.request_id \
             WHERE q.id = $1 AND w.contract_id = $2",
        )
        .bind(id)
        .bind(contract)
        .fetch_optional(ch.conn())
        .await?
        .ok_or(StoreError::NotFound(Entity::Question))?;
        let q = row(&r)?;
        let from = q.status;
        let to = judge_question_move(&q.facts(), verb, who.role(), who.name(), answer)?;
        let now = ch.now().to_string();
        let mut sets: Vec<(&str, Option<String>)> = Vec::new();
        let mut changes = json!({});
        match verb {
            QuestionVerb::Answer => {
                let a = answer
                    .ok_or_else(|| StoreError::conflict("answer", "回答を入力してください。"))?;
                sets.extend([
                    ("answer", Some(a.answer.clone())),
                    ("change_note", a.change.clone()),
                    ("answered_by", Some(who.name().to_string())),
                    ("answered_at", Some(now.clone())),
                ]);
                changes["answer"] = json!({"after": a.answer});
                changes["change"] = json!({"after": a.change});
                if a.change.is_some() && to == QuestionStatus::Answered {
                    // The City's own answer approves the change it states.
                    sets.extend([
                        ("change_approved_by", Some(who.name().to_string())),
                        ("change_approved_at", Some(now.clone())),
                    ]);
                    changes["change_approved_by"] = json!({"after": who.name()});
                }
            }
            QuestionVerb::ApproveChange => {
                sets.extend([
                    ("change_approved_by", Some(who.name().to_string())),
                    ("change_approved_at", Some(now.clone())),
                ]);
                changes["change_approved_by"] = json!({"after": who.name()});
            }
            QuestionVerb::Close => {}
        }
        ch.move_status_noting(
            "questions",
            Entity::Question,
            id,
            (from, to),
            verb,
            &sets,
            &changes,
        )
        .await?;
        ch.commit().await?;
        Ok(q.request_id)
    }
}
