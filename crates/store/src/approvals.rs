//! The City's 決裁 (issue 12, item 15): the steps decided on a document, the post and the
//! stand-ins of the person deciding, one step recorded as [`judge_step`] decides, and the
//! stand-ins an administrator records.

use chrono::NaiveDate;
use jukiops_domain::approvals::{
    ApprovalKind, ApprovalRoutes, Approver, CombinationState, DecidedStep, StepDecision,
    combination_state, judge_stand_in, judge_step,
};
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::{Authorized, Role};
use jukiops_domain::requests::{Decision, Verdict, WorkRequestStatus};
use jukiops_domain::rules::Refusal;
use jukiops_domain::time::today_jst;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::common::jst_text;
use crate::{Change, Store, StoreError};

/// The steps decided on document `id` of `kind`, in order.
async fn decided(
    conn: &mut AnyConnection,
    kind: ApprovalKind,
    id: i64,
) -> Result<Vec<DecidedStep>, StoreError> {
    let rows = sqlx::query(
        "SELECT * FROM approval_steps WHERE kind = $1 AND document_id = $2 ORDER BY step",
    )
    .bind(kind.as_str())
    .bind(id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(decided_row).collect()
}

/// One stored step.
fn decided_row(r: &sqlx::any::AnyRow) -> Result<DecidedStep, StoreError> {
    Ok(DecidedStep {
        step: u32::try_from(r.try_get::<i64, _>("step")?)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?,
        post: r.try_get("post")?,
        verdict: Verdict::decode(&r.try_get::<String, _>("verdict")?)?,
        decided_by: r.try_get("decided_by")?,
        decided_at: jst_text(r.try_get("decided_at")?).unwrap_or_default(),
        comment: r.try_get("comment")?,
        on_behalf_of: r.try_get("on_behalf_of")?,
    })
}

/// The post of the person deciding and the posts of those they stand in for on `today`.
async fn approver(
    conn: &mut AnyConnection,
    who: &Authorized,
    today: NaiveDate,
) -> Result<Approver, StoreError> {
    let Some(id) = who.user_id() else {
        return Ok(Approver {
            name: who.name().to_string(),
            ..Approver::default()
        });
    };
    let post: Option<String> = sqlx::query_scalar("SELECT post FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .flatten();
    let rows = sqlx::query(
        "SELECT u.display_name, u.post FROM stand_ins s JOIN users u ON u.id = s.for_user_id \
         WHERE s.user_id = $1 AND s.valid_from <= $2 AND s.valid_to >= $2 AND u.post IS NOT NULL \
         AND u.disabled = 0",
    )
    .bind(id)
    .bind(today.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let stands_in_for = rows
        .iter()
        .map(|r| Ok((r.try_get("display_name")?, r.try_get("post")?)))
        .collect::<Result<_, StoreError>>()?;
    Ok(Approver {
        name: who.name().to_string(),
        post,
        stands_in_for,
    })
}

/// Records the decision `d` of the change's actor on the next step of document `id` of
/// `kind` (its route from `routes`), as [`judge_step`] decides, audited on `entity`.
/// Returns the step: whether it settles the document is for the caller to apply.
pub(crate) async fn decide_step(
    ch: &mut Change,
    who: &Authorized,
    routes: &ApprovalRoutes,
    kind: ApprovalKind,
    entity: Entity,
    id: i64,
    d: &Decision,
) -> Result<StepDecision, StoreError> {
    let so_far = decided(ch.conn(), kind, id).await?;
    let today = today_jst(ch.now_utc());
    let person = approver(ch.conn(), who, today).await?;
    let step = judge_step(routes.of(kind), &so_far, &person, d.verdict)?;
    let now = ch.now().to_string();
    sqlx::query(
        "INSERT INTO approval_steps (kind, document_id, step, post, verdict, comment, decided_by, decided_at, on_behalf_of) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(kind.as_str())
    .bind(id)
    .bind(i64::from(step.step))
    .bind(step.post.clone())
    .bind(d.verdict.as_str())
    .bind(d.comment.clone())
    .bind(who.name())
    .bind(&now)
    .bind(step.on_behalf_of.clone())
    .execute(ch.conn())
    .await?;
    if !step.settles {
        ch.audit(
            entity,
            id,
            AuditAction::Decide,
            &json!({"step": {"after": step.step}, "post": {"after": step.post},
                "verdict": {"after": d.verdict.as_str()}, "comment": {"after": d.comment},
                "on_behalf_of": {"after": step.on_behalf_of}}),
        );
    }
    Ok(step)
}

/// Where the City's approval of request `id`'s combined jobs stands.
pub(crate) async fn combination(
    conn: &mut AnyConnection,
    routes: &ApprovalRoutes,
    id: i64,
) -> Result<CombinationState, StoreError> {
    let combined: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM work_request_jobs WHERE request_id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let so_far = decided(conn, ApprovalKind::Combination, id).await?;
    Ok(combination_state(
        combined > 1,
        routes.of(ApprovalKind::Combination),
        &so_far,
    ))
}

/// A stand-in: who may decide in place of whom, from and to which day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StandIn {
    pub id: i64,
    pub user_id: i64,
    pub for_user_id: i64,
    pub for_display_name: String,
    pub for_post: Option<String>,
    pub valid_from: String,
    pub valid_to: String,
}

impl Store {
    /// Decides the next step of the City's route for request `id`'s combined jobs (R4.3),
    /// as [`judge_step`] decides; refused for a request of one job, under a contract with
    /// no such route, once settled, or for a request cancelled.
    pub async fn decide_combination(
        &self,
        who: &Authorized,
        routes: &ApprovalRoutes,
        id: i64,
        d: &Decision,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let status = crate::requests::request_status(ch.conn(), contract, id).await?;
        if status == WorkRequestStatus::Cancelled {
            return Err(Refusal::conflict("status", "取り消された作業依頼書です。").into());
        }
        if combination(ch.conn(), routes, id).await? != CombinationState::Waiting {
            return Err(Refusal::conflict(
                "status",
                "この作業依頼書の作業の組合せに、決裁を待つ段階はありません。",
            )
            .into());
        }
        let kind = ApprovalKind::Combination;
        let step = decide_step(&mut ch, who, routes, kind, Entity::WorkRequest, id, d).await?;
        if step.settles {
            ch.audit(
                Entity::WorkRequest,
                id,
                AuditAction::Decide,
                &json!({"step": {"after": step.step}, "post": {"after": step.post},
                    "verdict": {"after": d.verdict.as_str()}, "comment": {"after": d.comment},
                    "on_behalf_of": {"after": step.on_behalf_of}}),
            );
        }
        ch.commit().await
    }

    /// The steps decided on each of documents `ids` of `kind`: `(document, step)`, in one
    /// read.
    pub async fn approval_steps(
        &self,
        kind: ApprovalKind,
        ids: &[i64],
    ) -> Result<Vec<(i64, DecidedStep)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(crate::sql(format!(
            "SELECT * FROM approval_steps WHERE kind = $1 AND document_id IN ({}) \
             ORDER BY document_id, step",
            crate::common::id_list(ids)
        )))
        .bind(kind.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("document_id")?, decided_row(r)?)))
            .collect()
    }

    /// The stand-ins of account `user_id` (whom it may stand in for).
    pub async fn stand_ins(&self, user_id: i64) -> Result<Vec<StandIn>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.*, u.display_name, u.post FROM stand_ins s JOIN users u ON u.id = s.for_user_id \
             WHERE s.user_id = $1 ORDER BY s.valid_from, s.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StandIn {
                    id: r.try_get("id")?,
                    user_id: r.try_get("user_id")?,
                    for_user_id: r.try_get("for_user_id")?,
                    for_display_name: r.try_get("display_name")?,
                    for_post: r.try_get("post")?,
                    valid_from: r.try_get("valid_from")?,
                    valid_to: r.try_get("valid_to")?,
                })
            })
            .collect()
    }

    /// Records that account `user_id` stands in for `for_user_id` from `from` to `to`
    /// (both City staff, different people), audited on the account.
    pub async fn add_stand_in(
        &self,
        who: &Authorized,
        user_id: i64,
        for_user_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let role_of = |id: i64| {
            sqlx::query_scalar::<_, String>("SELECT role FROM users WHERE id = $1").bind(id)
        };
        let me = role_of(user_id)
            .fetch_optional(ch.conn())
            .await?
            .ok_or(StoreError::NotFound(Entity::User))?;
        let other = role_of(for_user_id).fetch_optional(ch.conn()).await?;
        let other = other.as_deref().map(Role::decode).transpose()?;
        judge_stand_in(Role::decode(&me)?, other, user_id == for_user_id)?;
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO stand_ins (user_id, for_user_id, valid_from, valid_to, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(for_user_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        ch.audit(
            Entity::User,
            user_id,
            AuditAction::Update,
            &json!({"stand_in_for": {"after": for_user_id}, "valid_from": {"after": from.to_string()},
                "valid_to": {"after": to.to_string()}}),
        );
        ch.commit().await?;
        Ok(id)
    }
}
