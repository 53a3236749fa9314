//! The request chain (R8): 作業依頼書 issued by the City for one job or several combined
//! (R4.3), questions (疑義) raised and answered, 作業手順書 versions submitted and approved
//! or returned, work recorded per terminal and step, the result report accepted or
//! returned, and the printable checklist of a site. Each operation names its action once.

use jukiops_domain::Checked;
use jukiops_domain::approvals::{ApprovalKind, RouteStep, route_progress};
use jukiops_domain::attachments::OwnerKind;
use jukiops_domain::audit::Entity;
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::requests::{
    AnswerDraft, Decision, ProcedureDraft, ProcedureVerb, ProcedureVersionStatus, QuestionDraft,
    QuestionVerb, RecordSelectionInput, ReportSummary, WorkRecordDraft, WorkRequestDraft,
};
use jukiops_store::{
    Attachment, AwaitingJob, PageRequest, PersonRef, Procedure, Question, Report, RequestJob, Site,
    StoreError, TargetTerminal, UrgentRequest, Visit, VisitQuery, WorkRecord, WorkRequest,
    WorkRequestSummary,
};
use serde::{Deserialize, Serialize};

use crate::{App, Result};

/// A request with everything on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestDetail {
    pub request: WorkRequest,
    /// The terminals its jobs cover.
    pub terminals: Vec<TargetTerminal>,
    pub questions: Vec<Question>,
    /// Newest version first.
    pub procedures: Vec<Procedure>,
    pub records: Vec<WorkRecord>,
    /// Earlier versions of records, replaced by corrections (each names its successor).
    pub replaced_records: Vec<WorkRecord>,
    /// What a report compiled now would say.
    pub report_preview: ReportSummary,
    /// Newest first.
    pub reports: Vec<Report>,
    /// The visits that serve it (from its plans or entered by hand), with the City's agreement.
    pub visits: Vec<Visit>,
    /// Where each procedure version and each report stands on the City's 決裁 route.
    pub routes: Vec<DocumentRoute>,
    /// The urgent mark of a request issued from an incident (issue 14 item 6): its incident
    /// and how its procedure was approved.
    pub urgent: Option<UrgentRequest>,
}

/// One document on its 決裁 route: each step with its post and, once decided, who decided.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentRoute {
    pub kind: ApprovalKind,
    pub document_id: i64,
    pub steps: Vec<RouteStep>,
}

/// A request's page: everything on it, the people who may be named as performers, and the
/// files attached to its procedure versions and as evidence of its work.
#[derive(Debug, Clone, Serialize)]
pub struct RequestPage {
    pub detail: RequestDetail,
    pub performers: Vec<PersonRef>,
    pub procedure_attachments: Vec<Attachment>,
    pub evidence: Vec<Attachment>,
}

/// What the form that issues a request offers: the jobs waiting for one and the sites.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IssueChoices {
    pub jobs: Vec<AwaitingJob>,
    pub sites: Vec<Site>,
}

/// `?site_id=`: the site whose checklist is printed.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct ChecklistQuery {
    /// 作業場所(拠点)のID
    pub site_id: Option<String>,
}

/// The A4 checklist of one site of a request (R8.3).
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub request: WorkRequestSummary,
    pub site_name: String,
    /// The latest approved version, whose steps are printed; none before an approval.
    pub procedure: Option<Procedure>,
    /// The site's target terminals.
    pub terminals: Vec<TargetTerminal>,
    pub jobs: Vec<RequestJob>,
}

impl App {
    /// A request with everything on it.
    pub async fn work_request(&self, who: &Actor, id: i64) -> Result<RequestDetail> {
        who.authorize(Action::ViewJobs)?;
        self.detail(id).await
    }

    /// A request with everything its page shows.
    pub async fn request_page(&self, who: &Actor, id: i64) -> Result<RequestPage> {
        who.authorize(Action::ViewJobs)?;
        let detail = self.detail(id).await?;
        let versions: Vec<i64> = detail.procedures.iter().map(|p| p.id).collect();
        let s = &self.store;
        Ok(RequestPage {
            performers: s.contractor_people().await?,
            procedure_attachments: s
                .attachments_of_many(OwnerKind::Procedure, &versions)
                .await?,
            evidence: s.attachments_of(OwnerKind::Request, id).await?,
            detail,
        })
    }

    /// The jobs waiting for a request and the sites, for the City's form.
    pub async fn issue_choices(&self, who: &Actor) -> Result<IssueChoices> {
        who.authorize(Action::IssueRequests)?;
        Ok(IssueChoices {
            jobs: self.store.jobs_awaiting_request().await?,
            sites: self.store.all_sites().await?,
        })
    }

    /// The checklist of one of the request's sites, for work done offline and entered
    /// afterwards: the latest approved version's steps for each of the site's target
    /// terminals. A site not on the request is not found.
    pub async fn checklist(&self, who: &Actor, id: i64, q: &ChecklistQuery) -> Result<Checklist> {
        who.authorize(Action::ViewJobs)?;
        let site_id: Option<i64> = crate::given(&q.site_id).and_then(|s| s.parse().ok());
        let request = self.store.work_request(id).await?;
        let Some((site_id, site_name)) =
            request.sites.iter().find(|s| Some(s.0) == site_id).cloned()
        else {
            return Err(StoreError::NotFound(Entity::Site));
        };
        let procedure = self
            .store
            .procedures_of(id)
            .await?
            .into_iter()
            .find(|p| p.status == ProcedureVersionStatus::Approved);
        let terminals = self
            .store
            .request_terminals(id)
            .await?
            .into_iter()
            .filter(|t| t.site_id == site_id)
            .collect();
        Ok(Checklist {
            request: request.summary,
            site_name,
            procedure,
            terminals,
            jobs: request.jobs,
        })
    }

    /// Issues a 作業依頼書 (the City) for one job, or several done in one visit with the
    /// City's approval of the combination; its jobs move to 依頼済.
    pub async fn issue_request(
        &self,
        who: &Actor,
        input: impl Checked<WorkRequestDraft>,
    ) -> Result<RequestDetail> {
        let who = who.authorize(Action::IssueRequests)?;
        let draft = input.checked()?;
        let calendar = self.business_calendar().await?;
        let id = self
            .store
            .issue_request(&who, &self.rules(&calendar), &draft)
            .await?;
        self.detail(id).await
    }

    /// Cancels a request (the City) and its jobs.
    pub async fn cancel_request(&self, who: &Actor, id: i64) -> Result<RequestDetail> {
        let who = who.authorize(Action::IssueRequests)?;
        self.store.cancel_request(&who, id).await?;
        self.detail(id).await
    }

    /// Raises a question on a request.
    pub async fn raise_question(
        &self,
        who: &Actor,
        request_id: i64,
        input: impl Checked<QuestionDraft>,
    ) -> Result<RequestDetail> {
        let who = who.authorize(Action::RaiseQuestions)?;
        let draft = input.checked()?;
        self.store.raise_question(&who, request_id, &draft).await?;
        self.detail(request_id).await
    }

    /// Answers a question of the other side (the City the contractor's, the contractor's
    /// lead the City's), with any change to the work it leads to; returns the question's
    /// request.
    pub async fn answer_question(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<AnswerDraft>,
    ) -> Result<Option<i64>> {
        let verb = QuestionVerb::Answer;
        let who = who.authorize(verb.action())?;
        let answer = input.checked()?;
        self.store
            .move_question(&who, id, verb, Some(&answer))
            .await
    }

    /// Records that an answered question is resolved (the side that asked); returns the
    /// question's request.
    pub async fn close_question(&self, who: &Actor, id: i64) -> Result<Option<i64>> {
        let verb = QuestionVerb::Close;
        let who = who.authorize(verb.action())?;
        self.store.move_question(&who, id, verb, None).await
    }

    /// The City approves the change to the work the contractor's answer states (§5(11));
    /// returns the question's request.
    pub async fn approve_question_change(&self, who: &Actor, id: i64) -> Result<Option<i64>> {
        let verb = QuestionVerb::ApproveChange;
        let who = who.authorize(verb.action())?;
        self.store.move_question(&who, id, verb, None).await
    }

    /// Writes the 作業手順書: edits the version being written, or starts the next version
    /// after an approved or returned one (a new version needs a new approval).
    pub async fn save_procedure(
        &self,
        who: &Actor,
        request_id: i64,
        input: impl Checked<ProcedureDraft>,
    ) -> Result<RequestDetail> {
        let who = who.authorize(Action::WriteProcedures)?;
        let draft = input.checked()?;
        self.store.save_procedure(&who, request_id, &draft).await?;
        self.detail(request_id).await
    }

    /// Submits a procedure version to the City; returns its request.
    pub async fn submit_procedure(&self, who: &Actor, id: i64) -> Result<i64> {
        let verb = ProcedureVerb::Submit;
        let who = who.authorize(verb.action())?;
        self.store
            .move_procedure(&who, &self.contract.approval_routes, id, verb, None)
            .await
    }

    /// Approves (refused while a question is unanswered) or returns (with a comment) a
    /// procedure version; returns its request.
    pub async fn decide_procedure(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<Decision>,
    ) -> Result<i64> {
        let who = who.authorize(Action::DecideProcedures)?;
        let d = input.checked()?;
        let verb = ProcedureVerb::from(d.verdict);
        self.store
            .move_procedure(&who, &self.contract.approval_routes, id, verb, Some(&d))
            .await
    }

    /// Records steps per terminal (a whole offline checklist at once); refused without an
    /// approved procedure version, and a list longer than the request has terminals and
    /// steps is refused before it is written.
    pub async fn record_work(
        &self,
        who: &Actor,
        request_id: i64,
        input: impl Checked<Vec<WorkRecordDraft>>,
    ) -> Result<RequestDetail> {
        let who = who.authorize(Action::RecordWork)?;
        let records = input.checked()?;
        self.store
            .record_facts(request_id)
            .await?
            .bound(records.len())?;
        let calendar = self.business_calendar().await?;
        self.store
            .record_work(&who, &calendar, request_id, &records)
            .await?;
        self.detail(request_id).await
    }

    /// Records one outcome for every terminal and step ticked on the request's page; more
    /// terminals or steps than the request has are refused before any record is built.
    /// Returns the request.
    pub async fn record_selection(
        &self,
        who: &Actor,
        request_id: i64,
        input: &RecordSelectionInput,
    ) -> Result<i64> {
        let who = who.authorize(Action::RecordWork)?;
        let facts = self.store.record_facts(request_id).await?;
        let records = input.records(&facts)?;
        let calendar = self.business_calendar().await?;
        self.store
            .record_work(&who, &calendar, request_id, &records)
            .await?;
        Ok(request_id)
    }

    /// Compiles and submits the result report (the contractor's lead); refused while a
    /// terminal has a step missing.
    pub async fn submit_report(&self, who: &Actor, request_id: i64) -> Result<RequestDetail> {
        let who = who.authorize(Action::SubmitReports)?;
        self.store.submit_report(&who, request_id).await?;
        self.detail(request_id).await
    }

    /// Decides a step of the City's route for the request's combined jobs (R4.3): the
    /// procedure is approved only once the route went through.
    pub async fn decide_combination(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<Decision>,
    ) -> Result<RequestDetail> {
        let who = who.authorize(Action::IssueRequests)?;
        let d = input.checked()?;
        self.store
            .decide_combination(&who, &self.contract.approval_routes, id, &d)
            .await?;
        self.detail(id).await
    }

    /// Accepts (closing the request and its jobs) or returns a report (the City); returns
    /// its request.
    pub async fn decide_report(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<Decision>,
    ) -> Result<i64> {
        let who = who.authorize(Action::DecideReports)?;
        let d = input.checked()?;
        self.store
            .decide_report(&who, &self.contract.approval_routes, id, &d)
            .await
    }

    /// Where the documents `ids` of `kind` stand on their route.
    async fn routes_of(&self, kind: ApprovalKind, ids: Vec<i64>) -> Result<Vec<DocumentRoute>> {
        let decided = self.store.approval_steps(kind, &ids).await?;
        let route = self.contract.approval_routes.of(kind);
        Ok(ids
            .into_iter()
            .map(|document_id| {
                let mine: Vec<_> = decided
                    .iter()
                    .filter(|(d, _)| *d == document_id)
                    .map(|(_, s)| s.clone())
                    .collect();
                DocumentRoute {
                    kind,
                    document_id,
                    steps: route_progress(route, &mine),
                }
            })
            .collect())
    }

    /// Everything on request `id`, read for someone already authorised.
    async fn detail(&self, id: i64) -> Result<RequestDetail> {
        let s = &self.store;
        let procedures = s.procedures_of(id).await?;
        let reports = s.reports_of(id).await?;
        let urgent = s.urgent_request_of_request(id).await?;
        // An urgent request's procedure skipped the City's route: it shows none.
        let routed = procedures
            .iter()
            .map(|p| p.id)
            .filter(|p| urgent.as_ref().is_none_or(|u| u.procedure_id != *p))
            .collect();
        let mut routes = self.routes_of(ApprovalKind::Procedure, routed).await?;
        routes.extend(
            self.routes_of(ApprovalKind::Report, reports.iter().map(|r| r.id).collect())
                .await?,
        );
        let combination = &self.contract.approval_routes.combination;
        let request = s.work_request(id).await?;
        if !combination.is_empty() && request.jobs.len() > 1 {
            routes.extend(self.routes_of(ApprovalKind::Combination, vec![id]).await?);
        }
        Ok(RequestDetail {
            urgent,
            routes,
            request,
            terminals: s.request_terminals(id).await?,
            questions: s.questions_of(id).await?,
            procedures,
            records: s.work_records(id, false).await?,
            replaced_records: s.work_records(id, true).await?,
            report_preview: s.report_preview(id).await?,
            reports,
            visits: self.request_visits(id).await?,
        })
    }

    /// The live visits serving request `id`.
    pub(crate) async fn request_visits(&self, id: i64) -> Result<Vec<Visit>> {
        let calendar = self.business_calendar().await?;
        let q = VisitQuery {
            request_id: Some(id),
            active_only: true,
            ..Default::default()
        };
        let all = PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE));
        Ok(self
            .store
            .visits(&self.rules(&calendar), &q, all)
            .await?
            .items)
    }
}
