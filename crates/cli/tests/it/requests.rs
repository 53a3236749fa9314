//! The request chain through the real server (R8), with the specification's own example:
//! イ, ウ and オ combined into one October visit to all ward offices, done within 3 business
//! days; a question blocking approval; a procedure returned and resubmitted; work recorded
//! before approval refused; the report accepted, closing the jobs.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, problem_fields};

const WARDS: [&str; 10] = [
    "011011", "011029", "011037", "011045", "011088", "011053", "011100", "011061", "011070",
    "011096",
];

async fn send(
    c: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = c.request(method, url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(c: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    send(c, reqwest::Method::POST, url, Some(body)).await
}

/// One terminal per ward office; returns the site ids.
async fn seed(app: &TestApp) -> Vec<i64> {
    let lead = app.client(Role::ContractorLead).await;
    let mut sites = Vec::new();
    for (n, code) in WARDS.iter().enumerate() {
        let body = json!({"asset_number": format!("R-{n:02}"), "serial": format!("RS-{n:02}"), "model": "型式", "site_code": code});
        let (status, t) = post(&lead, app.url("/api/v1/terminals"), body).await;
        assert_eq!(status, 201, "{t}");
        sites.push(t["site_id"].as_i64().expect("site"));
    }
    sites
}

async fn the_combined_october_visit_from_notice_to_acceptance(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let sites = seed(&app).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let people = app.store.contractor_people().await.expect("people");
    let worker_id = people
        .iter()
        .find(|p| p.username == "contractor-worker")
        .expect("worker")
        .id;
    let all: Vec<i64> = people.iter().map(|p| p.id).collect();

    // Two J-LIS notices (イ, ウ) and the City's order (オ), each a job on every terminal.
    let mut jobs = Vec::new();
    for (kind, category, reference) in [
        ("os_security_update", "イ", "J-LIS-2020-101"),
        ("settings_change", "ウ", "J-LIS-2020-102"),
    ] {
        let (status, n) = post(
            &city,
            app.url("/api/v1/notices"),
            json!({"received_on": "2020-10-01", "jlis_reference": reference,
            "title": "通知", "body": "本文", "kind": kind}),
        )
        .await;
        assert_eq!(status, 201, "{n}");
        let (status, j) = post(
            &city,
            app.url("/api/v1/jobs"),
            json!({"category": category, "origin": "notice",
            "notice_id": n["id"], "title": format!("{category}の作業"), "all_terminals": true}),
        )
        .await;
        assert_eq!(status, 201, "{j}");
        jobs.push(j["id"].as_i64().expect("job"));
    }
    let (status, j) = post(
        &city,
        app.url("/api/v1/jobs"),
        json!({"category": "オ", "origin": "city_order",
        "title": "管理者パスワードの変更", "all_terminals": true}),
    )
    .await;
    assert_eq!(status, 201, "{j}");
    jobs.push(j["id"].as_i64().expect("job"));

    // One 作業依頼書 for the three: combining them needs the City's approval recorded.
    let mut request = json!({"request_number": "R2-001", "issued_on": "2020-10-01", "period_from": "2020-10-05",
        "period_to": "2020-10-07", "site_ids": sites, "contents": "イ・ウ・オを同時に実施", "job_ids": jobs});
    let (status, body) = post(&city, app.url("/api/v1/requests"), request.clone()).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), vec!["combination_approved"]);
    request["combination_approved"] = json!(true);
    let (status, _) = post(&lead, app.url("/api/v1/requests"), request.clone()).await;
    assert_eq!(status, 403, "only the City issues requests");
    let (status, d) = post(&city, app.url("/api/v1/requests"), request).await;
    assert_eq!(status, 201, "{d}");
    let rid = d["request"]["id"].as_i64().expect("request");
    assert_eq!(d["terminals"].as_array().expect("terminals").len(), 10);
    assert!(
        d["request"]["jobs"]
            .as_array()
            .expect("jobs")
            .iter()
            .all(|j| j["status"] == "requested")
    );

    // The visit: every ward office within 3 business days from 10/5.
    let (status, plan) = post(
        &lead,
        app.url("/api/v1/plans/preview"),
        json!({"title": "R2-001", "purpose": "イ・ウ・オ",
        "start": "2020-10-05", "work_minutes_per_terminal": 60, "site_ids": sites,
        "workers": all.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()}),
    )
    .await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["within_deadline"], true, "{plan}");

    // A question, then version 1 of the procedure.
    let (status, _) = post(
        &worker,
        app.url(&format!("/api/v1/requests/{rid}/questions")),
        json!({"subject": "再起動の要否", "body": "更新後の再起動は窓口終了後でよいか"}),
    )
    .await;
    assert_eq!(status, 201);
    let steps = json!({"steps": [{"action": "OS更新プログラムを適用する", "expected_result": "更新履歴に表示される"},
        {"action": "設定を変更する", "expected_result": "設定値が通知のとおり"}]});
    let (status, d) = send(
        &lead,
        reqwest::Method::PUT,
        app.url(&format!("/api/v1/requests/{rid}/procedure")),
        Some(steps.clone()),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    let v1 = d["procedures"][0]["id"].as_i64().expect("v1");
    let (status, _) = post(
        &lead,
        app.url(&format!("/api/v1/procedures/{v1}/submit")),
        json!({}),
    )
    .await;
    assert_eq!(status, 204);

    // Work before approval is refused.
    let record = |terminal: &Value, step: u32| {
        json!({"terminal_id": terminal["id"], "step_order": step, "outcome": "done",
        "performer_id": worker_id, "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 09:30"})
    };
    let terminals = d["terminals"].as_array().expect("terminals").clone();
    let (status, body) = post(
        &worker,
        app.url(&format!("/api/v1/requests/{rid}/records")),
        json!({"records": [record(&terminals[0], 1)]}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"].as_str().unwrap_or_default().contains("承認"),
        "{body}"
    );

    // The open question blocks approval; once answered, the City returns v1 with a comment.
    let decide = app.url(&format!("/api/v1/procedures/{v1}/decision"));
    let (status, body) = post(&city, decide.clone(), json!({"verdict": "approve"})).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"].as_str().unwrap_or_default().contains("疑義"),
        "{body}"
    );
    let d = send(
        &city,
        reqwest::Method::GET,
        app.url(&format!("/api/v1/requests/{rid}")),
        None,
    )
    .await
    .1;
    let qid = d["questions"][0]["id"].as_i64().expect("question");
    let (status, _) = post(
        &city,
        app.url(&format!("/api/v1/questions/{qid}/answer")),
        json!({"answer": "17時15分以降に行ってください", "change": "再起動は時間外"}),
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = post(&city, decide.clone(), json!({"verdict": "return"})).await;
    assert_eq!(status, 422, "returning needs a comment: {body}");
    let (status, _) = post(
        &city,
        decide,
        json!({"verdict": "return", "comment": "再起動の手順を追加してください"}),
    )
    .await;
    assert_eq!(status, 204);

    // Version 2, submitted and approved: approval belongs to version 2 only.
    let mut steps2 = steps.clone();
    steps2["steps"]
        .as_array_mut()
        .expect("steps")
        .push(json!({"action": "再起動する", "expected_result": "ログイン画面が表示される"}));
    let (status, d) = send(
        &lead,
        reqwest::Method::PUT,
        app.url(&format!("/api/v1/requests/{rid}/procedure")),
        Some(steps2),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["procedures"][0]["version"], 2);
    assert_eq!(d["procedures"][1]["status"], "returned");
    let v2 = d["procedures"][0]["id"].as_i64().expect("v2");
    assert_eq!(
        post(
            &lead,
            app.url(&format!("/api/v1/procedures/{v2}/submit")),
            json!({})
        )
        .await
        .0,
        204
    );
    assert_eq!(
        post(
            &lead,
            app.url(&format!("/api/v1/procedures/{v2}/decision")),
            json!({"verdict": "approve"})
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(
            &city,
            app.url(&format!("/api/v1/procedures/{v2}/decision")),
            json!({"verdict": "approve", "comment": "承認"})
        )
        .await
        .0,
        204
    );

    // The A4 checklist of one site, printed for offline work.
    let sheet = worker
        .get(app.url(&format!("/requests/{rid}/checklist?site_id={}", sites[0])))
        .send()
        .await
        .expect("sheet");
    assert_eq!(sheet.status(), 200);
    let html = sheet.text().await.expect("html");
    assert!(
        html.contains("統合端末 R-00") && html.contains("□実施済") && html.contains("第2版"),
        "checklist"
    );
    let words = crate::pages::english_words(&crate::pages::visible_text(&html));
    assert!(words.is_empty(), "English left on the checklist: {words:?}");
    let r = worker
        .get(app.url(&format!("/requests/{rid}/checklist?site_id=999999")))
        .send()
        .await
        .expect("sheet");
    assert_eq!(r.status(), 404, "a site not on the request");

    // More than the request has is refused before anything is built: on the page form,
    // more terminals ticked than it covers; in a list, more records than its 10 terminals
    // times 3 steps.
    let mut ticked: Vec<(String, String)> = terminals
        .iter()
        .map(|t| ("terminal_id".to_string(), t["id"].to_string()))
        .collect();
    ticked.push(("terminal_id".into(), "999999".into()));
    ticked.extend([
        ("step_order".into(), "1".into()),
        ("outcome".into(), "done".into()),
        ("performer_id".into(), worker_id.to_string()),
        ("started_at".into(), "2020-10-05T09:00".into()),
        ("ended_at".into(), "2020-10-05T09:30".into()),
    ]);
    let r = worker
        .post(app.url(&format!("/requests/{rid}/records")))
        .form(&ticked)
        .send()
        .await
        .expect("record form");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("対象の10台まで"), "the page names the bound");
    let too_many: Vec<Value> = (0..31).map(|_| record(&terminals[0], 1)).collect();
    let (status, body) = post(
        &worker,
        app.url(&format!("/api/v1/requests/{rid}/records")),
        json!({"records": too_many}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), vec!["records"]);
    assert!(
        body["detail"].as_str().unwrap_or_default().contains("30件"),
        "{body}"
    );

    // Work at 18:00 without the City's approval of off-hours work is refused (R5.3).
    let mut late = record(&terminals[0], 1);
    late["started_at"] = json!("2020-10-05 18:00");
    late["ended_at"] = json!("2020-10-05 18:30");
    let (status, body) = post(
        &worker,
        app.url(&format!("/api/v1/requests/{rid}/records")),
        json!({"records": [late]}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("時間外作業"),
        "{body}"
    );

    // Every step on every terminal, recorded in one go (an offline checklist entered afterwards).
    let records: Vec<Value> = terminals
        .iter()
        .flat_map(|t| (1..=3).map(|s| record(t, s)).collect::<Vec<_>>())
        .collect();
    let (status, d) = post(
        &worker,
        app.url(&format!("/api/v1/requests/{rid}/records")),
        json!({"records": records}),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["request"]["status"], "in_progress");
    assert_eq!(d["records"].as_array().expect("records").len(), 30);
    assert!(
        d["report_preview"]["incomplete_terminals"]
            .as_array()
            .expect("list")
            .is_empty()
    );

    // The report, accepted: the request and its jobs are done.
    let (status, d) = post(
        &lead,
        app.url(&format!("/api/v1/requests/{rid}/report")),
        json!({}),
    )
    .await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["request"]["status"], "reported");
    let report = d["reports"][0]["id"].as_i64().expect("report");
    let (status, _) = post(
        &city,
        app.url(&format!("/api/v1/reports/{report}/decision")),
        json!({"verdict": "approve"}),
    )
    .await;
    assert_eq!(status, 204);
    let d = send(
        &city,
        reqwest::Method::GET,
        app.url(&format!("/api/v1/requests/{rid}")),
        None,
    )
    .await
    .1;
    assert_eq!(d["request"]["status"], "accepted");
    assert!(
        d["request"]["jobs"]
            .as_array()
            .expect("jobs")
            .iter()
            .all(|j| j["status"] == "done"),
        "{d}"
    );

    // Evidence is frozen once the request is closed.
    let r = worker
        .post(app.url(&format!("/api/v1/attachments?owner=request&owner_id={rid}")))
        .header("content-type", "text/plain")
        .header("x-file-name", "memo.txt")
        .body("作業後の確認メモ")
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), 409, "no evidence after acceptance");

    // The counts against the contract's estimates: イ, ウ・エ (one row) and オ each done once.
    let counts = send(
        &city,
        reqwest::Method::GET,
        app.url("/api/v1/jobs/counts"),
        None,
    )
    .await
    .1;
    let row = |label: &str| {
        counts["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["label"] == label)
            .cloned()
            .unwrap_or(Value::Null)
    };
    for label in ["イ", "ウ・エ", "オ"] {
        assert_eq!(row(label)["done"], 1, "{label}: {counts}");
        assert_eq!(row(label)["open"], 0, "{label}: {counts}");
    }
    assert_eq!(row("ア")["done"], 0);
    let dashboard = city
        .get(app.url("/"))
        .send()
        .await
        .expect("dashboard")
        .text()
        .await
        .expect("html");
    assert!(dashboard.contains("ウ・エ"), "the counts card");

    // The page renders for the auditor.
    let html = app
        .client(Role::Auditor)
        .await
        .get(app.url(&format!("/requests/{rid}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("R2-001") && html.contains("第2版"),
        "request page"
    );
}

/// The work-record form of a request's page is bounded before any work: a ~50 kB form from
/// a role that may not record work is refused (403) before its body is read, and one from
/// the lead ticking more terminals than any request covers is refused (422) naming the
/// field and the limit, before anything is built from it.
async fn an_oversized_record_form_is_refused_at_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let mut body = String::new();
    let mut n = 0;
    while body.len() < 50_000 {
        n += 1;
        body.push_str(&format!("terminal_id={n}&"));
    }
    body.push_str("step_order=1&outcome=done");
    let send = |c: reqwest::Client| {
        let body = body.clone();
        let url = app.url("/requests/1/records");
        async move {
            let started = std::time::Instant::now();
            let r = c
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .expect("send");
            let status = r.status().as_u16();
            let text = r.text().await.expect("text");
            (status, text, started.elapsed())
        }
    };
    let (status, _, took) = send(app.client(Role::Auditor).await).await;
    assert_eq!(status, 403);
    assert!(took < std::time::Duration::from_millis(500), "{took:?}");
    let (status, html, took) = send(app.client(Role::ContractorLead).await).await;
    assert_eq!(status, 422);
    let limit = jukiops_domain::requests::MAX_REQUEST_TERMINALS;
    assert!(
        html.contains("統合端末") && html.contains(&format!("{limit}件まで")),
        "the field and the limit are named"
    );
    assert!(took < std::time::Duration::from_millis(500), "{took:?}");
}

both_engines!(
    the_combined_october_visit_from_notice_to_acceptance,
    an_oversized_record_form_is_refused_at_once
);
