//! The incidents' figures of the contract year (R10.1, issue 14 item 7): loads the year's
//! incidents with their events, the business calendar and the City's targets, and lets the
//! domain core count and measure them now.

use chrono::Utc;
use jukiops_domain::incidents::{IncidentFigures, ReportedIncident, figures};
use jukiops_domain::people::{Action, Actor};
use jukiops_store::IncidentEvent;

use crate::{App, Result};

impl App {
    /// キ and ク against the contract's estimates, and per month the reports and the times
    /// to respond and to recover, for whoever may view incidents.
    pub async fn incident_figures(&self, who: &Actor) -> Result<IncidentFigures> {
        who.authorize(Action::ViewIncidents)?;
        let incidents = self.store.incidents_all(false).await?;
        let ids: Vec<i64> = incidents.iter().map(|i| i.id).collect();
        let events = self.store.incident_events(&ids).await?;
        let reported = incidents
            .iter()
            .map(|i| {
                Ok(ReportedIncident {
                    category: i.category,
                    reported_at: i.reported_instant()?,
                    events: events
                        .iter()
                        .filter(|e| e.incident_id == i.id)
                        .map(IncidentEvent::fact)
                        .collect::<Result<Vec<_>>>()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let cal = self.business_calendar().await?;
        let targets = self.store.sla_targets().await?;
        Ok(figures(
            &self.contract,
            &cal,
            &reported,
            &targets,
            Utc::now(),
        ))
    }
}
