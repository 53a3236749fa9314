//! The worker roster (従事者名簿, §5(6)イ) and subcontracting (再委託申請書, §6(1)): the
//! contractor's lead keeps the roster by notices, the City acknowledges them and decides
//! the applications; the security officer and the auditor read.

use chrono::Utc;
use jukiops_domain::Checked;
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::roster::subcontracting::{
    SubcontractDecisionDraft, SubcontractDraft, SubcontractStatus,
};
use jukiops_domain::roster::{RosterChangeDraft, RosterPersonDraft};
use jukiops_domain::time::today_jst;
use jukiops_store::{RosterNotices, RosterPerson, Subcontract};

use crate::{App, Error, Result};

impl App {
    /// The year's roster with each person's details and standing as of today (Japan time).
    pub async fn roster(&self, who: &Actor) -> Result<Vec<RosterPerson>> {
        who.authorize(Action::ViewRoster)?;
        self.store.roster(today_jst(Utc::now())).await
    }

    /// One person of the roster.
    pub async fn roster_person(&self, who: &Actor, id: i64) -> Result<RosterPerson> {
        self.roster(who)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(Error::NotFound(jukiops_domain::audit::Entity::RosterPerson))
    }

    /// Every notice of the year, the late ones flagged and counted per month.
    pub async fn roster_notices(&self, who: &Actor) -> Result<RosterNotices> {
        who.authorize(Action::ViewRoster)?;
        self.store.roster_notices().await
    }

    /// Puts a person on the roster by the notice that adds them (the lead).
    pub async fn add_roster_person(
        &self,
        who: &Actor,
        input: impl Checked<RosterPersonDraft>,
    ) -> Result<RosterPerson> {
        let who = who.authorize(Action::KeepRoster)?;
        let d = input.checked()?;
        let id = self.store.add_roster_person(&who, &d).await?;
        self.roster_person(who.actor(), id).await
    }

    /// Notifies a change to roster person `person_id` (the lead): add back, modify, remove.
    pub async fn notify_roster_change(
        &self,
        who: &Actor,
        person_id: i64,
        input: impl Checked<RosterChangeDraft>,
    ) -> Result<RosterPerson> {
        let who = who.authorize(Action::KeepRoster)?;
        let d = input.checked()?;
        self.store.record_roster_notice(&who, person_id, &d).await?;
        self.roster_person(who.actor(), person_id).await
    }

    /// Records the City's acknowledgement of roster notice `notice_id`.
    pub async fn acknowledge_roster_notice(&self, who: &Actor, notice_id: i64) -> Result<()> {
        let who = who.authorize(Action::AcknowledgeRoster)?;
        self.store.acknowledge_roster_notice(&who, notice_id).await
    }

    /// The year's subcontracting applications.
    pub async fn subcontracts(&self, who: &Actor) -> Result<Vec<Subcontract>> {
        who.authorize(Action::ViewRoster)?;
        self.store.subcontracts().await
    }

    /// Applies for subcontracting (the lead); waits for the City.
    pub async fn apply_subcontract(
        &self,
        who: &Actor,
        input: impl Checked<SubcontractDraft>,
    ) -> Result<Subcontract> {
        let who = who.authorize(Action::ApplySubcontracting)?;
        let d = input.checked()?;
        let id = self
            .store
            .apply_subcontract(&who, self.contract(), &d)
            .await?;
        self.store.subcontract(id).await
    }

    /// The City approves or refuses application `id`.
    pub async fn decide_subcontract(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<SubcontractDecisionDraft>,
    ) -> Result<SubcontractStatus> {
        let who = who.authorize(Action::DecideSubcontracting)?;
        let d = input.checked()?;
        self.store.decide_subcontract(&who, id, &d).await
    }
}
