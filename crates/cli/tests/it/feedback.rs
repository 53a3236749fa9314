//! Feedback on the pages: a message once after an action, a failed form that keeps what was
//! typed and ticked, the performer who is signed in, a procedure entered as rows with its
//! note shown, and a confirmation page (without JavaScript) before an action that ends or
//! approves something.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, request_and_approve};

async fn api(c: &reqwest::Client, method: reqwest::Method, url: String, body: Value) -> Value {
    let r = c.request(method, url).json(&body).send().await.expect("send");
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap_or(Value::Null)
}

async fn get_page(c: &reqwest::Client, url: String) -> String {
    let r = c.get(url).send().await.expect("get");
    assert_eq!(r.status(), 200);
    r.text().await.expect("text")
}

/// Two terminals at 菊水分庁舎 under one job, and a request with its procedure approved.
async fn seed(app: &TestApp) -> (i64, Vec<i64>) {
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let mut terminals = Vec::new();
    for n in 1..=2 {
        let t = api(
            &lead,
            reqwest::Method::POST,
            app.url("/api/v1/terminals"),
            json!({"asset_number": format!("FB-{n}"), "serial": format!("FBS-{n}"), "model": "型式", "site_code": "kikusui"}),
        )
        .await;
        terminals.push(t["id"].as_i64().expect("terminal"));
    }
    let j = api(
        &city,
        reqwest::Method::POST,
        app.url("/api/v1/jobs"),
        json!({"category": "オ", "origin": "city_order", "title": "設定の変更", "terminal_ids": terminals}),
    )
    .await;
    let job = j["id"].as_i64().expect("job");
    (request_and_approve(app, &[job]).await, terminals)
}

async fn request_detail(app: &TestApp, rid: i64) -> Value {
    let city = app.client(Role::CityStaff).await;
    api(
        &city,
        reqwest::Method::GET,
        app.url(&format!("/api/v1/requests/{rid}")),
        Value::Null,
    )
    .await
}

async fn messages_forms_and_rows(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (rid, terminals) = seed(&app).await;
    let worker = app.client(Role::ContractorWorker).await;
    let worker_id = app.user_id(Role::ContractorWorker).await;
    let page_url = app.url(&format!("/requests/{rid}"));

    // The performer is the worker signed in, not the first of the list.
    let page = get_page(&worker, page_url.clone()).await;
    assert!(
        page.contains(&format!("<option value=\"{worker_id}\" selected>")),
        "the worker is the default performer"
    );

    // A failed record (failed, without the note) keeps every box ticked and value typed,
    // and says what is wrong once, beside the field.
    let before = app.audit_count().await;
    let typed = [
        ("terminal_id", terminals[1].to_string()),
        ("step_order", "1".to_string()),
        ("outcome", "failed".to_string()),
        ("performer_id", worker_id.to_string()),
        ("started_at", "2020-10-05T09:00".to_string()),
        ("ended_at", "2020-10-05T09:40".to_string()),
        ("note", String::new()),
    ];
    let r = worker
        .post(app.url(&format!("/requests/{rid}/records")))
        .form(&typed)
        .send()
        .await
        .expect("record");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert_eq!(app.audit_count().await, before, "nothing written");
    assert!(
        html.contains(&format!(
            "name=\"terminal_id\" value=\"{}\" checked",
            terminals[1]
        )),
        "the ticked terminal stays ticked"
    );
    assert!(
        !html.contains(&format!(
            "name=\"terminal_id\" value=\"{}\" checked",
            terminals[0]
        )),
        "the other terminal stays unticked"
    );
    assert!(html.contains("name=\"step_order\" value=\"1\" checked"));
    assert!(html.contains("<option value=\"failed\" selected>"));
    assert!(html.contains("value=\"2020-10-05T09:00\"") && html.contains("value=\"2020-10-05T09:40\""));
    let field_errors = html.matches("class=\"field-error\"").count();
    assert_eq!(field_errors, 1, "one message, beside the note: {html}");
    assert!(html.contains("id=\"error-note\""));
    assert!(html.contains("href=\"#error-note\""), "the summary links to it");

    // Done: the message once on the next page, gone on the one after.
    let mut done = typed.to_vec();
    done[2].1 = "done".into();
    let r = worker
        .post(app.url(&format!("/requests/{rid}/records")))
        .form(&done)
        .send()
        .await
        .expect("record");
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().expect("cookie").to_string();
    assert!(
        cookie.starts_with("jukiops_done=recorded;")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    let location = r.headers()["location"].to_str().expect("loc").to_string();
    let next = get_page(&worker, app.url(&location)).await;
    assert!(next.contains("<div class=\"flash ok\" role=\"status\">記録しました。</div>"));
    let after = get_page(&worker, app.url(&location)).await;
    assert!(!after.contains("記録しました。"), "shown once");
    assert!(!after.contains("flash ok"));

    // A cookie the server did not write shows nothing.
    let r = worker
        .get(page_url.clone())
        .header("cookie", "jukiops_done=%3Cscript%3E")
        .send()
        .await
        .expect("get");
    assert!(!r.text().await.expect("text").contains("flash ok"));

    // The procedure as rows: blank rows are skipped, the order kept, the note shown.
    let lead = app.client(Role::ContractorLead).await;
    let rows = [
        ("action", "端末を停止する"),
        ("expected_result", "電源が切れる"),
        ("action", ""),
        ("expected_result", ""),
        ("action", "設定を変更する"),
        ("expected_result", "設定値が通知のとおり"),
        ("note", "J-LIS手順書 第3版による"),
    ];
    // 行を追加: the same rows again with one more blank row, nothing saved.
    let mut add = rows.to_vec();
    add.push(("add_row", "1"));
    let before = app.audit_count().await;
    let r = lead
        .post(app.url(&format!("/requests/{rid}/procedure")))
        .form(&add)
        .send()
        .await
        .expect("add row");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert_eq!(app.audit_count().await, before);
    assert!(html.contains("value=\"設定を変更する\"") && html.contains("J-LIS手順書 第3版による"));
    assert_eq!(
        html.matches("name=\"action\"").count(),
        4,
        "two rows typed, the blank one posted and one more"
    );
    // A row without its 確認内容 comes back with the rows typed.
    let mut half = rows.to_vec();
    half[5].1 = "";
    let r = lead
        .post(app.url(&format!("/requests/{rid}/procedure")))
        .form(&half)
        .send()
        .await
        .expect("half row");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("value=\"端末を停止する\"") && html.contains("value=\"設定を変更する\""));
    assert!(html.contains("id=\"error-steps[1].expected_result\""), "{html}");
    assert_eq!(app.audit_count().await, before);
    let r = lead
        .post(app.url(&format!("/requests/{rid}/procedure")))
        .form(&rows)
        .send()
        .await
        .expect("save");
    assert_eq!(r.status(), 303);
    let d = request_detail(&app, rid).await;
    let latest = &d["procedures"][0];
    assert_eq!(latest["version"], 2);
    let steps: Vec<(&str, &str)> = latest["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["action"].as_str().unwrap_or(""),
                s["expected_result"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("端末を停止する", "電源が切れる"),
            ("設定を変更する", "設定値が通知のとおり")
        ]
    );
    let page = get_page(&lead, page_url).await;
    assert!(page.contains("保存しました。"));
    assert!(page.contains("備考: J-LIS手順書 第3版による"));
}

async fn actions_that_end_or_approve_are_confirmed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (rid, _) = seed(&app).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    // Version 2, submitted, waits for the City.
    let d = api(
        &lead,
        reqwest::Method::PUT,
        app.url(&format!("/api/v1/requests/{rid}/procedure")),
        json!({"steps": [{"action": "再起動する", "expected_result": "起動する"}]}),
    )
    .await;
    let v2 = d["procedures"][0]["id"].as_i64().expect("v2");
    api(
        &lead,
        reqwest::Method::POST,
        app.url(&format!("/api/v1/procedures/{v2}/submit")),
        json!({}),
    )
    .await;

    // A return without its comment is refused at once, beside the comment.
    let before = app.audit_count().await;
    let url = app.url(&format!("/procedures/{v2}/decision"));
    let r = city
        .post(&url)
        .form(&[
            ("request_id", rid.to_string()),
            ("comment", "  ".to_string()),
            ("verdict", "return".to_string()),
        ])
        .send()
        .await
        .expect("return");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("id=\"error-comment\""), "{html}");
    assert_eq!(app.audit_count().await, before);

    // 承認 without confirmation: the confirmation page, nothing changed.
    let decision = [
        ("request_id", rid.to_string()),
        ("comment", String::new()),
        ("verdict", "approve".to_string()),
    ];
    let url = app.url(&format!("/procedures/{v2}/decision"));
    let r = city
        .post(&url)
        .header("referer", app.url(&format!("/requests/{rid}")))
        .form(&decision)
        .send()
        .await
        .expect("decide");
    assert_eq!(r.status(), 200);
    // Attribute values come HTML-escaped (`/` as `&#x2f;`), as a browser reads them.
    let html = r.text().await.expect("html").replace("&#x2f;", "/");
    assert!(html.contains("実行の確認") && html.contains("第2版を承認します"), "{html}");
    assert!(html.contains(&format!("action=\"/procedures/{v2}/decision\"")));
    assert!(html.contains("name=\"verdict\" value=\"approve\""));
    assert!(html.contains("name=\"confirmed\" value=\"1\""));
    assert!(html.contains(&format!("href=\"/requests/{rid}\">戻る")));
    assert_eq!(app.audit_count().await, before, "no audit entry");
    let d = request_detail(&app, rid).await;
    assert_eq!(d["procedures"][0]["status"], "submitted");

    // Confirmed: done.
    let mut confirmed = decision.to_vec();
    confirmed.push(("confirmed", "1".into()));
    let r = city.post(&url).form(&confirmed).send().await.expect("decide");
    assert_eq!(r.status(), 303);
    let d = request_detail(&app, rid).await;
    assert_eq!(d["procedures"][0]["status"], "approved");
    assert!(app.audit_count().await > before);

    // 取り消す (中止) without confirmation changes nothing; with it, the request ends.
    let status = d["request"]["status"].clone();
    let before = app.audit_count().await;
    let url = app.url(&format!("/requests/{rid}/cancel"));
    let r = city.post(&url).form(&[("x", "")]).send().await.expect("cancel");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("を取り消します"), "{html}");
    assert_eq!(app.audit_count().await, before);
    assert_eq!(request_detail(&app, rid).await["request"]["status"], status);
    let r = city
        .post(&url)
        .form(&[("x", ""), ("confirmed", "1")])
        .send()
        .await
        .expect("cancel");
    assert_eq!(r.status(), 303);
    assert_eq!(
        request_detail(&app, rid).await["request"]["status"],
        "cancelled"
    );
    let location = r.headers()["location"].to_str().expect("loc").to_string();
    assert!(get_page(&city, app.url(&location)).await.contains("中止しました。"));
}

/// Disabling an account asks first on the users page; other changes do not.
async fn disabling_a_user_is_confirmed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.client(Role::Admin).await;
    let worker = app.user_id(Role::ContractorWorker).await;
    let disabled = || async {
        sqlx::query_scalar::<_, i64>("SELECT disabled FROM users WHERE id = $1")
            .bind(worker)
            .fetch_one(app.store.pool())
            .await
            .expect("user")
            != 0
    };
    let url = app.url(&format!("/users/{worker}"));
    let form = [
        ("was_disabled", "false"),
        ("display_name_shown", "作業従事者テスト"),
        ("role", "contractor_worker"),
        ("disabled", "true"),
        ("password", ""),
        ("post", ""),
        ("email", ""),
    ];
    let before = app.audit_count().await;
    let r = admin.post(&url).form(&form).send().await.expect("update");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("作業従事者テストのアカウントを無効にします"), "{html}");
    assert_eq!(app.audit_count().await, before, "no audit entry");
    assert!(!disabled().await, "still enabled");
    let mut confirmed = form.to_vec();
    confirmed.push(("confirmed", "1"));
    let r = admin.post(&url).form(&confirmed).send().await.expect("update");
    assert_eq!(r.status(), 303);
    assert!(disabled().await);
    let page = get_page(&admin, app.url("/users")).await;
    assert!(page.contains("無効にしました。"));
    // Changing a disabled account's other fields does not ask again.
    let mut again = form.to_vec();
    again[0].1 = "true";
    let r = admin.post(&url).form(&again).send().await.expect("update");
    assert_eq!(r.status(), 303);
}

/// Posts `form` to `path` twice: unconfirmed, the confirmation page saying `says`, nothing
/// written; confirmed, a redirect (each caller checks what it did). Returns its target.
async fn asks_then_does(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
    says: &str,
) -> String {
    let before = app.audit_count().await;
    let r = c.post(app.url(path)).form(form).send().await.expect("post");
    assert_eq!(r.status(), 200, "{path}");
    let html = r.text().await.expect("html");
    assert!(html.contains("実行の確認") && html.contains(says), "{path}: {html}");
    assert!(html.contains("name=\"confirmed\" value=\"1\""), "{html}");
    assert_eq!(app.audit_count().await, before, "{path}: nothing written before confirming");
    let mut confirmed = form.to_vec();
    confirmed.push(("confirmed", "1"));
    let r = c.post(app.url(path)).form(&confirmed).send().await.expect("post");
    assert_eq!(r.status(), 303, "{path}");
    r.headers()["location"].to_str().expect("location").to_string()
}

/// The buttons that delete, revoke, swap or sign off ask on a page of their own, so that
/// they are confirmed without JavaScript too; no template leaves it to a script.
async fn deleting_revoking_and_swapping_are_confirmed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;

    let r = city
        .put(app.url("/api/v1/calendar/overrides/2020-11-30"))
        .json(&json!({"is_open": false, "reason": "庁舎停電"}))
        .send()
        .await
        .expect("override");
    assert!(r.status().is_success(), "{}", r.status());
    let to = asks_then_does(&app, &city, "/calendar/overrides/2020-11-30/delete", &[],
        "2020-11-30の営業日・休業日の設定を削除").await;
    assert!(get_page(&city, app.url(&to)).await.contains("削除しました。"));

    let t = api(&city, reqwest::Method::POST, app.url("/api/v1/tokens"), json!({"name": "連携", "days": 30})).await;
    let id = t["token"]["id"].as_i64().expect("token");
    asks_then_does(&app, &city, &format!("/account/tokens/{id}/revoke"), &[], "APIトークンを失効させます").await;
    let tokens = api(&city, reqwest::Method::GET, app.url("/api/v1/tokens"), Value::Null).await;
    assert!(tokens["items"][0]["revoked_at"].is_string(), "{tokens}");

    let tid = api(&lead, reqwest::Method::POST, app.url("/api/v1/terminals"),
        json!({"asset_number": "C-1", "serial": "CS-1", "model": "型式", "site_code": "011011", "room": "市民課"})).await["id"].as_i64().expect("terminal");
    let panel = api(&lead, reqwest::Method::POST, app.url("/api/v1/touch-panels"),
        json!({"asset_number": "TP-C-1", "serial": "TPS-C-1", "model": "型式"})).await;
    let panel = panel["id"].as_i64().unwrap_or_else(|| panic!("panel: {panel}")).to_string();
    asks_then_does(&app, &lead, &format!("/terminals/{tid}/touch-panel"), &[("touch_panel_id", &panel)],
        "この統合端末に接続します").await;
    let t = api(&lead, reqwest::Method::GET, app.url(&format!("/api/v1/terminals/{tid}")), Value::Null).await;
    assert_eq!(t["touch_panel_id"].to_string(), panel, "{t}");

    let to = asks_then_does(&app, &city, "/account/sign-out-everywhere", &[], "すべての端末からログアウト").await;
    assert_eq!(to, "/login");
    let me = city.get(app.url("/api/v1/me")).send().await.expect("me");
    assert_eq!(me.status(), 401, "signed out");

    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/templates");
    for entry in std::fs::read_dir(&templates).expect("templates") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("template");
        assert!(!text.contains("data-confirm"), "{} asks only in a script", path.display());
    }
}

both_engines!(
    deleting_revoking_and_swapping_are_confirmed,
    messages_forms_and_rows,
    actions_that_end_or_approve_are_confirmed,
    disabling_a_user_is_confirmed
);
