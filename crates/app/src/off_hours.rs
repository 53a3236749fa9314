//! Work outside the working window (R5.3): the City's instruction, or the contractor's
//! application decided by the City; withdrawn by whoever recorded it.

use jukiops_domain::people::{Action, Actor};
use jukiops_domain::schedule::{OffHoursDecision, OffHoursDraft, check_comment};
use jukiops_domain::validation::Checked;
use jukiops_store::{OffHours, Page};

use crate::visits::ScheduleQuery;
use crate::{App, Result};

impl App {
    /// Off-hours records by date, then start time.
    pub async fn off_hours_list(&self, who: &Actor, q: &ScheduleQuery) -> Result<Page<OffHours>> {
        who.authorize(Action::ViewSchedule)?;
        self.store.off_hours_list(&q.filter()?, q.page()).await
    }

    pub async fn off_hours(&self, who: &Actor, id: i64) -> Result<OffHours> {
        who.authorize(Action::ViewSchedule)?;
        self.store.off_hours(id).await
    }

    /// Records the City's instruction (the City's reason, by the City staff) or the
    /// contractor's application (the contractor's reason, by its lead).
    pub async fn file_off_hours(
        &self,
        who: &Actor,
        input: impl Checked<OffHoursDraft>,
    ) -> Result<OffHours> {
        let who = who.authorize(Action::FileOffHours)?;
        let draft = input.checked()?;
        let cal = self.business_calendar().await?;
        let id = self.store.file_off_hours(&who, &cal, &draft).await?;
        self.store.off_hours(id).await
    }

    /// Approves or rejects an application (the City), or withdraws a record (whoever
    /// recorded it).
    pub async fn decide_off_hours(
        &self,
        who: &Actor,
        id: i64,
        d: &OffHoursDecision,
    ) -> Result<OffHours> {
        let who = who.authorize(d.verb.action())?;
        let comment = check_comment(d.comment.as_deref())?;
        self.store
            .decide_off_hours(&who, id, d.verb, comment.as_deref())
            .await?;
        self.store.off_hours(id).await
    }
}
