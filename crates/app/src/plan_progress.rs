//! A kept plan's visits as they stand now (issue 13, item 8): each one planned, done,
//! done under an accepted 作業依頼書, or cancelled, with the building-entry permits it still
//! lacks, so that the plan page warns of permits before the day.

use std::collections::HashMap;

use jukiops_domain::people::{Action, Actor};
use jukiops_domain::requests::WorkRequestStatus;
use jukiops_domain::schedule::{PermitWarning, VisitProgress, permits_lacking};
use jukiops_store::{PageRequest, Visit, VisitQuery};
use serde::Serialize;

use crate::{App, Result};

/// One visit of a plan and where it stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanVisitState {
    pub visit_id: i64,
    pub site_id: i64,
    pub site_name: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`
    pub start: String,
    pub end: String,
    /// The workers' names, joined.
    pub workers: String,
    pub progress: VisitProgress,
    pub progress_label: String,
    /// Permits the visit needs and lacks; empty once it is done.
    pub permits_lacking: Vec<PermitWarning>,
}

/// A plan's visits and their totals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanProgress {
    pub visits: Vec<PlanVisitState>,
    /// Visits done or done under an accepted request.
    pub finished: usize,
    /// Visits still ahead that lack a permit.
    pub lacking_permits: usize,
}

impl App {
    /// The visits of kept plan `id` as they stand, in date and time order.
    pub async fn plan_progress(&self, who: &Actor, id: i64) -> Result<PlanProgress> {
        who.authorize(Action::ViewSchedule)?;
        // The plan must exist in this contract year.
        self.store.saved_plan(id).await?;
        let cal = self.business_calendar().await?;
        let rules = self.rules(&cal);
        let q = VisitQuery {
            plan_id: Some(id),
            ..VisitQuery::default()
        };
        let mut visits: Vec<Visit> = Vec::new();
        let mut page = 1;
        loop {
            let req = PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE));
            let got = self.store.visits(&rules, &q, req).await?;
            let done = got.page >= got.pages();
            visits.extend(got.items);
            if done {
                break;
            }
            page += 1;
        }
        let mut ids: Vec<i64> = visits.iter().filter_map(|v| v.request_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut requests: HashMap<i64, WorkRequestStatus> = HashMap::new();
        for rid in ids {
            let status = self.store.work_request(rid).await?.summary.status;
            requests.insert(rid, status);
        }
        let states: Vec<PlanVisitState> = visits
            .into_iter()
            .map(|v| {
                let request = v.request_id.and_then(|r| requests.get(&r).copied());
                let progress = VisitProgress::of(v.status, request);
                PlanVisitState {
                    visit_id: v.id,
                    site_id: v.site_id,
                    site_name: v.site_name,
                    date: v.date,
                    start: v.start,
                    end: v.end,
                    workers: v
                        .workers
                        .iter()
                        .map(|w| w.display_name.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                    progress,
                    progress_label: progress.label_ja().to_string(),
                    permits_lacking: permits_lacking(progress, &v.assessment),
                }
            })
            .collect();
        Ok(PlanProgress {
            finished: states.iter().filter(|s| s.progress.is_finished()).count(),
            lacking_permits: states
                .iter()
                .filter(|s| !s.permits_lacking.is_empty())
                .count(),
            visits: states,
        })
    }
}
