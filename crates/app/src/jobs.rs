//! Jobs (R2, R3): created from a J-LIS notice (ア イ ウ), by the City's order (エ オ カ) or on
//! an incident (キ ク), on all terminals in use or on chosen ones; listed, shown with their
//! terminals and history, moved by the job state machine; and the counts against the
//! contract's estimates with the monthly burn-down. Every list is the contract year's.

use chrono::Utc;
use jukiops_domain::Checked;
use jukiops_domain::jobs::{
    BurnDownPoint, CategoryCount, JobDraft, JobVerb, NoticeStatus, burn_down, category_counts,
};
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::time::today_jst;
use jukiops_store::{JobDetail, JobTerminal, Notice, NoticeFilter, PageRequest};
use serde::Serialize;

use crate::{App, Result};

/// The counts per expected-count row and the monthly burn-down.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobCounts {
    /// 日本時間の今日(YYYY-MM-DD)
    pub today: String,
    /// 見込み回数の行ごと(ウ・エは合わせて1行)の完了・未完了・残り
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<CategoryCount>,
    /// 履行期間の月ごとの残り件数(計画と実績)
    #[schema(value_type = Vec<Object>)]
    pub burn_down: Vec<BurnDownPoint>,
}

/// What the form of a new job offers: the notices still taking jobs and the terminals
/// installed now.
#[derive(Debug, Clone, Serialize)]
pub struct JobChoices {
    pub notices: Vec<Notice>,
    pub terminals: Vec<JobTerminal>,
}

impl App {
    /// A job of the year with its target terminals.
    pub async fn job(&self, who: &Actor, id: i64) -> Result<JobDetail> {
        who.authorize(Action::ViewJobs)?;
        self.store.job(id).await
    }

    /// The counts of the year's jobs against the contract's estimates and the burn-down,
    /// as of today (Japan time).
    pub async fn job_counts(&self, who: &Actor) -> Result<JobCounts> {
        who.authorize(Action::ViewJobs)?;
        let tallies = self.store.job_tallies().await?;
        let today = today_jst(Utc::now());
        Ok(JobCounts {
            today: today.to_string(),
            rows: category_counts(&self.contract, &tallies),
            burn_down: burn_down(&self.contract, &tallies, today),
        })
    }

    /// The notices a new job may come from (received, or with jobs already) and the
    /// terminals installed now.
    pub async fn job_choices(&self, who: &Actor) -> Result<JobChoices> {
        who.authorize(Action::ManageJobs)?;
        let all = PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE));
        let mut notices = Vec::new();
        for s in [NoticeStatus::Received, NoticeStatus::JobsCreated] {
            let f = NoticeFilter {
                status: Some(s),
                kind: None,
            };
            notices.extend(self.store.notices(&f, all).await?.items);
        }
        let terminals = self.store.installed_terminals().await?;
        Ok(JobChoices { notices, terminals })
    }

    /// Creates a job (the City or the contractor's lead); `all_terminals` resolves to the
    /// terminals in use now, stored with the job; a job from a notice records 作業登録 on
    /// the notice in the same transaction.
    pub async fn create_job(
        &self,
        who: &Actor,
        input: impl Checked<JobDraft>,
    ) -> Result<JobDetail> {
        let who = who.authorize(Action::ManageJobs)?;
        let draft = input.checked()?;
        let id = self.store.create_job(&who, &draft).await?;
        self.store.job(id).await
    }

    /// Moves a job by the state machine: the access table is asked for the action the verb
    /// needs ([`JobVerb::action`]), then the state machine for the role; completing records
    /// the Japan-time date.
    pub async fn move_job(&self, who: &Actor, id: i64, verb: JobVerb) -> Result<JobDetail> {
        let who = who.authorize(verb.action())?;
        self.store.move_job(&who, id, verb).await?;
        self.store.job(id).await
    }
}
