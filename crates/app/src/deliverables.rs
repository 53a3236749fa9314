//! The register of deliverables (§6(1), §5(9)): each instance with its due date computed
//! from the contract's rule and the business calendar at each read, whether it is overdue,
//! and the moves the contractor and the City make on it.

use chrono::{NaiveDate, Utc};
use jukiops_domain::Checked;
use jukiops_domain::attachments::check_file;
use jukiops_domain::deliverables::{
    DecisionDraft, DeliverableSpec, DeliverableStatus, InstructionDraft, WaiverDraft, due_date,
    is_overdue, scheduled,
};
use jukiops_domain::inbox::{InboxItem, InboxKind};
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::time::today_jst;
use jukiops_store::{Deliverable, DeliverableSubmission};
use serde::Serialize;

use crate::{App, Result};

/// A deliverable with what the contract says of its kind and its due date.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliverableView {
    #[serde(flatten)]
    pub deliverable: Deliverable,
    /// The kind's name (提出書類), size and copies from the contract file.
    pub name: String,
    pub size: String,
    pub copies: u32,
    /// The kind's due rule, in Japanese.
    pub due_rule: String,
    /// 提出期限 `YYYY-MM-DD` (none for a kind the contract no longer lists).
    pub due_on: Option<String>,
    /// Owed and past its due date (Japan time today).
    pub overdue: bool,
}

/// One deliverable's page: the view, its submissions and what the reader may do now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliverableDetail {
    #[serde(flatten)]
    pub view: DeliverableView,
    pub submissions: Vec<DeliverableSubmission>,
}

impl App {
    fn spec(&self, code: &str) -> Option<&DeliverableSpec> {
        self.contract().deliverables.iter().find(|s| s.code == code)
    }

    /// Writes the instances the contract's rules schedule that the register lacks (when the
    /// contract is loaded).
    pub(crate) async fn schedule_deliverables(&self) -> Result<usize> {
        let system = Actor::System("契約の読み込み".into());
        let c = self.contract();
        let due = scheduled(&c.deliverables, &c.period);
        self.store
            .schedule_deliverables(&system.authorize(Action::LoadContract)?, &due)
            .await
    }

    async fn view_all(&self, items: Vec<Deliverable>) -> Result<Vec<DeliverableView>> {
        let cal = self.business_calendar().await?;
        let today = today_jst(Utc::now());
        let period = self.contract().period;
        Ok(items
            .into_iter()
            .map(|d| {
                let spec = self.spec(&d.code);
                let due = match (&d.due_on_set, spec) {
                    (Some(set), _) => NaiveDate::parse_from_str(set, "%Y-%m-%d").ok(),
                    (None, Some(s)) => due_date(s, &d.occasion, &period, &cal),
                    (None, None) => None,
                };
                DeliverableView {
                    name: spec.map_or_else(|| d.title.clone(), |s| s.name.clone()),
                    size: spec.map_or_else(String::new, |s| s.size.clone()),
                    copies: spec.map_or(1, |s| s.copies),
                    due_rule: spec.map_or_else(String::new, |s| s.due.label_ja().into()),
                    due_on: due.map(|d| d.to_string()),
                    overdue: is_overdue(d.status, due, today),
                    deliverable: d,
                }
            })
            .collect())
    }

    /// The register: every deliverable of the contract year, by due date (undated last).
    pub async fn deliverables(&self, who: &Actor) -> Result<Vec<DeliverableView>> {
        who.authorize(Action::ViewDeliverables)?;
        let mut all = self.view_all(self.store.deliverables().await?).await?;
        all.sort_by(|a, b| {
            (a.due_on.is_none(), &a.due_on, a.deliverable.id).cmp(&(
                b.due_on.is_none(),
                &b.due_on,
                b.deliverable.id,
            ))
        });
        Ok(all)
    }

    /// Deliverable `id` with its submissions.
    pub async fn deliverable(&self, who: &Actor, id: i64) -> Result<DeliverableDetail> {
        who.authorize(Action::ViewDeliverables)?;
        let d = self.store.deliverable(id).await?;
        let view = self.view_all(vec![d]).await?.remove(0);
        let submissions = self.store.deliverable_submissions(id).await?;
        Ok(DeliverableDetail { view, submissions })
    }

    /// The City asks for a deliverable of a kind the rules do not schedule.
    pub async fn instruct_deliverable(
        &self,
        who: &Actor,
        input: impl Checked<InstructionDraft>,
    ) -> Result<DeliverableDetail> {
        let auth = who.authorize(Action::DecideDeliverables)?;
        let d = input.checked()?;
        let period = self.contract().period;
        let id = self
            .store
            .instruct_deliverable(&auth, &d, self.spec(&d.code), &period)
            .await?;
        self.deliverable(who, id).await
    }

    /// Whether `who` may submit deliverables at all: asked before an upload is read.
    pub fn begin_deliverable_submission(&self, who: &Actor) -> Result<()> {
        who.authorize(Action::SubmitDeliverables)?;
        Ok(())
    }

    /// Submits file `name` (`bytes`) for deliverable `id`: checked by content and size,
    /// kept exactly as submitted with its SHA-256.
    pub async fn submit_deliverable(
        &self,
        who: &Actor,
        id: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<DeliverableSubmission> {
        let auth = who.authorize(Action::SubmitDeliverables)?;
        let file = check_file(name, bytes)?;
        self.store.submit_deliverable(&auth, id, &file, bytes).await
    }

    /// The City accepts or returns the last submission of deliverable `id`.
    pub async fn decide_deliverable(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<DecisionDraft>,
    ) -> Result<DeliverableDetail> {
        let auth = who.authorize(Action::DecideDeliverables)?;
        let v = input.checked()?;
        self.store.decide_deliverable(&auth, id, &v).await?;
        self.deliverable(who, id).await
    }

    /// The City waives deliverable `id` with its reason (§5(9)).
    pub async fn waive_deliverable(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<WaiverDraft>,
    ) -> Result<DeliverableDetail> {
        let auth = who.authorize(Action::DecideDeliverables)?;
        let w = input.checked()?;
        self.store.waive_deliverable(&auth, id, &w).await?;
        self.deliverable(who, id).await
    }

    /// Submission `id`'s file exactly as submitted.
    pub async fn deliverable_file(
        &self,
        who: &Actor,
        id: i64,
    ) -> Result<(DeliverableSubmission, Vec<u8>)> {
        who.authorize(Action::ViewDeliverables)?;
        self.store.deliverable_file(id).await
    }

    /// The inbox items of the deliverables owed: returned ones, and drafts past their date.
    pub(crate) async fn owed_deliverables(&self) -> Result<Vec<InboxItem>> {
        let all = self.view_all(self.store.deliverables().await?).await?;
        Ok(all
            .into_iter()
            .filter(|v| v.overdue || v.deliverable.status == DeliverableStatus::Returned)
            .map(|v| {
                let mut item = InboxItem::new(
                    InboxKind::DeliverableOwed,
                    format!("{}（{}）", v.deliverable.title, v.deliverable.status_label),
                    format!("/deliverables/{}", v.deliverable.id),
                    v.due_on.clone(),
                );
                item.overdue = v.overdue;
                item
            })
            .collect())
    }
}
