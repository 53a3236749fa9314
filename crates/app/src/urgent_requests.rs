//! The urgent 作業依頼書 of an incident (§5(8)ア, issue 14 item 6): the City issues it from
//! the incident in one step; the recovery's work records and report then follow the usual
//! rules of [`crate::requests`], and the キ/ク job completes when the report is accepted.

use chrono::Utc;
use jukiops_domain::Checked;
use jukiops_domain::incidents::UrgentRequestDraft;
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::time::today_jst;

use crate::incidents::IncidentDetail;
use crate::{App, Result};

impl App {
    /// Issues the urgent request of incident `id` (the City), dated today, with its job and
    /// its procedure approved as `input` says; answers the incident as it now stands.
    pub async fn issue_urgent_request(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<UrgentRequestDraft>,
    ) -> Result<IncidentDetail> {
        let auth = who.authorize(Action::IssueRequests)?;
        let d = input.checked()?;
        let today = today_jst(Utc::now());
        self.store
            .issue_urgent_request(&auth, self.contract().period, id, &d, today)
            .await?;
        self.incident(who, id).await
    }
}
