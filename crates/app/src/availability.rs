//! Who is available when (issue 15 item 6): the absences of the roster's people, and the
//! hours each person worked per month (the work recorded on the equipment and the other
//! work logged) for the monthly report.

use chrono::{NaiveDate, Utc};
use jukiops_domain::Checked;
use jukiops_domain::availability::{AbsenceDraft, minutes_in_month};
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::time::today_jst;
use jukiops_domain::validation::FieldErrors;
use jukiops_store::Absence;
use serde::Serialize;

use crate::{App, Result};

/// An absence with the person's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AbsenceView {
    #[serde(flatten)]
    pub absence: Absence,
    pub person_name: String,
}

/// One person's minutes in a month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonHours {
    pub user_id: i64,
    pub name: String,
    /// 機器上の作業 (work records).
    pub equipment_minutes: i64,
    /// 機器以外の作業 (the log of other work).
    pub other_minutes: i64,
    pub total_minutes: i64,
}

/// `YYYY-MM` read as a month, or the field's error.
fn month_of(text: &str) -> Result<(i32, u32)> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .map(|d| {
            use chrono::Datelike;
            (d.year(), d.month())
        })
        .map_err(|_| {
            let mut e = FieldErrors::default();
            e.push("month", "月は YYYY-MM の形で指定してください。");
            e.into()
        })
}

impl App {
    /// The absences of the year's roster with each person's name.
    pub async fn absences(&self, who: &Actor) -> Result<Vec<AbsenceView>> {
        who.authorize(Action::ViewRoster)?;
        let people = self.store.roster(today_jst(Utc::now())).await?;
        Ok(self
            .store
            .absences()
            .await?
            .into_iter()
            .map(|a| AbsenceView {
                person_name: people
                    .iter()
                    .find(|p| p.id == a.person_id)
                    .map_or_else(String::new, |p| p.details.name.clone()),
                absence: a,
            })
            .collect())
    }

    /// Records an absence (the contractor's lead).
    pub async fn add_absence(
        &self,
        who: &Actor,
        input: impl Checked<AbsenceDraft>,
    ) -> Result<Vec<AbsenceView>> {
        let auth = who.authorize(Action::KeepRoster)?;
        let d = input.checked()?;
        let period = self.contract().period;
        self.store.add_absence(&auth, &d, &period).await?;
        self.absences(who).await
    }

    /// Takes back absence `id` (the contractor's lead).
    pub async fn remove_absence(&self, who: &Actor, id: i64) -> Result<()> {
        let auth = who.authorize(Action::KeepRoster)?;
        self.store.remove_absence(&auth, id).await
    }

    /// The minutes each person worked in `month` (`YYYY-MM`, Japan time), by name.
    pub async fn hours_by_person(&self, who: &Actor, month: &str) -> Result<Vec<PersonHours>> {
        who.authorize(Action::ViewRoster)?;
        let month = month_of(month)?;
        let sources = self.store.work_time_sources().await?;
        let people = self.store.contractor_people().await?;
        let mut out: Vec<PersonHours> = minutes_in_month(&sources.records, &sources.logs, month)
            .into_iter()
            .map(|m| PersonHours {
                user_id: m.user_id,
                name: people.iter().find(|p| p.id == m.user_id).map_or_else(
                    || format!("利用者 {}", m.user_id),
                    |p| p.display_name.clone(),
                ),
                equipment_minutes: m.equipment_minutes,
                other_minutes: m.other_minutes,
                total_minutes: m.equipment_minutes + m.other_minutes,
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}
