//! Sign-in, sessions in the database, API tokens, throttling, CSRF refusal, cookies and
//! security headers.

use jukiops_domain::people::Role;
use jukiops_web::WebConfig;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, problem_fields, test_password, username};

/// The lowercase hex SHA-256 of `secret`, as the database must hold it.
fn sha256_hex(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

async fn login(app: &TestApp, c: &reqwest::Client, user: &str, pw: &str) -> reqwest::Response {
    c.post(app.url("/api/v1/login"))
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await
        .expect("login")
}

async fn login_sessions_and_logout(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.anonymous();
    let r = login(&app, &c, &username(Role::CityStaff), "wrong password!!").await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.expect("json");
    assert_eq!(problem_fields(&body), ["password"]);
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("パスワードが違います")
    );

    let r = login(
        &app,
        &c,
        &username(Role::CityStaff),
        &test_password(Role::CityStaff),
    )
    .await;
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get("set-cookie")
        .expect("cookie")
        .to_str()
        .expect("text")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP test server: no Secure flag"
    );
    let secret = cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .expect("value");

    // The session lives in the database, stored only as a hash of the cookie's secret.
    let stored: Vec<String> = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_all(app.store.pool())
        .await
        .expect("sessions");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0],
        sha256_hex(&secret),
        "the SHA-256 of the cookie's secret"
    );
    let me: Value = c
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["role"], "city_staff");
    assert!(me.get("password_hash").is_none());

    // Passwords are Argon2id hashes.
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE username = $1")
        .bind(username(Role::CityStaff))
        .fetch_one(app.store.pool())
        .await
        .expect("hash");
    assert!(hash.starts_with("$argon2id$"));

    assert_eq!(
        c.post(app.url("/api/v1/logout"))
            .send()
            .await
            .expect("logout")
            .status(),
        204
    );
    assert_eq!(
        c.get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        401
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.store.pool())
        .await
        .expect("count");
    assert_eq!(left, 0);
}

async fn throttling_per_account_and_per_address(engine: Engine) {
    let config = WebConfig {
        accounts: jukiops_web::AccountPolicy {
            max_failures_per_account: 3,
            max_failures_per_address: 5,
            address_delay: SLOW,
            ..Default::default()
        },
        ..WebConfig::default()
    };
    let app = TestApp::spawn_with(engine, config).await;
    let c = app.anonymous();
    let lead = username(Role::ContractorLead);
    for _ in 0..3 {
        assert_eq!(
            login(&app, &c, &lead, "not the password").await.status(),
            401
        );
    }
    // Locked: even the right password is refused now, with a Japanese reason.
    let r = login(&app, &c, &lead, &test_password(Role::ContractorLead)).await;
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert_eq!(retry, 15 * 60, "the window of the default policy");
    let body: Value = r.json().await.expect("json");
    assert!(body["detail"].as_str().expect("detail").contains("ロック"));
    // Another account from the same address still works until the address limit (5).
    assert_eq!(
        login(
            &app,
            &c,
            &username(Role::Auditor),
            &test_password(Role::Auditor)
        )
        .await
        .status(),
        200
    );
    for _ in 0..2 {
        assert_eq!(
            login(&app, &c, "nobody", "not the password").await.status(),
            401
        );
    }
    // Past the address's limit (5 attempts) it is slowed, never shut: a ward office's staff
    // share one address, and a correct password for an account not itself locked signs in.
    let started = std::time::Instant::now();
    let r = login(
        &app,
        &c,
        &username(Role::Admin),
        &test_password(Role::Admin),
    )
    .await;
    assert_eq!(r.status(), 200, "the address is slowed, not locked");
    assert!(started.elapsed() >= SLOW, "the answer waited {SLOW:?}");
}

/// The slowing of an address past its limit in these tests.
const SLOW: std::time::Duration = std::time::Duration::from_millis(1500);

async fn login_from(app: &TestApp, forwarded_for: &str, user: &str, pw: &str) -> u16 {
    app.anonymous()
        .post(app.url("/api/v1/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await
        .expect("login")
        .status()
        .as_u16()
}

/// Behind a trusted reverse proxy, each client is throttled on its own forwarded address;
/// from an untrusted peer, the header is ignored and cannot spread failures over made-up
/// addresses.
async fn throttling_behind_a_trusted_proxy(engine: Engine) {
    let limits = WebConfig {
        accounts: jukiops_web::AccountPolicy {
            max_failures_per_account: 100,
            max_failures_per_address: 3,
            address_delay: SLOW,
            ..Default::default()
        },
        ..WebConfig::default()
    };
    let proxied = TestApp::spawn_with(
        engine,
        WebConfig {
            trusted_proxies: jukiops_web::client_address::parse_trusted_proxies("127.0.0.1")
                .expect("parse"),
            ..limits.clone()
        },
    )
    .await;
    let (lead, lead_pw) = (
        username(Role::ContractorLead),
        test_password(Role::ContractorLead),
    );
    for _ in 0..3 {
        assert_eq!(
            login_from(&proxied, "203.0.113.5", "nobody", "bad password").await,
            401
        );
    }
    let started = std::time::Instant::now();
    assert_eq!(
        login_from(&proxied, "203.0.113.5", &lead, &lead_pw).await,
        200
    );
    assert!(
        started.elapsed() >= SLOW,
        "the client that failed 3 times is slowed"
    );
    assert_eq!(
        login_from(&proxied, "203.0.113.6", &lead, &lead_pw).await,
        200,
        "another client behind the same proxy is not locked out"
    );

    let direct = TestApp::spawn_with(engine, limits).await;
    for n in 0..3 {
        let forged = format!("198.51.100.{n}");
        assert_eq!(
            login_from(&direct, &forged, "nobody", "bad password").await,
            401
        );
    }
    let started = std::time::Instant::now();
    assert_eq!(
        login_from(&direct, "198.51.100.99", &lead, &lead_pw).await,
        200
    );
    assert!(
        started.elapsed() >= SLOW,
        "a forged header does not escape the peer's count: the peer is slowed"
    );
}

async fn csrf_cross_origin_posts_are_refused(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::ContractorLead).await;
    let before = app.audit_count().await;
    let body = json!({"code": "x1", "name": "攻撃拠点"});
    let r = c
        .post(app.url("/api/v1/sites"))
        .header("origin", "http://evil.example")
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    let problem: Value = r.json().await.expect("json");
    assert!(problem["detail"].as_str().expect("detail").contains("CSRF"));
    let r = c
        .post(app.url("/sites"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("code", "x2"), ("name", "攻撃")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert_eq!(app.audit_count().await, before, "nothing written");
    // The same request from our own origin goes through.
    let r = c
        .post(app.url("/api/v1/sites"))
        .header("origin", app.base.clone())
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    let r = c
        .post(app.url("/sites"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("code", "x3"), ("name", "自拠点")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303);
}

async fn security_headers_and_secure_cookies(engine: Engine) {
    let app = TestApp::spawn_with(
        engine,
        WebConfig {
            secure_cookies: true,
            ..WebConfig::default()
        },
    )
    .await;
    let r = app
        .anonymous()
        .get(app.url("/login"))
        .send()
        .await
        .expect("get");
    let h = r.headers();
    let csp = h
        .get("content-security-policy")
        .expect("csp")
        .to_str()
        .expect("text");
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(h.get("x-content-type-options").expect("nosniff"), "nosniff");
    assert_eq!(h.get("x-frame-options").expect("xfo"), "DENY");
    assert_eq!(
        h.get("strict-transport-security").expect("hsts over tls"),
        "max-age=31536000"
    );
    assert!(h.get("x-request-id").is_some(), "request id propagated");
    let r = login(
        &app,
        &app.anonymous(),
        &username(Role::Auditor),
        &test_password(Role::Auditor),
    )
    .await;
    let cookie = r
        .headers()
        .get("set-cookie")
        .expect("cookie")
        .to_str()
        .expect("text");
    assert!(cookie.contains("; Secure"), "{cookie}");

    // Over plain HTTP (the demo, a closed test network) there is no HSTS to pin the host.
    let plain = TestApp::spawn(engine).await;
    let r = plain
        .anonymous()
        .get(plain.url("/login"))
        .send()
        .await
        .expect("get");
    assert!(r.headers().get("strict-transport-security").is_none());
}

async fn api_tokens_are_hashed_and_revocable(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::ContractorWorker).await;
    let r = c
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"name": "集計スクリプト", "days": 30}))
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 201);
    let t: Value = r.json().await.expect("json");
    let secret = t["secret"].as_str().expect("secret").to_string();
    let id = t["token"]["id"].as_i64().expect("id");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_one(app.store.pool())
        .await
        .expect("hash");
    assert_eq!(
        stored,
        sha256_hex(&secret),
        "the SHA-256 of the token's secret"
    );

    let bearer = reqwest::Client::new();
    let me = bearer
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);
    assert_eq!(
        bearer
            .get(app.url("/api/v1/me"))
            .bearer_auth("jko_forged")
            .send()
            .await
            .expect("me")
            .status(),
        401
    );
    assert_eq!(
        c.delete(app.url(&format!("/api/v1/tokens/{id}")))
            .send()
            .await
            .expect("revoke")
            .status(),
        204
    );
    assert_eq!(
        bearer
            .get(app.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .expect("me")
            .status(),
        401
    );
}

async fn disabling_a_user_ends_their_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let worker = app.client(Role::ContractorWorker).await;
    let admin = app.client(Role::Admin).await;
    let id = app
        .store
        .user_by_name(&username(Role::ContractorWorker))
        .await
        .expect("q")
        .expect("user")
        .id;
    let r = admin
        .patch(app.url(&format!("/api/v1/users/{id}")))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 200);
    assert_eq!(
        worker
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        401
    );
    let r = login(
        &app,
        &app.anonymous(),
        &username(Role::ContractorWorker),
        &test_password(Role::ContractorWorker),
    )
    .await;
    assert_eq!(r.status(), 401);
    // The audit trail records the change, not any password.
    let entries = app
        .store
        .audit_for("user", &id.to_string())
        .await
        .expect("audit");
    let last = entries.last().expect("entry");
    assert_eq!(last.actor, username(Role::Admin));
    assert!(last.changes.contains("disabled"));
    // An admin cannot lock themselves out.
    let admin_id = app
        .store
        .user_by_name(&username(Role::Admin))
        .await
        .expect("q")
        .expect("user")
        .id;
    let r = admin
        .patch(app.url(&format!("/api/v1/users/{admin_id}")))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 409);
}

async fn users_are_created_with_checked_input(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.client(Role::Admin).await;
    let r = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({"username": "Bad Name", "display_name": "", "role": "king", "password": "short"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(
        problem_fields(&body),
        ["username", "display_name", "role", "password"]
    );
    let good = json!({"username": "sato.k", "display_name": "佐藤 健", "role": "contractor_worker", "password": "a long enough password"});
    assert_eq!(
        admin
            .post(app.url("/api/v1/users"))
            .json(&good)
            .send()
            .await
            .expect("post")
            .status(),
        201
    );
    let r = admin
        .post(app.url("/api/v1/users"))
        .json(&good)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 409);
    assert_eq!(problem_fields(&r.json().await.expect("json")), ["username"]);
    let c = app.anonymous();
    assert_eq!(
        login(&app, &c, "sato.k", "a long enough password")
            .await
            .status(),
        200
    );
}

both_engines!(
    login_sessions_and_logout,
    throttling_per_account_and_per_address,
    throttling_behind_a_trusted_proxy,
    csrf_cross_origin_posts_are_refused,
    security_headers_and_secure_cookies,
    api_tokens_are_hashed_and_revocable,
    disabling_a_user_ends_their_session,
    users_are_created_with_checked_input,
);
