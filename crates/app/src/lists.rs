//! The lists the list tools serve (search, filters, sort, page size, export): each checks
//! what the list needs before it reads the query, then reads through the store's one list
//! reader. A query the list does not offer (an unknown sort key, a bad page size) is
//! invalid input naming its parameter.

use jukiops_domain::audit::AuditEntry;
use jukiops_domain::listing::{ListParams, ListRequest, ListSpec};
use jukiops_domain::people::{Action, Actor};
use jukiops_store::{
    AUDIT_LIST, JOB_LIST, Job, NOTICE_LIST, Notice, PLAN_LIST, Page, PlanSummary, SITE_LIST, Site,
    TOUCH_PANEL_LIST, TouchPanel, USER_LIST, User, WORK_REQUEST_LIST, WorkRequestSummary,
};

use crate::{App, Result};

/// A list as asked for: the checked query and its page (or every row, for an export).
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub request: ListRequest,
    pub page: Page<T>,
}

fn checked(
    who: &Actor,
    action: Action,
    params: &ListParams,
    spec: &'static ListSpec,
) -> Result<ListRequest> {
    who.authorize(action)?;
    Ok(params.check(spec)?)
}

impl App {
    pub async fn site_list(&self, who: &Actor, params: &ListParams) -> Result<Listed<Site>> {
        let request = checked(who, Action::ViewInventory, params, &SITE_LIST)?;
        let page = self.store.site_list(&request).await?;
        Ok(Listed { request, page })
    }

    pub async fn touch_panel_list(
        &self,
        who: &Actor,
        params: &ListParams,
    ) -> Result<Listed<TouchPanel>> {
        let request = checked(who, Action::ViewInventory, params, &TOUCH_PANEL_LIST)?;
        let page = self.store.touch_panel_list(&request).await?;
        Ok(Listed { request, page })
    }

    pub async fn user_list(&self, who: &Actor, params: &ListParams) -> Result<Listed<User>> {
        let request = checked(who, Action::ViewUsers, params, &USER_LIST)?;
        let policy = &self.accounts;
        let page = self
            .store
            .user_list(
                &request,
                policy.throttle_window,
                policy.max_failures_per_account,
            )
            .await?;
        Ok(Listed { request, page })
    }

    pub async fn work_request_list(
        &self,
        who: &Actor,
        params: &ListParams,
    ) -> Result<Listed<WorkRequestSummary>> {
        let request = checked(who, Action::ViewJobs, params, &WORK_REQUEST_LIST)?;
        let page = self.store.work_request_list(&request).await?;
        Ok(Listed { request, page })
    }

    pub async fn audit_list(&self, who: &Actor, params: &ListParams) -> Result<Listed<AuditEntry>> {
        let request = checked(who, Action::ViewAudit, params, &AUDIT_LIST)?;
        let page = self.store.audit_list(&request).await?;
        Ok(Listed { request, page })
    }

    pub async fn job_list(&self, who: &Actor, params: &ListParams) -> Result<Listed<Job>> {
        let request = checked(who, Action::ViewJobs, params, &JOB_LIST)?;
        let page = self.store.job_list(&request).await?;
        Ok(Listed { request, page })
    }

    /// The notices, each marked when open past its deadline today (Japan time).
    pub async fn notice_list(&self, who: &Actor, params: &ListParams) -> Result<Listed<Notice>> {
        let request = checked(who, Action::ViewJobs, params, &NOTICE_LIST)?;
        let mut page = self.store.notice_list(&request).await?;
        let today = jukiops_domain::time::today_jst(chrono::Utc::now());
        for n in &mut page.items {
            crate::notices::mark_overdue(n, today);
        }
        Ok(Listed { request, page })
    }

    pub async fn plan_list(&self, who: &Actor, params: &ListParams) -> Result<Listed<PlanSummary>> {
        let request = checked(who, Action::ViewSchedule, params, &PLAN_LIST)?;
        let page = self.store.plan_list(&request).await?;
        Ok(Listed { request, page })
    }

    /// The people and actions the audit trail names, for its filters.
    pub async fn audit_choices(&self, who: &Actor) -> Result<(Vec<String>, Vec<String>)> {
        who.authorize(Action::ViewAudit)?;
        self.store.audit_choices().await
    }
}
