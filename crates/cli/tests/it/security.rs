//! Account security under the default policy (issue 11): the second factor over the API,
//! lockout and unlock, the login history, the first sign-in's setup, signing out
//! everywhere, and who may read /metrics. Every server here is `spawn_secure`: the second
//! factor is required of the City's staff, the lead, the security officer and the
//! administrator, and a password someone else set is changed at the first sign-in.

use jukiops_domain::people::Role;
use jukiops_web::{AccountPolicy, WebConfig};
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{
    Engine, TestApp, fresh_code, now_step, problem_fields, test_password, totp_at, username,
};

/// One account after its first sign-in's setup, as its owner knows it.
pub(crate) struct Account {
    pub username: String,
    pub password: String,
    /// The TOTP secret in base32, when a second factor is enrolled.
    pub secret: Option<String>,
    pub recovery_codes: Vec<String>,
    /// The last time step whose code was used.
    pub last_step: u64,
}

impl Account {
    /// A code the server has not accepted yet.
    pub async fn code(&mut self) -> String {
        let secret = self.secret.clone().expect("enrolled");
        fresh_code(&secret, &mut self.last_step).await
    }
}

async fn post(c: &reqwest::Client, url: String, body: Value) -> reqwest::Response {
    c.post(url).json(&body).send().await.expect("post")
}

async fn login(app: &TestApp, c: &reqwest::Client, body: Value) -> reqwest::Response {
    post(c, app.url("/api/v1/login"), body).await
}

async fn status_of(c: &reqwest::Client, url: String) -> u16 {
    c.get(url).send().await.expect("get").status().as_u16()
}

/// Enrols a second factor for the signed-in client `c` over the API.
async fn enrol(app: &TestApp, c: &reqwest::Client, account: &mut Account) {
    let r = c
        .post(app.url("/api/v1/me/second-factor"))
        .send()
        .await
        .expect("begin");
    assert_eq!(r.status(), 200, "begin enrolment");
    let e: Value = r.json().await.expect("json");
    let secret = e["secret"].as_str().expect("secret").to_string();
    assert!(
        e["otpauth_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("otpauth://totp/") && u.contains(&secret)),
        "{e}"
    );
    assert!(
        e["qr_svg"]
            .as_str()
            .is_some_and(|q| q.starts_with("data:image/svg+xml;base64,")),
        "the QR code is drawn by the server"
    );
    account.secret = Some(secret);
    let code = account.code().await;
    let r = post(
        c,
        app.url("/api/v1/me/second-factor/confirmation"),
        json!({"code": code}),
    )
    .await;
    assert_eq!(r.status(), 200, "confirm enrolment");
    let codes: Value = r.json().await.expect("json");
    account.recovery_codes = codes["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_string())
        .collect();
    assert_eq!(account.recovery_codes.len(), 10);
}

/// Signs in as the harness's account of `role` and does the first sign-in's setup over
/// the API: a new password, and the second factor when the role requires it or `enrol`.
pub(crate) async fn set_up(
    app: &TestApp,
    role: Role,
    enrol_anyway: bool,
) -> (reqwest::Client, Account) {
    let c = app.anonymous();
    let name = username(role);
    let r = login(
        app,
        &c,
        json!({"username": name, "password": test_password(role)}),
    )
    .await;
    assert_eq!(r.status(), 200, "first sign-in of {name}");
    let r = c.get(app.url("/api/v1/me")).send().await.expect("me");
    assert_eq!(r.status(), 403, "nothing before the setup");
    let password = format!("{name} chose this passphrase");
    let r = c
        .put(app.url("/api/v1/me/password"))
        .json(&json!({"current": test_password(role), "new_password": password}))
        .send()
        .await
        .expect("password");
    assert_eq!(r.status(), 204);
    let mut account = Account {
        username: name,
        password,
        secret: None,
        recovery_codes: Vec::new(),
        last_step: 0,
    };
    let required = AccountPolicy::default().requires_second_factor(role);
    if required || enrol_anyway {
        enrol(app, &c, &mut account).await;
    }
    assert_eq!(status_of(&c, app.url("/api/v1/me")).await, 200, "set up");
    (c, account)
}

async fn user_id(app: &TestApp, name: &str) -> i64 {
    app.store
        .user_by_name(name)
        .await
        .expect("query")
        .expect("user")
        .id
}

/// The actions of the trail's entries on one record, oldest first.
async fn actions(app: &TestApp, entity: &str, id: &str) -> Vec<(String, String, Value)> {
    app.store
        .audit_for(entity, id)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| {
            let changes = serde_json::from_str(&e.changes).expect("changes");
            (e.action, e.actor, changes)
        })
        .collect()
}

/// A code that is none of the codes the server would accept now.
fn wrong_code(secret: &str) -> String {
    let now = now_step();
    let valid: Vec<String> = (now - 1..=now + 1).map(|s| totp_at(secret, s)).collect();
    (0..1000)
        .map(|n| format!("{:06}", 123_457 + n))
        .find(|c| !valid.contains(c))
        .expect("a wrong code")
}

/// The API's sign-in of an account with a second factor: without the code 401 naming
/// `code`, a wrong one refused, the right one signs in, the same code (its time step) is
/// never accepted twice, a recovery code works once; an administrator's reset ends the
/// requirement until the account enrols again. Enrolment, recovery code and reset are in
/// the trail.
async fn api_sign_in_with_a_second_factor(engine: Engine) {
    let app = TestApp::spawn_secure(engine, WebConfig::default()).await;
    let (admin, _) = set_up(&app, Role::Admin, false).await;
    let (_, mut lead) = set_up(&app, Role::ContractorLead, false).await;
    let secret = lead.secret.clone().expect("the lead's role requires it");
    let password_only = json!({"username": lead.username, "password": lead.password});

    let c = app.anonymous();
    let r = login(&app, &c, password_only.clone()).await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.expect("json");
    assert_eq!(problem_fields(&body), ["code"], "{body}");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("確認コード")),
        "{body}"
    );
    assert!(
        r_has_no_session(&app, &c).await,
        "no session without the code"
    );

    let mut with_code = password_only.clone();
    with_code["code"] = json!(wrong_code(&secret));
    let r = login(&app, &c, with_code.clone()).await;
    assert_eq!(r.status(), 401);
    assert_eq!(problem_fields(&r.json().await.expect("json")), ["code"]);

    let code = lead.code().await;
    with_code["code"] = json!(code);
    let r = login(&app, &c, with_code.clone()).await;
    assert_eq!(r.status(), 200, "the right code");
    assert_eq!(status_of(&c, app.url("/api/v1/me")).await, 200);

    // The same code again, in the same time step: refused.
    let other = app.anonymous();
    let r = login(&app, &other, with_code.clone()).await;
    assert_eq!(r.status(), 401, "a code is accepted once");
    assert_eq!(problem_fields(&r.json().await.expect("json")), ["code"]);

    // A recovery code, as printed or typed loosely, once.
    let recovery = lead.recovery_codes[0].clone();
    with_code["code"] = json!(recovery.to_uppercase().replace('-', " "));
    let r = login(&app, &app.anonymous(), with_code.clone()).await;
    assert_eq!(r.status(), 200, "a recovery code");
    with_code["code"] = json!(recovery);
    let r = login(&app, &app.anonymous(), with_code.clone()).await;
    assert_eq!(r.status(), 401, "a recovery code is used once");

    let lead_id = user_id(&app, &lead.username).await;
    let trail = actions(&app, "second_factor", &lead_id.to_string()).await;
    let names: Vec<&str> = trail.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(names, ["enrol", "use_recovery_code"], "{trail:?}");
    assert_eq!(trail[0].2["recovery_codes_left"]["after"], 10);
    assert_eq!(trail[1].2["recovery_codes_left"]["after"], 9);
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes")
        .fetch_all(app.store.pool())
        .await
        .expect("codes");
    assert!(
        stored
            .iter()
            .all(|h| h.len() == 64 && !lead.recovery_codes.contains(h)),
        "recovery codes are stored as digests"
    );
    let sealed: String =
        sqlx::query_scalar("SELECT secret_sealed FROM second_factors WHERE user_id = $1")
            .bind(lead_id)
            .fetch_one(app.store.pool())
            .await
            .expect("sealed");
    assert!(!sealed.contains(&secret), "the secret is sealed at rest");

    // A worker (not required) enrols of their own accord; the administrator resets it.
    let (_, worker) = set_up(&app, Role::ContractorWorker, true).await;
    let worker_login = json!({"username": worker.username, "password": worker.password});
    let r = login(&app, &app.anonymous(), worker_login.clone()).await;
    assert_eq!(r.status(), 401, "enrolled: the code is asked for");
    let worker_id = user_id(&app, &worker.username).await;
    let r = admin
        .delete(app.url(&format!("/api/v1/users/{worker_id}/second-factor")))
        .send()
        .await
        .expect("reset");
    assert_eq!(r.status(), 204);
    let r = login(&app, &app.anonymous(), worker_login).await;
    assert_eq!(
        r.status(),
        200,
        "after the reset the password alone signs in"
    );
    let r = admin
        .delete(app.url(&format!("/api/v1/users/{worker_id}/second-factor")))
        .send()
        .await
        .expect("reset");
    assert_eq!(r.status(), 404, "nothing left to reset");
    let trail = actions(&app, "second_factor", &worker_id.to_string()).await;
    let last = trail.last().expect("entry");
    assert_eq!((last.0.as_str(), last.1.as_str()), ("reset", "admin"));

    // The lead's role requires it: after a reset (the users page's button) the lead signs
    // in but must enrol again.
    let r = admin
        .post(app.url(&format!("/users/{lead_id}/second-factor/reset")))
        .form(&[("confirmed", "1")])
        .send()
        .await
        .expect("reset");
    assert_eq!(r.status(), 303);
    let c = app.anonymous();
    assert_eq!(login(&app, &c, password_only).await.status(), 200);
    let r = c.get(app.url("/api/v1/me")).send().await.expect("me");
    assert_eq!(r.status(), 403, "enrol again first");
    let body: Value = r.json().await.expect("json");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("二要素認証の登録")),
        "{body}"
    );
}

/// Whether `c` holds no usable session.
async fn r_has_no_session(app: &TestApp, c: &reqwest::Client) -> bool {
    status_of(c, app.url("/api/v1/me")).await == 401
}

/// Lockout: the failure that reaches the limit locks the account (recorded once, however
/// many attempts follow), the administrator sees it locked and unlocks it (audited), and
/// a locked account and an unknown name get the same answer.
async fn lockout_is_visible_and_cleared_by_the_administrator(engine: Engine) {
    let config = WebConfig {
        accounts: AccountPolicy {
            max_failures_per_account: 3,
            ..AccountPolicy::default()
        },
        ..WebConfig::default()
    };
    let app = TestApp::spawn_secure(engine, config).await;
    let (admin, _) = set_up(&app, Role::Admin, false).await;
    let (_, worker) = set_up(&app, Role::ContractorWorker, false).await;
    let c = app.anonymous();
    let attempt = |name: &str, pw: &str| json!({"username": name, "password": pw});
    for _ in 0..3 {
        let r = login(&app, &c, attempt(&worker.username, "not the password")).await;
        assert_eq!(r.status(), 401);
    }
    let locked = login(&app, &c, attempt(&worker.username, &worker.password)).await;
    assert_eq!(locked.status(), 429, "locked: even the right password");
    let locked: Value = locked.json().await.expect("json");
    for _ in 0..3 {
        let r = login(&app, &c, attempt("nobody-here", "not the password")).await;
        assert_eq!(r.status(), 401);
    }
    let unknown = login(&app, &c, attempt("nobody-here", "any password at all")).await;
    assert_eq!(unknown.status(), 429);
    let unknown: Value = unknown.json().await.expect("json");
    assert_eq!(
        locked["detail"], unknown["detail"],
        "the answer does not tell whether the account exists"
    );
    assert!(
        locked["detail"]
            .as_str()
            .is_some_and(|d| d.contains("ロック")),
        "{locked}"
    );

    // The administrator sees it, in the API and on the page.
    let users: Value = admin
        .get(app.url("/api/v1/users?per_page=200"))
        .send()
        .await
        .expect("users")
        .json()
        .await
        .expect("json");
    let row = |users: &Value, name: &str| {
        users["items"]
            .as_array()
            .and_then(|a| a.iter().find(|u| u["username"] == name).cloned())
            .expect("row")
    };
    assert_eq!(row(&users, &worker.username)["locked"], true);
    assert_eq!(row(&users, &username(Role::Auditor))["locked"], false);
    let page = admin
        .get(app.url("/users"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("ロック中") && page.contains("ロック解除"),
        "{page}"
    );

    // Locked once in the trail, with the failures; no entry per refused attempt.
    let trail = actions(&app, "sign_in", &worker.username).await;
    let locks: Vec<_> = trail.iter().filter(|(a, _, _)| a == "lock").collect();
    assert_eq!(locks.len(), 1, "{trail:?}");
    assert_eq!(locks[0].1, "system");
    assert_eq!(locks[0].2["failures"]["after"], 3);
    let failed = trail
        .iter()
        .filter(|(a, _, _)| a == "sign_in_failed")
        .count();
    assert_eq!(failed, 3);

    let id = user_id(&app, &worker.username).await;
    let r = admin
        .post(app.url(&format!("/api/v1/users/{id}/unlock")))
        .send()
        .await
        .expect("unlock");
    assert_eq!(r.status(), 204);
    let r = login(
        &app,
        &app.anonymous(),
        attempt(&worker.username, &worker.password),
    )
    .await;
    assert_eq!(r.status(), 200, "unlocked");
    let r = admin
        .post(app.url(&format!("/api/v1/users/{id}/unlock")))
        .send()
        .await
        .expect("unlock");
    assert_eq!(r.status(), 409, "nothing to unlock");
    let trail = actions(&app, "sign_in", &worker.username).await;
    let unlock = trail
        .iter()
        .find(|(a, _, _)| a == "unlock")
        .expect("unlock entry");
    assert_eq!(unlock.1, username(Role::Admin));

    // Locked again, and unlocked with the users page's button.
    for _ in 0..3 {
        let r = login(&app, &c, attempt(&worker.username, "not the password")).await;
        assert_eq!(r.status(), 401);
    }
    let r = login(&app, &c, attempt(&worker.username, &worker.password)).await;
    assert_eq!(r.status(), 429);
    let r = admin
        .post(app.url(&format!("/users/{id}/unlock")))
        .form(&[("confirm", "")])
        .send()
        .await
        .expect("unlock");
    assert_eq!(r.status(), 303);
    let r = login(&app, &c, attempt(&worker.username, &worker.password)).await;
    assert_eq!(r.status(), 200, "unlocked on the page");
    let trail = actions(&app, "sign_in", &worker.username).await;
    let count = |what: &str| trail.iter().filter(|(a, _, _)| a == what).count();
    assert_eq!((count("lock"), count("unlock")), (2, 2), "{trail:?}");
}

/// The login history: a sign-in (address, browser), a failed one under the name as typed
/// (bounded), a sign-out, in the trail; the owner sees their last sign-ins on the account
/// page and in the API.
async fn login_history_is_in_the_trail_and_on_the_account_page(engine: Engine) {
    let app = TestApp::spawn_secure(engine, WebConfig::default()).await;
    let (_, worker) = set_up(&app, Role::ContractorWorker, false).await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("JukiopsTestBrowser/1.0 (履歴の試験)")
        .build()
        .expect("client");
    let typed = format!("{}-typo{}", worker.username, "x".repeat(100));
    let r = login(
        &app,
        &browser,
        json!({"username": typed, "password": "wrong password!!"}),
    )
    .await;
    assert_eq!(r.status(), 401);
    let r = login(
        &app,
        &browser,
        json!({"username": worker.username, "password": worker.password}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = browser
        .get(app.url("/account"))
        .send()
        .await
        .expect("account")
        .text()
        .await
        .expect("html");
    assert!(page.contains("最近のログイン"), "{page}");
    // (The page escapes the slash.)
    assert!(
        page.contains("JukiopsTestBrowser") && page.contains("(履歴の試験)"),
        "{page}"
    );
    assert!(page.contains("127.0.0.1"), "{page}");
    let mine: Value = browser
        .get(app.url("/api/v1/me/sign-ins"))
        .send()
        .await
        .expect("sign-ins")
        .json()
        .await
        .expect("json");
    let mine = mine.as_array().expect("list");
    assert_eq!(mine.len(), 2, "the setup's sign-in and this one: {mine:?}");
    assert_eq!(mine[0]["user_agent"], "JukiopsTestBrowser/1.0 (履歴の試験)");
    assert_eq!(mine[0]["address"], "127.0.0.1");
    let r = browser
        .post(app.url("/api/v1/logout"))
        .send()
        .await
        .expect("logout");
    assert_eq!(r.status(), 204);

    let trail = actions(&app, "sign_in", &worker.username).await;
    let names: Vec<&str> = trail.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(names, ["sign_in", "sign_in", "sign_out"], "{trail:?}");
    assert_eq!(trail[1].1, worker.username, "the user signs in");
    assert_eq!(trail[1].2["address"]["after"], "127.0.0.1");
    assert_eq!(trail[1].2["step"]["after"], "パスワード");
    let bounded: String = typed.chars().take(64).collect();
    let failed = actions(&app, "sign_in", &bounded).await;
    assert_eq!(
        failed.len(),
        1,
        "the failure under the name as typed, bounded"
    );
    assert_eq!(failed[0].0, "sign_in_failed");
    assert_eq!(failed[0].1, "system");
    assert_eq!(
        failed[0].2["user_agent"]["after"],
        "JukiopsTestBrowser/1.0 (履歴の試験)"
    );
}

/// The first sign-in of an account the administrator added: the pages send it to the
/// setup page and the API refuses everything but the password change, the enrolment and
/// logout, until the password is changed and the second factor its role requires is
/// enrolled.
async fn the_first_sign_in_changes_the_password_and_enrols(engine: Engine) {
    let app = TestApp::spawn_secure(engine, WebConfig::default()).await;
    let (admin, _) = set_up(&app, Role::Admin, false).await;
    let initial = "set by the administrator";
    let r = post(
        &admin,
        app.url("/api/v1/users"),
        json!({"username": "suzuki", "display_name": "鈴木 一", "role": "city_staff", "password": initial}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.expect("json");
    assert_eq!(created["must_change_password"], true);

    let c = app.anonymous();
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("username", "suzuki"),
            ("password", initial),
            ("next", "/terminals"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account/setup");
    let r = c.get(app.url("/terminals")).send().await.expect("page");
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/account/setup",
        "every page waits"
    );
    let r = c
        .get(app.url("/api/v1/terminals"))
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.expect("json");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("パスワードの変更")),
        "{body}"
    );
    let setup = c
        .get(app.url("/account/setup"))
        .send()
        .await
        .expect("setup")
        .text()
        .await
        .expect("html");
    assert!(
        setup.contains("初回の設定") && setup.contains("現在のパスワード"),
        "{setup}"
    );
    // Not before the password is changed: enrolment waits too.
    let r = c
        .post(app.url("/api/v1/me/second-factor/confirmation"))
        .json(&json!({"code": "123456"}))
        .send()
        .await
        .expect("confirm");
    assert_eq!(r.status(), 403);

    let r = c
        .post(app.url("/account/password"))
        .form(&[
            ("current", initial),
            ("new_password", "suzuki's own passphrase"),
        ])
        .send()
        .await
        .expect("password");
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/account/setup",
        "the same session goes on"
    );
    let r = c
        .get(app.url("/api/v1/terminals"))
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), 403, "the second factor is still to enrol");
    let setup = c
        .get(app.url("/account/setup"))
        .send()
        .await
        .expect("setup")
        .text()
        .await
        .expect("html");
    assert!(
        setup.contains("二要素認証の登録")
            && setup.contains("class=\"qr\" src=\"data:image")
            && setup.contains("svg+xml;base64,"),
        "{setup}"
    );
    let mut account = Account {
        username: "suzuki".into(),
        password: "suzuki's own passphrase".into(),
        secret: None,
        recovery_codes: Vec::new(),
        last_step: 0,
    };
    enrol(&app, &c, &mut account).await;
    assert_eq!(status_of(&c, app.url("/api/v1/terminals")).await, 200);
    let r = c
        .get(app.url("/account/setup"))
        .send()
        .await
        .expect("setup");
    assert_eq!(r.headers()["location"], "/", "nothing left to do");
    let me: Value = c
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["must_change_password"], false);
    assert_eq!(me["second_factor"], true);

    // The administrator's reset of the password sends it through the setup again.
    let id = user_id(&app, "suzuki").await;
    let r = admin
        .patch(app.url(&format!("/api/v1/users/{id}")))
        .json(&json!({"password": "reset by the administrator"}))
        .send()
        .await
        .expect("reset");
    assert_eq!(r.status(), 200);
    let c = app.anonymous();
    let code = account.code().await;
    let r = login(
        &app,
        &c,
        json!({"username": "suzuki", "password": "reset by the administrator", "code": code}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(status_of(&c, app.url("/api/v1/terminals")).await, 403);
}

/// Signing out everywhere ends every session of the account (another client's too); its
/// API tokens stay. Audited.
async fn signing_out_everywhere_ends_other_sessions(engine: Engine) {
    let app = TestApp::spawn_secure(engine, WebConfig::default()).await;
    let (here, worker) = set_up(&app, Role::ContractorWorker, false).await;
    let there = app.anonymous();
    let creds = json!({"username": worker.username, "password": worker.password});
    assert_eq!(login(&app, &there, creds.clone()).await.status(), 200);
    let r = post(&here, app.url("/api/v1/tokens"), json!({"name": "集計"})).await;
    assert_eq!(r.status(), 201);
    let token: Value = r.json().await.expect("json");
    let token = token["secret"].as_str().expect("secret").to_string();

    let r = here
        .post(app.url("/api/v1/me/sign-out-everywhere"))
        .send()
        .await
        .expect("everywhere");
    assert_eq!(r.status(), 204);
    assert_eq!(
        status_of(&there, app.url("/api/v1/me")).await,
        401,
        "the other client"
    );
    assert_eq!(
        status_of(&here, app.url("/api/v1/me")).await,
        401,
        "this one too"
    );
    let r = app
        .anonymous()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me");
    assert_eq!(r.status(), 200, "tokens stay");
    let trail = actions(&app, "sign_in", &worker.username).await;
    let (action, actor, changes) = trail.last().expect("entry");
    assert_eq!(
        (action.as_str(), actor.as_str()),
        ("sign_out_everywhere", worker.username.as_str())
    );
    assert_eq!(changes["sessions_ended"]["after"], 2);

    // The account page's button does the same.
    assert_eq!(login(&app, &there, creds.clone()).await.status(), 200);
    assert_eq!(login(&app, &here, creds).await.status(), 200);
    let r = here
        .post(app.url("/account/sign-out-everywhere"))
        .form(&[("confirmed", "1")])
        .send()
        .await
        .expect("button");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    assert_eq!(status_of(&there, app.url("/api/v1/me")).await, 401);
}

/// /metrics is served to the listed addresses (loopback by default) or with the scrape
/// token; anyone else gets a Japanese 403.
async fn metrics_need_a_listed_address_or_the_token(engine: Engine) {
    let config = WebConfig {
        metrics_addresses: jukiops_web::client_address::parse_trusted_proxies("192.0.2.0/24")
            .expect("networks"),
        metrics_token: Some("scrape-token-for-the-test".into()),
        ..WebConfig::default()
    };
    let app = TestApp::spawn_secure_with_metrics(engine, config).await;
    let c = app.anonymous();
    let r = c.get(app.url("/metrics")).send().await.expect("metrics");
    assert_eq!(r.status(), 403, "127.0.0.1 is not listed here");
    let body: Value = r.json().await.expect("problem");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("メトリクス")),
        "{body}"
    );
    let r = c
        .get(app.url("/metrics"))
        .bearer_auth("a guess")
        .send()
        .await
        .expect("metrics");
    assert_eq!(r.status(), 403);
    let r = c
        .get(app.url("/metrics"))
        .bearer_auth("scrape-token-for-the-test")
        .send()
        .await
        .expect("metrics");
    assert_eq!(r.status(), 200, "with the token");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/plain")
    );

    // The default: loopback only.
    let local = TestApp::spawn_secure_with_metrics(engine, WebConfig::default()).await;
    let r = local
        .anonymous()
        .get(local.url("/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(r.status(), 200, "from this machine");
}

both_engines!(
    api_sign_in_with_a_second_factor,
    lockout_is_visible_and_cleared_by_the_administrator,
    login_history_is_in_the_trail_and_on_the_account_page,
    the_first_sign_in_changes_the_password_and_enrols,
    signing_out_everywhere_ends_other_sessions,
    metrics_need_a_listed_address_or_the_token,
);

/// A `jukiops` server started as the real binary, ended (by its id) when dropped.
struct Served {
    child: std::process::Child,
    /// What it printed up to the line announcing it listens.
    printed: String,
    base: String,
}

impl Served {
    fn start(args: &[&str]) -> Served {
        use std::io::BufRead;
        let mut child = std::process::Command::new(crate::support::jukiops_bin())
            .args(args)
            .env_remove("JUKIOPS_CONFIG")
            .env_remove("JUKIOPS_DATABASE_URL")
            .env_remove("JUKIOPS_SECRET_KEY")
            .env_remove("JUKIOPS_SECRET_KEY_FILE")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn jukiops");
        let stdout = child.stdout.take().expect("stdout");
        let mut printed = String::new();
        let mut base = String::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.expect("line");
            printed.push_str(&line);
            printed.push('\n');
            if let Some(url) = line.strip_prefix("jukiops を起動しました: ") {
                base = url.trim_end_matches('/').to_string();
                break;
            }
        }
        assert!(!base.is_empty(), "the server did not start:\n{printed}");
        Served {
            child,
            printed,
            base,
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `jukiops serve` on SQLite creates its key beside the database, readable by its owner
/// only; on PostgreSQL without a key it refuses to start while a role requires the second
/// factor, saying how to give one.
#[test]
fn the_server_keeps_its_key_or_refuses_to_start() {
    let dir = std::env::temp_dir().join(format!("jukiops_key_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let url = format!("sqlite://{}", dir.join("jukiops.db").display());
    let served = Served::start(&["serve", "--database-url", &url, "--listen", "127.0.0.1:0"]);
    let key = dir.join("jukiops.key");
    let meta = std::fs::metadata(&key).expect("the key file beside the database");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&key).expect("key");
    assert!(
        jukiops_app::second_factor::SealingKey::from_base64(&text).is_ok(),
        "32 bytes in base64"
    );
    assert!(
        !served.printed.contains(text.trim()),
        "the key is never printed"
    );
    drop(served);
    // Started again, it reads the same key.
    let again = Served::start(&["serve", "--database-url", &url, "--listen", "127.0.0.1:0"]);
    assert_eq!(std::fs::read_to_string(&key).expect("key"), text);
    drop(again);

    let out = std::process::Command::new(crate::support::jukiops_bin())
        .args([
            "serve",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/never",
            "--listen",
            "127.0.0.1:0",
        ])
        .env_remove("JUKIOPS_CONFIG")
        .env_remove("JUKIOPS_SECRET_KEY")
        .env_remove("JUKIOPS_SECRET_KEY_FILE")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("鍵が設定されていません") && err.contains("JUKIOPS_SECRET_KEY"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The README's first command: `jukiops demo` says its accounts sign in with the password
/// alone, and they do (no second factor, no first-sign-in change).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_signs_in_with_the_printed_password() {
    let dir = std::env::temp_dir().join(format!("jukiops_demo_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.to_str().expect("path").to_string();
    let served = tokio::task::spawn_blocking(move || {
        Served::start(&["demo", "--listen", "127.0.0.1:0", "--data-dir", &data])
    })
    .await
    .expect("demo");
    assert!(
        served
            .printed
            .contains("二要素認証と初回ログイン時のパスワード変更は求めません"),
        "{}",
        served.printed
    );
    let password = served
        .printed
        .lines()
        .find_map(|l| {
            let mut words = l.split_whitespace();
            (words.next() == Some("admin")).then(|| words.last().map(String::from))?
        })
        .expect("the admin's password");
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = c
        .post(format!("{}/api/v1/login", served.base))
        .json(&json!({"username": "admin", "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 200);
    let r = c
        .get(format!("{}/api/v1/users", served.base))
        .send()
        .await
        .expect("users");
    assert_eq!(r.status(), 200, "nothing to set up first");
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}
