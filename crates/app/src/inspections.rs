//! カ: the annual inspection (R3.3): the City's checklist template (the year's latest
//! edit, or the built-in one), one filled checklist per terminal of a カ job (a second
//! replaces the first), its findings, and the follow-up エ job raised from a finding.

use jukiops_domain::Checked;
use jukiops_domain::jobs::{ChecklistInput, ChecklistTemplate};
use jukiops_domain::people::{Action, Actor};
use jukiops_store::{JobDetail, JobInspections};

use crate::{App, Result};

impl App {
    /// The checklist template in force this year.
    pub async fn inspection_template(&self, who: &Actor) -> Result<ChecklistTemplate> {
        who.authorize(Action::ViewJobs)?;
        self.store.inspection_template().await
    }

    /// Replaces the year's checklist template (the City): 1-100 items with unique ids.
    pub async fn save_inspection_template(
        &self,
        who: &Actor,
        input: impl Checked<ChecklistTemplate>,
    ) -> Result<ChecklistTemplate> {
        let who = who.authorize(Action::EditInspectionTemplate)?;
        let t = input.checked()?;
        self.store.save_inspection_template(&who, &t).await?;
        self.store.inspection_template().await
    }

    /// The checklists of a カ job of the year, their findings and the terminals not yet
    /// inspected (any other job is not found).
    pub async fn job_inspections(&self, who: &Actor, job_id: i64) -> Result<JobInspections> {
        who.authorize(Action::ViewJobs)?;
        self.store.job_inspections(job_id).await
    }

    /// Records (or replaces) one terminal's checklist of カ job `job_id` (a lead or
    /// worker), checked against the template in force; the first record of a requested job
    /// starts it.
    pub async fn record_inspection(
        &self,
        who: &Actor,
        job_id: i64,
        input: &ChecklistInput,
    ) -> Result<JobInspections> {
        let who = who.authorize(Action::RecordWork)?;
        let template = self.store.inspection_template().await?;
        let c = input.check(&template)?;
        self.store.record_inspection(&who, job_id, &c).await?;
        self.store.job_inspections(job_id).await
    }

    /// Raises the follow-up エ job of a failed item on a terminal of カ job `job_id`, once
    /// per finding; returns the new job.
    pub async fn raise_follow_up(
        &self,
        who: &Actor,
        job_id: i64,
        terminal_id: i64,
        item_id: &str,
    ) -> Result<JobDetail> {
        let who = who.authorize(Action::ManageJobs)?;
        let id = self
            .store
            .raise_follow_up(&who, job_id, terminal_id, item_id)
            .await?;
        self.store.job(id).await
    }
}
