//! The OpenAPI document is what the server accepts and answers (issue 12, item 11): a walk
//! through the request chain and the lists, each request body the server accepted checked
//! against the operation's request schema and each JSON answer against the schema the
//! document gives for its status. The checker reads the document as served; it knows the
//! parts of JSON Schema the document uses (`$ref`, `type`, `enum`, `properties`,
//! `required`, `items`, `oneOf`/`anyOf`/`allOf`, `additionalProperties`).

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp};

/// The served document and what it says of each operation.
struct Document(Value);

impl Document {
    /// The operation of `method` whose declared path matches `path` (its `{name}`
    /// segments stand for any one segment).
    fn operation(&self, method: &Method, path: &str) -> Option<&Value> {
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').collect();
        self.0["paths"].as_object()?.iter().find_map(|(declared, item)| {
            let parts: Vec<&str> = declared.split('/').collect();
            let matches = parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(d, s)| d.starts_with('{') || d == s);
            let op = item.get(method.as_str().to_ascii_lowercase())?;
            matches.then_some(op)
        })
    }

    /// What is wrong with `body` as the request of `method path` (the server took it).
    fn check_request(&self, method: &Method, path: &str, body: &Value) -> Vec<String> {
        let Some(op) = self.operation(method, path) else {
            return vec![format!("{method} {path}: not in the document")];
        };
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        let mut errors = Vec::new();
        if !schema.is_null() {
            self.validate(schema, body, &format!("{method} {path} request"), &mut errors);
        }
        errors
    }

    /// What is wrong with `body` as the `status` answer of `method path`.
    fn check_answer(&self, method: &Method, path: &str, status: u16, body: &Value) -> Vec<String> {
        let Some(op) = self.operation(method, path) else {
            return vec![format!("{method} {path}: not in the document")];
        };
        let Some(answer) = op["responses"].get(status.to_string()) else {
            return if status < 300 {
                vec![format!("{method} {path}: answered {status}, which the document does not list")]
            } else {
                Vec::new()
            };
        };
        let content = answer["content"].as_object();
        let schema = content.and_then(|c| c.values().next()).map(|m| &m["schema"]);
        let mut errors = Vec::new();
        match schema {
            Some(s) => self.validate(s, body, &format!("{method} {path} {status}"), &mut errors),
            None if !body.is_null() => {
                errors.push(format!("{method} {path} {status}: a body the document does not describe"))
            }
            None => {}
        }
        errors
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or_default();
                self.resolve(&self.0["components"]["schemas"][name])
            }
            None => schema,
        }
    }

    /// The properties `schema` declares, its `allOf` parts' included.
    fn properties<'a>(&'a self, schema: &'a Value, into: &mut Vec<&'a str>) {
        let schema = self.resolve(schema);
        into.extend(schema["properties"].as_object().into_iter().flatten().map(|(k, _)| k.as_str()));
        for part in schema["allOf"].as_array().into_iter().flatten() {
            self.properties(part, into);
        }
    }

    fn validate(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        self.validate_part(schema, value, at, errors, true);
    }

    /// Validates `value` against `schema`; `whole` when the schema is the value's whole
    /// description (not one part of an `allOf`), so that a property it does not declare
    /// is wrong.
    fn validate_part(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        errors: &mut Vec<String>,
        whole: bool,
    ) {
        let schema = self.resolve(schema);
        if schema.is_null() {
            errors.push(format!("{at}: a reference to no schema"));
            return;
        }
        if let Some(all) = schema["allOf"].as_array() {
            for s in all {
                self.validate_part(s, value, at, errors, false);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = schema[key].as_array() {
                let fits = options.iter().any(|s| {
                    let mut e = Vec::new();
                    self.validate(s, value, at, &mut e);
                    e.is_empty()
                });
                if !fits {
                    errors.push(format!("{at}: {value} fits none of {key}"));
                }
            }
        }
        if let Some(kinds) = types(schema)
            && !kinds.iter().any(|k| is_of(k, value))
        {
            errors.push(format!("{at}: {value} is not {kinds:?}"));
            return;
        }
        if let Some(values) = schema["enum"].as_array()
            && !values.contains(value)
        {
            errors.push(format!("{at}: {value} is not one of {values:?}"));
        }
        if let Some(items) = schema.get("items")
            && let Some(list) = value.as_array()
        {
            for (i, v) in list.iter().enumerate() {
                self.validate(items, v, &format!("{at}[{i}]"), errors);
            }
        }
        let Some(object) = value.as_object() else { return };
        let properties = schema["properties"].as_object();
        let mut declared = Vec::new();
        self.properties(schema, &mut declared);
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                errors.push(format!("{at}: required {name} missing"));
            }
        }
        for (name, v) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(s) => self.validate(s, v, &format!("{at}.{name}"), errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{at}: {name} is not in the schema"))
                    }
                    Some(extra @ Value::Object(_)) => {
                        self.validate(extra, v, &format!("{at}.{name}"), errors)
                    }
                    _ if whole && !declared.is_empty() && !declared.contains(&name.as_str()) => {
                        errors.push(format!("{at}: {name} is not in the schema"))
                    }
                    _ => {}
                },
            }
        }
    }
}

/// The types a schema allows, if it names any.
fn types(schema: &Value) -> Option<Vec<String>> {
    match &schema["type"] {
        Value::String(t) => Some(vec![t.clone()]),
        Value::Array(ts) => Some(ts.iter().filter_map(|t| t.as_str().map(String::from)).collect()),
        _ => None,
    }
}

fn is_of(kind: &str, v: &Value) -> bool {
    match kind {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

/// Sends requests and keeps what the document gets wrong about them.
struct Walk {
    app: TestApp,
    doc: Document,
    wrong: Vec<String>,
}

impl Walk {
    async fn go(&mut self, who: &reqwest::Client, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = who.request(method.clone(), self.app.url(path));
        if let Some(b) = &body {
            req = req.json(b);
        }
        let r = req.send().await.expect("send");
        let status = r.status().as_u16();
        let answer: Value = r.json().await.unwrap_or(Value::Null);
        if status < 300
            && let Some(b) = &body
        {
            self.wrong.extend(self.doc.check_request(&method, path, b));
        }
        self.wrong.extend(self.doc.check_answer(&method, path, status, &answer));
        assert!(status < 500, "{method} {path}: {status} {answer}");
        (status, answer)
    }
}

async fn the_document_is_what_the_server_takes_and_gives(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let doc: Value = app
        .anonymous()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let admin = app.client(Role::Admin).await;
    let worker_id = app.user_id(Role::ContractorWorker).await;
    let mut w = Walk {
        app,
        doc: Document(doc),
        wrong: Vec::new(),
    };
    use Method as M;

    let (_, t) = w
        .go(&lead, M::POST, "/api/v1/terminals", Some(json!({"asset_number": "OA-1", "serial": "OAS-1", "model": "型式", "site_code": "011011"})))
        .await;
    let (terminal, site) = (t["id"].clone(), t["site_id"].clone());
    let (_, n) = w
        .go(&city, M::POST, "/api/v1/notices", Some(json!({"received_on": "2020-10-01", "jlis_reference": "J-OA",
            "title": "通知", "body": "本文", "kind": "software_update"})))
        .await;
    let (_, j) = w
        .go(&city, M::POST, "/api/v1/jobs", Some(json!({"category": "ア", "origin": "notice", "notice_id": n["id"],
            "title": "更新", "terminal_ids": [terminal]})))
        .await;
    let (_, o) = w
        .go(&city, M::POST, "/api/v1/jobs", Some(json!({"category": "オ", "origin": "city_order",
            "title": "管理者パスワード変更", "terminal_ids": [terminal]})))
        .await;
    let (_, d) = w
        .go(&city, M::POST, "/api/v1/requests", Some(json!({"request_number": "R2-OA", "issued_on": "2020-10-01",
            "period_from": "2020-10-05", "period_to": "2020-10-09", "site_ids": [site], "contents": "作業",
            "job_ids": [j["id"], o["id"]], "combination_approved": true})))
        .await;
    let rid = d["request"]["id"].clone();
    let (_, d) = w
        .go(&lead, M::PUT, &format!("/api/v1/requests/{rid}/procedure"), Some(json!({"steps": [{"action": "更新する", "expected_result": "完了"}]})))
        .await;
    let v1 = d["procedures"][0]["id"].clone();
    w.go(&lead, M::POST, &format!("/api/v1/procedures/{v1}/submit"), None).await;
    w.go(&city, M::POST, &format!("/api/v1/procedures/{v1}/decision"), Some(json!({"verdict": "approve"})))
        .await;
    let (_, q) = w
        .go(&worker, M::POST, &format!("/api/v1/requests/{rid}/questions"), Some(json!({"subject": "件名", "body": "内容"})))
        .await;
    let qid = q["questions"][0]["id"].clone();
    w.go(&city, M::POST, &format!("/api/v1/questions/{qid}/answer"), Some(json!({"answer": "回答"})))
        .await;
    w.go(&lead, M::POST, "/api/v1/visits", Some(json!({"site_id": site, "date": "2020-10-05", "start": "09:00",
        "end": "10:00", "purpose": "作業", "worker_ids": [worker_id], "terminal_ids": [terminal], "request_id": rid})))
        .await;
    w.go(&worker, M::POST, &format!("/api/v1/requests/{rid}/records"), Some(json!({"records": [{"terminal_id": terminal,
        "step_order": 1, "outcome": "done", "performer_id": worker_id, "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 09:30"}]})))
        .await;
    w.go(&worker, M::POST, "/api/v1/password-rotations", Some(json!({"job_id": o["id"], "terminal_id": terminal,
        "performer_id": worker_id, "rotated_at": "2020-10-05 10:00"})))
        .await;
    let (_, d) = w.go(&lead, M::POST, &format!("/api/v1/requests/{rid}/report"), None).await;
    let report = d["reports"][0]["id"].clone();
    w.go(&city, M::POST, &format!("/api/v1/reports/{report}/decision"), Some(json!({"verdict": "approve"})))
        .await;
    w.go(&lead, M::POST, "/api/v1/work-log", Some(json!({"worked_on": "2020-10-06", "person_id": worker_id,
        "minutes": 30, "kind": "inquiry", "summary": "問合せ対応"})))
        .await;
    w.go(&admin, M::POST, "/api/v1/users", Some(json!({"username": "oa-user", "display_name": "利用者",
        "role": "auditor", "password": "correct-horse-battery-9"})))
        .await;
    w.go(&city, M::POST, &format!("/api/v1/jobs/{}/transition", j["id"]), Some(json!({"verb": "cancel"})))
        .await;
    for path in [
        "/api/v1/me",
        "/api/v1/contract",
        "/api/v1/jobs",
        "/api/v1/jobs/counts",
        "/api/v1/requests",
        &format!("/api/v1/requests/{rid}"),
        "/api/v1/notices",
        "/api/v1/terminals",
        "/api/v1/sites",
        "/api/v1/visits",
        "/api/v1/work-log",
        "/api/v1/audit",
        &format!("/api/v1/jobs/{}/rotations", o["id"]),
    ] {
        w.go(&city, M::GET, path, None).await;
    }
    assert!(
        w.wrong.is_empty(),
        "the document disagrees with the server:\n  {}",
        w.wrong.join("\n  ")
    );
}

both_engines!(the_document_is_what_the_server_takes_and_gives);

/// The checker is not a check that cannot fail: a body of the wrong type, one missing a
/// required field and one with a field the schema does not have are each named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checker_names_what_the_document_does_not_allow() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let doc: Value = app
        .anonymous()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    let doc = Document(doc);
    let path = "/api/v1/requests/7/questions";
    assert!(doc.check_request(&Method::POST, path, &json!({"subject": "件名", "body": "内容"})).is_empty());
    for (body, says) in [
        (json!({"subject": 5, "body": "内容"}), "is not"),
        (json!({"body": "内容"}), "required subject missing"),
        (json!({"subject": "件名", "body": "内容", "urgent": true}), "urgent is not in the schema"),
    ] {
        let wrong = doc.check_request(&Method::POST, path, &body).join("\n");
        assert!(wrong.contains(says), "{body}: {wrong}");
    }
    let wrong = doc.check_answer(&Method::GET, "/api/v1/me", 200, &json!({"id": "seven"}));
    assert!(!wrong.is_empty(), "an answer of the wrong shape is named");
    assert!(!doc.check_request(&Method::POST, "/api/v1/nowhere", &json!({})).is_empty());
}
