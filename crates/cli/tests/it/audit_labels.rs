//! The history in plain Japanese (issue 13, item 3): the system is driven through the API
//! so that the audit trail holds as many kinds of entry as it can write (notices, jobs,
//! requests, procedures, questions, visits, off-hours work, permits, work records, reports,
//! password changes, users, the work log, the calendar), then the audit page (every page of
//! it) and the 履歴 of each record page are read as a person reads them: no English word,
//! internal name or raw code may be left, instants are in Japan time, and no message cites
//! an internal clause number.

use std::collections::BTreeSet;

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::{Chain, call};
use crate::support::{Engine, request_and_approve};

/// What Japanese users write in Latin letters, besides what the test itself typed: and the
/// site code the contract gives 菊水分庁舎 (the ward offices' codes are digits).
const ALLOWED: &[&str] = &["J-LIS", "OS", "USB", "CSV", "PDF", "ID", "SHA-256", "kikusui"];

/// The text a person sees in `html`: tags dropped, entities decoded.
fn visible_text(html: &str) -> String {
    let mut kept = html.to_string();
    for (open, close) in [("<script", "</script>"), ("<style", "</style>")] {
        while let Some(i) = kept.find(open) {
            let end = kept[i..].find(close).map_or(kept.len(), |j| i + j + close.len());
            kept.replace_range(i..end, " ");
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for ch in kept.chars() {
        match ch {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part of `html` between `start` and the next `end` after it (each occurrence).
fn sections<'a>(html: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(start) {
        let from = &rest[i..];
        let j = from.find(end).map_or(from.len(), |j| j + end.len());
        found.push(&from[..j]);
        rest = &from[j..];
    }
    found
}

/// The words in Latin letters left in `text` that are neither allowed nor typed by the
/// test.
fn ascii_words(text: &str, typed: &BTreeSet<String>) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, words: &mut Vec<String>| {
        let w = word.trim_end_matches(['-', '.', '_']).to_string();
        word.clear();
        if w.chars().any(|c| c.is_ascii_alphabetic())
            && !ALLOWED.contains(&w.as_str())
            && !typed.contains(&w)
        {
            words.push(w);
        }
    };
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() || (!word.is_empty() && matches!(ch, '-' | '_' | '.')) {
            word.push(ch);
        } else {
            flush(&mut word, &mut words);
        }
    }
    flush(&mut word, &mut words);
    words
}

async fn page(c: &reqwest::Client, url: String) -> String {
    let r = c.get(&url).send().await.expect("page");
    assert_eq!(r.status(), 200, "{url}");
    r.text().await.expect("html")
}

fn ok(what: &str, (status, body): (u16, Value)) -> Value {
    assert!((200..300).contains(&status), "{what}: {status} {body}");
    body
}

async fn every_audit_entry_reads_in_plain_japanese(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let app = &c.app;
    let admin = app.client(Role::Admin).await;
    let auditor = app.client(Role::Auditor).await;
    let mut typed: BTreeSet<String> = ["R2-101", "J-0001", "J-0002"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    // Login IDs are typed in Latin letters; a sign-in entry names the one typed.
    for role in Role::ALL {
        typed.insert(crate::support::username(role));
    }
    for n in 0..4 {
        typed.insert(format!("C-{n}"));
        typed.insert(format!("CS-{n}"));
    }
    let (site, terminal) = c.places[0];

    // Notices: one becomes a job, one is withdrawn.
    let notice = |reference: &str| {
        json!({"received_on": "2020-10-01", "jlis_reference": reference, "title": "ソフトウェア更新のお知らせ",
            "body": "更新プログラムを適用してください", "kind": "software_update", "requested_deadline": "2020-10-30"})
    };
    let n1 = ok("notice", c.post(&c.city, "/api/v1/notices", notice("J-0001")).await);
    let n1 = n1["id"].as_i64().expect("notice");
    let job_of_notice = ok(
        "job of notice",
        c.post(&c.city, "/api/v1/jobs", json!({"category": "ア", "origin": "notice", "notice_id": n1,
            "title": "ソフトウェア更新", "terminal_ids": [terminal]}))
        .await,
    );
    let job_of_notice = job_of_notice["id"].as_i64().expect("job");
    let n2 = ok("notice 2", c.post(&c.city, "/api/v1/notices", notice("J-0002")).await);
    let n2 = n2["id"].as_i64().expect("notice");
    ok(
        "withdraw",
        c.post(&c.city, &format!("/api/v1/notices/{n2}/transition"), json!({"verb": "withdraw", "reason": "J-LISが撤回"}))
            .await,
    );

    // A job the City orders and cancels.
    let spare = ok(
        "job",
        c.post(&c.city, "/api/v1/jobs", json!({"category": "エ", "origin": "city_order", "title": "取りやめる作業",
            "terminal_ids": [c.places[3].1]}))
        .await,
    );
    let spare = spare["id"].as_i64().expect("job");
    ok(
        "cancel job",
        c.post(&c.city, &format!("/api/v1/jobs/{spare}/transition"), json!({"verb": "cancel", "reason": "不要になった"}))
            .await,
    );

    // A second request whose procedure is returned, then cancelled.
    let second_job = ok(
        "job 2",
        c.post(&c.city, "/api/v1/jobs", json!({"category": "エ", "origin": "city_order", "title": "設定の確認",
            "terminal_ids": [c.places[3].1]}))
        .await,
    );
    let second_job = second_job["id"].as_i64().expect("job");
    let second = request_and_approve(app, &[second_job]).await;
    let number = c.get(&c.city, &format!("/api/v1/requests/{second}")).await;
    typed.insert(number["request"]["request_number"].as_str().expect("number").to_string());
    let d = ok(
        "procedure v2",
        call(&c.lead, Method::PUT, app.url(&format!("/api/v1/requests/{second}/procedure")),
            json!({"steps": [{"action": "設定を確認する", "expected_result": "設定どおり"}], "note": "第2版"}))
        .await,
    );
    let v2 = d["procedures"][0]["id"].as_i64().expect("v2");
    ok("submit", c.post(&c.lead, &format!("/api/v1/procedures/{v2}/submit"), json!({})).await);
    ok(
        "return",
        c.post(&c.city, &format!("/api/v1/procedures/{v2}/decision"), json!({"verdict": "return", "comment": "確認内容が不足"}))
            .await,
    );
    ok("cancel request", c.post(&c.city, &format!("/api/v1/requests/{second}/cancel"), json!({})).await);

    // Questions: the City's, answered with a change approved and closed; the worker's, answered.
    let d = ok(
        "question",
        c.post(&c.city, &format!("/api/v1/requests/{}/questions", c.request), json!({"subject": "手順の確認", "body": "再起動は必要か"}))
            .await,
    );
    let q = d["questions"][0]["id"].as_i64().expect("question");
    ok(
        "answer",
        c.post(&c.lead, &format!("/api/v1/questions/{q}/answer"), json!({"answer": "必要です", "change": "再起動の手順を追加する"}))
            .await,
    );
    ok("change", c.post(&c.city, &format!("/api/v1/questions/{q}/change-approval"), json!({})).await);
    ok("close", c.post(&c.city, &format!("/api/v1/questions/{q}/close"), json!({})).await);

    // Visits: one agreed and done, one cancelled; off-hours work and permits at 菊水分庁舎.
    let visit = |date: &str| {
        json!({"site_id": site, "date": date, "start": "09:00", "end": "10:00", "purpose": "作業",
            "worker_ids": [c.worker_id], "terminal_ids": [terminal], "request_id": c.request})
    };
    let v = ok("visit", c.post(&c.lead, "/api/v1/visits", visit("2020-10-05")).await);
    let visit_id = v["id"].as_i64().expect("visit");
    ok("agree", c.post(&c.city, &format!("/api/v1/visits/{visit_id}/agreement"), json!({})).await);
    ok(
        "complete",
        c.post(&c.worker, &format!("/api/v1/visits/{visit_id}/transition"), json!({"verb": "complete"})).await,
    );
    let v = ok("visit 2", c.post(&c.lead, "/api/v1/visits", visit("2020-10-07")).await);
    let cancelled = v["id"].as_i64().expect("visit");
    ok(
        "cancel visit",
        c.post(&c.lead, &format!("/api/v1/visits/{cancelled}/transition"), json!({"verb": "cancel"})).await,
    );
    let kikusui: i64 = sqlx::query_scalar("SELECT id FROM sites WHERE code = 'kikusui'")
        .fetch_one(app.store.pool())
        .await
        .expect("kikusui");
    ok(
        "off-hours instructed",
        c.post(&c.city, "/api/v1/off-hours", json!({"site_id": kikusui, "date": "2020-11-04", "start": "17:30",
            "end": "19:00", "cause": "city", "reason": "窓口終了後の作業", "worker_ids": [c.worker_id]}))
        .await,
    );
    let oh = ok(
        "off-hours applied",
        c.post(&c.lead, "/api/v1/off-hours", json!({"site_id": kikusui, "date": "2020-11-05", "start": "17:30",
            "end": "19:00", "cause": "contractor", "reason": "作業の遅れ", "worker_ids": [c.worker_id]}))
        .await,
    );
    ok(
        "off-hours approved",
        c.post(&c.city, &format!("/api/v1/off-hours/{}/decision", oh["id"]), json!({"verb": "approve"})).await,
    );
    for (kind, verb) in [("building", "grant"), ("after_hours", "refuse")] {
        let p = ok(
            "permit",
            c.post(&c.lead, "/api/v1/permits", json!({"site_id": kikusui, "kind": kind, "valid_from": "2020-11-04"}))
                .await,
        );
        ok(
            "permit decision",
            c.post(&c.city, &format!("/api/v1/permits/{}/decision", p["id"]), json!({"verb": verb, "comment": "確認済み"}))
                .await,
        );
    }

    // Work records (one corrected), the password change of the オ job, the report accepted.
    let records: Vec<Value> = c.places[..3]
        .iter()
        .map(|(_, t)| c.record(*t, "2020-10-05", "09:00", "09:30"))
        .collect();
    let path = format!("/api/v1/requests/{}/records", c.request);
    ok("records", c.post(&c.worker, &path, json!({"records": records})).await);
    let mut again = c.record(terminal, "2020-10-05", "09:00", "09:40");
    again["note"] = json!("終了時刻の訂正");
    ok("correction", c.post(&c.worker, &path, json!({"records": [again]})).await);
    ok(
        "rotation",
        c.post(&c.worker, "/api/v1/password-rotations", json!({"job_id": c.job, "terminal_id": terminal,
            "performer_id": c.worker_id, "rotated_at": "2020-10-06 10:00"}))
        .await,
    );
    let d = ok("report", c.post(&c.lead, &format!("/api/v1/requests/{}/report", c.request), json!({})).await);
    let report = d["reports"][0]["id"].as_i64().expect("report");
    ok(
        "accept",
        c.post(&c.city, &format!("/api/v1/reports/{report}/decision"), json!({"verdict": "approve", "comment": "受理します"}))
            .await,
    );

    // People, the work log and the calendar.
    let u = ok(
        "user",
        call(&admin, Method::POST, app.url("/api/v1/users"), json!({"username": "kakari",
            "display_name": "札幌 係長", "role": "city_staff", "password": "audit-labels-password-1"}))
        .await,
    );
    typed.insert("kakari".into());
    let uid = u["id"].as_i64().expect("user");
    ok(
        "user update",
        call(&admin, Method::PATCH, app.url(&format!("/api/v1/users/{uid}")), json!({"post": "係長", "disabled": true}))
            .await,
    );
    ok(
        "work log",
        c.post(&c.worker, "/api/v1/work-log", json!({"worked_on": "2020-11-16", "kind": "inquiry", "minutes": 30,
            "summary": "中央区役所からの操作方法の問い合わせに回答", "request_id": c.request}))
        .await,
    );
    ok(
        "calendar",
        call(&c.city, Method::PUT, app.url("/api/v1/calendar/overrides/2020-11-30"), json!({"is_open": false, "reason": "庁舎停電"}))
            .await,
    );

    // What was written: at least these kinds of entry.
    let written: BTreeSet<(String, String)> = sqlx::query_as::<_, (String, String)>(
        "SELECT DISTINCT entity, action FROM audit_entries",
    )
    .fetch_all(app.store.pool())
    .await
    .expect("entries")
    .into_iter()
    .collect();
    for (entity, action) in [
        ("notice", "create"),
        ("notice", "transition"),
        ("notice", "create_jobs"),
        ("job", "create"),
        ("job", "cancel"),
        ("work_request", "create"),
        ("work_request", "cancel"),
        ("procedure", "submit"),
        ("procedure", "return"),
        ("question", "answer"),
        ("question", "close"),
        ("visit", "complete"),
        ("visit", "cancel"),
        ("visit", "agree"),
        ("off_hours", "decide"),
        ("permit", "decide"),
        ("question", "approve_change"),
        ("report", "accept"),
        ("work_request", "accept"),
        ("work_record", "create"),
        ("work_record", "replace"),
        ("password_rotation", "create"),
        ("report", "submit"),
        ("user", "create"),
        ("user", "update"),
        ("work_log", "create"),
        ("calendar_override", "create"),
        ("sign_in", "sign_in"),
    ] {
        let found = written.iter().any(|(e, a)| e == entity && a.starts_with(action));
        assert!(found, "no {entity} {action} entry among {written:?}");
    }
    assert!(written.len() >= 35, "{} kinds of entry: {written:?}", written.len());

    // The audit page, every page of it.
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_entries")
        .fetch_one(app.store.pool())
        .await
        .expect("count");
    let mut seen = String::new();
    for n in 1..=(total + 49) / 50 {
        let html = page(&auditor, app.url(&format!("/audit?page={n}"))).await;
        let rows = sections(&html, "<section class=\"history\"", "</section>");
        assert_eq!(rows.len(), 1, "one table of entries: {html}");
        seen.push_str(&rows[0].replace("&#x2f;", "/"));
        let text = visible_text(rows[0]);
        let left = ascii_words(&text, &typed);
        assert!(left.is_empty(), "/audit?page={n} shows {left:?}\n{text}");
    }
    assert!(seen.contains(&format!("href=\"/requests/{}\"", c.request)), "entries link to their records");
    assert!(seen.contains(&format!("href=\"/jobs/{}\"", c.job)));

    // The history of each record page.
    let mut histories = String::new();
    for path in [
        format!("/jobs/{}", c.job),
        format!("/jobs/{job_of_notice}"),
        format!("/jobs/{spare}"),
        format!("/notices/{n1}"),
        format!("/notices/{n2}"),
        format!("/visits/{visit_id}"),
        format!("/visits/{cancelled}"),
        format!("/requests/{}", c.request),
        format!("/requests/{second}"),
        format!("/sites/{site}"),
        format!("/terminals/{terminal}"),
    ] {
        let html = page(&c.city, app.url(&path)).await;
        let history = sections(&html, "<section class=\"history\"", "</section>");
        assert_eq!(history.len(), 1, "{path} has one 履歴");
        let text = visible_text(history[0]);
        assert!(!text.contains("記録はありません"), "{path}: its history is empty");
        let left = ascii_words(&text, &typed);
        assert!(left.is_empty(), "{path} 履歴 shows {left:?}\n{text}");
        assert!(
            !visible_text(&html).contains("(R") && !visible_text(&html).contains("（R"),
            "{path} cites an internal clause"
        );
        let stored = regex_like_utc(&visible_text(&html));
        assert!(stored.is_empty(), "{path} shows instants in UTC storage form: {stored:?}");
        histories.push_str(&text);
    }

    // Instants in Japan time: the work typed as 09:00-09:40 on 10/5 (00:00-00:40 UTC).
    let request_page = page(&c.city, app.url(&format!("/requests/{}", c.request))).await;
    let request_history = visible_text(sections(&request_page, "<section class=\"history\"", "</section>")[0]);
    assert!(request_history.contains("2020-10-05 09:40"), "{request_history}");
    assert!(!request_history.contains("2020-10-05T00:40"), "{request_history}");
    let trail = visible_text(&seen);
    assert!(trail.contains("変更日時: 2020-10-06 10:00"), "the password change's time in JST");
    let utc = regex_like_utc(&(trail + &histories));
    assert!(utc.is_empty(), "instants in UTC storage form: {utc:?}");
    // The names people know: the performer by name, the question's text as 疑義の内容.
    assert!(request_history.contains("実施者: 作業従事者テスト"), "{request_history}");
    assert!(request_history.contains("疑義の内容: 再起動は必要か"), "{request_history}");
    assert!(request_history.contains("状態: 発行済 → 手順書承認済"), "{request_history}");
    // Records named as people know them, lists joined with 、.
    assert!(
        request_history.contains("作業場所: 札幌市中央区役所 、 札幌市北区役所 、 札幌市東区役所"),
        "{request_history}"
    );
    assert!(request_history.contains("統合端末: C-0"), "{request_history}");
    assert!(request_history.contains("作業依頼書 R2-101"), "{request_history}");
}

/// Texts shaped like the stored instants (`2020-11-13T04:27:00`).
fn regex_like_utc(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for i in 0..chars.len().saturating_sub(13) {
        let w: String = chars[i..i + 13].iter().collect();
        let b = w.as_bytes();
        if w.is_ascii()
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[11..13].iter().all(u8::is_ascii_digit)
        {
            found.push(w);
        }
    }
    found
}

both_engines!(every_audit_entry_reads_in_plain_japanese);
