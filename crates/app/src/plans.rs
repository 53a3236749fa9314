//! All-site plans (R4.4): the planner asked to reach every terminal within the contract's
//! business days, previewed or kept with its visits, read back, exported as an Excel
//! workbook, and agreed to by the City.

use std::collections::HashMap;

use chrono::NaiveDate;
use jukiops_documents::DocumentError;
use jukiops_documents::plan_xlsx::{PlanDocument, plan_workbook};
use jukiops_domain::FieldErrors;
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::planner::{self, Finding, FindingKind, Plan, PlanInput};
use jukiops_domain::requests::WorkRequestStatus;
use jukiops_domain::schedule::{PlanDraft, judge_plan_input};
use jukiops_domain::validation::Checked;
use jukiops_store::{PageRequest, PersonRef, PlanAbout, SavedPlan, Site, WorkRequestSummary};

use crate::{App, Result};

/// What the plan form offers: the contractor's people, the sites, and the requests still
/// open whose terminals a plan may serve.
#[derive(Debug, Clone)]
pub struct PlanChoices {
    pub workers: Vec<PersonRef>,
    pub sites: Vec<Site>,
    pub requests: Vec<WorkRequestSummary>,
}

/// A kept plan with the names its workbook shows.
#[derive(Debug, Clone)]
pub struct PlanExport {
    pub plan: SavedPlan,
    pub worker_names: HashMap<i64, String>,
    pub site_names: HashMap<i64, String>,
    pub asset_numbers: HashMap<i64, String>,
}

impl PlanExport {
    /// The workbook: summary, visits, worker-days.
    pub fn workbook(&self) -> std::result::Result<Vec<u8>, DocumentError> {
        plan_workbook(&PlanDocument {
            title: &self.plan.title,
            plan: &self.plan.plan,
            worker_names: &self.worker_names,
            site_names: &self.site_names,
            asset_numbers: &self.asset_numbers,
        })
    }

    /// The file name it is downloaded as.
    pub fn file_name(&self) -> String {
        format!("plan-{}.xlsx", self.plan.id)
    }
}

impl App {
    /// A kept plan with its input.
    pub async fn plan(&self, who: &Actor, id: i64) -> Result<SavedPlan> {
        who.authorize(Action::ViewSchedule)?;
        self.store.saved_plan(id).await
    }

    /// The people, sites and open requests the plan form offers.
    pub async fn plan_choices(&self, who: &Actor) -> Result<PlanChoices> {
        who.authorize(Action::ViewSchedule)?;
        let all = PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE));
        let requests = self
            .store
            .work_requests(all)
            .await?
            .items
            .into_iter()
            .filter(|r| {
                matches!(
                    r.status,
                    WorkRequestStatus::Issued
                        | WorkRequestStatus::ProcedureApproved
                        | WorkRequestStatus::InProgress
                )
            })
            .collect();
        Ok(PlanChoices {
            workers: self.store.contractor_people().await?,
            sites: self.store.all_sites().await?,
            requests,
        })
    }

    /// Plans without keeping anything: what the lead looks at before saving. An input the
    /// planner cannot plan is refused naming why, in Japanese.
    pub async fn preview_plan(
        &self,
        who: &Actor,
        request: impl Checked<PlanDraft>,
    ) -> Result<Plan> {
        who.authorize(Action::PlanVisits)?;
        let draft = request.checked()?;
        let input = self.plan_input(&draft).await?;
        let cal = self.business_calendar().await?;
        let mut plan = run_planner(input.clone(), cal).await?;
        self.others_available(&input, &mut plan).await?;
        Ok(plan)
    }

    /// Plans and keeps the plan; its visits join the schedule, each judged like a visit
    /// planned by hand, all or none.
    pub async fn create_plan(
        &self,
        who: &Actor,
        request: impl Checked<PlanDraft>,
    ) -> Result<SavedPlan> {
        let who = who.authorize(Action::PlanVisits)?;
        let draft = request.checked()?;
        let input = self.plan_input(&draft).await?;
        let cal = self.business_calendar().await?;
        let plan = run_planner(input.clone(), cal.clone()).await?;
        let about = PlanAbout {
            title: &draft.title,
            purpose: &draft.purpose,
            request_id: draft.request_id,
        };
        let id = self
            .store
            .save_plan(&who, &self.rules(&cal), &about, &input, &plan)
            .await?;
        self.store.saved_plan(id).await
    }

    /// A kept plan with the names of its workers, sites and terminals, for its workbook.
    pub async fn plan_export(&self, who: &Actor, id: i64) -> Result<PlanExport> {
        who.authorize(Action::ViewSchedule)?;
        let plan = self.store.saved_plan(id).await?;
        let worker_names = plan
            .input
            .workers
            .iter()
            .map(|w| (w.id, w.name.clone()))
            .collect();
        let site_names = plan
            .input
            .sites
            .iter()
            .map(|s| (s.id, s.name.clone()))
            .collect();
        let ids: Vec<i64> = plan
            .plan
            .visits
            .iter()
            .flat_map(|v| v.terminal_ids.iter().copied())
            .collect();
        let asset_numbers = self.store.asset_numbers(&ids).await?;
        Ok(PlanExport {
            plan,
            worker_names,
            site_names,
            asset_numbers,
        })
    }

    /// The City agrees to a plan, and so to each of its visits.
    pub async fn agree_plan(&self, who: &Actor, id: i64) -> Result<SavedPlan> {
        let who = who.authorize(Action::AgreeSchedule)?;
        let cal = self.business_calendar().await?;
        self.store.agree_plan(&who, &self.rules(&cal), id).await?;
        self.store.saved_plan(id).await
    }

    /// The planner's input for `draft`, judged against the people, sites and terminals on
    /// record.
    async fn plan_input(&self, draft: &PlanDraft) -> Result<PlanInput> {
        let mut facts = self.store.plan_facts(draft.request_id).await?;
        let days = horizon(draft.start);
        let roster = self.store.account_availability(&days).await?;
        facts.roster = Some(roster.iter().map(|(u, _, d)| (*u, d.clone())).collect());
        let deadline = self.contract.all_site_deadline_business_days;
        Ok(judge_plan_input(draft, &facts, deadline)?)
    }

    /// The roster's people not on `input` who can work between the plan's first day and its
    /// deadline, as a finding when the plan needs more people than it has (issue 15 item 6:
    /// "N名必要です" answered with names).
    async fn others_available(&self, input: &PlanInput, plan: &mut Plan) -> Result<()> {
        let short = plan
            .findings
            .iter()
            .any(|f| matches!(f.kind, FindingKind::NotEnoughWorkers { .. }));
        if !short {
            return Ok(());
        }
        let window: Vec<NaiveDate> = plan
            .first_day
            .iter_days()
            .take_while(|d| *d <= plan.deadline)
            .collect();
        let names: Vec<String> = self
            .store
            .account_availability(&window)
            .await?
            .into_iter()
            .filter(|(u, _, days)| !days.is_empty() && !input.workers.iter().any(|w| w.id == *u))
            .map(|(_, name, _)| name)
            .collect();
        if !names.is_empty() {
            plan.findings
                .push(Finding::new(FindingKind::OthersAvailable {
                    names,
                    first_day: plan.first_day,
                    deadline: plan.deadline,
                }));
        }
        Ok(())
    }
}

/// The days a plan starting on `start` may use (the planner's horizon is shorter).
fn horizon(start: NaiveDate) -> Vec<NaiveDate> {
    start.iter_days().take(HORIZON_DAYS).collect()
}

/// Calendar days from the start the roster's availability is given for.
const HORIZON_DAYS: usize = 120;

/// Runs the planner off the async runtime (up to seconds for a thousand sites); an input
/// it cannot plan is refused with every finding under `plan`.
async fn run_planner(input: PlanInput, cal: BusinessCalendar) -> Result<Plan> {
    let result = match tokio::task::spawn_blocking(move || planner::plan(&input, &cal)).await {
        Ok(result) => result,
        // The planner panicked: a bug, which goes on as if it had happened here.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    result.map_err(|err| {
        let mut e = FieldErrors::default();
        for f in err.findings {
            e.push("plan", f.message);
        }
        e.into()
    })
}
