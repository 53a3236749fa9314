//! J-LIS notices and jobs through the real server (R2, R3): notices recorded once per
//! J-LIS reference, jobs created from them (moving the notice) or by the City's order on
//! the terminals in use at creation, moved by the state machine with Japanese reasons,
//! counted against the contract's estimates; bad input named, nothing half-written.

use chrono::Utc;
use jukiops_domain::people::Role;
use jukiops_domain::time::today_jst;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, problem_fields};

pub async fn post(c: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = c.post(url).json(&body).send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn get(c: &reqwest::Client, url: String) -> (u16, Value) {
    let r = c.get(url).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Creates a terminal at 中央区 (011011) and returns its id.
pub async fn terminal(app: &TestApp, asset: &str, status: &str) -> i64 {
    let lead = app.client(Role::ContractorLead).await;
    let body = json!({"asset_number": asset, "serial": format!("S{asset}"), "model": "型式",
        "site_code": "011011", "status": status});
    let (s, t) = post(&lead, app.url("/api/v1/terminals"), body).await;
    assert_eq!(s, 201, "{t}");
    t["id"].as_i64().expect("id")
}

pub fn notice(reference: &str, kind: &str) -> Value {
    json!({"received_on": "2020-10-01", "jlis_reference": reference, "title": "更新の通知",
        "body": "統合端末のソフトウェアを更新してください。", "kind": kind, "requested_deadline": "2020-11-30"})
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(app.store.pool())
        .await
        .expect("count")
}

async fn a_notice_leads_to_jobs_and_closes_when_they_are_done(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let t1 = terminal(&app, "T-1", "in_service").await;
    let t2 = terminal(&app, "T-2", "under_repair").await;
    terminal(&app, "T-3", "spare").await;

    // Only the City records notices; bad fields are named; a reference is recorded once.
    let (s, _) = post(&lead, app.url("/api/v1/notices"), notice("J-1", "ア")).await;
    assert_eq!(s, 403);
    let before = app.audit_count().await;
    let mut bad = notice("J-1", "エ");
    bad["received_on"] = json!("2020-13-01");
    let (s, body) = post(&city, app.url("/api/v1/notices"), bad).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(problem_fields(&body), ["received_on", "kind"]);
    assert_eq!(app.audit_count().await, before, "nothing written");
    let (s, n) = post(&city, app.url("/api/v1/notices"), notice("J-1", "ア")).await;
    assert_eq!(s, 201, "{n}");
    assert_eq!(
        (n["status"].as_str(), n["category"].as_str()),
        (Some("received"), Some("ア"))
    );
    let nid = n["id"].as_i64().expect("id");
    let (s, body) = post(&city, app.url("/api/v1/notices"), notice("J-1", "イ")).await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(problem_fields(&body), ["jlis_reference"]);
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("既に登録"),
        "{body}"
    );

    let (_, page) = get(&city, app.url("/api/v1/notices?status=received&kind=ア")).await;
    assert_eq!(page["total"], 1, "{page}");
    let (_, page) = get(&city, app.url("/api/v1/notices?kind=os_security_update")).await;
    assert_eq!(page["total"], 0, "{page}");
    let (s, body) = get(&city, app.url("/api/v1/notices?status=open")).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["status".to_string()])
    );

    // A job of another category than the notice's is refused, and the notice stays put.
    let job = json!({"category": "イ", "origin": "notice", "notice_id": nid, "title": "更新作業", "all_terminals": true});
    let (s, body) = post(&lead, app.url("/api/v1/jobs"), job).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["category".to_string()]),
        "{body}"
    );
    // The contractor's lead may not record 作業登録 on a notice: the City does.
    let job = json!({"category": "ア", "origin": "notice", "notice_id": nid, "title": "更新作業", "all_terminals": true});
    let (s, body) = post(&lead, app.url("/api/v1/jobs"), job.clone()).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (409, vec!["notice_id".to_string()]),
        "{body}"
    );
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("本市担当者"),
        "{body}"
    );
    assert_eq!(count(&app, "jobs").await, 0);

    // "All terminals" resolves to those installed now (not the spare), stored with the job.
    let (s, j) = post(&city, app.url("/api/v1/jobs"), job).await;
    assert_eq!(s, 201, "{j}");
    let jid = j["id"].as_i64().expect("id");
    let ids: Vec<i64> = j["terminals"]
        .as_array()
        .expect("terminals")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, [t1, t2]);
    assert_eq!(
        (j["all_terminals"].as_bool(), j["status"].as_str()),
        (Some(true), Some("planned"))
    );
    terminal(&app, "T-4", "in_service").await;
    let (_, j) = get(&city, app.url(&format!("/api/v1/jobs/{jid}"))).await;
    assert_eq!(
        j["terminals"].as_array().map(Vec::len),
        Some(2),
        "later terminals are not added"
    );
    let (_, n) = get(&city, app.url(&format!("/api/v1/notices/{nid}"))).await;
    assert_eq!(n["status"], "jobs_created");
    assert_eq!(n["jobs"][0]["id"], jid);

    // Closing waits for the jobs; each move is checked against the role and the status.
    let close = json!({"verb": "close"});
    let tr = app.url(&format!("/api/v1/notices/{nid}/transition"));
    let (s, body) = post(&city, tr.clone(), close.clone()).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (409, vec!["status".to_string()]),
        "{body}"
    );
    let (s, body) = post(&city, tr.clone(), json!({"verb": "create_jobs"})).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["verb".to_string()]),
        "{body}"
    );
    let jt = app.url(&format!("/api/v1/jobs/{jid}/transition"));
    let (s, body) = post(&lead, jt.clone(), json!({"verb": "request"})).await;
    assert_eq!(s, 403, "the City requests: {body}");
    let (s, body) = post(&city, jt.clone(), json!({"verb": "complete"})).await;
    assert_eq!(s, 409, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("結果報告を承認したとき"),
        "{body}"
    );
    let (s, _) = post(&worker, jt.clone(), json!({"verb": "cancel"})).await;
    assert_eq!(s, 403, "a worker does not manage jobs");
    // By itself a job is only cancelled: it is requested by issuing its 作業依頼書, started
    // by the first work recorded and completed by the City's acceptance of the report (R8).
    for (who, verb) in [(&city, "request"), (&worker, "start"), (&city, "complete")] {
        let (s, body) = post(who, jt.clone(), json!({"verb": verb})).await;
        assert_eq!((s, problem_fields(&body)), (409, vec!["verb".to_string()]), "{verb}: {body}");
    }
    let rid = crate::support::request_and_approve(&app, &[jid]).await;
    let me = app.user_id(Role::ContractorWorker).await;
    let records: Vec<Value> = [t1, t2].iter().map(|t| json!({"terminal_id": t, "step_order": 1,
        "outcome": "done", "performer_id": me, "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 09:30"})).collect();
    let (s, body) = post(&worker, app.url(&format!("/api/v1/requests/{rid}/records")), json!({"records": records})).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = post(&city, jt.clone(), json!({"verb": "cancel"})).await;
    assert_eq!((s, problem_fields(&body)), (409, vec!["verb".to_string()]), "cancelled with its request: {body}");
    let lead = app.client(Role::ContractorLead).await;
    let (s, body) = post(&lead, app.url(&format!("/api/v1/requests/{rid}/report")), json!({})).await;
    assert!(s < 300, "{body}");
    let report = body["reports"][0]["id"].as_i64().expect("report");
    let (s, body) = post(&city, app.url(&format!("/api/v1/reports/{report}/decision")), json!({"verdict": "approve"})).await;
    assert!(s < 300, "{body}");
    let (_, j) = get(&city, app.url(&format!("/api/v1/jobs/{jid}"))).await;
    assert_eq!(j["status"], "done");
    assert_eq!(j["done_on"], today_jst(Utc::now()).to_string());
    // The notice's last job is done: it closes with it.
    let (_, n) = get(&city, app.url(&format!("/api/v1/notices/{nid}"))).await;
    assert_eq!(n["status"], "closed", "{n}");
    let (s, body) = post(&city, tr.clone(), close).await;
    assert_eq!(s, 409, "closed once: {body}");
    let (s, body) = post(&city, tr, json!({"verb": "withdraw"})).await;
    assert_eq!(s, 409, "{body}");

    // No more jobs from a closed notice.
    let job = json!({"category": "ア", "origin": "notice", "notice_id": nid, "title": "追加", "terminal_ids": [t1]});
    let (s, body) = post(&city, app.url("/api/v1/jobs"), job).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (409, vec!["notice_id".to_string()]),
        "{body}"
    );

    // Every change is in the notice's and the job's history.
    let (_, h) = get(&city, app.url(&format!("/api/v1/audit/notice/{nid}"))).await;
    let actions: Vec<&str> = h["items"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["create", "create_jobs", "transition"]);
    let (_, h) = get(&worker, app.url(&format!("/api/v1/audit/job/{jid}"))).await;
    assert_eq!(h["items"].as_array().map(Vec::len), Some(4), "{h}");
    assert_eq!(h["total"], 4);
}

async fn job_input_is_checked_and_nothing_is_half_written(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let before = app.audit_count().await;
    let job = |v: Value| {
        let mut j = json!({"category": "エ", "origin": "city_order", "title": "設定変更"});
        if let (Some(o), Value::Object(e)) = (j.as_object_mut(), v) {
            o.extend(e);
        }
        j
    };
    let cases = [
        (json!({"all_terminals": true}), "terminal_ids", 422),
        (json!({"terminal_ids": [999999]}), "terminal_ids", 422),
        (
            json!({"origin": "notice", "notice_id": 999999, "all_terminals": true}),
            "origin",
            422,
        ),
        (
            json!({"category": "ウ", "origin": "notice", "notice_id": 999999, "all_terminals": true}),
            "notice_id",
            422,
        ),
        (
            json!({"category": "ケ", "all_terminals": true}),
            "category",
            422,
        ),
        (json!({"title": " ", "all_terminals": true}), "title", 422),
    ];
    for (patch, field, status) in cases {
        let (s, body) = post(&city, app.url("/api/v1/jobs"), job(patch.clone())).await;
        assert_eq!(s, status, "{patch}: {body}");
        assert!(
            problem_fields(&body).contains(&field.to_string()),
            "{patch}: {body}"
        );
    }
    let (s, body) = get(&city, app.url("/api/v1/jobs?category=X")).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["category".to_string()])
    );
    let t = terminal(&app, "T-9", "retired").await;
    let (s, body) = post(
        &city,
        app.url("/api/v1/jobs"),
        job(json!({"terminal_ids": [t]})),
    )
    .await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["terminal_ids".to_string()]),
        "{body}"
    );
    assert_eq!(count(&app, "jobs").await, 0);
    assert_eq!(count(&app, "job_terminals").await, 0);
    // Only the terminal creation above was written.
    assert_eq!(app.audit_count().await, before + 1);
}

async fn counts_follow_the_jobs(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let worker = app.client(Role::ContractorWorker).await;
    let t = terminal(&app, "T-1", "in_service").await;
    let (_, n) = post(
        &city,
        app.url("/api/v1/notices"),
        notice("J-7", "settings_change"),
    )
    .await;
    let nid = n["id"].as_i64().expect("id");
    let mut ids = Vec::new();
    for body in [
        json!({"category": "ウ", "origin": "notice", "notice_id": nid, "title": "設定変更", "terminal_ids": [t]}),
        json!({"category": "エ", "origin": "city_order", "title": "本市の設定変更", "terminal_ids": [t]}),
        json!({"category": "キ", "origin": "incident", "title": "障害対応", "terminal_ids": [t]}),
    ] {
        let (s, j) = post(&city, app.url("/api/v1/jobs"), body).await;
        assert_eq!(s, 201, "{j}");
        ids.push(j["id"].as_i64().expect("id"));
    }
    let rid = crate::support::request_and_approve(&app, &ids[..1]).await;
    let me = app.user_id(Role::ContractorWorker).await;
    let record = json!({"records": [{"terminal_id": t, "step_order": 1, "outcome": "done",
        "performer_id": me, "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 09:30"}]});
    let (s, body) = post(&worker, app.url(&format!("/api/v1/requests/{rid}/records")), record).await;
    assert_eq!(s, 200, "{body}");
    let lead = app.client(Role::ContractorLead).await;
    let (s, body) = post(&lead, app.url(&format!("/api/v1/requests/{rid}/report")), json!({})).await;
    assert!(s < 300, "{body}");
    let report = body["reports"][0]["id"].as_i64().expect("report");
    let decision = app.url(&format!("/api/v1/reports/{report}/decision"));
    let (s, body) = post(&city, decision, json!({"verdict": "approve"})).await;
    assert!(s < 300, "{body}");
    let (s, _) = post(
        &city,
        app.url(&format!("/api/v1/jobs/{}/transition", ids[2])),
        json!({"verb": "cancel"}),
    )
    .await;
    assert_eq!(s, 200);

    let (s, c) = get(&worker, app.url("/api/v1/jobs/counts")).await;
    assert_eq!(s, 200, "{c}");
    let rows = c["rows"].as_array().expect("rows");
    let labels: Vec<&str> = rows.iter().filter_map(|r| r["label"].as_str()).collect();
    assert_eq!(labels, ["ア", "イ", "ウ・エ", "オ", "カ", "キ", "ク"]);
    assert_eq!(
        (
            rows[2]["done"].as_u64(),
            rows[2]["open"].as_u64(),
            rows[2]["remaining"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(
        (rows[5]["done"].as_u64(), rows[5]["open"].as_u64()),
        (Some(0), Some(0)),
        "cancelled jobs are not counted"
    );
    let months: Vec<&str> = c["burn_down"]
        .as_array()
        .expect("burn down")
        .iter()
        .filter_map(|p| p["label"].as_str())
        .collect();
    assert_eq!(months, ["10月", "11月", "12月", "1月", "2月", "3月"]);

    let (_, page) = get(&worker, app.url("/api/v1/jobs?category=ウ&status=done")).await;
    assert_eq!(page["total"], 1, "{page}");
    let html = worker
        .get(app.url("/"))
        .send()
        .await
        .expect("dashboard")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("作業の件数と見込み回数") && html.contains("ウ・エ"),
        "dashboard card"
    );
}

/// A notice, a done job and a checklist template of another contract year, written as an
/// earlier year's server would have: not found, not listed, not counted, and no new job,
/// password change or attachment refers to them.
async fn records_of_another_year_are_not_found(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let worker = app.client(Role::ContractorWorker).await;
    let t = terminal(&app, "T-1", "in_service").await;
    let pool = app.store.pool();
    let at = "2019-10-01T00:00:00.000000Z";
    let year: i64 = sqlx::query_scalar(
        "INSERT INTO contracts (name, fiscal_year, period_start, period_end, source, source_sha256, loaded_at) \
         VALUES ('前年度の契約', 2019, '2019-10-01', '2020-03-31', '', '', $1) RETURNING id",
    )
    .bind(at)
    .fetch_one(pool)
    .await
    .expect("contract");
    let notice: i64 = sqlx::query_scalar(
        "INSERT INTO notices (jlis_reference, received_on, kind, title, body, status, created_by, \
         created_at, updated_at, contract_id) VALUES ('J-2019', '2019-10-01', 'software_update', \
         '前年度の通知', '本文', 'jobs_created', 'city-staff', $1, $1, $2) RETURNING id",
    )
    .bind(at)
    .bind(year)
    .fetch_one(pool)
    .await
    .expect("notice");
    let job: i64 = sqlx::query_scalar(
        "INSERT INTO jobs (category, origin, notice_id, title, description, all_terminals, status, \
         done_on, created_by, created_at, updated_at, contract_id) VALUES ('オ', 'city_order', NULL, \
         '前年度の作業', '', 0, 'requested', NULL, 'city-staff', $1, $1, $2) RETURNING id",
    )
    .bind(at)
    .bind(year)
    .fetch_one(pool)
    .await
    .expect("job");
    sqlx::query("INSERT INTO job_terminals (job_id, terminal_id) VALUES ($1, $2)")
        .bind(job)
        .bind(t)
        .execute(pool)
        .await
        .expect("job terminal");
    sqlx::query(
        "INSERT INTO inspection_templates (items, edited_by, edited_at, contract_id) \
         VALUES ('[{\"id\":\"old\",\"label\":\"前年度\",\"kind\":\"text\"}]', 'city-staff', $1, $2)",
    )
    .bind(at)
    .bind(year)
    .execute(pool)
    .await
    .expect("template");

    for path in [
        format!("/api/v1/jobs/{job}"),
        format!("/api/v1/jobs/{job}/rotations"),
        format!("/api/v1/notices/{notice}"),
        format!("/jobs/{job}"),
        format!("/notices/{notice}"),
    ] {
        let r = worker.get(app.url(&path)).send().await.expect("get");
        assert_eq!(r.status(), 404, "{path}");
    }
    for path in ["/api/v1/jobs", "/api/v1/notices"] {
        let (_, page) = get(&worker, app.url(path)).await;
        assert_eq!(page["total"], 0, "{path}: {page}");
    }
    let (_, c) = get(&worker, app.url("/api/v1/jobs/counts")).await;
    assert_eq!(c["rows"][3]["open"], 0, "{c}");
    let (_, t0) = get(&worker, app.url("/api/v1/inspection/template")).await;
    assert_eq!(t0["items"][0]["id"], "location", "{t0}");

    let before = app.audit_count().await;
    let from_old = json!({"category": "ア", "origin": "notice", "notice_id": notice, "title": "更新", "all_terminals": true});
    let (s, body) = post(&city, app.url("/api/v1/jobs"), from_old).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["notice_id".to_string()]),
        "{body}"
    );
    let (s, _) = post(
        &city,
        app.url(&format!("/api/v1/jobs/{job}/transition")),
        json!({"verb": "cancel"}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = post(
        &city,
        app.url(&format!("/api/v1/notices/{notice}/transition")),
        json!({"verb": "withdraw"}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = post(
        &city,
        app.url(&format!("/api/v1/jobs/{job}/waiver")),
        json!({"scope": "all", "decided_on": "2020-11-01"}),
    )
    .await;
    assert_eq!(s, 404);
    let me: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'contractor-worker'")
        .fetch_one(pool)
        .await
        .expect("worker");
    let (s, body) = post(&worker, app.url("/api/v1/password-rotations"),
        json!({"job_id": job, "terminal_id": t, "performer_id": me, "rotated_at": "2020-10-05 10:30"})).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["job_id".to_string()]),
        "{body}"
    );
    let r = city
        .post(app.url(&format!(
            "/api/v1/attachments?owner=notice&owner_id={notice}"
        )))
        .header("content-type", "application/octet-stream")
        .header("x-file-name", "a.txt")
        .body("text")
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), 404);
    assert_eq!(app.audit_count().await, before, "nothing written");
}

/// Repeated inputs past their bound are refused at once, naming the field and the limit.
async fn lists_past_their_bound_are_refused(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let before = app.audit_count().await;
    let ids: Vec<i64> = (1..=1001).collect();
    let (s, body) = post(
        &city,
        app.url("/api/v1/jobs"),
        json!({"category": "エ", "origin": "city_order", "title": "設定変更", "terminal_ids": ids}),
    )
    .await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["terminal_ids".to_string()]),
        "{body}"
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("1000台まで"),
        "{body}"
    );
    let pairs: Vec<(&str, String)> = [("category", "エ".to_string()), ("title", "設定変更".into())]
        .into_iter()
        .chain((1..=1001).map(|i| ("terminal_ids", i.to_string())))
        .collect();
    let r = city
        .post(app.url("/jobs"))
        .form(&pairs)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("は1000件までです。"), "{html}");
    let waiver = json!({"scope": "part", "decided_on": "2020-11-01",
        "deliverables": (0..=50).map(|i| format!("成果品{i}")).collect::<Vec<_>>()});
    let (s, body) = post(&city, app.url("/api/v1/jobs/1/waiver"), waiver).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["deliverables".to_string()]),
        "{body}"
    );
    let answers: Vec<Value> = (0..=100)
        .map(|i| json!({"item_id": format!("i{i}"), "value": "pass"}))
        .collect();
    let worker = app.client(Role::ContractorWorker).await;
    let (s, body) = post(&worker, app.url("/api/v1/jobs/1/inspections"),
        json!({"terminal_id": 1, "inspected_on": "2020-11-10", "inspector_id": 1, "answers": answers})).await;
    assert_eq!(
        (s, problem_fields(&body)),
        (422, vec!["answers".to_string()]),
        "{body}"
    );
    let rows: Vec<(&str, String)> = (0..=103)
        .flat_map(|i| {
            [
                ("id", format!("i{i}")),
                ("label", "項目".into()),
                ("kind", "text".into()),
            ]
        })
        .collect();
    let r = city
        .post(app.url("/inspection/template"))
        .form(&rows)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    assert_eq!(app.audit_count().await, before, "nothing written");
}

both_engines!(
    a_notice_leads_to_jobs_and_closes_when_they_are_done,
    job_input_is_checked_and_nothing_is_half_written,
    counts_follow_the_jobs,
    records_of_another_year_are_not_found,
    lists_past_their_bound_are_refused,
);
