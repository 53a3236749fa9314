//! The worker's screen on site (issue 13 item 6): a request's terminals grouped by site
//! with how far each has come under the approved procedure version (the worker's sites of
//! today first), and one terminal at a time with its approved steps, what is recorded,
//! the photos of its records and the next terminal not finished. Recording goes through
//! [`App::record_selection`], the same operation as the request page's form.

use chrono::Utc;
use jukiops_domain::attachments::OwnerKind;
use jukiops_domain::audit::Entity;
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::requests::ProcedureVersionStatus;
use jukiops_domain::requests::on_site::{
    RecordedStep, TerminalProgress, next_unfinished, prefilled_times, progress, today_first,
};
use jukiops_domain::time::today_jst;
use jukiops_store::{
    Attachment, PersonRef, Procedure, StoreError, TargetTerminal, WorkRecord, WorkRequestSummary,
};
use serde::Serialize;

use crate::{App, Result};

/// One terminal in the chooser, with its progress.
#[derive(Debug, Clone, Serialize)]
pub struct TerminalChoice {
    pub terminal: TargetTerminal,
    pub progress: TerminalProgress,
    pub finished: bool,
}

/// One site of the request in the chooser.
#[derive(Debug, Clone, Serialize)]
pub struct SiteChoice {
    pub site_id: i64,
    pub site_name: String,
    pub photos_allowed: bool,
    /// The signed-in worker visits the site today for the request.
    pub today: bool,
    pub terminals: Vec<TerminalChoice>,
}

/// The chooser: the request's terminals by site, the worker's sites of today first.
#[derive(Debug, Clone, Serialize)]
pub struct OnSiteChoice {
    pub request: WorkRequestSummary,
    /// The approved version the steps are counted under; none before an approval.
    pub version: Option<i64>,
    pub sites: Vec<SiteChoice>,
}

/// One approved step with its current record on the terminal, and that record's photos.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub order: u32,
    pub action: String,
    pub expected_result: String,
    pub record: Option<WorkRecord>,
    pub photos: Vec<Attachment>,
}

/// One terminal on site.
#[derive(Debug, Clone, Serialize)]
pub struct OnSiteTerminal {
    pub request: WorkRequestSummary,
    pub terminal: TargetTerminal,
    pub photos_allowed: bool,
    pub version: Option<i64>,
    pub steps: Vec<StepView>,
    pub progress: TerminalProgress,
    pub finished: bool,
    /// The next terminal not finished, in the chooser's order.
    pub next: Option<TargetTerminal>,
    /// Work may be recorded now (an approved version, an open request).
    pub may_record: bool,
    pub performers: Vec<PersonRef>,
    /// Pre-filled start and end (`datetime-local`, Japan time).
    pub started_at: String,
    pub ended_at: String,
    /// Photos of records a correction replaced since.
    pub earlier_photos: Vec<Attachment>,
}

/// What both pages read about a request.
struct Scope {
    request: WorkRequestSummary,
    approved: Option<Procedure>,
    terminals: Vec<TargetTerminal>,
    records: Vec<WorkRecord>,
    order: Vec<i64>,
    progress: Vec<TerminalProgress>,
    today_sites: Vec<i64>,
}

impl App {
    /// The terminals of request `id` to choose from on site.
    pub async fn on_site_choice(&self, who: &Actor, id: i64) -> Result<OnSiteChoice> {
        who.authorize(Action::ViewJobs)?;
        let scope = self.on_site_scope(who, id).await?;
        let mut sites: Vec<SiteChoice> = Vec::new();
        for &t in &scope.order {
            let Some(terminal) = scope.terminals.iter().find(|x| x.id == t) else {
                continue;
            };
            let p = progress_of(&scope.progress, t);
            let choice = TerminalChoice {
                terminal: terminal.clone(),
                progress: p,
                finished: p.finished(),
            };
            match sites.iter_mut().find(|s| s.site_id == terminal.site_id) {
                Some(s) => s.terminals.push(choice),
                None => sites.push(SiteChoice {
                    site_id: terminal.site_id,
                    site_name: terminal.site_name.clone(),
                    photos_allowed: self.store.site(terminal.site_id).await?.photos_allowed,
                    today: scope.today_sites.contains(&terminal.site_id),
                    terminals: vec![choice],
                }),
            }
        }
        Ok(OnSiteChoice {
            request: scope.request,
            version: scope.approved.map(|p| p.version),
            sites,
        })
    }

    /// Terminal `terminal_id` of request `id` on site; a terminal the request does not
    /// cover is not found.
    pub async fn on_site_terminal(
        &self,
        who: &Actor,
        id: i64,
        terminal_id: i64,
    ) -> Result<OnSiteTerminal> {
        who.authorize(Action::ViewJobs)?;
        let scope = self.on_site_scope(who, id).await?;
        let terminal = scope
            .terminals
            .iter()
            .find(|t| t.id == terminal_id)
            .cloned()
            .ok_or(StoreError::NotFound(Entity::Terminal))?;
        let mine: Vec<&WorkRecord> = scope
            .records
            .iter()
            .filter(|r| r.terminal_id == terminal_id)
            .collect();
        let replaced: Vec<i64> = self
            .store
            .work_records(id, true)
            .await?
            .into_iter()
            .filter(|r| r.terminal_id == terminal_id)
            .map(|r| r.id)
            .collect();
        let current: Vec<i64> = mine.iter().map(|r| r.id).collect();
        let photos = self
            .store
            .attachments_of_many(OwnerKind::WorkRecord, &current)
            .await?;
        let steps = scope
            .approved
            .as_ref()
            .map(|p| {
                p.steps
                    .iter()
                    .map(|s| {
                        let record = mine
                            .iter()
                            .find(|r| r.step_order == i64::from(s.order))
                            .map(|r| (*r).clone());
                        let photos = record.as_ref().map_or_else(Vec::new, |r| {
                            photos
                                .iter()
                                .filter(|a| a.owner_id == r.id)
                                .cloned()
                                .collect()
                        });
                        StepView {
                            order: s.order,
                            action: s.action.clone(),
                            expected_result: s.expected_result.clone(),
                            record,
                            photos,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let p = progress_of(&scope.progress, terminal_id);
        let next = next_unfinished(&scope.order, &scope.progress, terminal_id)
            .and_then(|n| scope.terminals.iter().find(|t| t.id == n).cloned());
        let may_record =
            who.may(Action::RecordWork) && self.store.record_facts(id).await?.may_record().is_ok();
        let (started_at, ended_at) = prefilled_times(Utc::now());
        Ok(OnSiteTerminal {
            request: scope.request,
            photos_allowed: self.store.site(terminal.site_id).await?.photos_allowed,
            terminal,
            version: scope.approved.map(|p| p.version),
            steps,
            progress: p,
            finished: p.finished(),
            next,
            may_record,
            performers: self.store.contractor_people().await?,
            started_at,
            ended_at,
            earlier_photos: self
                .store
                .attachments_of_many(OwnerKind::WorkRecord, &replaced)
                .await?,
        })
    }

    /// The request, its approved version, terminals, current records, the order the
    /// worker meets the terminals in and each one's progress.
    async fn on_site_scope(&self, who: &Actor, id: i64) -> Result<Scope> {
        let s = &self.store;
        let request = s.work_request(id).await?.summary;
        let approved = s
            .procedures_of(id)
            .await?
            .into_iter()
            .find(|p| p.status == ProcedureVersionStatus::Approved);
        let terminals = s.request_terminals(id).await?;
        let records = s.work_records(id, false).await?;
        let today = today_jst(Utc::now()).to_string();
        let me = who.user_id();
        let mut today_sites: Vec<i64> = self
            .request_visits(id)
            .await?
            .into_iter()
            .filter(|v| v.date == today && v.workers.iter().any(|w| Some(w.id) == me))
            .map(|v| v.site_id)
            .collect();
        today_sites.dedup();
        let placed: Vec<(i64, i64)> = terminals.iter().map(|t| (t.id, t.site_id)).collect();
        let order = today_first(&placed, &today_sites);
        let recorded: Vec<RecordedStep> = records
            .iter()
            .filter_map(|r| {
                Some(RecordedStep {
                    terminal_id: r.terminal_id,
                    step_order: u32::try_from(r.step_order).ok()?,
                    outcome: r.outcome,
                    procedure_id: r.procedure_id,
                })
            })
            .collect();
        let orders: Vec<u32> = approved
            .as_ref()
            .map(|p| p.steps.iter().map(|s| s.order).collect())
            .unwrap_or_default();
        let ids: Vec<i64> = terminals.iter().map(|t| t.id).collect();
        let progress = progress(
            &ids,
            approved.as_ref().map(|p| (p.id, orders.as_slice())),
            &recorded,
        );
        Ok(Scope {
            request,
            approved,
            terminals,
            records,
            order,
            progress,
            today_sites,
        })
    }
}

fn progress_of(all: &[TerminalProgress], terminal_id: i64) -> TerminalProgress {
    all.iter()
        .find(|p| p.terminal_id == terminal_id)
        .copied()
        .unwrap_or(TerminalProgress {
            terminal_id,
            settled: 0,
            total: 0,
        })
}
