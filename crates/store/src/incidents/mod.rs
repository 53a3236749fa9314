//! Incidents (障害, R4.1, R4.2): the report, its timeline of events and the City's
//! service-level targets. The store keeps the events as they were recorded and the status
//! the domain judged from them; it computes no clock (the operations do, from the events).

mod logs;
mod swap;
mod write;

pub use logs::{FaultLog, FaultLogFile};

use chrono::{DateTime, Utc};
use jukiops_domain::audit::Entity;
use jukiops_domain::contract::{CategoryCode, PartyKind};
use jukiops_domain::incidents::{
    EventFact, EventKind, IncidentStatus, PauseReason, SlaTarget, TaskKind, Urgency,
};
use jukiops_domain::inventory::AssetKind;
use jukiops_domain::listing::{
    Column, Filter, FilterKind, ListRequest, ListSpec, Searched, SqlValue, choices,
};
use jukiops_domain::time::from_db;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::common::{id_list, jst_text};
use crate::{Page, Store, StoreError, sql};

/// An incident as lists and its page show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Incident {
    pub id: i64,
    /// キ or ク
    #[schema(value_type = String)]
    pub category: CategoryCode,
    pub device: AssetKind,
    pub device_label: String,
    pub terminal_id: i64,
    pub asset_number: String,
    pub touch_panel_id: Option<i64>,
    pub touch_panel_asset_number: Option<String>,
    pub site_id: i64,
    pub site_name: String,
    /// The ward office's fault report it took up.
    pub fault_report_id: Option<i64>,
    /// When the fault was reported, storage form (UTC).
    #[serde(skip)]
    pub reported_at_utc: String,
    /// Japan time.
    pub reported_at: String,
    pub symptom: String,
    pub can_continue: bool,
    pub fallback: Option<String>,
    pub urgency: Urgency,
    pub urgency_label: String,
    pub status: IncidentStatus,
    pub status_label: String,
    pub reported_by: String,
}

impl Incident {
    /// The instant of the report.
    pub fn reported_instant(&self) -> Result<DateTime<Utc>, StoreError> {
        from_db(&self.reported_at_utc)
            .ok_or_else(|| StoreError::Internal(format!("stored instant {}", self.reported_at_utc)))
    }
}

/// One event of an incident's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentEvent {
    pub id: i64,
    pub incident_id: i64,
    pub kind: EventKind,
    pub kind_label: String,
    /// When it happened, storage form (UTC).
    #[serde(skip)]
    pub at_utc: String,
    /// Japan time.
    pub at: String,
    pub note: Option<String>,
    pub inquiry_number: Option<String>,
    pub pause_reason: Option<PauseReason>,
    pub pause_reason_label: Option<String>,
    pub recorded_by: String,
    /// An escalation's lessor, as the contract named it then.
    pub lessor_contact: Option<String>,
    /// A swap's replacement: its asset and serial numbers and the inventory row installed.
    pub new_asset_number: Option<String>,
    pub new_serial: Option<String>,
    pub replacement_id: Option<i64>,
    /// Another party's involvement: which, its contact as the contract named it then, and
    /// when the City was told beforehand (Japan time).
    pub party: Option<PartyKind>,
    pub party_label: Option<String>,
    pub party_contact: Option<String>,
    pub city_notified_at: Option<String>,
    /// A task's completion: the task.
    pub task_id: Option<i64>,
}

/// A re-setup task a swap left (R4.2): open until a `task_done` event finishes it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentTask {
    pub id: i64,
    pub kind: TaskKind,
    pub kind_label: String,
    pub label: String,
    /// The job re-applied.
    pub job_id: Option<i64>,
    pub done: bool,
    /// When it was done (Japan time) and by whom.
    pub done_at: Option<String>,
    pub done_by: Option<String>,
}

impl IncidentEvent {
    /// The event as the rules and the clocks read it.
    pub fn fact(&self) -> Result<EventFact, StoreError> {
        Ok(EventFact {
            kind: self.kind,
            at: from_db(&self.at_utc)
                .ok_or_else(|| StoreError::Internal(format!("stored instant {}", self.at_utc)))?,
            inquiry_number: self.inquiry_number.clone(),
            pause_reason: self.pause_reason,
        })
    }
}

const COLUMNS: &str = "i.id, i.category, i.device, i.terminal_id, t.asset_number, i.touch_panel_id, \
    p.asset_number AS touch_panel_asset_number, i.site_id, s.name AS site_name, i.fault_report_id, \
    i.reported_at, i.symptom, i.can_continue, i.fallback, i.urgency, i.status, i.reported_by";
const FROM: &str = "FROM incidents i JOIN terminals t ON t.id = i.terminal_id \
    JOIN sites s ON s.id = i.site_id LEFT JOIN touch_panels p ON p.id = i.touch_panel_id";

/// Open incidents first (the order of the timeline's states), then the oldest first.
const OPEN_FIRST: &str = "CASE i.status WHEN 'reported' THEN 0 WHEN 'responding' THEN 1 \
    WHEN 'paused' THEN 2 WHEN 'resolved' THEN 3 ELSE 4 END";

/// The list of incidents: open ones first, searched by terminal, panel, site and symptom.
pub static INCIDENT_LIST: ListSpec = ListSpec {
    name: "incidents",
    title: "障害",
    columns: &[
        Column::sortable("status", "状態", OPEN_FIRST).shown_as("status_label"),
        Column::sortable("id", "番号", "i.id"),
        Column::sortable("category", "区分", "i.category"),
        Column::sortable("reported_at", "報告日時", "i.reported_at"),
        Column::sortable("site_name", "拠点", "s.name"),
        Column::sortable("asset_number", "統合端末", "t.asset_number"),
        Column::plain("symptom", "症状"),
        Column::sortable("urgency", "緊急度", "i.urgency").shown_as("urgency_label"),
    ],
    search: &[
        Searched::code("t.asset_number"),
        Searched::code("p.asset_number"),
        Searched::text("s.name"),
        Searched::text("i.symptom"),
    ],
    filters: &[
        Filter {
            key: "status",
            label: "状態",
            sql: "i.status",
            kind: FilterKind::Choice(choices::<IncidentStatus>),
        },
        Filter {
            key: "urgency",
            label: "緊急度",
            sql: "i.urgency",
            kind: FilterKind::Choice(choices::<Urgency>),
        },
    ],
    default_sort: "status",
    default_desc: false,
    tie_break: "i.id",
};

fn incident_row(r: &AnyRow) -> Result<Incident, StoreError> {
    let code: String = r.try_get("category")?;
    let category = CategoryCode::from_kana(&code)
        .ok_or_else(|| StoreError::Internal(format!("stored category {code}")))?;
    let device = AssetKind::decode(&r.try_get::<String, _>("device")?)?;
    let urgency = Urgency::decode(&r.try_get::<String, _>("urgency")?)?;
    let status = IncidentStatus::decode(&r.try_get::<String, _>("status")?)?;
    let reported_at: String = r.try_get("reported_at")?;
    Ok(Incident {
        id: r.try_get("id")?,
        category,
        device,
        device_label: device.label_ja().into(),
        terminal_id: r.try_get("terminal_id")?,
        asset_number: r.try_get("asset_number")?,
        touch_panel_id: r.try_get("touch_panel_id")?,
        touch_panel_asset_number: r.try_get("touch_panel_asset_number")?,
        site_id: r.try_get("site_id")?,
        site_name: r.try_get("site_name")?,
        fault_report_id: r.try_get("fault_report_id")?,
        reported_at: jst_text(Some(reported_at.clone())).unwrap_or_default(),
        reported_at_utc: reported_at,
        symptom: r.try_get("symptom")?,
        can_continue: r.try_get::<i64, _>("can_continue")? != 0,
        fallback: r.try_get("fallback")?,
        urgency,
        urgency_label: urgency.label_ja().into(),
        status,
        status_label: status.label_ja().into(),
        reported_by: r.try_get("reported_by")?,
    })
}

fn event_row(r: &AnyRow) -> Result<IncidentEvent, StoreError> {
    let kind = EventKind::decode(&r.try_get::<String, _>("kind")?)?;
    let pause_reason = r
        .try_get::<Option<String>, _>("pause_reason")?
        .map(|c| PauseReason::decode(&c))
        .transpose()?;
    let at: String = r.try_get("at")?;
    let party = r
        .try_get::<Option<String>, _>("party")?
        .map(|c| PartyKind::decode(&c))
        .transpose()?;
    Ok(IncidentEvent {
        id: r.try_get("id")?,
        incident_id: r.try_get("incident_id")?,
        kind,
        kind_label: kind.label_ja().into(),
        at: jst_text(Some(at.clone())).unwrap_or_default(),
        at_utc: at,
        note: r.try_get("note")?,
        inquiry_number: r.try_get("inquiry_number")?,
        pause_reason,
        pause_reason_label: pause_reason.map(|p| p.label_ja().into()),
        recorded_by: r.try_get("recorded_by")?,
        lessor_contact: r.try_get("lessor_contact")?,
        new_asset_number: r.try_get("new_asset_number")?,
        new_serial: r.try_get("new_serial")?,
        replacement_id: r.try_get("replacement_id")?,
        party,
        party_label: party.map(|p| p.label_ja().into()),
        party_contact: r.try_get("party_contact")?,
        city_notified_at: jst_text(r.try_get("city_notified_at")?),
        task_id: r.try_get("task_id")?,
    })
}

const EVENT_COLUMNS: &str = "id, incident_id, kind, at, note, inquiry_number, pause_reason, \
    recorded_by, lessor_contact, new_asset_number, new_serial, replacement_id, party, \
    party_contact, city_notified_at, task_id";

fn task_row(r: &AnyRow) -> Result<IncidentTask, StoreError> {
    let kind = TaskKind::decode(&r.try_get::<String, _>("kind")?)?;
    let done_at: Option<String> = r.try_get("done_at")?;
    Ok(IncidentTask {
        id: r.try_get("id")?,
        kind,
        kind_label: kind.label_ja().into(),
        label: r.try_get("label")?,
        job_id: r.try_get("job_id")?,
        done: done_at.is_some(),
        done_at: jst_text(done_at),
        done_by: r.try_get("done_by")?,
    })
}

impl Store {
    /// The incidents the list tools ask for, in the contract year.
    pub async fn incident_list(&self, req: &ListRequest) -> Result<Page<Incident>, StoreError> {
        let contract = SqlValue::Int(self.contract_id()?);
        self.list_page(
            COLUMNS,
            FROM,
            &[("i.contract_id = {}", contract)],
            req,
            incident_row,
        )
        .await
    }

    /// Incident `id` of the contract year.
    pub async fn incident(&self, id: i64) -> Result<Incident, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {COLUMNS} {FROM} WHERE i.id = $1 AND i.contract_id = $2"
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Incident))?;
        incident_row(&r)
    }

    /// The events of incidents `ids`, each incident's in timeline order.
    pub async fn incident_events(&self, ids: &[i64]) -> Result<Vec<IncidentEvent>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(sql(format!(
            "SELECT {EVENT_COLUMNS} FROM incident_events WHERE incident_id IN ({}) \
             ORDER BY incident_id, at, id",
            id_list(ids)
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_row).collect()
    }

    /// The re-setup tasks of incident `id`, in the order the swaps left them.
    pub async fn incident_tasks(&self, id: i64) -> Result<Vec<IncidentTask>, StoreError> {
        let rows = sqlx::query(
            "SELECT k.id, k.kind, k.label, k.job_id, e.at AS done_at, e.recorded_by AS done_by \
             FROM incident_tasks k LEFT JOIN incident_events e ON e.id = k.done_event_id \
             WHERE k.incident_id = $1 ORDER BY k.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(task_row).collect()
    }

    /// Every incident of the contract year (or only the open ones), oldest first: the
    /// figures and the dashboard.
    pub async fn incidents_all(&self, open_only: bool) -> Result<Vec<Incident>, StoreError> {
        let filter = if open_only {
            " AND i.status IN ('reported', 'responding', 'paused')"
        } else {
            ""
        };
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} {FROM} WHERE i.contract_id = $1{filter} ORDER BY i.reported_at, i.id"
        )))
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(incident_row).collect()
    }

    /// The City's service-level targets of the contract year, oldest first.
    pub async fn sla_targets(&self) -> Result<Vec<SlaTarget>, StoreError> {
        let rows = sqlx::query(
            "SELECT effective_from, respond_minutes, recover_minutes, near_share_percent \
             FROM sla_targets WHERE contract_id = $1 ORDER BY effective_from, id",
        )
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        let minutes = |v: Option<i64>| v.and_then(|m| u32::try_from(m).ok());
        rows.iter()
            .map(|r| {
                let from: String = r.try_get("effective_from")?;
                Ok(SlaTarget {
                    effective_from: from_db(&from)
                        .ok_or_else(|| StoreError::Internal(format!("stored instant {from}")))?,
                    respond_minutes: minutes(r.try_get("respond_minutes")?),
                    recover_minutes: minutes(r.try_get("recover_minutes")?),
                    near_share_percent: u32::try_from(r.try_get::<i64, _>("near_share_percent")?)
                        .unwrap_or(jukiops_domain::incidents::DEFAULT_NEAR_SHARE_PERCENT),
                })
            })
            .collect()
    }
}
