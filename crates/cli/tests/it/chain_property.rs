//! The request chain's invariants under random use (issue 12): random sequences of actions
//! by random roles (the City, the contractor's lead and worker, the auditor) through the
//! real server, with right and wrong orders, dates, hours, terminals and people. After every
//! step the records must still say only what the contract allows:
//!
//! - every job done has an accepted result report on one of its requests;
//! - every current work record and password change lies in its request's period (never
//!   before its issue), at one of its terminals, under an approved procedure version, and
//!   inside the working window (the walk records no off-hours work, so none is covered);
//! - the audit chain verifies, and every record it names still exists.

use chrono::{Duration, NaiveDate, NaiveTime};
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::contract::Contract;
use jukiops_domain::people::Role;
use jukiops_domain::schedule::{Span, outside_window};
use jukiops_domain::time::{from_db, jst};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Row;

use crate::both_engines;
use crate::support::{Engine, TestApp};

/// One action of the walk; the small numbers pick a person, a record, a day or an hour.
#[derive(Debug, Clone)]
enum Step {
    Issue { who: u8, jobs: u8, sites: u8, from: u8, days: u8 },
    WriteProcedure { who: u8, req: u8 },
    Submit { who: u8, req: u8 },
    DecideProcedure { who: u8, req: u8, approve: bool },
    Ask { who: u8, req: u8 },
    Answer { who: u8, req: u8, change: bool },
    ApproveChange { who: u8, req: u8 },
    Close { who: u8, req: u8 },
    Record { who: u8, req: u8, terminal: u8, day: u8, hour: u8, step: u8 },
    /// Every terminal and step of the request at once (an offline checklist entered).
    RecordAll { who: u8, req: u8, day: u8, hour: u8 },
    Rotate { who: u8, terminal: u8, day: u8, hour: u8 },
    Report { who: u8, req: u8 },
    DecideReport { who: u8, req: u8, approve: bool },
    Bare { who: u8, job: u8, verb: u8 },
    Cancel { who: u8, req: u8 },
    /// The next step of the latest request as a diligent user takes it (issue, write,
    /// submit, answer, approve, record, report, accept), so that walks finish chains
    /// among the random steps.
    Progress,
}

/// Steps that move the chain on come more often, so that walks reach records, reports and
/// acceptances, not only refusals.
fn step() -> impl Strategy<Value = Step> {
    let n = || 0u8..8;
    prop_oneof![
        3 => (n(), 1u8..8, 0u8..12, 0u8..16, 0u8..8)
            .prop_map(|(who, jobs, sites, from, days)| Step::Issue { who, jobs, sites, from, days }),
        2 => (n(), n()).prop_map(|(who, req)| Step::WriteProcedure { who, req }),
        3 => (n(), n()).prop_map(|(who, req)| Step::Submit { who, req }),
        3 => (n(), n(), proptest::bool::weighted(0.8)).prop_map(|(who, req, approve)| Step::DecideProcedure { who, req, approve }),
        3 => (n(), n(), 0u8..20, 6u8..20).prop_map(|(who, req, day, hour)| Step::RecordAll { who, req, day, hour }),
        3 => (n(), n()).prop_map(|(who, req)| Step::Report { who, req }),
        3 => (n(), n(), proptest::bool::weighted(0.8)).prop_map(|(who, req, approve)| Step::DecideReport { who, req, approve }),
        1 => (n(), n()).prop_map(|(who, req)| Step::Ask { who, req }),
        1 => (n(), n(), any::<bool>()).prop_map(|(who, req, change)| Step::Answer { who, req, change }),
        1 => (n(), n()).prop_map(|(who, req)| Step::ApproveChange { who, req }),
        1 => (n(), n()).prop_map(|(who, req)| Step::Close { who, req }),
        1 => (n(), n(), n(), 0u8..20, 6u8..22, 1u8..3).prop_map(|(who, req, terminal, day, hour, step)| Step::Record {
            who, req, terminal, day, hour, step
        }),
        1 => (n(), n(), 0u8..20, 6u8..22).prop_map(|(who, terminal, day, hour)| Step::Rotate { who, terminal, day, hour }),
        1 => (n(), n(), n()).prop_map(|(who, job, verb)| Step::Bare { who, job, verb }),
        1 => (n(), n()).prop_map(|(who, req)| Step::Cancel { who, req }),
        8 => Just(Step::Progress),
    ]
}

/// The server, its people and what the walk has created.
struct World {
    app: TestApp,
    people: Vec<reqwest::Client>,
    worker_id: i64,
    sites: Vec<i64>,
    terminals: Vec<i64>,
    jobs: Vec<i64>,
    requests: Vec<i64>,
    issued: u32,
    reached: Reached,
    cal: BusinessCalendar,
}

/// How far the walk went: the property is only worth its name if walks reach the end.
#[derive(Debug, Default, Clone, Copy)]
struct Reached {
    records: u32,
    accepted: u32,
}

impl Step {
    /// The step by the person whose step it is when `who` is below 5, by another otherwise.
    fn with_person(&self, right: u8) -> Step {
        let pick = |who: u8| if who < 5 { right } else { who - 4 };
        let mut s = self.clone();
        match &mut s {
            Step::Issue { who, .. }
            | Step::WriteProcedure { who, .. }
            | Step::Submit { who, .. }
            | Step::DecideProcedure { who, .. }
            | Step::Ask { who, .. }
            | Step::Answer { who, .. }
            | Step::ApproveChange { who, .. }
            | Step::Close { who, .. }
            | Step::Record { who, .. }
            | Step::RecordAll { who, .. }
            | Step::Rotate { who, .. }
            | Step::Report { who, .. }
            | Step::DecideReport { who, .. }
            | Step::Bare { who, .. }
            | Step::Cancel { who, .. } => *who = pick(*who),
            Step::Progress => {}
        }
        s
    }
}

const FIRST_DAY: (i32, u32, u32) = (2020, 10, 5);

fn day(offset: u8) -> NaiveDate {
    let (y, m, d) = FIRST_DAY;
    NaiveDate::from_ymd_opt(y, m, d).expect("date") + Duration::days(i64::from(offset))
}

impl World {
    async fn new(engine: Engine) -> World {
        let app = TestApp::spawn(engine).await;
        let mut people = Vec::new();
        for role in [Role::CityStaff, Role::ContractorLead, Role::ContractorWorker, Role::Auditor] {
            people.push(app.client(role).await);
        }
        let worker_id = app.user_id(Role::ContractorWorker).await;
        let mut w = World {
            app,
            people,
            worker_id,
            sites: vec![],
            terminals: vec![],
            jobs: vec![],
            requests: vec![],
            issued: 0,
            reached: Reached::default(),
            cal: BusinessCalendar::new(&Contract::builtin_default()),
        };
        for (n, code) in ["011011", "011029", "011037"].iter().enumerate() {
            let (status, t) = w
                .send(1, Method::POST, "/api/v1/terminals", Some(json!({"asset_number": format!("W-{n}"),
                    "serial": format!("WS-{n}"), "model": "型式", "site_code": code})))
                .await;
            assert_eq!(status, 201, "{t}");
            w.sites.push(t["site_id"].as_i64().expect("site"));
            w.terminals.push(t["id"].as_i64().expect("terminal"));
        }
        let (t0, t1, t2) = (w.terminals[0], w.terminals[1], w.terminals[2]);
        for (category, terminals) in [("オ", vec![t0, t1]), ("エ", vec![t2]), ("カ", vec![t0, t2])] {
            let (status, j) = w
                .send(0, Method::POST, "/api/v1/jobs", Some(json!({"category": category, "origin": "city_order",
                    "title": format!("{category}の作業"), "terminal_ids": terminals})))
                .await;
            assert_eq!(status, 201, "{j}");
            w.jobs.push(j["id"].as_i64().expect("job"));
        }
        w
    }

    /// One request by person `who` (0 City, 1 lead, 2 worker, 3 auditor); never a 5xx.
    async fn send(&self, who: u8, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let c = &self.people[usize::from(who) % self.people.len()];
        self.send_as(c, method, path, body).await
    }

    async fn send_as(&self, c: &reqwest::Client, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        // A POST with nothing to say still sends an empty JSON object, as clients do.
        let body = body.or_else(|| (method == Method::POST).then(|| json!({})));
        let mut req = c.request(method.clone(), self.app.url(path));
        if let Some(b) = &body {
            req = req.json(b);
        }
        let r = req.send().await.expect("send");
        let status = r.status().as_u16();
        let answer = r.json().await.unwrap_or(Value::Null);
        assert!(status < 500, "{method} {path} {body:?}: {status} {answer}");
        // WALK_DEBUG=1 prints every request of a walk and its answer.
        if std::env::var("WALK_DEBUG").is_ok() {
            eprintln!("  {method} {path} -> {status} {}", answer.to_string().chars().take(200).collect::<String>());
        }
        (status, answer)
    }

    /// Mostly the latest request (the one being worked on), now and then an earlier one.
    fn request(&self, n: u8) -> Option<i64> {
        let last = self.requests.last().copied()?;
        Some(if n < 5 { last } else { self.requests[usize::from(n) % self.requests.len()] })
    }

    async fn detail(&self, request: i64) -> Value {
        self.send(0, Method::GET, &format!("/api/v1/requests/{request}"), None).await.1
    }

    async fn apply(&mut self, s: &Step) {
        use Method as M;
        // Mostly the person whose step it is (the City issues and decides, the lead
        // writes and reports, the worker records); now and then anyone.
        let right = match s {
            Step::Issue { .. } | Step::DecideProcedure { .. } | Step::DecideReport { .. } | Step::ApproveChange { .. } | Step::Cancel { .. } => 0,
            Step::WriteProcedure { .. } | Step::Submit { .. } | Step::Report { .. } | Step::Close { .. } => 1,
            _ => 2,
        };
        let s = &s.with_person(right);
        match *s {
            Step::Issue { who, jobs, sites, from, days } => {
                let jobs: Vec<i64> = (0..3).filter(|i| jobs & (1 << i) != 0).map(|i| self.jobs[i]).collect();
                // Mostly every site; now and then a choice that may leave one out.
                let chosen = if sites < 7 { 7 } else { sites - 6 };
                let sites: Vec<i64> = (0..3).filter(|i| chosen & (1 << i) != 0).map(|i| self.sites[i]).collect();
                self.issued += 1;
                let body = json!({"request_number": format!("P-{}", self.issued), "issued_on": "2020-10-01",
                    "period_from": day(from).to_string(), "period_to": (day(from) + Duration::days(i64::from(days))).to_string(),
                    "site_ids": sites, "contents": "作業", "job_ids": jobs, "combination_approved": true});
                let (status, d) = self.send(who, M::POST, "/api/v1/requests", Some(body)).await;
                if status == 201 {
                    self.requests.push(d["request"]["id"].as_i64().expect("request"));
                }
            }
            Step::WriteProcedure { who, req } => {
                let Some(r) = self.request(req) else { return };
                let steps = json!({"steps": [{"action": "作業する", "expected_result": "完了"}, {"action": "確認する", "expected_result": "異常なし"}]});
                self.send(who, M::PUT, &format!("/api/v1/requests/{r}/procedure"), Some(steps)).await;
            }
            Step::Submit { who, req } | Step::DecideProcedure { who, req, .. } => {
                let Some(r) = self.request(req) else { return };
                let d = self.detail(r).await;
                let Some(v) = d["procedures"][0]["id"].as_i64() else { return };
                match *s {
                    Step::Submit { .. } => self.send(who, M::POST, &format!("/api/v1/procedures/{v}/submit"), None).await,
                    Step::DecideProcedure { approve, .. } => {
                        let verdict = if approve { json!({"verdict": "approve"}) } else { json!({"verdict": "return", "comment": "直してください"}) };
                        self.send(who, M::POST, &format!("/api/v1/procedures/{v}/decision"), Some(verdict)).await
                    }
                    _ => unreachable!(),
                };
            }
            Step::Ask { who, req } => {
                let Some(r) = self.request(req) else { return };
                self.send(who, M::POST, &format!("/api/v1/requests/{r}/questions"), Some(json!({"subject": "確認", "body": "内容"}))).await;
            }
            Step::Answer { who, req, .. } | Step::ApproveChange { who, req } | Step::Close { who, req } => {
                let Some(r) = self.request(req) else { return };
                let d = self.detail(r).await;
                let Some(q) = d["questions"].as_array().and_then(|qs| qs.last()).and_then(|q| q["id"].as_i64()) else { return };
                match *s {
                    Step::Answer { change, .. } => {
                        let body = if change { json!({"answer": "回答", "change": "手順を変える"}) } else { json!({"answer": "回答"}) };
                        self.send(who, M::POST, &format!("/api/v1/questions/{q}/answer"), Some(body)).await
                    }
                    Step::ApproveChange { .. } => self.send(who, M::POST, &format!("/api/v1/questions/{q}/change-approval"), None).await,
                    _ => self.send(who, M::POST, &format!("/api/v1/questions/{q}/close"), None).await,
                };
            }
            Step::Record { who, req, terminal, day: d, hour, step } => {
                let Some(r) = self.request(req) else { return };
                let t = self.terminals[usize::from(terminal) % 3];
                let at = format!("{} {hour:02}:00", day(d));
                let end = format!("{} {hour:02}:30", day(d));
                let body = json!({"records": [{"terminal_id": t, "step_order": step, "outcome": "done",
                    "performer_id": self.worker_id, "started_at": at, "ended_at": end}]});
                self.send(who, M::POST, &format!("/api/v1/requests/{r}/records"), Some(body)).await;
            }
            Step::RecordAll { who, req, day: d, hour } => {
                let Some(r) = self.request(req) else { return };
                let detail = self.detail(r).await;
                // Mostly a working day's hours inside the request's period; else as drawn.
                let (d, hour) = match detail["request"]["period_from"].as_str() {
                    _ if d >= 20 => (d - 20, hour),
                    Some(from) if d < 14 => {
                        let first = NaiveDate::parse_from_str(from, "%Y-%m-%d").expect("date");
                        let offset = (first - day(0)).num_days().max(0) + i64::from(d % 3);
                        (u8::try_from(offset).unwrap_or(0), 9 + hour % 7)
                    }
                    _ => (d, hour),
                };
                let mut records = Vec::new();
                for t in detail["terminals"].as_array().into_iter().flatten() {
                    for step in 1..=2 {
                        records.push(json!({"terminal_id": t["id"], "step_order": step, "outcome": "done",
                            "performer_id": self.worker_id, "started_at": format!("{} {hour:02}:00", day(d)),
                            "ended_at": format!("{} {hour:02}:40", day(d))}));
                    }
                }
                let (status, _) = self.send(who, M::POST, &format!("/api/v1/requests/{r}/records"), Some(json!({"records": records}))).await;
                if status == 200 {
                    self.reached.records += 1;
                }
            }
            Step::Rotate { who, terminal, day: d, hour } => {
                let t = self.terminals[usize::from(terminal) % 3];
                let body = json!({"job_id": self.jobs[0], "terminal_id": t, "performer_id": self.worker_id,
                    "rotated_at": format!("{} {hour:02}:10", day(d))});
                self.send(who, M::POST, "/api/v1/password-rotations", Some(body)).await;
            }
            Step::Report { who, req } => {
                let Some(r) = self.request(req) else { return };
                self.send(who, M::POST, &format!("/api/v1/requests/{r}/report"), None).await;
            }
            Step::DecideReport { who, req, approve } => {
                let Some(r) = self.request(req) else { return };
                let d = self.detail(r).await;
                let Some(report) = d["reports"][0]["id"].as_i64() else { return };
                let verdict = if approve { json!({"verdict": "approve"}) } else { json!({"verdict": "return", "comment": "やり直し"}) };
                let (status, _) = self.send(who, M::POST, &format!("/api/v1/reports/{report}/decision"), Some(verdict)).await;
                if status < 300 && approve {
                    self.reached.accepted += 1;
                }
            }
            Step::Bare { who, job, verb } => {
                let verb = ["request", "start", "complete", "cancel"][usize::from(verb) % 4];
                let j = self.jobs[usize::from(job) % 3];
                self.send(who, M::POST, &format!("/api/v1/jobs/{j}/transition"), Some(json!({"verb": verb}))).await;
            }
            Step::Progress => Box::pin(self.progress()).await,
            Step::Cancel { who, req } => {
                // Rarely: a cancellation ends the jobs for good.
                if req != 7 {
                    return;
                }
                let Some(r) = self.request(req) else { return };
                self.send(who, M::POST, &format!("/api/v1/requests/{r}/cancel"), None).await;
            }
        }
    }

    /// The next step of the latest request, by the person whose step it is.
    async fn progress(&mut self) {
        let Some(r) = self.requests.last().copied() else {
            return self.issue_open_jobs().await;
        };
        let d = self.detail(r).await;
        let open_question = d["questions"].as_array().into_iter().flatten().find(|q| {
            q["status"] == "open" || q["status"] == "change_pending"
        });
        let procedure = d["procedures"][0]["status"].as_str().unwrap_or("none");
        let step = match (d["request"]["status"].as_str().unwrap_or_default(), procedure) {
            ("cancelled" | "accepted", _) => return self.issue_open_jobs().await,
            (_, _) if open_question.is_some() => {
                let q = open_question.expect("question");
                let id = q["id"].as_i64().expect("id");
                let (who, path, body) = match q["status"].as_str() {
                    Some("open") if q["raised_role"] == "city_staff" => (1, "answer", json!({"answer": "回答"})),
                    Some("open") => (0, "answer", json!({"answer": "回答"})),
                    _ => (0, "change-approval", json!({})),
                };
                self.send(who, Method::POST, &format!("/api/v1/questions/{id}/{path}"), Some(body)).await;
                return;
            }
            ("issued", "none" | "returned") => Step::WriteProcedure { who: 0, req: 0 },
            (_, "draft") => Step::Submit { who: 0, req: 0 },
            (_, "submitted") => Step::DecideProcedure { who: 0, req: 0, approve: true },
            ("procedure_approved" | "in_progress", "approved") => {
                if d["report_preview"]["incomplete_terminals"].as_array().is_none_or(|t| t.is_empty())
                    && !d["records"].as_array().is_none_or(|r| r.is_empty())
                {
                    Step::Report { who: 0, req: 0 }
                } else {
                    let from = d["request"]["period_from"].as_str().unwrap_or_default();
                    let to = d["request"]["period_to"].as_str().unwrap_or_default();
                    let date = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").expect("date");
                    let working = (0..)
                        .map(|i| date(from) + Duration::days(i))
                        .take_while(|x| *x <= date(to))
                        .find(|x| self.cal.is_business_day(*x));
                    let Some(working) = working else { return };
                    let offset = u8::try_from((working - day(0)).num_days()).unwrap_or(0);
                    // Past the first 14 the day is taken as drawn.
                    Step::RecordAll { who: 0, req: 0, day: offset + 20, hour: 10 }
                }
            }
            ("reported", _) => Step::DecideReport { who: 0, req: 0, approve: true },
            _ => return,
        };
        self.apply(&step).await;
    }

    /// A request (the City) for every job still waiting for one, at every site.
    async fn issue_open_jobs(&mut self) {
        self.apply(&Step::Issue { who: 0, jobs: 7, sites: 0, from: 0, days: 6 }).await;
    }

    /// What is wrong with the records now; empty when every invariant holds.
    async fn broken(&self, cal: &BusinessCalendar) -> Vec<String> {
        let pool = self.app.store.pool();
        let mut wrong = Vec::new();
        let done_without_report: Vec<i64> = sqlx::query_scalar(
            "SELECT j.id FROM jobs j WHERE j.status = 'done' AND NOT EXISTS (SELECT 1 FROM work_request_jobs rj \
             JOIN reports r ON r.request_id = rj.request_id WHERE rj.job_id = j.id AND r.status = 'accepted')",
        )
        .fetch_all(pool)
        .await
        .expect("jobs");
        for j in done_without_report {
            wrong.push(format!("job {j} is done without an accepted report"));
        }
        let records = sqlx::query(
            "SELECT r.id, r.terminal_id, r.started_at, r.ended_at, p.status AS procedure_status, \
             w.issued_on, w.period_from, w.period_to, \
             (SELECT COUNT(*) FROM work_request_jobs rj JOIN job_terminals jt ON jt.job_id = rj.job_id \
              WHERE rj.request_id = w.id AND jt.terminal_id = r.terminal_id) AS covered \
             FROM work_records r JOIN work_requests w ON w.id = r.request_id JOIN procedures p ON p.id = r.procedure_id \
             WHERE r.replaced_at IS NULL",
        )
        .fetch_all(pool)
        .await
        .expect("records");
        for r in &records {
            let id: i64 = r.get("id");
            let what = format!("work record {id}");
            if r.get::<i64, _>("covered") == 0 {
                wrong.push(format!("{what}: a terminal its request does not cover"));
            }
            if r.get::<String, _>("procedure_status") != "approved" {
                wrong.push(format!("{what}: under a procedure version not approved"));
            }
            let period = (r.get("issued_on"), r.get("period_from"), r.get("period_to"));
            check_time(cal, &what, &r.get::<String, _>("started_at"), &r.get::<String, _>("ended_at"), period, &mut wrong);
        }
        let rotations = sqlx::query(
            "SELECT x.id, x.changed_at, w.issued_on, w.period_from, w.period_to FROM password_rotations x \
             JOIN work_request_jobs rj ON rj.job_id = x.job_id JOIN work_requests w ON w.id = rj.request_id \
             WHERE x.replaced_at IS NULL AND w.status <> 'cancelled'",
        )
        .fetch_all(pool)
        .await
        .expect("rotations");
        for r in &rotations {
            let what = format!("password change {}", r.get::<i64, _>("id"));
            let at: String = r.get("changed_at");
            let period = (r.get("issued_on"), r.get("period_from"), r.get("period_to"));
            check_time(cal, &what, &at, &at, period, &mut wrong);
        }
        let (_, verified) = self.send(3, Method::GET, "/api/v1/audit/verify", None).await;
        if verified["ok"] != true {
            wrong.push(format!("the audit chain does not verify: {verified}"));
        }
        for (entity, table) in [
            ("work_request", "work_requests"),
            ("job", "jobs"),
            ("procedure", "procedures"),
            ("question", "questions"),
            ("work_record", "work_records"),
            ("password_rotation", "password_rotations"),
            ("report", "reports"),
        ] {
            // The names come from the list above, never from input.
            let missing: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT DISTINCT a.entity_id FROM audit_entries a WHERE a.entity = '{entity}' \
                 AND NOT EXISTS (SELECT 1 FROM {table} t WHERE CAST(t.id AS TEXT) = a.entity_id)"
            )))
            .fetch_all(pool)
            .await
            .expect("audit");
            for id in missing {
                wrong.push(format!("the trail names {entity} {id}, which no longer exists"));
            }
        }
        wrong
    }
}

/// Work from `start` to `end` (stored instants) lies in the request's period, not before
/// its issue, inside the working window.
fn check_time(
    cal: &BusinessCalendar,
    what: &str,
    start: &str,
    end: &str,
    (issued, from, to): (String, String, String),
    wrong: &mut Vec<String>,
) {
    let (Some(start), Some(end)) = (from_db(start), from_db(end)) else {
        wrong.push(format!("{what}: an unreadable time"));
        return;
    };
    let (start, end) = (start.with_timezone(&jst()), end.with_timezone(&jst()));
    let date = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").expect("date");
    let first = date(&from).max(date(&issued));
    let day = start.date_naive();
    if day < first || day > date(&to) {
        wrong.push(format!("{what}: on {day}, outside its request's period {first}..{to}"));
    }
    let span = Span {
        date: day,
        start: start.time(),
        end: if end.date_naive() == day { end.time() } else { NaiveTime::MIN },
    };
    if let Some(why) = outside_window(cal, &span) {
        wrong.push(format!("{what}: {why}, with no off-hours approval"));
    }
}

async fn random_walks_keep_the_chain_within_the_contract(engine: Engine) {
    let cal = BusinessCalendar::new(&Contract::builtin_default());
    let cases = if engine == Engine::Sqlite { 16 } else { 8 };
    let reached = std::sync::Arc::new(std::sync::Mutex::new(Reached::default()));
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let handle = tokio::runtime::Handle::current();
    let result = tokio::task::block_in_place(|| {
        runner.run(&proptest::collection::vec(step(), 20..80), |steps| {
            handle.block_on(async {
                let mut world = World::new(engine).await;
                for (i, s) in steps.iter().enumerate() {
                    world.apply(s).await;
                    let wrong = world.broken(&cal).await;
                    prop_assert!(wrong.is_empty(), "after step {i} ({s:?}):\n  {}", wrong.join("\n  "));
                }
                let mut total = reached.lock().expect("tally");
                total.records += world.reached.records;
                total.accepted += world.reached.accepted;
                Ok(())
            })
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let total = *reached.lock().expect("tally");
    println!("{engine:?}: {cases} walks recorded work {} times and had {} reports accepted", total.records, total.accepted);
    assert!(total.records > 0 && total.accepted > 0, "the walks never reached the end of the chain: {total:?}");
}

both_engines!(random_walks_keep_the_chain_within_the_contract);

/// The straight walk, step by step as the contract orders it, reaches the end: the
/// walks above are drawn from these steps, so the checker sees finished chains too.
async fn the_straight_walk_reaches_acceptance(engine: Engine) {
    let cal = BusinessCalendar::new(&Contract::builtin_default());
    let mut w = World::new(engine).await;
    for s in [
        Step::Issue { who: 0, jobs: 1, sites: 0, from: 0, days: 4 },
        Step::WriteProcedure { who: 0, req: 0 },
        Step::Submit { who: 0, req: 0 },
        Step::DecideProcedure { who: 0, req: 0, approve: true },
        Step::RecordAll { who: 0, req: 0, day: 0, hour: 0 },
        Step::Report { who: 0, req: 0 },
        Step::DecideReport { who: 0, req: 0, approve: true },
    ] {
        w.apply(&s).await;
        let wrong = w.broken(&cal).await;
        assert!(wrong.is_empty(), "after {s:?}: {wrong:?}");
    }
    assert_eq!((w.reached.records, w.reached.accepted), (1, 1));

    // The checker sees what a door that skipped the rules would leave: a job done with no
    // report, work on a Saturday evening, a trail naming a record deleted.
    let pool = w.app.store.pool();
    let job = w.jobs[1];
    sqlx::query("UPDATE jobs SET status = 'done' WHERE id = $1")
        .bind(job)
        .execute(pool)
        .await
        .expect("job");
    sqlx::query("UPDATE work_records SET started_at = '2020-10-10T09:00:00Z', ended_at = '2020-10-10T09:30:00Z'")
        .execute(pool)
        .await
        .expect("record");
    let last: i64 = sqlx::query_scalar("SELECT MAX(id) FROM work_records")
        .fetch_one(pool)
        .await
        .expect("id");
    sqlx::query("INSERT INTO work_records (request_id, procedure_id, terminal_id, step_order, outcome, performer_id, \
         started_at, ended_at, recorded_by, recorded_at, replaced_at) SELECT request_id, procedure_id, terminal_id, \
         step_order, outcome, performer_id, started_at, ended_at, recorded_by, recorded_at, 'x' FROM work_records WHERE id = $1")
        .bind(last)
        .execute(pool)
        .await
        .expect("copy");
    sqlx::query("DELETE FROM work_records WHERE id = $1")
        .bind(last)
        .execute(pool)
        .await
        .expect("delete");
    let wrong = w.broken(&cal).await.join("\n");
    for seen in [
        format!("job {job} is done without an accepted report"),
        "閉庁日".to_string(),
        format!("names work_record {last}"),
    ] {
        assert!(wrong.contains(&seen), "the checker misses {seen:?}:\n{wrong}");
    }
}

both_engines!(the_straight_walk_reaches_acceptance);
