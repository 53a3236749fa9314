//! A ward office's own staff (区役所担当者, issue 13 item 9): their site's visits with the
//! workers' names and badge numbers, the terminals out of service, fault reports from their
//! counter and the sign-off of each visit's work. Every operation here reads and writes the
//! staff member's own site only, whatever the request names; the fault reports are read by
//! the City and the contractor across all sites.

use chrono::Utc;
use jukiops_domain::people::{Action, Actor, Role};
use jukiops_domain::site_staff::{FaultReportDraft, FaultReportStatus, SignOffDraft};
use jukiops_domain::time::today_jst;
use jukiops_domain::vocab::Labelled;
use jukiops_domain::{Checked, FieldErrors};
use jukiops_store::{FaultFilter, FaultReport, MySite, Page, PageRequest, SiteVisit};
use serde::Deserialize;

use crate::{App, Error, Result, given};

/// `?status=&site_id=&page=&per_page=` of the fault reports.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct FaultQuery {
    /// 状態(open / resolved)
    pub status: Option<String>,
    /// 拠点ID(区役所担当者には自拠点のみ)
    pub site_id: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl FaultQuery {
    fn status(&self) -> std::result::Result<Option<FaultReportStatus>, FieldErrors> {
        let Some(s) = given(&self.status) else {
            return Ok(None);
        };
        FaultReportStatus::from_code_or_label(s)
            .map(Some)
            .ok_or_else(|| {
                let mut e = FieldErrors::default();
                e.push("status", FaultReportStatus::one_of_message("状態"));
                e
            })
    }
    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }
}

impl App {
    /// The site `who` (a ward office's staff member) belongs to; without one they may do
    /// nothing here.
    async fn own_site(&self, who: &Actor) -> Result<i64> {
        let site = match who.user_id() {
            Some(id) => self.store.user_site(id).await?,
            None => None,
        };
        site.ok_or_else(|| {
            Error::Refused("このアカウントには担当する拠点が設定されていません。".into())
        })
    }

    /// The staff member's own site: its visits with the workers and sign-offs, and the
    /// terminals out of service.
    pub async fn my_site(&self, who: &Actor) -> Result<MySite> {
        who.authorize(Action::ViewOwnSite)?;
        let site = self.own_site(who).await?;
        let cal = self.business_calendar().await?;
        self.store.my_site(&self.rules(&cal), site).await
    }

    /// Confirms that the work of visit `visit_id` at the staff member's own site was done:
    /// once, from the visit's day on (Japan time). A visit of another site is not found.
    pub async fn sign_off_visit(
        &self,
        who: &Actor,
        visit_id: i64,
        input: impl Checked<SignOffDraft>,
    ) -> Result<SiteVisit> {
        let auth = who.authorize(Action::SignOffVisits)?;
        let d = input.checked()?;
        let site = self.own_site(who).await?;
        self.store
            .sign_off_visit(&auth, site, visit_id, today_jst(Utc::now()), &d)
            .await?;
        let cal = self.business_calendar().await?;
        self.store
            .my_site(&self.rules(&cal), site)
            .await?
            .visits
            .into_iter()
            .find(|v| v.id == visit_id)
            .ok_or(Error::NotFound(jukiops_domain::audit::Entity::Visit))
    }

    /// Fault reports, newest first: a ward office's staff see their own site's only.
    pub async fn fault_reports(&self, who: &Actor, q: &FaultQuery) -> Result<Page<FaultReport>> {
        who.authorize(Action::ViewFaultReports)?;
        let site_id = if who.role() == Some(Role::SiteStaff) {
            Some(self.own_site(who).await?)
        } else {
            q.site_id
        };
        let filter = FaultFilter {
            site_id,
            status: q.status()?,
        };
        self.store.fault_reports(filter, q.page()).await
    }

    /// Marks a fault report as dealt with (the contractor's lead or the City).
    pub async fn resolve_fault_report(&self, who: &Actor, id: i64) -> Result<FaultReport> {
        let auth = who.authorize(Action::ResolveFaultReports)?;
        self.store.resolve_fault_report(&auth, id).await?;
        self.store.fault_report(id).await
    }

    /// Reports a fault of a terminal of the staff member's own site.
    pub async fn report_fault(
        &self,
        who: &Actor,
        input: impl Checked<FaultReportDraft>,
    ) -> Result<FaultReport> {
        let auth = who.authorize(Action::ReportFaults)?;
        let d = input.checked()?;
        let site = self.own_site(who).await?;
        let id = self.store.report_fault(&auth, site, &d, Utc::now()).await?;
        self.store.fault_report(id).await
    }
}
