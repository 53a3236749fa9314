//! The changes of incidents: a report, an event of the timeline, the City's targets. Each
//! loads the facts, has the domain judge them, and writes the rows and the audit entry in
//! one transaction.

use chrono::{DateTime, Utc};
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::incidents::{
    EventDraft, EventKind, FaultReportOfIncident, IncidentDraft, IncidentFacts, IncidentStatus,
    SlaSettingsDraft, TaskFact, TerminalOfIncident, device_of, judge_event, judge_incident,
};
use jukiops_domain::inventory::{AssetKind, AssetStatus};
use jukiops_domain::people::Authorized;
use jukiops_domain::site_staff::FaultReportStatus;
use jukiops_domain::time::to_db;
use serde_json::json;
use sqlx::Row;

use super::swap::{Device, swap_device};
use super::{EVENT_COLUMNS, IncidentEvent, event_row};
use crate::{Change, Store, StoreError, sql};

/// The terminal an incident names and where it stands.
async fn terminal_of(
    ch: &mut Change,
    terminal_id: i64,
) -> Result<Option<(TerminalOfIncident, i64, String)>, StoreError> {
    let Some(r) = sqlx::query(
        "SELECT t.status, t.site_id, t.asset_number, (SELECT p.id FROM touch_panels p \
         WHERE p.terminal_id = t.id) AS panel FROM terminals t WHERE t.id = $1",
    )
    .bind(terminal_id)
    .fetch_optional(ch.conn())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some((
        TerminalOfIncident {
            status: AssetStatus::decode(&r.try_get::<String, _>("status")?)?,
            touch_panel_id: r.try_get("panel")?,
        },
        r.try_get("site_id")?,
        r.try_get("asset_number")?,
    )))
}

/// A fault report of the contract year, and whether an incident took it up.
async fn fault_report_of(
    ch: &mut Change,
    id: i64,
) -> Result<Option<(FaultReportOfIncident, FaultReportStatus)>, StoreError> {
    let Some(r) = sqlx::query(
        "SELECT f.terminal_id, f.status, (SELECT i.id FROM incidents i WHERE i.fault_report_id = f.id) \
         AS incident_id FROM fault_reports f WHERE f.id = $1 AND f.contract_id = $2",
    )
    .bind(id)
    .bind(ch.contract_id()?)
    .fetch_optional(ch.conn())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some((
        FaultReportOfIncident {
            terminal_id: r.try_get("terminal_id")?,
            incident_id: r.try_get("incident_id")?,
        },
        FaultReportStatus::decode(&r.try_get::<String, _>("status")?)?,
    )))
}

impl Store {
    /// Registers incident `d` reported by `who` at `now`, as [`judge_incident`] allows,
    /// with its first event (the report). A fault report it takes up is linked and marked
    /// dealt with. Audited on both.
    pub async fn create_incident(
        &self,
        who: &Authorized,
        d: &IncidentDraft,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let terminal = terminal_of(&mut ch, d.terminal_id).await?;
        let report = match d.fault_report_id {
            Some(id) => fault_report_of(&mut ch, id).await?,
            None => None,
        };
        let (at, panel) = judge_incident(
            who.role(),
            d,
            terminal.as_ref().map(|t| &t.0),
            report.as_ref().map(|r| &r.0),
            now,
        )?;
        let (_, site_id, asset_number) = terminal.ok_or(StoreError::NotFound(Entity::Terminal))?;
        let device = device_of(d.category).unwrap_or(AssetKind::Terminal);
        let status = IncidentStatus::Reported;
        let stamp = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO incidents (contract_id, category, device, terminal_id, touch_panel_id, site_id, \
             fault_report_id, reported_at, symptom, can_continue, fallback, urgency, status, reported_by, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
             RETURNING id",
        )
        .bind(ch.contract_id()?)
        .bind(d.category.kana())
        .bind(device.as_str())
        .bind(d.terminal_id)
        .bind(panel)
        .bind(site_id)
        .bind(d.fault_report_id)
        .bind(to_db(at))
        .bind(&d.symptom)
        .bind(i64::from(d.can_continue))
        .bind(d.fallback.as_deref())
        .bind(d.urgency.as_str())
        .bind(status.as_str())
        .bind(who.name())
        .bind(&stamp)
        .fetch_one(ch.conn())
        .await?;
        sqlx::query(
            "INSERT INTO incident_events (incident_id, kind, at, recorded_by, recorded_at) \
             VALUES ($1, 'reported', $2, $3, $4)",
        )
        .bind(id)
        .bind(to_db(at))
        .bind(who.name())
        .bind(&stamp)
        .execute(ch.conn())
        .await?;
        let changes = json!({
            "category": {"after": d.category.kana()}, "device": {"after": device.as_str()},
            "terminal": {"after": asset_number}, "touch_panel": {"after": panel},
            "reported_at": {"after": to_db(at)}, "symptom": {"after": d.symptom},
            "can_continue": {"after": d.can_continue}, "fallback": {"after": d.fallback},
            "urgency": {"after": d.urgency.as_str()}, "fault_report_id": {"after": d.fault_report_id},
            "status": {"after": status.as_str()},
        });
        ch.audit(Entity::Incident, id, AuditAction::Create, &changes);
        if let (Some(report_id), Some((_, from))) = (d.fault_report_id, report) {
            let to = FaultReportStatus::Resolved;
            sqlx::query("UPDATE fault_reports SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(to.as_str())
                .bind(&stamp)
                .bind(report_id)
                .execute(ch.conn())
                .await?;
            let mut changes = json!({"incident_id": {"after": id}});
            if from != to {
                changes["status"] = json!({"before": from.as_str(), "after": to.as_str()});
            }
            ch.audit(
                Entity::FaultReport,
                report_id,
                AuditAction::Update,
                &changes,
            );
        }
        ch.commit().await?;
        Ok(id)
    }

    /// Adds event `d` by `who` at `now` to incident `id`, as [`judge_event`] allows on the
    /// events so far; the status the domain judges after it is kept; an escalation keeps
    /// the lessor's contact it was sent to. Audited with the event's own verb.
    pub async fn add_incident_event(
        &self,
        who: &Authorized,
        id: i64,
        d: &EventDraft,
        contact: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        append_event(&mut ch, who, id, d, contact, now).await?;
        ch.commit().await?;
        Ok(())
    }

    /// Records the City's service-level targets from `d.effective_from` on.
    /// Audited.
    pub async fn set_sla_target(
        &self,
        who: &Authorized,
        d: &SlaSettingsDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let from = d.effective_from;
        let stamp = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sla_targets (contract_id, effective_from, respond_minutes, recover_minutes, \
             near_share_percent, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(ch.contract_id()?)
        .bind(to_db(from))
        .bind(d.respond_minutes.map(i64::from))
        .bind(d.recover_minutes.map(i64::from))
        .bind(i64::from(d.near_share_percent))
        .bind(who.name())
        .bind(&stamp)
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({
            "effective_from": {"after": to_db(from)},
            "respond_minutes": {"after": d.respond_minutes},
            "recover_minutes": {"after": d.recover_minutes},
            "near_share_percent": {"after": d.near_share_percent},
        });
        ch.audit(Entity::ServiceLevel, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }
}

/// An incident as far as a new event is judged and applied: its category, the failed
/// terminal and panel, and where it stands.
pub(super) struct Stored {
    pub(super) category: CategoryCode,
    pub(super) status: IncidentStatus,
    pub(super) terminal_id: i64,
    pub(super) touch_panel_id: Option<i64>,
}

async fn stored(ch: &mut Change, id: i64) -> Result<Stored, StoreError> {
    let r = sqlx::query(
        "SELECT category, status, terminal_id, touch_panel_id FROM incidents \
         WHERE id = $1 AND contract_id = $2",
    )
    .bind(id)
    .bind(ch.contract_id()?)
    .fetch_optional(ch.conn())
    .await?
    .ok_or(StoreError::NotFound(Entity::Incident))?;
    let code: String = r.try_get("category")?;
    Ok(Stored {
        category: CategoryCode::from_kana(&code)
            .ok_or_else(|| StoreError::Internal(format!("stored category {code}")))?,
        status: IncidentStatus::decode(&r.try_get::<String, _>("status")?)?,
        terminal_id: r.try_get("terminal_id")?,
        touch_panel_id: r.try_get("touch_panel_id")?,
    })
}

/// The facts [`judge_event`] reads: the events in order and the re-setup tasks.
async fn facts_of(
    ch: &mut Change,
    id: i64,
    category: CategoryCode,
) -> Result<(IncidentFacts, Vec<IncidentEvent>), StoreError> {
    let rows = sqlx::query(sql(format!(
        "SELECT {EVENT_COLUMNS} FROM incident_events WHERE incident_id = $1 ORDER BY at, id"
    )))
    .bind(id)
    .fetch_all(ch.conn())
    .await?;
    let stored = rows.iter().map(event_row).collect::<Result<Vec<_>, _>>()?;
    let events = stored
        .iter()
        .map(IncidentEvent::fact)
        .collect::<Result<Vec<_>, _>>()?;
    let tasks = sqlx::query(
        "SELECT id, label, done_event_id FROM incident_tasks WHERE incident_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(ch.conn())
    .await?
    .iter()
    .map(|r| {
        Ok(TaskFact {
            id: r.try_get("id")?,
            label: r.try_get("label")?,
            done: r.try_get::<Option<i64>, _>("done_event_id")?.is_some(),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((
        IncidentFacts {
            category,
            events,
            tasks,
        },
        stored,
    ))
}

/// Adds event `d` by `who` at `now` to incident `id` within `ch`, as [`judge_event`]
/// allows on the events and tasks so far; the status the domain judges after it is kept.
/// `contact` is the party the event calls on, as the contract names it (the lessor of an
/// escalation, the party of an involvement). A swap replaces the device in the inventory
/// and leaves its re-setup tasks; a task's completion is marked on the task. Audited with
/// the event's own verb. Answers the event's id.
pub(super) async fn append_event(
    ch: &mut Change,
    who: &Authorized,
    id: i64,
    d: &EventDraft,
    contact: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let incident = stored(ch, id).await?;
    let (facts, events) = facts_of(ch, id, incident.category).await?;
    let (at, to) = judge_event(&facts, d, who.role(), now)?;
    if let Some(worker) = d.kind.hands_on_worker(who.role(), who.user_id()) {
        let named = [(worker, jukiops_domain::time::today_jst(at))];
        let contract = ch.contract_id()?;
        crate::roster::check_on_roster(ch.conn(), contract, "recorded_by", &named).await?;
    }
    let from = incident.status;
    let lessor_contact = contact.filter(|_| d.kind == EventKind::Escalated);
    let party_contact = contact.filter(|_| d.kind == EventKind::PartyInvolved);
    let stamp = ch.now().to_string();
    let event_id: i64 = sqlx::query_scalar(
        "INSERT INTO incident_events (incident_id, kind, at, note, inquiry_number, pause_reason, \
         recorded_by, recorded_at, lessor_contact, new_asset_number, new_serial, party, party_contact, \
         city_notified_at, task_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         RETURNING id",
    )
    .bind(id)
    .bind(d.kind.as_str())
    .bind(to_db(at))
    .bind(d.note.as_deref())
    .bind(d.inquiry_number.as_deref())
    .bind(d.pause_reason.map(|p| p.as_str()))
    .bind(who.name())
    .bind(&stamp)
    .bind(lessor_contact)
    .bind(d.replacement.as_ref().map(|r| r.asset_number.as_str()))
    .bind(d.replacement.as_ref().map(|r| r.serial.as_str()))
    .bind(d.party.map(|(p, _)| p.as_str()))
    .bind(party_contact)
    .bind(d.party.map(|(_, told)| to_db(told)))
    .bind(d.task_id)
    .fetch_one(ch.conn())
    .await?;
    let n = sqlx::query(
        "UPDATE incidents SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(&stamp)
    .bind(id)
    .bind(from.as_str())
    .execute(ch.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(crate::common::raced());
    }
    let mut changes = json!({"at": {"after": to_db(at)}});
    if from != to {
        changes["status"] = json!({"before": from.as_str(), "after": to.as_str()});
    }
    for (field, value) in [
        ("note", d.note.as_deref()),
        ("inquiry_number", d.inquiry_number.as_deref()),
        ("pause_reason", d.pause_reason.map(|p| p.as_str())),
        ("lessor_contact", lessor_contact),
        ("party", d.party.map(|(p, _)| p.as_str())),
        ("party_contact", party_contact),
    ] {
        if let Some(v) = value {
            changes[field] = json!({"after": v});
        }
    }
    if let Some((_, told)) = d.party {
        changes["city_notified_at"] = json!({"after": to_db(told)});
    }
    if let Some(r) = &d.replacement {
        let device = Device::current(&incident, &events);
        let swapped = swap_device(ch, id, &incident, device, r, event_id).await?;
        changes["new_asset_number"] = json!({"after": r.asset_number});
        changes["new_serial"] = json!({"after": r.serial});
        changes["tasks"] = json!({"after": swapped});
    }
    if let Some(task) = d.task_id {
        let label = finish_task(ch, task, event_id).await?;
        changes["task"] = json!({"after": label});
    }
    ch.audit(Entity::Incident, id, d.kind, &changes);
    Ok(event_id)
}

/// Marks task `task` done by event `event_id`; a task another change finished first is a
/// lost race. Answers the task's label.
async fn finish_task(ch: &mut Change, task: i64, event_id: i64) -> Result<String, StoreError> {
    let n = sqlx::query(
        "UPDATE incident_tasks SET done_event_id = $1 WHERE id = $2 AND done_event_id IS NULL",
    )
    .bind(event_id)
    .bind(task)
    .execute(ch.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(crate::common::raced());
    }
    Ok(
        sqlx::query_scalar("SELECT label FROM incident_tasks WHERE id = $1")
            .bind(task)
            .fetch_one(ch.conn())
            .await?,
    )
}
