//! A ward office's own staff (区役所担当者, issue 13 item 9) through the real server: they
//! see their own site's visits with the workers' names and badge numbers and the terminals
//! out of service, nothing of another site and no approvals; they report a fault of their
//! own site's terminals and confirm each visit's work once. The administrator gives the
//! role only with a site, and a badge number only to the contractor's people.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp, problem_fields};

async fn site_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT id FROM sites WHERE code = $1")
        .bind(code)
        .fetch_one(app.store.pool())
        .await
        .expect("site")
}

/// A terminal at the site with `code`.
async fn terminal(app: &TestApp, lead: &reqwest::Client, asset: &str, code: &str) -> i64 {
    let body = json!({"asset_number": asset, "serial": format!("S{asset}"), "model": "型式",
        "site_code": code, "status": "in_service"});
    let (s, t) = call(lead, Method::POST, app.url("/api/v1/terminals"), body).await;
    assert_eq!(s, 201, "{t}");
    t["id"].as_i64().expect("id")
}

async fn visit(
    app: &TestApp,
    lead: &reqwest::Client,
    site: i64,
    date: &str,
    worker: i64,
    terminal: i64,
) -> i64 {
    let body = json!({"site_id": site, "date": date, "start": "09:00", "end": "12:00",
        "purpose": "OSセキュリティ更新", "worker_ids": [worker], "terminal_ids": [terminal]});
    let (s, v) = call(lead, Method::POST, app.url("/api/v1/visits"), body).await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_i64().expect("id")
}

async fn page(c: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let r = c.get(app.url(path)).send().await.expect("get");
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.expect("html")
}

async fn a_ward_office_sees_its_own_site_only(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.client(Role::Admin).await;
    let lead = app.client(Role::ContractorLead).await;
    let ward = app.client(Role::SiteStaff).await;
    let (chuo, kita) = (site_id(&app, "011011").await, site_id(&app, "011029").await);
    let worker = app.user_id(Role::ContractorWorker).await;

    // The administrator gives the worker a badge number; not to an auditor.
    let users = |id: i64| app.url(&format!("/api/v1/users/{id}"));
    let (s, u) = call(
        &admin,
        Method::PATCH,
        users(worker),
        json!({"badge_number": "W-1234"}),
    )
    .await;
    assert_eq!((s, &u["badge_number"]), (200, &json!("W-1234")), "{u}");
    let auditor = app.user_id(Role::Auditor).await;
    let (s, body) = call(
        &admin,
        Method::PATCH,
        users(auditor),
        json!({"badge_number": "A-1"}),
    )
    .await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(problem_fields(&body), ["badge_number"]);
    // The role needs a site, named when missing; a site that does not exist is named too.
    let new = |site: Value| {
        json!({"username": "ward-kita", "display_name": "北区 担当", "role": "site_staff",
            "password": "long-enough-password", "site_id": site})
    };
    let (s, body) = call(&admin, Method::POST, app.url("/api/v1/users"), new(Value::Null)).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(problem_fields(&body), ["site_id"]);
    let (s, body) = call(&admin, Method::POST, app.url("/api/v1/users"), new(json!(999_999))).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(problem_fields(&body), ["site_id"]);
    let (s, u) = call(&admin, Method::POST, app.url("/api/v1/users"), new(json!(kita))).await;
    assert_eq!(s, 201, "{u}");
    assert_eq!((&u["role"], &u["site_id"]), (&json!("site_staff"), &json!(kita)));
    // Moved to another role, the account keeps no site.
    let (s, u) = call(
        &admin,
        Method::PATCH,
        users(u["id"].as_i64().expect("id")),
        json!({"role": "auditor"}),
    )
    .await;
    assert_eq!((s, &u["site_id"]), (200, &Value::Null), "{u}");

    // Visits to 中央区 (the ward's site) and to 北区.
    let t_chuo = terminal(&app, &lead, "JT-9001", "011011").await;
    let t_kita = terminal(&app, &lead, "JT-9002", "011029").await;
    let mine = visit(&app, &lead, chuo, "2020-11-04", worker, t_chuo).await;
    let theirs = visit(&app, &lead, kita, "2020-11-05", worker, t_kita).await;

    let (s, site) = call(&ward, Method::GET, app.url("/api/v1/my-site"), Value::Null).await;
    assert_eq!(s, 200, "{site}");
    assert_eq!(site["site_id"], chuo);
    let visits = site["visits"].as_array().expect("visits");
    assert_eq!(visits.len(), 1, "{site}");
    assert_eq!(visits[0]["id"], mine);
    assert_eq!(visits[0]["workers"][0]["badge_number"], "W-1234");
    assert_eq!(
        visits[0]["workers"][0]["display_name"],
        "作業従事者テスト"
    );
    assert_eq!(site["outages"][0]["asset_number"], "JT-9001");
    assert_eq!(site["outages"][0]["date"], "2020-11-04");
    assert!(!site.to_string().contains("JT-9002"), "{site}");

    // Nothing of another site, no approvals, no contract-wide lists.
    for (method, path) in [
        (Method::GET, "/api/v1/visits".to_string()),
        (Method::GET, format!("/api/v1/visits/{theirs}")),
        (Method::POST, format!("/api/v1/visits/{mine}/agreement")),
        (Method::GET, "/api/v1/requests".to_string()),
        (Method::GET, "/api/v1/terminals".to_string()),
        (Method::GET, "/api/v1/sites".to_string()),
        (Method::GET, "/api/v1/users".to_string()),
    ] {
        let (s, _) = call(&ward, method.clone(), app.url(&path), json!({})).await;
        assert_eq!(s, 403, "{method} {path}");
    }
    let sign_off = |id: i64| app.url(&format!("/api/v1/my-site/visits/{id}/sign-off"));
    let (s, body) = call(&ward, Method::POST, sign_off(theirs), json!({})).await;
    assert_eq!(s, 404, "{body}");

    // A fault of a terminal of another site is refused naming the terminal; of their own
    // site it is saved, open, audited, and waits in the lead's inbox.
    let before = app.audit_count().await;
    let fault = |t: i64, at: &str| {
        json!({"terminal_id": t, "occurred_at": at, "description": "窓口の統合端末の画面が映らない"})
    };
    let faults = app.url("/api/v1/fault-reports");
    let (s, body) = call(&ward, Method::POST, faults.clone(), fault(t_kita, "2020-11-04T10:00")).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(problem_fields(&body), ["terminal_id"]);
    let (s, body) = call(&ward, Method::POST, faults.clone(), fault(t_chuo, "2099-01-01T10:00")).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(problem_fields(&body), ["occurred_at"]);
    let (s, body) = call(&ward, Method::POST, faults.clone(), json!({})).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(
        problem_fields(&body),
        ["terminal_id", "occurred_at", "description"]
    );
    assert_eq!(app.audit_count().await, before, "refusals write nothing");
    let (s, f) = call(&ward, Method::POST, faults.clone(), fault(t_chuo, "2020-11-04T10:00")).await;
    assert_eq!(s, 201, "{f}");
    assert_eq!((&f["status"], &f["asset_number"]), (&json!("open"), &json!("JT-9001")));
    assert_eq!(f["occurred_at"], "2020-11-04 10:00", "Japan time as typed");
    assert_eq!(app.audit_count().await, before + 1);
    assert_eq!(call(&lead, Method::POST, faults.clone(), fault(t_chuo, "2020-11-04T10:00")).await.0, 403);
    for who in [&ward, &lead, &app.client(Role::CityStaff).await] {
        let (s, list) = call(who, Method::GET, faults.clone(), Value::Null).await;
        assert_eq!((s, &list["total"]), (200, &json!(1)), "{list}");
    }
    // The ward office sees its own site's reports whatever site it names.
    let (_, list) = call(&ward, Method::GET, app.url(&format!("/api/v1/fault-reports?site_id={kita}")), Value::Null).await;
    assert_eq!(list["total"], 1, "{list}");
    let (_, list) = call(&lead, Method::GET, app.url(&format!("/api/v1/fault-reports?site_id={kita}")), Value::Null).await;
    assert_eq!(list["total"], 0, "{list}");
    let (_, inbox) = call(&lead, Method::GET, app.url("/api/v1/inbox"), Value::Null).await;
    let group = inbox["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["kind"] == "fault_report_open")
        .cloned()
        .expect("fault group");
    assert_eq!(group["count"], 1, "{inbox}");

    // The visit (its day long past) waits for the ward's sign-off; signed off once.
    let (_, inbox) = call(&ward, Method::GET, app.url("/api/v1/inbox"), Value::Null).await;
    assert_eq!(inbox["total"], 1, "{inbox}");
    let before = app.audit_count().await;
    let (s, v) = call(&ward, Method::POST, sign_off(mine), json!({"note": "窓口で確認"})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["sign_off"]["signed_by"], "区役所担当者テスト");
    assert_eq!(v["sign_off"]["note"], "窓口で確認");
    assert_eq!(app.audit_count().await, before + 1);
    let (s, body) = call(&ward, Method::POST, sign_off(mine), json!({})).await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(problem_fields(&body), ["visit_id"]);
    assert_eq!(call(&lead, Method::POST, sign_off(mine), json!({})).await.0, 403);
    let (_, inbox) = call(&ward, Method::GET, app.url("/api/v1/inbox"), Value::Null).await;
    assert_eq!(inbox["total"], 0, "{inbox}");
    // The visit's history says who confirmed it, in Japanese.
    let history = page(&lead, &app, &format!("/visits/{mine}")).await;
    assert!(history.contains("区役所の作業完了確認"), "{history}");
    assert!(history.contains("作業完了を確認した人"), "{history}");

    // The pages, in Japanese, with the menu of the role.
    let html = page(&ward, &app, "/my-site").await;
    for text in [
        "<html lang=\"ja\">",
        "中央区",
        "作業従事者テスト(W-1234)",
        "JT-9001",
        "確認済み(区役所担当者テスト",
        // The menu's links (the template escapes their slashes).
        "href=\"&#x2f;my-site\"",
        "href=\"&#x2f;fault-reports\"",
        "故障を報告する",
    ] {
        assert!(html.contains(text), "{text} missing from /my-site");
    }
    for text in [
        "JT-9002",
        "href=\"&#x2f;schedule\"",
        "href=\"&#x2f;requests\"",
        "href=\"&#x2f;terminals\"",
    ] {
        assert!(!html.contains(text), "{text} on /my-site");
    }
    let html = page(&ward, &app, "/fault-reports").await;
    assert!(html.contains("窓口の統合端末の画面が映らない"));
    assert!(html.contains("未対応"));
    let html = page(&lead, &app, "/fault-reports").await;
    assert!(html.contains("窓口の統合端末の画面が映らない"));
    assert!(!html.contains("故障を報告する"), "the lead does not report");
    assert!(html.contains("対応済みにする"), "the lead deals with it");

    // The lead marks it dealt with, once; the ward office may not.
    let resolve = app.url(&format!("/api/v1/fault-reports/{}/resolve", f["id"]));
    assert_eq!(call(&ward, Method::POST, resolve.clone(), json!({})).await.0, 403);
    let (s, done) = call(&lead, Method::POST, resolve.clone(), json!({})).await;
    assert_eq!((s, &done["status"]), (200, &json!("resolved")), "{done}");
    let (s, body) = call(&lead, Method::POST, resolve, json!({})).await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(problem_fields(&body), ["status"]);
    let (_, inbox) = call(&lead, Method::GET, app.url("/api/v1/inbox"), Value::Null).await;
    let open = inbox["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["kind"] == "fault_report_open")
        .map(|g| g["count"].clone());
    assert_eq!(open, Some(json!(0)), "{inbox}");
    assert_eq!(
        ward.get(app.url(&format!("/visits/{mine}"))).send().await.expect("get").status(),
        403
    );

    // The forms work without JavaScript: a fault of another site's terminal is shown again
    // with the field named; a sign-off of another visit of the site goes through.
    let r = ward
        .post(app.url("/fault-reports"))
        .form(&[
            ("terminal_id", t_kita.to_string()),
            ("occurred_at", "2020-11-04T10:00".into()),
            ("description", "印刷できない".into()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("あなたの拠点の端末ではありません"), "{html}");
    assert!(html.contains("印刷できない"), "what was typed is kept");
    let next = visit(&app, &lead, chuo, "2020-11-06", worker, t_chuo).await;
    // The sign-off asks first (without JavaScript too), naming the visit; nothing is kept
    // until it is confirmed.
    let r = ward
        .post(app.url(&format!("/my-site/visits/{next}/sign-off")))
        .form(&[("note", "窓口で確認")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("2020-11-06") && html.contains("name=\"confirmed\" value=\"1\""), "{html}");
    assert!(html.contains("value=\"窓口で確認\""), "the note is posted again: {html}");
    let (_, site) = call(&ward, Method::GET, app.url("/api/v1/my-site"), Value::Null).await;
    assert_eq!(site["visits"][1]["sign_off"], Value::Null, "{site}");
    let r = ward
        .post(app.url(&format!("/my-site/visits/{next}/sign-off")))
        .form(&[("note", "窓口で確認"), ("confirmed", "1")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303);
    let (_, site) = call(&ward, Method::GET, app.url("/api/v1/my-site"), Value::Null).await;
    assert_eq!(site["visits"][1]["sign_off"]["signed_by"], "区役所担当者テスト", "{site}");

    // The administrator's page refuses the role without a site, naming it.
    let r = admin
        .post(app.url("/users"))
        .form(&[
            ("username", "ward-form"),
            ("display_name", "窓口 担当"),
            ("role", "site_staff"),
            ("password", "long-enough-password"),
            ("site_id", ""),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("担当する拠点を指定してください"), "{html}");
}

both_engines!(a_ward_office_sees_its_own_site_only);
