//! The schedule through the real server (R5.2, R5.3, R5.5): visits refused on closed days
//! without cover, the contractor's off-hours work refused until the City approves it,
//! permits flagged until granted, and every change audited.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, problem_fields, username};

async fn site_id(app: &TestApp, code: &str) -> i64 {
    let c = app.client(Role::ContractorLead).await;
    let sites: Value = c
        .get(app.url("/api/v1/sites?per_page=200"))
        .send()
        .await
        .expect("sites")
        .json()
        .await
        .expect("json");
    sites["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["code"] == code)
        .and_then(|s| s["id"].as_i64())
        .expect("site")
}


async fn post(c: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = c.post(url).json(&body).send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn visit(site: i64, date: &str, start: &str, end: &str, worker: i64) -> Value {
    json!({"site_id": site, "date": date, "start": start, "end": end, "purpose": "OSセキュリティ更新",
        "worker_ids": [worker]})
}

async fn a_visit_on_a_holiday_is_refused(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let chuo = site_id(&app, "011011").await;
    let worker = app.user_id(Role::ContractorWorker).await;
    let before = app.audit_count().await;
    let (status, body) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(chuo, "2020-11-03", "09:00", "12:00", worker),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), vec!["date"]);
    let message = body["errors"][0]["message"].as_str().expect("message");
    assert!(
        message.contains("11月3日(火)は閉庁日（文化の日）"),
        "{message}"
    );
    assert_eq!(app.audit_count().await, before, "nothing written");

    // Inside the window on the next business day it is planned, and shows in the month view.
    let (status, v) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(chuo, "2020-11-04", "09:00", "12:00", worker),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["status"], "planned");
    assert_eq!(v["assessment"]["warnings"], json!([]));
    let html = lead
        .get(app.url("/calendar?month=2020-11"))
        .send()
        .await
        .expect("month")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains(&format!("/visits/{}", v["id"])),
        "visit in the month view"
    );

    // The City agrees to it once; the lead may cancel it, after which it cannot move again.
    let vid = v["id"].as_i64().expect("visit");
    let city = app.client(Role::CityStaff).await;
    let agree = app.url(&format!("/api/v1/visits/{vid}/agreement"));
    assert_eq!(post(&lead, agree.clone(), json!({})).await.0, 403);
    let (status, agreed) = post(&city, agree.clone(), json!({})).await;
    assert_eq!(status, 200, "{agreed}");
    assert_eq!(agreed["agreed_by"], "city-staff");
    assert_eq!(post(&city, agree, json!({})).await.0, 409, "agreed once");

    // The same worker cannot be in two places at once.
    let (status, body) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(
            site_id(&app, "011029").await,
            "2020-11-04",
            "11:00",
            "13:00",
            worker,
        ),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(problem_fields(&body), vec!["worker_ids"]);

    let transition = app.url(&format!("/api/v1/visits/{vid}/transition"));
    let (status, body) = post(&lead, transition.clone(), json!({"verb": "cancel"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "cancelled");
    let (status, _) = post(&lead, transition, json!({"verb": "complete"})).await;
    assert_eq!(status, 409, "a cancelled visit is not recorded");
}

async fn contractor_off_hours_work_needs_the_citys_approval(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let worker_c = app.client(Role::ContractorWorker).await;
    let chuo = site_id(&app, "011011").await;
    let worker = app.user_id(Role::ContractorWorker).await;

    // Without any off-hours record, an evening visit cannot even be planned.
    let (status, body) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(chuo, "2020-11-04", "17:30", "19:00", worker),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), vec!["start"]);

    // The lead may not record the City's reason; the contractor's reason is an application.
    let oh = json!({"site_id": chuo, "date": "2020-11-04", "start": "17:15", "end": "19:30",
        "cause": "city", "reason": "窓口終了後の作業", "worker_ids": [worker]});
    let (status, body) = post(&lead, app.url("/api/v1/off-hours"), oh.clone()).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), vec!["cause"]);
    let mut applied = oh.clone();
    applied["cause"] = json!("contractor");
    let (status, application) = post(&lead, app.url("/api/v1/off-hours"), applied).await;
    assert_eq!(status, 201, "{application}");
    assert_eq!(application["status"], "requested");
    let oh_id = application["id"].as_i64().expect("id");

    // The application covers only the workers it names.
    let lead_id = app.user_id(Role::ContractorLead).await;
    let (status, body) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(chuo, "2020-11-04", "17:30", "19:00", lead_id),
    )
    .await;
    assert_eq!(status, 422, "a worker not on the application: {body}");

    // Planned under the pending application, but flagged; recording its work is refused.
    let (status, v) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(chuo, "2020-11-04", "17:30", "19:00", worker),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let vid = v["id"].as_i64().expect("id");
    assert_eq!(v["assessment"]["may_work"], false);
    let warnings = v["assessment"]["warnings"].to_string();
    assert!(warnings.contains("時間外作業は未承認"), "{warnings}");
    assert!(
        warnings.contains("時間外入館許可がありません"),
        "{warnings}"
    );
    let complete = json!({"verb": "complete"});
    let transition = app.url(&format!("/api/v1/visits/{vid}/transition"));
    let (status, body) = post(&worker_c, transition.clone(), complete.clone()).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"].as_str().unwrap_or_default().contains("承認"),
        "{body}"
    );

    // Only the City approves; then the work may be recorded.
    let decision = app.url(&format!("/api/v1/off-hours/{oh_id}/decision"));
    let (status, _) = post(&lead, decision.clone(), json!({"verb": "approve"})).await;
    assert_eq!(status, 403);
    let (status, body) = post(
        &city,
        decision.clone(),
        json!({"verb": "approve", "comment": "承認します"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "approved");
    let (status, body) = post(&city, decision, json!({"verb": "reject"})).await;
    assert_eq!(
        status, 409,
        "a decided application is not decided again: {body}"
    );
    // Approved, but the ward office after 17:15 needs its after-hours entry permit (R5.5).
    let (status, body) = post(&worker_c, transition.clone(), complete.clone()).await;
    assert_eq!((status, problem_fields(&body)), (409, vec!["permits".to_string()]), "{body}");
    let (status, p) = post(&lead, app.url("/api/v1/permits"),
        json!({"site_id": chuo, "kind": "after_hours", "valid_from": "2020-11-04", "valid_to": "2020-11-04"})).await;
    assert_eq!(status, 201, "{p}");
    let grant = app.url(&format!("/api/v1/permits/{}/decision", p["id"]));
    let (status, body) = post(&city, grant, json!({"verb": "grant"})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(&worker_c, transition.clone(), complete.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "done");
    assert_eq!(body["completed_by"], username(Role::ContractorWorker));
    let (status, _) = post(&worker_c, transition, complete).await;
    assert_eq!(status, 409, "done once");

    // The City's own reason is recorded as its instruction, with no approval step.
    let mut instructed = oh;
    instructed["date"] = json!("2020-11-07");
    instructed["start"] = json!("09:00");
    instructed["end"] = json!("12:00");
    let (status, body) = post(&city, app.url("/api/v1/off-hours"), instructed).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "instructed");
    let (status, v) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(chuo, "2020-11-07", "09:30", "11:00", worker),
    )
    .await;
    assert_eq!(
        status, 201,
        "a Saturday visit under the City's instruction: {v}"
    );
    assert_eq!(v["assessment"]["may_work"], true);

    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_entries WHERE entity IN ('off_hours', 'visit')",
    )
    .fetch_one(app.store.pool())
    .await
    .expect("count");
    assert_eq!(
        audited, 6,
        "2 off-hours records, 1 decision, 2 visits, 1 completion"
    );
}

async fn permits_are_flagged_until_granted(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let kikusui = site_id(&app, "kikusui").await;
    let chuo = site_id(&app, "011011").await;
    let worker = app.user_id(Role::ContractorWorker).await;
    let (status, v) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(kikusui, "2020-11-05", "10:00", "11:00", worker),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["assessment"]["permits"][0]["label"], "入館許可");
    assert_eq!(v["assessment"]["warnings"], json!(["入館許可がありません"]));
    let dashboard = lead
        .get(app.url("/"))
        .send()
        .await
        .expect("dash")
        .text()
        .await
        .expect("html");
    assert!(
        dashboard.contains("入館許可がありません"),
        "flagged on the dashboard"
    );

    // A building permit only where the building needs one; bad dates named.
    let (status, body) = post(
        &lead,
        app.url("/api/v1/permits"),
        json!({"site_id": chuo, "kind": "building", "valid_from": "2020-11-05"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), vec!["kind"]);
    let (status, body) = post(&lead, app.url("/api/v1/permits"),
        json!({"site_id": kikusui, "kind": "building", "valid_from": "2020-11-05", "valid_to": "2020-11-01"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), vec!["valid_to"]);

    let (status, p) = post(&lead, app.url("/api/v1/permits"),
        json!({"site_id": kikusui, "kind": "building", "valid_from": "2020-11-02", "valid_to": "2020-11-06"})).await;
    assert_eq!(status, 201, "{p}");
    let pid = p["id"].as_i64().expect("id");
    let month = lead
        .get(app.url("/calendar?month=2020-11"))
        .send()
        .await
        .expect("month")
        .text()
        .await
        .expect("html");
    assert!(
        month.contains("入館許可 札幌市菊水分庁舎(申請中)"),
        "the permit shows on its days in the month view"
    );
    let v: Value = lead
        .get(app.url(&format!("/api/v1/visits/{}", v["id"])))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(v["assessment"]["warnings"], json!(["入館許可は申請中です"]));
    let decision = app.url(&format!("/api/v1/permits/{pid}/decision"));
    let (status, _) = post(&lead, decision.clone(), json!({"verb": "grant"})).await;
    assert_eq!(status, 403);
    let (status, body) = post(
        &city,
        decision,
        json!({"verb": "grant", "comment": "許可番号 R2-15"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let v: Value = lead
        .get(app.url(&format!("/api/v1/visits/{}", v["id"])))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(v["assessment"]["warnings"], json!([]));
    assert_eq!(v["assessment"]["permits"][0]["granted_by"], pid);

    // Lists are filtered by date and paged.
    let list: Value = city
        .get(app.url("/api/v1/permits?from=2020-11-06&to=2020-11-30"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["total"], 1);
    let r = city
        .get(app.url("/api/v1/visits?from=2020-99-01"))
        .send()
        .await
        .expect("bad");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(problem_fields(&body), vec!["from"]);
}

/// Posts a page form; returns the status and the redirect's target or the page.
async fn submit(c: &reqwest::Client, url: String, form: &[(&str, String)]) -> (u16, String) {
    let r = c.post(url).form(form).send().await.expect("post");
    let status = r.status().as_u16();
    let out = match r.headers().get("location") {
        Some(l) => l.to_str().expect("location").to_string(),
        None => r.text().await.unwrap_or_default(),
    };
    (status, out)
}

async fn get_json(c: &reqwest::Client, url: String) -> Value {
    c.get(url)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json")
}

async fn the_schedule_pages_post_one_operation_each(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let worker_c = app.client(Role::ContractorWorker).await;
    let chuo = site_id(&app, "011011").await;
    let worker = app.user_id(Role::ContractorWorker).await;
    let terminal: Value = lead
        .post(app.url("/api/v1/terminals"))
        .json(&json!({"asset_number": "V-1", "serial": "V-1", "model": "型式", "site_code": "011011", "room": "市民課"}))
        .send()
        .await
        .expect("terminal")
        .json()
        .await
        .expect("json");

    // A visit planned on the page, on every terminal in use at the site.
    let visit_form = |start: &str, end: &str| {
        vec![
            ("site_id", chuo.to_string()),
            ("date", "2020-11-04".to_string()),
            ("start", start.to_string()),
            ("end", end.to_string()),
            ("purpose", "設定変更".to_string()),
            ("room", String::new()),
            ("worker_ids", worker.to_string()),
            ("all_terminals", "1".to_string()),
        ]
    };
    let (status, location) =
        submit(&lead, app.url("/schedule"), &visit_form("09:00", "10:00")).await;
    assert_eq!(status, 303, "{location}");
    let vid: i64 = location
        .strip_prefix("/visits/")
        .and_then(|id| id.parse().ok())
        .expect("the visit's page");
    let v = get_json(&lead, app.url(&format!("/api/v1/visits/{vid}"))).await;
    assert_eq!(v["terminals"][0]["id"], terminal["id"], "{v}");
    let (status, page) = submit(&lead, app.url("/schedule"), &visit_form("17:30", "18:00")).await;
    assert_eq!(status, 422, "outside the window without cover");
    assert!(page.contains("訪問を計画できません"), "{page}");
    assert!(page.contains("value=\"17:30\""), "what was typed is kept");

    // The worker records it on its own route; the lead cannot agree, the City can.
    let visit_url = |op: &str| app.url(&format!("/visits/{vid}/{op}"));
    assert_eq!(submit(&lead, visit_url("agreement"), &[]).await.0, 403);
    assert_eq!(submit(&city, visit_url("agreement"), &[]).await.0, 303);
    assert_eq!(submit(&city, visit_url("complete"), &[]).await.0, 403);
    assert_eq!(submit(&worker_c, visit_url("cancel"), &[]).await.0, 403);
    assert_eq!(submit(&worker_c, visit_url("complete"), &[]).await.0, 303);
    // Cancelling asks first (a confirmation page); confirmed, the state machine refuses.
    let (status, page) = submit(&lead, visit_url("cancel"), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("訪問を中止します") && page.contains("実行する"), "{page}");
    let confirmed = [("confirmed", "1".to_string())];
    let (status, page) = submit(&lead, visit_url("cancel"), &confirmed).await;
    assert_eq!(status, 409, "a visit done is not cancelled");
    assert!(page.contains("「実施済」"), "{page}");
    let v = get_json(&lead, app.url(&format!("/api/v1/visits/{vid}"))).await;
    assert_eq!(
        (v["status"].as_str(), v["agreed_by"].as_str()),
        (Some("done"), Some("city-staff"))
    );

    // The lead's off-hours application: decided by the City on one route, withdrawn by
    // the lead on another.
    let (status, location) = submit(
        &lead,
        app.url("/off-hours"),
        &[
            ("site_id", chuo.to_string()),
            ("date", "2020-11-05".into()),
            ("start", "17:15".into()),
            ("end", "19:00".into()),
            ("cause", "contractor".into()),
            ("reason", "再起動を伴う作業".into()),
            ("worker_ids", worker.to_string()),
        ],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let list = get_json(
        &lead,
        app.url("/api/v1/off-hours?from=2020-11-05&to=2020-11-05"),
    )
    .await;
    let oid = list["items"][0]["id"].as_i64().expect("filed");
    assert!(location.ends_with(&format!("#o{oid}")), "{location}");
    let decision = app.url(&format!("/off-hours/{oid}/decision"));
    let withdrawal = app.url(&format!("/off-hours/{oid}/withdrawal"));
    let (status, page) = submit(&city, decision.clone(), &[("verb", "withdraw".into())]).await;
    assert_eq!(
        status, 422,
        "the decision form decides, it does not withdraw: {page}"
    );
    assert_eq!(
        submit(&lead, decision.clone(), &[("verb", "approve".into())])
            .await
            .0,
        403
    );
    // Deciding and withdrawing ask first (a confirmation page); `confirmed` goes on.
    let confirmed = [("confirmed", "1".to_string())];
    let (status, page) = submit(&lead, withdrawal.clone(), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("時間外作業の申請を取り下げます"), "{page}");
    let (status, page) = submit(&city, withdrawal.clone(), &confirmed).await;
    assert_eq!(
        status, 409,
        "only the lead withdraws the lead's application"
    );
    assert!(
        page.contains("取下げは記録した側（業務責任者）が行います。"),
        "{page}"
    );
    let approve = [
        ("verb", "approve".to_string()),
        ("comment", "承認します".to_string()),
        ("confirmed", "1".to_string()),
    ];
    assert_eq!(submit(&city, decision, &approve).await.0, 303);
    assert_eq!(submit(&lead, withdrawal, &confirmed).await.0, 303);
    let o = get_json(&lead, app.url(&format!("/api/v1/off-hours/{oid}"))).await;
    assert_eq!(o["status"], "withdrawn");

    // A permit applied for on the page and withdrawn on its own route.
    let (status, location) = submit(
        &lead,
        app.url("/permits"),
        &[
            ("site_id", chuo.to_string()),
            ("kind", "after_hours".into()),
            ("room", String::new()),
            ("valid_from", "2020-11-05".into()),
            ("valid_to", String::new()),
            ("note", String::new()),
        ],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let pid: i64 = location
        .rsplit("#p")
        .next()
        .and_then(|id| id.parse().ok())
        .expect("the permit's anchor");
    let withdrawal = app.url(&format!("/permits/{pid}/withdrawal"));
    assert_eq!(submit(&city, withdrawal.clone(), &[]).await.0, 403);
    assert_eq!(submit(&lead, withdrawal, &confirmed).await.0, 303);
    let p = get_json(&lead, app.url(&format!("/api/v1/permits/{pid}"))).await;
    assert_eq!(p["status"], "withdrawn");
}

async fn lists_past_their_bound_are_refused_before_any_work(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let chuo = site_id(&app, "011011").await;
    let before = app.audit_count().await;
    let many: Vec<i64> = (1..=21).collect();
    let mut body = visit(chuo, "2020-11-04", "09:00", "10:00", 1);
    body["worker_ids"] = json!(many);
    let (status, problem) = post(&lead, app.url("/api/v1/visits"), body).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem_fields(&problem), vec!["worker_ids"]);
    assert!(problem.to_string().contains("20名まで"), "{problem}");
    let mut body = visit(chuo, "2020-11-04", "09:00", "10:00", 1);
    body["terminal_ids"] = json!((1..=501).collect::<Vec<i64>>());
    let (status, problem) = post(&lead, app.url("/api/v1/visits"), body).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem_fields(&problem), vec!["terminal_ids"]);
    let plan = json!({"title": "計画", "purpose": "更新", "start": "2020-10-05",
        "work_minutes_per_terminal": 30,
        "workers": (1..=101).map(|id| json!({"id": id})).collect::<Vec<_>>(),
        "site_ids": (1..=1001).collect::<Vec<i64>>()});
    let (status, problem) = post(&lead, app.url("/api/v1/plans/preview"), plan).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem_fields(&problem), vec!["workers", "site_ids"]);

    // A page form past the bound is refused while it is read, naming the field.
    let mut form: Vec<(&str, String)> = vec![("site_id", chuo.to_string())];
    form.extend(many.iter().map(|id| ("worker_ids", id.to_string())));
    let (status, page) = submit(&lead, app.url("/schedule"), &form).await;
    assert_eq!(status, 422);
    assert!(page.contains("「作業従事者」は20件までです。"), "{page}");
    assert_eq!(app.audit_count().await, before, "nothing written");
}

async fn records_of_another_year_are_not_found(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let chuo = site_id(&app, "011011").await;
    let worker = app.user_id(Role::ContractorWorker).await;
    let (status, v) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(chuo, "2020-11-04", "09:00", "10:00", worker),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let oh = json!({"site_id": chuo, "date": "2020-11-04", "start": "17:15", "end": "19:00",
        "cause": "contractor", "reason": "再起動", "worker_ids": [worker]});
    let (status, o) = post(&lead, app.url("/api/v1/off-hours"), oh).await;
    assert_eq!(status, 201, "{o}");
    let permit = json!({"site_id": chuo, "kind": "after_hours", "valid_from": "2020-11-04"});
    let (status, p) = post(&lead, app.url("/api/v1/permits"), permit).await;
    assert_eq!(status, 201, "{p}");

    // The records are moved to another contract year, as if written under it.
    sqlx::query(
        "INSERT INTO contracts (name, fiscal_year, period_start, period_end, source, source_sha256, loaded_at) \
         VALUES ('別の契約', 2019, '2019-04-01', '2020-03-31', '', '', '2019-04-01T00:00:00Z')",
    )
    .execute(app.store.pool())
    .await
    .expect("contract");
    for table in ["visits", "off_hours", "permits"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET contract_id = (SELECT id FROM contracts WHERE fiscal_year = 2019)"
        )))
        .execute(app.store.pool())
        .await
        .expect("move");
    }
    for path in [
        format!("/api/v1/visits/{}", v["id"]),
        format!("/api/v1/off-hours/{}", o["id"]),
        format!("/api/v1/permits/{}", p["id"]),
        format!("/visits/{}", v["id"]),
    ] {
        let r = lead.get(app.url(&path)).send().await.expect("get");
        assert_eq!(r.status(), 404, "{path}");
    }
    for path in ["/api/v1/visits", "/api/v1/off-hours", "/api/v1/permits"] {
        let list = get_json(
            &lead,
            app.url(&format!("{path}?from=2020-11-01&to=2020-11-30")),
        )
        .await;
        assert_eq!(list["total"], 0, "{path}");
    }
    let city = app.client(Role::CityStaff).await;
    let (status, _) = post(
        &city,
        app.url(&format!("/api/v1/off-hours/{}/decision", o["id"])),
        json!({"verb": "approve"}),
    )
    .await;
    assert_eq!(status, 404, "another year's record is not decided");
    // Its worker is free again this year: the other year's visit is not an overlap.
    let (status, again) = post(
        &lead,
        app.url("/api/v1/visits"),
        visit(chuo, "2020-11-04", "09:00", "10:00", worker),
    )
    .await;
    assert_eq!(status, 201, "{again}");
}

both_engines!(
    a_visit_on_a_holiday_is_refused,
    contractor_off_hours_work_needs_the_citys_approval,
    permits_are_flagged_until_granted,
    the_schedule_pages_post_one_operation_each,
    lists_past_their_bound_are_refused_before_any_work,
    records_of_another_year_are_not_found
);
