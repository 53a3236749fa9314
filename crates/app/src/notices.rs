//! J-LIS notices (R2.4): recorded by the City, one per J-LIS reference; listed, shown with
//! the jobs they led to, closed once those are finished, or withdrawn.

use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{NoticeDraft, NoticeKind, NoticeStatus, NoticeVerb};
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::vocab::Labelled;
use jukiops_domain::{Checked, FieldErrors};
use jukiops_store::{Notice, NoticeDetail, NoticeFilter, Page, PageRequest};
use serde::Deserialize;

use crate::{App, Result, given};

/// `?status=&kind=&page=&per_page=` of the notice list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct NoticeQuery {
    /// 状態(received / jobs_created / closed / withdrawn)
    pub status: Option<String>,
    /// 種類(software_update / os_security_update / settings_change、またはア・イ・ウ)
    pub kind: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl NoticeQuery {
    /// The checked filter: unknown codes are named.
    pub fn filter(&self) -> std::result::Result<NoticeFilter, FieldErrors> {
        let mut e = FieldErrors::default();
        let status = given(&self.status).and_then(|s| {
            let v = NoticeStatus::parse(s);
            if v.is_none() {
                e.push("status", NoticeStatus::one_of_message("状態"));
            }
            v
        });
        let kind = given(&self.kind).and_then(|s| {
            let v = NoticeKind::parse(s)
                .or_else(|| CategoryCode::from_kana(s).and_then(NoticeKind::from_category));
            if v.is_none() {
                e.push("kind", NoticeKind::one_of_message("種類"));
            }
            v
        });
        e.into_result(NoticeFilter { status, kind })
    }
    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }
}

impl App {
    /// Notices, newest received first.
    pub async fn notices(&self, who: &Actor, q: &NoticeQuery) -> Result<Page<Notice>> {
        who.authorize(Action::ViewJobs)?;
        let mut page = self.store.notices(&q.filter()?, q.page()).await?;
        let today = jukiops_domain::time::today_jst(chrono::Utc::now());
        for n in &mut page.items {
            mark_overdue(n, today);
        }
        Ok(page)
    }

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
