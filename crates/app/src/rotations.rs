//! オ: administrator-password changes (R3.2): one record per terminal of an オ job, who
//! changed it and when, never the password; the job's terminals still to change; the last
//! change of a terminal.

use jukiops_domain::Checked;
use jukiops_domain::jobs::PasswordRotation;
use jukiops_domain::people::{Action, Actor};
use jukiops_store::{JobRotations, LastRotation, PersonRef};

use crate::{App, Result};

impl App {
    /// The changes of an オ job of the year and its terminals not yet changed (any other
    /// job is not found).
    pub async fn job_rotations(&self, who: &Actor, job_id: i64) -> Result<JobRotations> {
        who.authorize(Action::ViewJobs)?;
        self.store.job_rotations(job_id).await
    }

    /// Records that a terminal's administrator password was changed (a lead or worker),
    /// or corrects an earlier record of it; the first record of a requested job starts it.
    /// Returns the job's changes so far.
    pub async fn record_rotation(
        &self,
        who: &Actor,
        input: impl Checked<PasswordRotation>,
    ) -> Result<JobRotations> {
        let who = who.authorize(Action::RecordWork)?;
        let r = input.checked()?;
        let calendar = self.business_calendar().await?;
        self.store.record_rotation(&who, &calendar, &r).await?;
        self.store.job_rotations(r.job_id).await
    }

    /// The latest administrator-password change of a terminal in a job of the year.
    pub async fn last_rotation(
        &self,
        who: &Actor,
        terminal_id: i64,
    ) -> Result<Option<LastRotation>> {
        who.authorize(Action::ViewJobs)?;
        self.store.last_rotation(terminal_id).await
    }

    /// The people who may be named as having done a job's work (a password change, an
    /// inspection): the contractor's enabled leads and workers.
    pub async fn job_performers(&self, who: &Actor) -> Result<Vec<PersonRef>> {
        who.authorize(Action::ViewJobs)?;
        self.store.contractor_people().await
    }
}
