//! Incidents (障害, R4.1, R4.2): the report, the timeline and the clocks. The clocks are
//! computed here at each read from the events and the City's targets, in the contract's
//! business calendar.

use chrono::{DateTime, Utc};
use jukiops_domain::Checked;
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::contract::PartyKind;
use jukiops_domain::incidents::{
    Clock, EventDraft, EventKind, IncidentDraft, IncidentFacts, SlaLevel, SlaSettingsDraft,
    SlaTarget, TaskFact, clock, judge_event, next_events,
};
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::{Action, Actor};
use jukiops_store::{INCIDENT_LIST, Incident, IncidentEvent, IncidentTask, Page, UrgentRequest};
use serde::Serialize;

use crate::lists::Listed;
use crate::{App, Result};

/// An incident with its clocks now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentView {
    #[serde(flatten)]
    pub incident: Incident,
    pub clock: Clock,
}

/// An incident's page: the incident, its clocks, its timeline and what the reader may
/// record next.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub view: IncidentView,
    pub events: Vec<IncidentEvent>,
    /// The re-setup tasks its swaps left (R4.2), open ones blocking the recovery.
    pub tasks: Vec<IncidentTask>,
    /// The events the reader may record now.
    pub next: Vec<EventKind>,
    /// Whether the reader may mark a task done now.
    pub may_finish_tasks: bool,
    /// The urgent 作業依頼書 the City issued from it, if any (issue 14 item 6).
    pub urgent_request: Option<UrgentRequest>,
}

/// What the clocks are computed with.
struct Clocks {
    cal: BusinessCalendar,
    targets: Vec<SlaTarget>,
    now: DateTime<Utc>,
}

impl Clocks {
    fn view(&self, incident: Incident, events: &[IncidentEvent]) -> Result<IncidentView> {
        let facts = events
            .iter()
            .filter(|e| e.incident_id == incident.id)
            .map(IncidentEvent::fact)
            .collect::<Result<Vec<_>>>()?;
        let reported = incident.reported_instant()?;
        let clock = clock(&self.cal, reported, &facts, &self.targets, self.now);
        Ok(IncidentView { incident, clock })
    }
}

impl App {
    async fn clocks(&self) -> Result<Clocks> {
        Ok(Clocks {
            cal: self.business_calendar().await?,
            targets: self.store.sla_targets().await?,
            now: Utc::now(),
        })
    }

    async fn views(&self, items: Vec<Incident>) -> Result<Vec<IncidentView>> {
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        let events = self.store.incident_events(&ids).await?;
        let clocks = self.clocks().await?;
        items.into_iter().map(|i| clocks.view(i, &events)).collect()
    }

    /// The incidents the list tools ask for, open ones first, each with its clocks.
    pub async fn incident_list(
        &self,
        who: &Actor,
        params: &ListParams,
    ) -> Result<Listed<IncidentView>> {
        who.authorize(Action::ViewIncidents)?;
        let request = params.check(&INCIDENT_LIST)?;
        let page = self.store.incident_list(&request).await?;
        let items = self.views(page.items).await?;
        let page = Page {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        };
        Ok(Listed { request, page })
    }

    /// Incident `id` with its clocks, its timeline and the events `who` may record next.
    pub async fn incident(&self, who: &Actor, id: i64) -> Result<IncidentDetail> {
        who.authorize(Action::ViewIncidents)?;
        let incident = self.store.incident(id).await?;
        let events = self.store.incident_events(&[id]).await?;
        let tasks = self.store.incident_tasks(id).await?;
        let clocks = self.clocks().await?;
        let facts = IncidentFacts {
            category: incident.category,
            events: events
                .iter()
                .map(IncidentEvent::fact)
                .collect::<Result<Vec<_>>>()?,
            tasks: tasks
                .iter()
                .map(|t| TaskFact {
                    id: t.id,
                    label: t.label.clone(),
                    done: t.done,
                })
                .collect(),
        };
        let (next, may_finish_tasks) = match who.role() {
            Some(role) if who.may(Action::RecordIncidents) => {
                let open = facts.tasks.iter().find(|t| !t.done).map(|t| t.id);
                let finish = EventDraft {
                    task_id: open,
                    ..EventDraft::new(EventKind::TaskDone)
                };
                let may = open.is_some() && judge_event(&facts, &finish, role, clocks.now).is_ok();
                (next_events(&facts, role, clocks.now), may)
            }
            _ => (Vec::new(), false),
        };
        let view = clocks.view(incident, &events)?;
        let urgent_request = self.store.urgent_request_of_incident(id).await?;
        Ok(IncidentDetail {
            view,
            events,
            tasks,
            next,
            may_finish_tasks,
            urgent_request,
        })
    }

    /// Registers an incident (the City or the contractor's lead), possibly taking up a ward
    /// office's fault report.
    pub async fn report_incident(
        &self,
        who: &Actor,
        input: impl Checked<IncidentDraft>,
    ) -> Result<IncidentDetail> {
        let auth = who.authorize(Action::ReportIncidents)?;
        let d = input.checked()?;
        let id = self.store.create_incident(&auth, &d, Utc::now()).await?;
        self.incident(who, id).await
    }

    /// Adds an event to incident `id`'s timeline, as the timeline's rules allow `who`.
    pub async fn record_incident_event(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<EventDraft>,
    ) -> Result<IncidentDetail> {
        let auth = who.authorize(Action::RecordIncidents)?;
        let d = input.checked()?;
        // R4.2, §7(1): the City calls the lessor the contract names; R9.3: another party
        // is the one the contract names of its kind.
        let party = match (d.kind, d.party) {
            (EventKind::Escalated, _) => Some(PartyKind::Lessor),
            (EventKind::PartyInvolved, Some((kind, _))) => Some(kind),
            _ => None,
        };
        let contact = party
            .map(|kind| {
                self.contract()
                    .parties_of(kind)
                    .map(|p| p.contact_line())
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .filter(|c| !c.is_empty());
        self.store
            .add_incident_event(&auth, id, &d, contact.as_deref(), Utc::now())
            .await?;
        self.incident(who, id).await
    }

    /// The City's service-level targets of the contract year, oldest first.
    pub async fn sla_targets(&self, who: &Actor) -> Result<Vec<SlaTarget>> {
        who.authorize(Action::ViewIncidents)?;
        self.store.sla_targets().await
    }

    /// Sets the City's targets from an instant on (the City).
    pub async fn set_sla_targets(
        &self,
        who: &Actor,
        input: impl Checked<SlaSettingsDraft>,
    ) -> Result<Vec<SlaTarget>> {
        let auth = who.authorize(Action::SetServiceLevels)?;
        let d = input.checked()?;
        self.store.set_sla_target(&auth, &d).await?;
        self.store.sla_targets().await
    }

    /// Open incidents whose clocks are near or past their targets (the dashboard), the
    /// worst first.
    pub async fn incident_alerts(&self, who: &Actor) -> Result<Vec<IncidentView>> {
        who.authorize(Action::ViewIncidents)?;
        let open = self.store.incidents_all(true).await?;
        let mut alerts: Vec<IncidentView> = self
            .views(open)
            .await?
            .into_iter()
            .filter(|v| matches!(v.clock.worst_level(), SlaLevel::Near | SlaLevel::Breached))
            .collect();
        alerts.sort_by_key(|v| (v.clock.worst_level() != SlaLevel::Breached, v.incident.id));
        Ok(alerts)
    }
}
