//! Visits to sites (R4.4, R5): listed by date with the off-hours cover and permits each
//! needs, planned by hand (refused outside the working window without cover), recorded
//! as done or cancelled, and agreed to by the City. The schedule's list query, shared by
//! visits, off-hours records and permits, is here too.

use jukiops_domain::FieldErrors;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::schedule::{VisitDraft, VisitVerb};
use jukiops_domain::validation::Checked;
use jukiops_store::{Page, PageRequest, PersonRef, ScheduleFilter, Site, Visit, VisitQuery};
use serde::Deserialize;

use crate::{App, Result, given};

/// `?from=&to=&site_id=&request_id=&page=&per_page=` of the schedule's lists.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct ScheduleQuery {
    /// 開始日 YYYY-MM-DD(この日を含む)
    pub from: Option<String>,
    /// 終了日 YYYY-MM-DD(この日を含む)
    pub to: Option<String>,
    /// 拠点ID
    pub site_id: Option<i64>,
    /// 作業依頼書ID(訪問の一覧のみ)
    pub request_id: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl ScheduleQuery {
    /// The checked filter: malformed dates are named.
    pub fn filter(&self) -> std::result::Result<ScheduleFilter, FieldErrors> {
        let mut e = FieldErrors::default();
        let mut date = |field: &str, label: &str, v: &Option<String>| {
            let v = given(v)?;
            match parse_date(v) {
                Some(d) => Some(d.to_string()),
                None => {
                    e.push(
                        field,
                        format!("{label}をYYYY-MM-DDの形式で指定してください。"),
                    );
                    None
                }
            }
        };
        let from = date("from", "開始日", &self.from);
        let to = date("to", "終了日", &self.to);
        e.into_result(ScheduleFilter {
            from,
            to,
            site_id: self.site_id,
        })
    }

    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }

    /// The query with `from` and `to` where none were given.
    pub fn or_range(mut self, (from, to): (String, String)) -> Self {
        if given(&self.from).is_none() {
            self.from = Some(from);
        }
        if given(&self.to).is_none() {
            self.to = Some(to);
        }
        self
    }

    /// Every day of `from..=to`, all on one page: what a calendar shows.
    pub fn between(from: &str, to: &str) -> Self {
        ScheduleQuery {
            from: Some(from.into()),
            to: Some(to.into()),
            page: Some(1),
            per_page: Some(PageRequest::MAX_PER_PAGE),
            ..ScheduleQuery::default()
        }
    }
}

/// What the schedule's forms offer: the sites, and the contractor's people who may be
/// put on a visit or an off-hours record.
#[derive(Debug, Clone)]
pub struct ScheduleChoices {
    pub sites: Vec<Site>,
    pub workers: Vec<PersonRef>,
}

impl App {
    /// Visits by date, start time and site, each judged by the rules in force.
    pub async fn visits(&self, who: &Actor, q: &ScheduleQuery) -> Result<Page<Visit>> {
        who.authorize(Action::ViewSchedule)?;
        let vq = VisitQuery {
            filter: q.filter()?,
            request_id: q.request_id,
            ..VisitQuery::default()
        };
        let cal = self.business_calendar().await?;
        self.store.visits(&self.rules(&cal), &vq, q.page()).await
    }

    /// The visits not cancelled on `from..=to` (`YYYY-MM-DD`), all of them: the month view
    /// and the dashboard.
    pub async fn visits_between(&self, who: &Actor, from: &str, to: &str) -> Result<Vec<Visit>> {
        who.authorize(Action::ViewSchedule)?;
        let q = ScheduleQuery::between(from, to);
        let vq = VisitQuery {
            filter: q.filter()?,
            active_only: true,
            ..VisitQuery::default()
        };
        let cal = self.business_calendar().await?;
        let page = self.store.visits(&self.rules(&cal), &vq, q.page()).await?;
        Ok(page.items)
    }

    /// One visit, judged by the rules in force.
    pub async fn visit(&self, who: &Actor, id: i64) -> Result<Visit> {
        who.authorize(Action::ViewSchedule)?;
        let cal = self.business_calendar().await?;
        self.store.visit(&self.rules(&cal), id).await
    }

    /// The sites and the contractor's people, for the schedule's forms.
    pub async fn schedule_choices(&self, who: &Actor) -> Result<ScheduleChoices> {
        who.authorize(Action::ViewSchedule)?;
        Ok(ScheduleChoices {
            sites: self.store.all_sites().await?,
            workers: self.store.contractor_people().await?,
        })
    }

    /// Plans one visit by hand. Outside the working window or on a closed day it needs an
    /// off-hours record naming its workers (R5.3).
    pub async fn plan_visit(&self, who: &Actor, input: impl Checked<VisitDraft>) -> Result<Visit> {
        let who = who.authorize(Action::PlanVisits)?;
        let draft = input.checked()?;
        let cal = self.business_calendar().await?;
        let rules = self.rules(&cal);
        let id = self.store.plan_visit(&who, &rules, &draft).await?;
        self.store.visit(&rules, id).await
    }

    /// Records that a visit took place (refused outside the window without the City's
    /// instruction or approval) or cancels it.
    pub async fn move_visit(&self, who: &Actor, id: i64, verb: VisitVerb) -> Result<Visit> {
        let who = who.authorize(verb.action())?;
        let cal = self.business_calendar().await?;
        let rules = self.rules(&cal);
        self.store.move_visit(&who, &rules, id, verb).await?;
        self.store.visit(&rules, id).await
    }

    /// The City agrees to one visit.
    pub async fn agree_visit(&self, who: &Actor, id: i64) -> Result<Visit> {
        let who = who.authorize(Action::AgreeSchedule)?;
        let cal = self.business_calendar().await?;
        let rules = self.rules(&cal);
        self.store.agree_visit(&who, &rules, id).await?;
        self.store.visit(&rules, id).await
    }
}
