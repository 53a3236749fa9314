//! The responsible persons and the organisation chart (§6(1)-(3)): the contractor's lead
//! designates and ends designations; the City, the contractor and the auditors read them
//! and the chart of any day of the contract, with the chart's versions.

use chrono::{NaiveDate, Utc};
use jukiops_domain::Checked;
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::responsible_persons::org_chart::{
    ChartParty, ChartWorker, CityContact, OrgChart, render_svg, sha256,
};
use jukiops_domain::responsible_persons::{DesignationDraft, DesignationKind};
use jukiops_domain::rules::Refusal;
use jukiops_domain::time::today_jst;
use jukiops_store::{ChartVersion, DesignationRow, LeadChange};
use serde::{Deserialize, Serialize};

use crate::{App, Result, given};

/// `?date=YYYY-MM-DD` of the chart: today (Japan time) when not given, or the nearer end
/// of the contract period when today lies outside it.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct ChartQuery {
    /// 基準日 `YYYY-MM-DD`(省略時は今日)
    pub date: Option<String>,
}

impl ChartQuery {
    /// The date asked for, in the contract period.
    fn date(&self, app: &App) -> Result<NaiveDate> {
        let period = app.contract.period;
        let date = match given(&self.date) {
            None => today_jst(Utc::now()).clamp(period.start, period.end),
            Some(s) => s.parse().map_err(|_| {
                Refusal::invalid("date", "基準日をYYYY-MM-DDの形式で指定してください。")
            })?,
        };
        if !period.contains(date) {
            return Err(Refusal::invalid(
                "date",
                format!(
                    "基準日は履行期間（{}〜{}）の日付を指定してください。",
                    period.start, period.end
                ),
            )
            .into());
        }
        Ok(date)
    }
}

/// A responsible person on the chart.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChartPerson {
    pub kind: DesignationKind,
    pub kind_label: String,
    pub name: String,
    pub company: String,
    pub contact: String,
    /// `YYYY-MM-DD`
    pub effective_from: String,
    pub effective_until: Option<String>,
}

/// The organisation chart of a day as data, with the SHA-256 of its SVG.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgChartView {
    /// `YYYY-MM-DD`
    pub date: String,
    pub sha256: String,
    /// The responsible persons in force on the date.
    pub persons: Vec<ChartPerson>,
    pub workers: Vec<ChartWorker>,
    pub city: Vec<CityContact>,
    pub parties: Vec<ChartParty>,
}

impl From<OrgChart> for OrgChartView {
    fn from(c: OrgChart) -> Self {
        let sha256 = sha256(&render_svg(&c));
        OrgChartView {
            date: c.date.to_string(),
            sha256,
            persons: c
                .persons
                .into_iter()
                .map(|p| ChartPerson {
                    kind: p.kind,
                    kind_label: p.kind.label_ja().into(),
                    name: p.name,
                    company: p.company,
                    contact: p.contact,
                    effective_from: p.from.to_string(),
                    effective_until: p.until.map(|u| u.to_string()),
                })
                .collect(),
            workers: c.workers,
            city: c.city,
            parties: c.parties,
        }
    }
}

impl App {
    /// Every designation of the contract year.
    pub async fn designations(&self, who: &Actor) -> Result<Vec<DesignationRow>> {
        who.authorize(Action::ViewResponsiblePersons)?;
        self.store.designations().await
    }

    /// Designates a responsible person (the contractor's lead).
    pub async fn designate(
        &self,
        who: &Actor,
        input: impl Checked<DesignationDraft>,
    ) -> Result<DesignationRow> {
        let auth = who.authorize(Action::DesignateResponsiblePersons)?;
        let d = input.checked()?;
        let id = self.store.designate(&auth, &self.contract, &d).await?;
        self.store.designation(id).await
    }

    /// Ends designation `id` on the given day (its last day in force).
    pub async fn end_designation(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<NaiveDate>,
    ) -> Result<DesignationRow> {
        let auth = who.authorize(Action::DesignateResponsiblePersons)?;
        let until = input.checked()?;
        self.store
            .end_designation(&auth, &self.contract, id, until)
            .await?;
        self.store.designation(id).await
    }

    /// The organisation chart as of the day asked for.
    pub async fn org_chart(&self, who: &Actor, q: &ChartQuery) -> Result<OrgChart> {
        who.authorize(Action::ViewResponsiblePersons)?;
        let date = q.date(self)?;
        self.store.org_chart(&self.contract, date).await
    }

    /// The organisation chart as of the day asked for, as an A4 SVG document.
    pub async fn org_chart_svg(&self, who: &Actor, q: &ChartQuery) -> Result<String> {
        Ok(render_svg(&self.org_chart(who, q).await?))
    }

    /// The chart's versions, oldest first: one after each change of the persons.
    pub async fn chart_versions(&self, who: &Actor) -> Result<Vec<ChartVersion>> {
        who.authorize(Action::ViewResponsiblePersons)?;
        self.store.chart_versions().await
    }

    /// The chart's changes after the first version (each a 作業体制図（変更後）).
    pub async fn chart_changes(&self, who: &Actor) -> Result<Vec<ChartVersion>> {
        who.authorize(Action::ViewResponsiblePersons)?;
        self.store.chart_changes().await
    }

    /// The changes of the 業務責任者 (each a 業務責任者変更通知書).
    pub async fn lead_changes(&self, who: &Actor) -> Result<Vec<LeadChange>> {
        who.authorize(Action::ViewResponsiblePersons)?;
        self.store.lead_changes().await
    }
}
