//! J-LIS notices (R2.4): recorded by the City, one per J-LIS reference; listed, shown with
//! the jobs they led to, closed once those are finished, or withdrawn.

use jukiops_domain::Checked;
use jukiops_domain::jobs::{NoticeDraft, NoticeVerb};
use jukiops_domain::people::{Action, Actor};
use jukiops_store::{Notice, NoticeDetail};

use crate::{App, Result};

impl App {
    /// A notice with the jobs it led to.
    pub async fn notice(&self, who: &Actor, id: i64) -> Result<NoticeDetail> {
        who.authorize(Action::ViewJobs)?;
        let mut detail = self.store.notice_detail(id).await?;
        mark_overdue(
            &mut detail.notice,
            jukiops_domain::time::today_jst(chrono::Utc::now()),
        );
        Ok(detail)
    }

    /// Records a notice received from J-LIS; a J-LIS reference already recorded is a
    /// conflict naming the field.
    pub async fn record_notice(
        &self,
        who: &Actor,
        input: impl Checked<NoticeDraft>,
    ) -> Result<NoticeDetail> {
        let who = who.authorize(Action::RecordNotices)?;
        let draft = input.checked()?;
        let id = self.store.record_notice(&who, &draft).await?;
        self.store.notice_detail(id).await
    }

    /// Closes (every job finished) or withdraws a notice.
    pub async fn move_notice(
        &self,
        who: &Actor,
        id: i64,
        verb: NoticeVerb,
    ) -> Result<NoticeDetail> {
        let who = who.authorize(Action::RecordNotices)?;
        self.store.move_notice(&who, id, verb).await?;
        self.store.notice_detail(id).await
    }
}

/// Marks `n` overdue when the domain says so on `today`.
pub(crate) fn mark_overdue(n: &mut Notice, today: chrono::NaiveDate) {
    n.overdue = n.status.is_overdue(n.requested_deadline.as_deref(), today);
}
