//! The log of work that is not on the equipment (§6(4)): kept by the contractor's people,
//! read by everyone who reads the jobs (the monthly report, when it is built, will count it).

use chrono::Utc;
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::time::today_jst;
use jukiops_domain::vocab::Labelled;
use jukiops_domain::work_log::{WorkLogDraft, WorkLogKind};
use jukiops_domain::{Checked, FieldErrors};
use jukiops_store::{Page, PageRequest, WorkLogEntry, WorkLogFilter};
use serde::Deserialize;

use crate::{App, Error, Result, given};

/// `?from=&to=&person_id=&kind=&page=&per_page=` of the log.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct WorkLogQuery {
    /// 開始日 YYYY-MM-DD(この日を含む)
    pub from: Option<String>,
    /// 終了日 YYYY-MM-DD(この日を含む)
    pub to: Option<String>,
    /// 作業した人(利用者ID)
    pub person_id: Option<i64>,
    /// 種類(inquiry / research / meeting / documents / other)
    pub kind: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl WorkLogQuery {
    /// The checked filter: a bad date or kind is named.
    pub fn filter(&self) -> std::result::Result<WorkLogFilter, FieldErrors> {
        let mut e = FieldErrors::default();
        let mut date = |field: &str, label: &str, v: &Option<String>| {
            let v = given(v)?;
            let d = jukiops_domain::inventory::parse_date(v);
            if d.is_none() {
                e.push(
                    field,
                    format!("{label}をYYYY-MM-DDの形式で指定してください。"),
                );
            }
            d
        };
        let from = date("from", "開始日", &self.from);
        let to = date("to", "終了日", &self.to);
        let kind = given(&self.kind).and_then(|k| {
            let v = WorkLogKind::from_code_or_label(k);
            if v.is_none() {
                e.push("kind", WorkLogKind::one_of_message("種類"));
            }
            v
        });
        e.into_result(WorkLogFilter {
            from,
            to,
            person_id: self.person_id,
            kind,
        })
    }
    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }
}

impl App {
    /// Entries of the contract year, newest day first.
    pub async fn work_log(&self, who: &Actor, q: &WorkLogQuery) -> Result<Page<WorkLogEntry>> {
        who.authorize(Action::ViewJobs)?;
        self.store.work_log(&q.filter()?, q.page()).await
    }

    /// Records an entry of work done on a day of the contract period up to today, by the
    /// contractor's person named (by default the one recording it).
    pub async fn record_work_log(
        &self,
        who: &Actor,
        input: impl Checked<WorkLogDraft>,
    ) -> Result<WorkLogEntry> {
        let auth = who.authorize(Action::RecordWork)?;
        let d = input.checked()?;
        let person = d.person_id.or(who.user_id()).ok_or_else(|| {
            Error::from(jukiops_domain::rules::Refusal::invalid(
                "person_id",
                "作業した人を指定してください。",
            ))
        })?;
        let today = today_jst(Utc::now());
        let id = self
            .store
            .record_work_log(&auth, &d, person, self.contract.period, today)
            .await?;
        self.store.work_log_entry(id).await
    }
}
