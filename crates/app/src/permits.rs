//! Building-entry permits (R5.5): applied for by the contractor's lead, granted or refused
//! by the City, shown on the days they cover.

use jukiops_domain::people::{Action, Actor};
use jukiops_domain::schedule::{PermitDecision, PermitDraft, PermitStatus, check_comment};
use jukiops_domain::validation::Checked;
use jukiops_store::{Page, Permit};

use crate::visits::ScheduleQuery;
use crate::{App, Result};

impl App {
    /// Permits valid on some day of the query's dates, by first valid day.
    pub async fn permits(&self, who: &Actor, q: &ScheduleQuery) -> Result<Page<Permit>> {
        who.authorize(Action::ViewSchedule)?;
        self.store.permits(&q.filter()?, q.page()).await
    }

    /// The permits applied for or granted that are valid on some day of `from..=to`
    /// (`YYYY-MM-DD`), all of them: the month view (refused and withdrawn ones left out).
    pub async fn permits_between(&self, who: &Actor, from: &str, to: &str) -> Result<Vec<Permit>> {
        who.authorize(Action::ViewSchedule)?;
        let q = ScheduleQuery::between(from, to);
        let page = self.store.permits(&q.filter()?, q.page()).await?;
        Ok(page
            .items
            .into_iter()
            .filter(|p| matches!(p.status, PermitStatus::Requested | PermitStatus::Granted))
            .collect())
    }

    pub async fn permit(&self, who: &Actor, id: i64) -> Result<Permit> {
        who.authorize(Action::ViewSchedule)?;
        self.store.permit(id).await
    }

    /// Applies for a permit; a room permit names one of the site's designated rooms.
    pub async fn request_permit(
        &self,
        who: &Actor,
        input: impl Checked<PermitDraft>,
    ) -> Result<Permit> {
        let who = who.authorize(Action::RequestPermits)?;
        let draft = input.checked()?;
        let cal = self.business_calendar().await?;
        let id = self
            .store
            .request_permit(&who, &self.rules(&cal), &draft)
            .await?;
        self.store.permit(id).await
    }

    /// Grants or refuses a permit (the City), or withdraws the application (the lead).
    pub async fn decide_permit(&self, who: &Actor, id: i64, d: &PermitDecision) -> Result<Permit> {
        let who = who.authorize(d.verb.action())?;
        let comment = check_comment(d.comment.as_deref())?;
        self.store
            .decide_permit(&who, id, d.verb, comment.as_deref())
            .await?;
        self.store.permit(id).await
    }
}
