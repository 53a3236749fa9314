//! A device swapped by the lessor (R4.2, §7(1)), within the swap event's transaction: the
//! failed device retired with its history, the replacement installed with its serial, a
//! terminal's touch panel moved to the new terminal, and the re-setup tasks the domain
//! names created.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::incidents::{
    AppliedJob, EventKind, REAPPLIED, Replacement, TaskDraft, resetup_tasks, swap_history,
};
use jukiops_domain::inventory::{
    AssetEventKind, AssetKind, AssetStatus, TerminalDraft, TouchPanelDraft, parse_date,
};
use jukiops_domain::rules::Refusal;
use serde_json::json;
use sqlx::Row;

use super::IncidentEvent;
use super::write::Stored;
use crate::common::id_list;
use crate::terminals::{record_event, save_terminal, terminal_in};
use crate::touch_panels::{attach_in, insert_panel};
use crate::{Change, StoreError, sql};

/// The device an incident's swap takes out: the last replacement, or the failed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Device {
    Terminal(i64),
    TouchPanel(i64),
}

impl Device {
    pub(super) fn current(incident: &Stored, events: &[IncidentEvent]) -> Option<Self> {
        let last = events
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::DeviceReplaced)
            .and_then(|e| e.replacement_id);
        match incident.category {
            CategoryCode::TouchPanelRecovery => {
                last.or(incident.touch_panel_id).map(Self::TouchPanel)
            }
            _ => Some(Self::Terminal(last.unwrap_or(incident.terminal_id))),
        }
    }
}

/// Swaps `device` of incident `id` for replacement `r` recorded by event `event_id`, and
/// creates the re-setup tasks. Answers the tasks' labels.
pub(super) async fn swap_device(
    ch: &mut Change,
    id: i64,
    incident: &Stored,
    device: Option<Device>,
    r: &Replacement,
    event_id: i64,
) -> Result<Vec<String>, StoreError> {
    let new_id = match device {
        Some(Device::Terminal(old)) => swap_terminal(ch, id, old, r).await?,
        Some(Device::TouchPanel(old)) => swap_panel(ch, id, incident.terminal_id, old, r).await?,
        None => return Err(StoreError::NotFound(Entity::TouchPanel)),
    };
    sqlx::query("UPDATE incident_events SET replacement_id = $1 WHERE id = $2")
        .bind(new_id)
        .bind(event_id)
        .execute(ch.conn())
        .await?;
    let applied = match device {
        Some(Device::Terminal(old)) => applied_jobs(ch, &[incident.terminal_id, old]).await?,
        _ => Vec::new(),
    };
    let tasks = resetup_tasks(incident.category, &applied);
    insert_tasks(ch, id, event_id, &tasks).await?;
    Ok(tasks.into_iter().map(|t| t.label).collect())
}

async fn insert_tasks(
    ch: &mut Change,
    id: i64,
    event_id: i64,
    tasks: &[TaskDraft],
) -> Result<(), StoreError> {
    let stamp = ch.now().to_string();
    for t in tasks {
        sqlx::query(
            "INSERT INTO incident_tasks (incident_id, swap_event_id, kind, job_id, label, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(event_id)
        .bind(t.kind.as_str())
        .bind(t.job_id)
        .bind(&t.label)
        .bind(&stamp)
        .execute(ch.conn())
        .await?;
    }
    Ok(())
}

/// The jobs of ア イ ウ エ of the contract year whose work records (in force) name one of
/// `terminals`, in order of creation.
async fn applied_jobs(ch: &mut Change, terminals: &[i64]) -> Result<Vec<AppliedJob>, StoreError> {
    let categories = REAPPLIED
        .iter()
        .map(|c| format!("'{}'", c.kana()))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query(sql(format!(
        "SELECT j.id, j.category, j.title FROM jobs j WHERE j.contract_id = $1 \
         AND j.category IN ({categories}) AND EXISTS (SELECT 1 FROM work_request_jobs rj \
         JOIN work_records w ON w.request_id = rj.request_id WHERE rj.job_id = j.id \
         AND w.replaced_at IS NULL AND w.terminal_id IN ({})) ORDER BY j.id",
        id_list(terminals)
    )))
    .bind(ch.contract_id()?)
    .fetch_all(ch.conn())
    .await?;
    rows.iter()
        .map(|r| {
            let code: String = r.try_get("category")?;
            Ok(AppliedJob {
                id: r.try_get("id")?,
                category: CategoryCode::from_kana(&code)
                    .ok_or_else(|| StoreError::Internal(format!("stored category {code}")))?,
                title: r.try_get("title")?,
            })
        })
        .collect()
}

/// A refusal when the device to take out is no longer in use (another change retired it).
fn gone(kind: AssetKind) -> StoreError {
    Refusal::conflict(
        "new_asset_number",
        format!(
            "交換前の{}は既に撤去済みです。画面を再読み込みしてください。",
            kind.label_ja()
        ),
    )
    .into()
}

/// Installs the replacement terminal where `old` stood (same site, room, lessor and lease;
/// its touch panel moved over) and retires `old`. Answers the new terminal's id.
async fn swap_terminal(
    ch: &mut Change,
    id: i64,
    old: i64,
    r: &Replacement,
) -> Result<i64, StoreError> {
    ch.lock("terminals", old).await?;
    let before = terminal_in(ch, old).await?;
    if before.status == AssetStatus::Retired {
        return Err(gone(AssetKind::Terminal));
    }
    let draft = TerminalDraft {
        asset_number: r.asset_number.clone(),
        serial: r.serial.clone(),
        model: r.model.clone().unwrap_or_else(|| before.model.clone()),
        site_code: before.site_code.clone(),
        room: before.room.clone(),
        lessor: before.lessor.clone(),
        lease_start: before.lease_start.as_deref().and_then(parse_date),
        lease_end: before.lease_end.as_deref().and_then(parse_date),
        status: AssetStatus::InService,
    };
    let new_id = save_terminal(ch, None, &draft).await?.id;
    let history = swap_history(
        id,
        AssetKind::Terminal,
        &before.asset_number,
        &r.asset_number,
    );
    let (site, room) = (Some(before.site_id), before.room.as_deref());
    retire(
        ch,
        AssetKind::Terminal,
        old,
        before.status,
        site,
        room,
        &history.retired,
    )
    .await?;
    record_event(
        ch,
        AssetKind::Terminal,
        new_id,
        AssetEventKind::Swapped,
        site,
        room,
        &history.installed,
    )
    .await?;
    retarget_open_jobs(ch, old, new_id, &before.asset_number, &r.asset_number).await?;
    if let Some(panel) = before.touch_panel_id {
        sqlx::query("UPDATE touch_panels SET terminal_id = $1, updated_at = $2 WHERE id = $3")
            .bind(new_id)
            .bind(ch.now().to_string())
            .bind(panel)
            .execute(ch.conn())
            .await?;
        let detail = format!(
            "統合端末 {} から交換後の統合端末 {} に付け替え（障害 {id}）",
            before.asset_number, r.asset_number
        );
        record_event(
            ch,
            AssetKind::TouchPanel,
            panel,
            AssetEventKind::Moved,
            site,
            room,
            &detail,
        )
        .await?;
        ch.audit(
            Entity::TouchPanel,
            panel,
            AuditAction::Update,
            &json!({"terminal": {"before": before.asset_number, "after": r.asset_number}}),
        );
    }
    Ok(new_id)
}

/// The jobs of the contract year still to be done on terminal `old` and with no work
/// recorded on it yet are to be done on its replacement `new` instead. Audited per job.
async fn retarget_open_jobs(
    ch: &mut Change,
    old: i64,
    new: i64,
    old_asset: &str,
    new_asset: &str,
) -> Result<(), StoreError> {
    let jobs: Vec<i64> = sqlx::query_scalar(
        "SELECT j.id FROM jobs j JOIN job_terminals jt ON jt.job_id = j.id AND jt.terminal_id = $1 \
         WHERE j.contract_id = $2 AND j.status IN ('planned', 'requested', 'in_progress') \
         AND NOT EXISTS (SELECT 1 FROM work_request_jobs rj JOIN work_records w ON w.request_id = rj.request_id \
         WHERE rj.job_id = j.id AND w.terminal_id = $1 AND w.replaced_at IS NULL) ORDER BY j.id",
    )
    .bind(old)
    .bind(ch.contract_id()?)
    .fetch_all(ch.conn())
    .await?;
    for job in jobs {
        sqlx::query(
            "UPDATE job_terminals SET terminal_id = $1 WHERE job_id = $2 AND terminal_id = $3",
        )
        .bind(new)
        .bind(job)
        .bind(old)
        .execute(ch.conn())
        .await?;
        ch.audit(
            Entity::Job,
            job,
            AuditAction::Update,
            &json!({"terminal": {"before": old_asset, "after": new_asset}}),
        );
    }
    Ok(())
}

/// Registers the replacement panel, attaches it to `terminal` in place of `old` and
/// retires `old`. Answers the new panel's id.
async fn swap_panel(
    ch: &mut Change,
    id: i64,
    terminal: i64,
    old: i64,
    r: &Replacement,
) -> Result<i64, StoreError> {
    ch.lock("touch_panels", old).await?;
    let p = sqlx::query(
        "SELECT asset_number, model, status, terminal_id FROM touch_panels WHERE id = $1",
    )
    .bind(old)
    .fetch_one(ch.conn())
    .await?;
    let status = AssetStatus::decode(&p.try_get::<String, _>("status")?)?;
    let attached: Option<i64> = p.try_get("terminal_id")?;
    if status == AssetStatus::Retired || attached != Some(terminal) {
        return Err(gone(AssetKind::TouchPanel));
    }
    let old_asset: String = p.try_get("asset_number")?;
    let draft = TouchPanelDraft {
        asset_number: r.asset_number.clone(),
        serial: r.serial.clone(),
        model: r.model.clone().unwrap_or(p.try_get("model")?),
        status: AssetStatus::InService,
    };
    let new_id = insert_panel(ch, &draft).await?;
    // The attach detaches the failed panel (修理中) and records both sides of the swap.
    attach_in(ch, terminal, new_id).await?;
    let site: Option<i64> = sqlx::query_scalar("SELECT site_id FROM terminals WHERE id = $1")
        .bind(terminal)
        .fetch_optional(ch.conn())
        .await?;
    let history = swap_history(id, AssetKind::TouchPanel, &old_asset, &r.asset_number);
    retire(
        ch,
        AssetKind::TouchPanel,
        old,
        AssetStatus::UnderRepair,
        site,
        None,
        &history.retired,
    )
    .await?;
    record_event(
        ch,
        AssetKind::TouchPanel,
        new_id,
        AssetEventKind::Swapped,
        site,
        None,
        &history.installed,
    )
    .await?;
    Ok(new_id)
}

/// Retires asset `asset_id` (status `from` before), with its history entry and audit.
async fn retire(
    ch: &mut Change,
    kind: AssetKind,
    asset_id: i64,
    from: AssetStatus,
    site: Option<i64>,
    room: Option<&str>,
    detail: &str,
) -> Result<(), StoreError> {
    let table = match kind {
        AssetKind::Terminal => "terminals",
        AssetKind::TouchPanel => "touch_panels",
    };
    sqlx::query(sql(format!(
        "UPDATE {table} SET status = $1, updated_at = $2 WHERE id = $3"
    )))
    .bind(AssetStatus::Retired.as_str())
    .bind(ch.now().to_string())
    .bind(asset_id)
    .execute(ch.conn())
    .await?;
    record_event(
        ch,
        kind,
        asset_id,
        AssetEventKind::Retired,
        site,
        room,
        detail,
    )
    .await?;
    let entity = match kind {
        AssetKind::Terminal => Entity::Terminal,
        AssetKind::TouchPanel => Entity::TouchPanel,
    };
    ch.audit(
        entity,
        asset_id,
        AuditAction::Update,
        &json!({"status": {"before": from.as_str(), "after": AssetStatus::Retired.as_str()}}),
    );
    Ok(())
}
