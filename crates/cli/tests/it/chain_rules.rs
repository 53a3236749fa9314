//! The contract's rules on every door of the request chain (issue 12): a request, its
//! visits and its records can only say what the contract allows. One オ job on three ward
//! offices' terminals (a fourth office is left out), one request for 10/5-10/12 with an
//! approved procedure; each case then tries what must be refused.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, problem_fields};

pub async fn call(c: &reqwest::Client, method: Method, url: String, body: Value) -> (u16, Value) {
    let r = c.request(method, url).json(&body).send().await.expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The request chain set up to the point where work may be recorded.
pub struct Chain {
    pub app: TestApp,
    pub city: reqwest::Client,
    pub lead: reqwest::Client,
    pub worker: reqwest::Client,
    pub worker_id: i64,
    /// Four sites, one terminal each: `(site, terminal)`. The job covers the first three.
    pub places: Vec<(i64, i64)>,
    pub job: i64,
    pub request: i64,
    /// The approved procedure version.
    pub procedure: i64,
}

impl Chain {
    pub async fn post(&self, who: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
        call(who, Method::POST, self.app.url(path), body).await
    }

    pub async fn get(&self, who: &reqwest::Client, path: &str) -> Value {
        who.get(self.app.url(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json")
    }

    /// The terminals of the job and their sites, as the request's form wants them.
    pub fn sites(&self, n: usize) -> Vec<i64> {
        self.places.iter().take(n).map(|(s, _)| *s).collect()
    }

    /// A work record of the worker on terminal `terminal` (step 1), at `day` `from`-`to`.
    pub fn record(&self, terminal: i64, day: &str, from: &str, to: &str) -> Value {
        json!({"terminal_id": terminal, "step_order": 1, "outcome": "done",
            "performer_id": self.worker_id, "started_at": format!("{day} {from}"),
            "ended_at": format!("{day} {to}")})
    }

    pub async fn set_up(engine: Engine) -> Chain {
        Self::set_up_with(engine, "オ").await
    }

    /// The chain for a job of `category` (a City order: エ, オ or カ).
    pub async fn set_up_with(engine: Engine, category: &str) -> Chain {
        let app = TestApp::spawn(engine).await;
        let city = app.client(Role::CityStaff).await;
        let lead = app.client(Role::ContractorLead).await;
        let worker = app.client(Role::ContractorWorker).await;
        let worker_id = app.user_id(Role::ContractorWorker).await;
        let mut places = Vec::new();
        for (n, code) in ["011011", "011029", "011037", "011045"].iter().enumerate() {
            let body = json!({"asset_number": format!("C-{n}"), "serial": format!("CS-{n}"),
                "model": "型式", "site_code": code});
            let (status, t) = call(&lead, Method::POST, app.url("/api/v1/terminals"), body).await;
            assert_eq!(status, 201, "{t}");
            places.push((t["site_id"].as_i64().expect("site"), t["id"].as_i64().expect("id")));
        }
        let terminals: Vec<i64> = places.iter().take(3).map(|(_, t)| *t).collect();
        let (status, j) = call(
            &city,
            Method::POST,
            app.url("/api/v1/jobs"),
            json!({"category": category, "origin": "city_order", "title": "本市の指示による作業",
                "terminal_ids": terminals}),
        )
        .await;
        assert_eq!(status, 201, "{j}");
        let job = j["id"].as_i64().expect("job");
        let sites: Vec<i64> = places.iter().take(3).map(|(s, _)| *s).collect();
        let (status, d) = call(
            &city,
            Method::POST,
            app.url("/api/v1/requests"),
            json!({"request_number": "R2-101", "issued_on": "2020-10-01", "period_from": "2020-10-05",
                "period_to": "2020-10-12", "site_ids": sites, "contents": "指示による作業", "job_ids": [job]}),
        )
        .await;
        assert_eq!(status, 201, "{d}");
        let request = d["request"]["id"].as_i64().expect("request");
        let (status, d) = call(
            &lead,
            Method::PUT,
            app.url(&format!("/api/v1/requests/{request}/procedure")),
            json!({"steps": [{"action": "作業する", "expected_result": "完了する"}]}),
        )
        .await;
        assert_eq!(status, 200, "{d}");
        let procedure = d["procedures"][0]["id"].as_i64().expect("procedure");
        let url = app.url(&format!("/api/v1/procedures/{procedure}/submit"));
        assert_eq!(call(&lead, Method::POST, url, json!({})).await.0, 204);
        let url = app.url(&format!("/api/v1/procedures/{procedure}/decision"));
        let (status, body) = call(&city, Method::POST, url, json!({"verdict": "approve"})).await;
        assert_eq!(status, 204, "{body}");
        Chain {
            app,
            city,
            lead,
            worker,
            worker_id,
            places,
            job,
            request,
            procedure,
        }
    }
}

/// Item 1: a request names every site where its jobs' terminals are, and its dates lie in
/// the contract's period, with work starting no earlier than the issue.
async fn a_request_names_its_sites_and_keeps_to_the_contract(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let (status, j) = c
        .post(
            &c.city,
            "/api/v1/jobs",
            json!({"category": "オ", "origin": "city_order", "title": "二回目", "terminal_ids": [c.places[0].1, c.places[1].1]}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let form = |sites: Vec<i64>, from: &str, to: &str| {
        json!({"request_number": "R2-102", "issued_on": "2020-10-01", "period_from": from,
            "period_to": to, "site_ids": sites, "contents": "作業", "job_ids": [j["id"]]})
    };
    let before = c.app.audit_total().await;
    let (status, body) = c
        .post(&c.city, "/api/v1/requests", form(c.sites(1), "2020-10-05", "2020-10-07"))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["site_ids"]);
    assert!(body.to_string().contains("北区役所"), "names the site left out: {body}");
    let (status, body) = c
        .post(&c.city, "/api/v1/requests", form(c.sites(2), "2020-10-05", "2027-01-08"))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["period_to"]);
    let mut early = form(c.sites(2), "2020-10-05", "2020-10-07");
    early["issued_on"] = json!("2020-10-06");
    let (status, body) = c.post(&c.city, "/api/v1/requests", early).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["period_from"], "before the issue");
    assert_eq!(c.app.audit_total().await, before, "nothing written");
    let (status, body) = c
        .post(&c.city, "/api/v1/requests", form(c.sites(2), "2020-10-05", "2020-10-07"))
        .await;
    assert_eq!(status, 201, "{body}");
}

/// Item 2: a visit for the request is at one of its sites, on a day of its period, to its
/// terminals.
async fn a_visit_keeps_to_its_request(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let visit = |site: i64, date: &str, terminals: Vec<i64>| {
        json!({"site_id": site, "date": date, "start": "09:00", "end": "10:00", "purpose": "作業",
            "worker_ids": [c.worker_id], "terminal_ids": terminals, "request_id": c.request})
    };
    let (other_site, other_terminal) = c.places[3];
    let (site, terminal) = c.places[0];
    for (body, field) in [
        (visit(other_site, "2020-10-05", vec![]), "site_id"),
        (visit(site, "2020-10-05", vec![c.places[1].1]), "terminal_ids"),
        (visit(site, "2020-10-13", vec![terminal]), "date"),
        (visit(site, "2020-10-02", vec![terminal]), "date"),
    ] {
        let (status, answer) = c.post(&c.lead, "/api/v1/visits", body.clone()).await;
        assert_eq!(status, 422, "{body} {answer}");
        assert!(problem_fields(&answer).contains(&field.to_string()), "{field}: {answer}");
    }
    let _ = other_terminal;
    let (status, v) = c
        .post(&c.lead, "/api/v1/visits", visit(site, "2020-10-05", vec![terminal]))
        .await;
    assert_eq!(status, 201, "{v}");

    // The job's page links to its request and offers no cancellation of its own.
    let page = c.city.get(c.app.url(&format!("/jobs/{}", c.job))).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("R2-101") && !page.contains(&format!("/jobs/{}/cancel", c.job)), "{page}");
}

/// Item 3: records lie in the request's period, after its issue, and not in the future.
async fn a_record_keeps_to_the_period(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let path = format!("/api/v1/requests/{}/records", c.request);
    let terminal = c.places[0].1;
    for day in ["2020-10-13", "2020-09-30", "2027-10-06"] {
        let (status, body) = c
            .post(&c.worker, &path, json!({"records": [c.record(terminal, day, "09:00", "09:30")]}))
            .await;
        assert_eq!(status, 422, "{day}: {body}");
        assert_eq!(problem_fields(&body), ["records[0].started_at"], "{day}");
    }
    let (status, body) = c
        .post(&c.worker, &path, json!({"records": [c.record(terminal, "2020-10-05", "09:00", "09:30")]}))
        .await;
    assert!(status < 300, "{body}");
}

/// Item 4: a step recorded again is a correction: the earlier record stays readable, and
/// the trail says who replaced which record with which.
async fn a_correction_keeps_the_record_it_replaces(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let path = format!("/api/v1/requests/{}/records", c.request);
    let terminal = c.places[0].1;
    let first = c.record(terminal, "2020-10-05", "09:00", "09:30");
    let (status, _) = c.post(&c.worker, &path, json!({"records": [first]})).await;
    assert_eq!(status, 200);
    let mut again = c.record(terminal, "2020-10-05", "09:40", "09:50");
    again["outcome"] = json!("failed");
    again["note"] = json!("再起動しなかった");
    let (status, d) = c.post(&c.worker, &path, json!({"records": [again]})).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["records"].as_array().map(Vec::len), Some(1), "{d}");
    assert_eq!(d["records"][0]["outcome"], "failed");
    let old = &d["replaced_records"][0];
    assert_eq!(old["outcome"], "done", "the earlier version stays readable: {d}");
    assert_eq!(old["replaced_by"], d["records"][0]["id"]);
    let history = c
        .get(&c.city, &format!("/api/v1/audit/work_record/{}", old["id"]))
        .await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"create") && actions.contains(&"replace"), "{history}");
    let page = c
        .worker
        .get(c.app.url(&format!("/requests/{}", c.request)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("訂正前の記録"), "the page shows the earlier version");
    let performer = format!("<option value=\"{}\" selected>", c.worker_id);
    assert!(page.contains(&performer), "the performer defaults to the worker signed in");
    let sheet = c
        .worker
        .get(c.app.url(&format!("/requests/{}/checklist?site_id={}", c.request, c.places[0].0)))
        .send()
        .await
        .expect("sheet")
        .text()
        .await
        .expect("html");
    assert!(sheet.contains("作業依頼書に戻る") && sheet.contains("印刷する"), "{sheet}");
}

/// Items 5 and 6: an オ password change keeps to the working window and the request's
/// period, a wrong one is corrected as a new version, and the job moves only with its
/// request: a bare transition cannot request or complete it.
async fn password_changes_keep_to_the_chain_and_are_corrected(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let terminal = c.places[0].1;
    let rotation = |at: &str| {
        json!({"job_id": c.job, "terminal_id": terminal, "performer_id": c.worker_id, "rotated_at": at})
    };
    for (at, why) in [
        ("2020-10-10 10:00", "a Saturday"),
        ("2020-10-06 22:00", "after hours"),
        ("2020-10-13 10:00", "after the period"),
    ] {
        let (status, body) = c.post(&c.worker, "/api/v1/password-rotations", rotation(at)).await;
        assert!(matches!(status, 409 | 422), "{why}: {body}");
        assert_eq!(problem_fields(&body), ["rotated_at"], "{why}: {body}");
    }
    let (status, r) = c
        .post(&c.worker, "/api/v1/password-rotations", rotation("2020-10-06 10:00"))
        .await;
    assert_eq!(status, 201, "{r}");
    let first = r["rotations"][0]["id"].as_i64().expect("rotation");
    let (status, body) = c
        .post(&c.worker, "/api/v1/password-rotations", rotation("2020-10-06 11:00"))
        .await;
    assert_eq!((status, problem_fields(&body)), (409, vec!["terminal_id".to_string()]), "{body}");
    let mut correction = rotation("2020-10-06 11:00");
    correction["corrects"] = json!(first);
    let (status, r) = c.post(&c.worker, "/api/v1/password-rotations", correction).await;
    assert_eq!(status, 201, "{r}");
    let rotations = r["rotations"].as_array().expect("rotations");
    assert_eq!(rotations.len(), 2, "{r}");
    let old = rotations.iter().find(|x| x["id"] == first).expect("kept");
    assert!(old["replaced_by"].as_i64().is_some(), "{r}");

    // The chain cannot be bypassed: the job is neither requested nor completed by itself.
    let transition = format!("/api/v1/jobs/{}/transition", c.job);
    for verb in ["complete", "request"] {
        let (status, body) = c.post(&c.city, &transition, json!({"verb": verb})).await;
        assert_eq!((status, problem_fields(&body)), (409, vec!["verb".to_string()]), "{body}");
    }
    let job = c.get(&c.city, &format!("/api/v1/jobs/{}", c.job)).await;
    assert_eq!(job["status"], "in_progress", "{job}");
    let procedure = c.get(&c.city, &format!("/api/v1/requests/{}", c.request)).await;
    assert_eq!(procedure["procedures"][0]["id"], c.procedure);
}

/// Item 7: the report counts only the records made under the version of the procedure
/// the City approved last, flags work where no visit was, and is not accepted while a
/// question on the request is open.
async fn a_report_counts_the_approved_version_and_waits_for_questions(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let path = format!("/api/v1/requests/{}/records", c.request);
    let all = |day: &str| -> Value {
        let records: Vec<Value> = c.places[..3]
            .iter()
            .map(|(_, t)| c.record(*t, day, "09:00", "09:30"))
            .collect();
        json!({"records": records})
    };
    let (status, d) = c.post(&c.worker, &path, all("2020-10-05")).await;
    assert_eq!(status, 200, "{d}");
    let preview = &d["report_preview"];
    assert_eq!(preview["procedure_version"], 1);
    assert_eq!(preview["unvisited"].as_array().map(Vec::len), Some(3), "no visit: {preview}");

    // Version 2 approved: the records of version 1 no longer count.
    let (status, d) = call(
        &c.lead,
        Method::PUT,
        c.app.url(&format!("/api/v1/requests/{}/procedure", c.request)),
        json!({"steps": [{"action": "作業する", "expected_result": "完了する"}, {"action": "確認する", "expected_result": "異常なし"}]}),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    let v2 = d["procedures"][0]["id"].as_i64().expect("v2");
    assert_eq!(c.post(&c.lead, &format!("/api/v1/procedures/{v2}/submit"), json!({})).await.0, 204);
    let (status, body) = c
        .post(&c.city, &format!("/api/v1/procedures/{v2}/decision"), json!({"verdict": "approve"}))
        .await;
    assert_eq!(status, 204, "{body}");
    let d = c.get(&c.city, &format!("/api/v1/requests/{}", c.request)).await;
    let preview = &d["report_preview"];
    assert_eq!((preview["procedure_version"].as_u64(), preview["outdated"].as_u64()), (Some(2), Some(3)), "{preview}");
    assert_eq!(preview["steps"][0]["done"], 0, "{preview}");
    let (status, body) = c.post(&c.lead, &format!("/api/v1/requests/{}/report", c.request), json!({})).await;
    assert_eq!(status, 409, "steps missing under version 2: {body}");

    // Done again under version 2, both steps; a question is open when the report comes.
    let mut records = Vec::new();
    for (_, t) in &c.places[..3] {
        for step in [1, 2] {
            let mut r = c.record(*t, "2020-10-06", "09:00", "09:30");
            r["step_order"] = json!(step);
            records.push(r);
        }
    }
    let (status, d) = c.post(&c.worker, &path, json!({"records": records})).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["report_preview"]["outdated"], 0, "{d}");
    let (status, q) = c
        .post(&c.worker, &format!("/api/v1/requests/{}/questions", c.request), json!({"subject": "報告の書き方", "body": "失敗の扱いは"}))
        .await;
    assert_eq!(status, 201, "{q}");
    let (status, d) = c.post(&c.lead, &format!("/api/v1/requests/{}/report", c.request), json!({})).await;
    assert!(status < 300, "{d}");
    let report = d["reports"][0]["id"].as_i64().expect("report");
    let decision = format!("/api/v1/reports/{report}/decision");
    let (status, body) = c.post(&c.city, &decision, json!({"verdict": "approve"})).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["detail"].as_str().unwrap_or_default().contains("疑義"), "{body}");
    let question = d["questions"][0]["id"].as_i64().expect("question");
    let (status, body) = c
        .post(&c.city, &format!("/api/v1/questions/{question}/answer"), json!({"answer": "備考に書いてください"}))
        .await;
    assert!(status < 300, "{body}");
    let (status, body) = c.post(&c.city, &decision, json!({"verdict": "approve"})).await;
    assert_eq!(status, 204, "{body}");
    let job = c.get(&c.city, &format!("/api/v1/jobs/{}", c.job)).await;
    assert_eq!(job["status"], "done");
    assert_eq!(job["requests"][0]["id"], c.request, "the job names its request");

    // A closed request takes no more questions, and its page offers none.
    let (status, body) = c
        .post(&c.worker, &format!("/api/v1/requests/{}/questions", c.request), json!({"subject": "追加", "body": "内容"}))
        .await;
    assert_eq!(status, 409, "{body}");
    let page = c.worker.get(c.app.url(&format!("/requests/{}", c.request))).send().await.expect("page").text().await.expect("html");
    assert!(!page.contains("疑義を登録する"), "no question form on a closed request");
}

/// Item 8: a visit to the 菊水分庁舎 after 17:15 needs its building and after-hours permits
/// granted before the City agrees to it or its work is recorded; a room permit names its
/// room.
async fn permits_come_before_agreement_and_work(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let kikusui: i64 = sqlx::query_scalar("SELECT id FROM sites WHERE code = 'kikusui'")
        .fetch_one(c.app.store.pool())
        .await
        .expect("kikusui");
    let (status, oh) = c
        .post(&c.city, "/api/v1/off-hours", json!({"site_id": kikusui, "date": "2020-11-04", "start": "17:30",
            "end": "19:00", "cause": "city", "reason": "窓口終了後の作業", "worker_ids": [c.worker_id]}))
        .await;
    assert_eq!(status, 201, "{oh}");
    let (status, v) = c
        .post(&c.lead, "/api/v1/visits", json!({"site_id": kikusui, "date": "2020-11-04", "start": "17:30",
            "end": "19:00", "purpose": "作業", "worker_ids": [c.worker_id]}))
        .await;
    assert_eq!(status, 201, "{v}");
    let visit = v["id"].as_i64().expect("visit");
    let (status, body) = c.post(&c.city, &format!("/api/v1/visits/{visit}/agreement"), json!({})).await;
    assert_eq!((status, problem_fields(&body)), (409, vec!["permits".to_string()]), "{body}");
    let transition = format!("/api/v1/visits/{visit}/transition");
    let (status, body) = c.post(&c.worker, &transition, json!({"verb": "complete"})).await;
    assert_eq!((status, problem_fields(&body)), (409, vec!["permits".to_string()]), "{body}");
    let (status, body) = c
        .post(&c.lead, "/api/v1/permits", json!({"site_id": c.places[0].0, "kind": "room", "valid_from": "2020-11-04"}))
        .await;
    assert_eq!((status, problem_fields(&body)), (422, vec!["room".to_string()]), "{body}");
    for kind in ["building", "after_hours"] {
        let (status, p) = c
            .post(&c.lead, "/api/v1/permits", json!({"site_id": kikusui, "kind": kind, "valid_from": "2020-11-04"}))
            .await;
        assert_eq!(status, 201, "{p}");
        let (status, body) = c
            .post(&c.city, &format!("/api/v1/permits/{}/decision", p["id"]), json!({"verb": "grant"}))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = c.post(&c.city, &format!("/api/v1/visits/{visit}/agreement"), json!({})).await;
    assert!(status < 300, "{body}");
    let (status, body) = c.post(&c.worker, &transition, json!({"verb": "complete"})).await;
    assert_eq!(status, 200, "{body}");
}

/// Item 12: text fields refuse control characters (NUL, BEL, the right-to-left override)
/// from JSON and from a CSV import; line breaks only where a field has several lines.
async fn control_characters_are_refused_in_json_and_csv(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let before = c.app.audit_total().await;
    for title in ["件名\u{0}", "件名\u{7}", "件名\u{202E}txt.exe", "一行目\n二行目"] {
        let (status, body) = c
            .post(&c.city, "/api/v1/notices", json!({"received_on": "2020-10-01", "jlis_reference": "J-CTRL",
                "title": title, "body": "本文", "kind": "software_update"}))
            .await;
        assert_eq!((status, problem_fields(&body)), (422, vec!["title".to_string()]), "{title:?}: {body}");
    }
    let (status, body) = c
        .post(&c.city, "/api/v1/notices", json!({"received_on": "2020-10-01", "jlis_reference": "J-CTRL",
            "title": "件名", "body": "一行目\n二行目", "kind": "software_update"}))
        .await;
    assert_eq!(status, 201, "a body has lines: {body}");
    let csv = "資産番号,製造番号,機種,拠点コード,拠点名,設置場所,賃貸業者,リース開始日,リース終了日,状態,タッチパネル資産番号\r\n\
               C-9,CS-9,型式\u{7},011011,,,,,,,\r\n";
    let r = c
        .lead
        .post(c.app.url("/api/v1/terminals/import"))
        .header("content-type", "text/csv")
        .body(csv.as_bytes().to_vec())
        .send()
        .await
        .expect("import");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert!(body.to_string().contains("制御文字"), "{body}");
    assert_eq!(c.app.audit_total().await, before + 1, "only the notice was written");
}

/// Item 9: the City's own question is answered by the contractor's lead, not by the City;
/// a change to the work in that answer waits for the City's approval, recorded with the
/// question; the City, which asked, records it resolved.
async fn the_other_side_answers_and_the_city_approves_changes(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let (status, d) = c
        .post(&c.city, &format!("/api/v1/requests/{}/questions", c.request), json!({"subject": "手順の確認", "body": "再起動は必要か"}))
        .await;
    assert_eq!(status, 201, "{d}");
    let q = d["questions"][0]["id"].as_i64().expect("question");
    let answer = format!("/api/v1/questions/{q}/answer");
    let (status, body) = c.post(&c.city, &answer, json!({"answer": "自分で答える"})).await;
    assert_eq!(status, 403, "the City does not answer itself: {body}");
    let (status, body) = c
        .post(&c.lead, &answer, json!({"answer": "必要です", "change": "再起動の手順を追加する"}))
        .await;
    assert_eq!(status, 204, "{body}");
    let d = c.get(&c.city, &format!("/api/v1/requests/{}", c.request)).await;
    assert_eq!(d["questions"][0]["status"], "change_pending", "{d}");
    let close = format!("/api/v1/questions/{q}/close");
    let (status, body) = c.post(&c.city, &close, json!({})).await;
    assert_eq!(status, 409, "not resolved before the change is approved: {body}");
    let (status, body) = c.post(&c.lead, &format!("/api/v1/questions/{q}/change-approval"), json!({})).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = c.post(&c.city, &format!("/api/v1/questions/{q}/change-approval"), json!({})).await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = c.post(&c.lead, &close, json!({})).await;
    assert_eq!(status, 403, "the side that asked closes: {body}");
    let (status, body) = c.post(&c.city, &close, json!({})).await;
    assert_eq!(status, 204, "{body}");
    let d = c.get(&c.city, &format!("/api/v1/requests/{}", c.request)).await;
    let question = &d["questions"][0];
    assert_eq!(
        (question["status"].as_str(), question["change_approved_by"].as_str()),
        (Some("closed"), Some("city-staff")),
        "{question}"
    );
}

both_engines!(
    the_other_side_answers_and_the_city_approves_changes,
    control_characters_are_refused_in_json_and_csv,
    permits_come_before_agreement_and_work,
    a_report_counts_the_approved_version_and_waits_for_questions,
    a_correction_keeps_the_record_it_replaces,
    password_changes_keep_to_the_chain_and_are_corrected,
    a_request_names_its_sites_and_keeps_to_the_contract,
    a_visit_keeps_to_its_request,
    a_record_keeps_to_the_period,
);
