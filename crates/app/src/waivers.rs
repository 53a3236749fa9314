//! Waived deliverables (R8.4, §5(9)): the City decides, per job, that some or all of its
//! deliverables need not be handed over; a second decision replaces the first.

use jukiops_domain::Checked;
use jukiops_domain::audit::Entity;
use jukiops_domain::jobs::DeliverableWaiver;
use jukiops_domain::people::{Action, Actor};
use jukiops_store::Waiver;

use crate::{App, Error, Result};

impl App {
    /// The waiver of a job of the year, if the City made one.
    pub async fn waiver(&self, who: &Actor, job_id: i64) -> Result<Option<Waiver>> {
        who.authorize(Action::ViewJobs)?;
        self.store.waiver(job_id).await
    }

    /// Records (or replaces) the waiver of job `job_id` (the City); returns it as stored.
    pub async fn record_waiver(
        &self,
        who: &Actor,
        job_id: i64,
        input: impl Checked<DeliverableWaiver>,
    ) -> Result<Waiver> {
        let who = who.authorize(Action::DecideReports)?;
        let w = DeliverableWaiver {
            job_id,
            ..input.checked()?
        };
        self.store.record_waiver(&who, &w).await?;
        self.store
            .waiver(job_id)
            .await?
            .ok_or(Error::NotFound(Entity::Job))
    }
}
