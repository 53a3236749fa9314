//! Every role × every route: the access table checked from outside. Nothing here lists
//! routes or roles by hand: the API's operations come from its OpenAPI document, each with
//! the action its `x-jukiops-action` declares; the pages come from
//! `jukiops_web::page_routes()`; who may do what comes from `ACCESS`.
//!
//! A role the access table refuses gets exactly 403, whatever the body. A role it grants
//! gets neither 401, 403, 405, a server error nor a 404 of the route itself: path
//! parameters name records that do not exist, bodies are well-formed but empty, so an
//! allowed role gets a 404 naming the missing record, a 4xx about the input, or a page,
//! and nothing is written. Public routes (signing in and out) refuse no one. Anonymous
//! clients get 401 (API) or are sent to the login page (pages) on every other route.

use std::collections::{BTreeSet, HashSet};

use jukiops_domain::people::{Action, Role, may};
use jukiops_web::access::{Needs, Source};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp};

/// An id no test record has.
const MISSING: &str = "999999";

/// Page forms whose empty body would not get past parsing to the operation: the fields
/// the form type requires, left empty or pointing at missing records. Keyed by method and
/// declared path; every other form is posted empty.
const PAGE_FORMS: &[(&str, &str, Fields)] = &[
    ("POST", "/notices", NOTICE),
    ("POST", "/notices/{id}/transition", &[("verb", "close")]),
    (
        "POST",
        "/questions/{id}/answer",
        &[("request_id", MISSING), ("answer", "")],
    ),
    ("POST", "/questions/{id}/close", &[("request_id", MISSING)]),
    (
        "POST",
        "/procedures/{id}/submit",
        &[("request_id", MISSING)],
    ),
    (
        "POST",
        "/procedures/{id}/decision",
        &[("request_id", MISSING), ("verdict", "")],
    ),
    (
        "POST",
        "/reports/{id}/decision",
        &[("request_id", MISSING), ("verdict", "")],
    ),
    ("POST", "/off-hours/{id}/decision", &[("verb", "approve")]),
    ("POST", "/permits/{id}/decision", &[("verb", "grant")]),
    ("POST", "/terminals", TERMINAL),
    ("POST", "/terminals/{id}", TERMINAL),
    (
        "POST",
        "/touch-panels",
        &[("asset_number", ""), ("serial", ""), ("model", "")],
    ),
];
type Fields = &'static [(&'static str, &'static str)];
const NOTICE: Fields = &[
    ("received_on", ""),
    ("jlis_reference", ""),
    ("title", ""),
    ("body", ""),
    ("kind", ""),
];
const TERMINAL: Fields = &[
    ("asset_number", ""),
    ("serial", ""),
    ("model", ""),
    ("site_code", ""),
];

/// Page queries a page needs besides its path and its choice (the API's come from its
/// document): the file upload names the record it attaches to.
const PAGE_QUERIES: &[(&str, &str, &str)] = &[("POST", "/attachments", "owner_id=999999")];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Api,
    Page,
}

#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    /// An empty body of this content type (uploads, CSV imports).
    Empty(String),
    /// JSON that does not parse: a refused role still gets 403, since the role is checked
    /// before the body is read.
    Malformed,
}

/// One request of the matrix: a route, the value of its choice (if any) and a body.
#[derive(Debug, Clone)]
struct Probe {
    layer: Layer,
    method: Method,
    /// The route as declared.
    route: String,
    /// Path and query sent.
    url: String,
    body: Body,
    needs: Needs,
    /// The value a choice is probed with; none: the request names no value.
    value: Option<String>,
}

impl Probe {
    /// Whether the access table lets `role` through, from the declared needs alone.
    fn allows(&self, role: Role) -> bool {
        let actions: Vec<Action> = match &self.needs {
            Needs::Public => return true,
            Needs::Action(a) => vec![*a],
            Needs::Chosen(c) => match self.value.as_deref().and_then(|v| c.actions.get(v)) {
                Some(a) => vec![*a],
                None => c
                    .otherwise
                    .map(|a| vec![a])
                    .unwrap_or_else(|| c.actions.values().copied().collect()),
            },
        };
        actions.into_iter().any(|a| may(role, a))
    }

    fn is_public(&self) -> bool {
        self.needs == Needs::Public
    }

    fn name(&self) -> String {
        let body = match &self.body {
            Body::None => String::new(),
            Body::Json(v) => format!(" {v}"),
            Body::Form(f) => format!(" form{f:?}"),
            Body::Empty(ct) => format!(" (empty {ct})"),
            Body::Malformed => " (malformed JSON)".to_string(),
        };
        format!("{} {}{body}", self.method, self.url)
    }
}

/// `template` with its `{name}` parameters filled: the chosen one with `chosen`, the others
/// with an id that does not exist.
fn fill_path(template: &str, chosen: Option<(&str, &str)>) -> String {
    template
        .split('/')
        .map(
            |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => match chosen {
                    Some((c, v)) if c == name => v.to_string(),
                    _ => MISSING.to_string(),
                },
                None => seg.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

fn encode(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn with_query(path: String, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path;
    }
    format!("{path}?{}", encode(pairs))
}

/// The smallest instance of a JSON schema: its required properties only, strings empty,
/// numbers 0 (no record has id 0), lists empty, a vocabulary's first value.
fn minimal(doc: &Value, schema: &Value) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or_default();
        return minimal(doc, &doc["components"]["schemas"][name]);
    }
    if let Some(all) = schema["allOf"].as_array() {
        let mut out = serde_json::Map::new();
        for s in all {
            if let Value::Object(o) = minimal(doc, s) {
                out.extend(o);
            }
        }
        return Value::Object(out);
    }
    if let Some(any) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        let first = any.iter().find(|s| s["type"] != "null");
        return first.map(|s| minimal(doc, s)).unwrap_or(Value::Null);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match ty {
        "object" => {
            let mut out = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap_or_default();
                out.insert(name.into(), minimal(doc, &schema["properties"][name]));
            }
            Value::Object(out)
        }
        "array" => json!([]),
        "string" => json!(""),
        "integer" | "number" => json!(0),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

/// The probes of the API, from its OpenAPI document.
fn api_probes(doc: &Value) -> Vec<Probe> {
    let mut probes = Vec::new();
    for (route, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let needs: Needs = serde_json::from_value(op["x-jukiops-action"].clone())
                .unwrap_or_else(|e| panic!("{method} {route}: x-jukiops-action: {e}"));
            let required_query: Vec<(String, String)> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query" && p["required"] == true)
                .map(|p| {
                    let name = p["name"].as_str().unwrap_or_default().to_string();
                    let value = if p["schema"]["type"] == "integer" {
                        MISSING
                    } else {
                        ""
                    };
                    (name, value.to_string())
                })
                .collect();
            // The bodies: a minimal instance of the schema (past parsing, to the operation)
            // and, for JSON, an empty object (a refused role still gets 403).
            let content = op["requestBody"]["content"].as_object();
            let bodies: Vec<Body> = match content.and_then(|c| c.iter().next()) {
                None => vec![Body::None],
                Some((ct, media)) if ct == "application/json" => {
                    vec![
                        Body::Json(minimal(doc, &media["schema"])),
                        Body::Json(json!({})),
                        Body::Malformed,
                    ]
                }
                Some((ct, _)) => vec![Body::Empty(ct.clone())],
            };
            let choice = needs.choice().cloned();
            let values: Vec<Option<String>> = match &choice {
                None => vec![None],
                Some(c) => {
                    let mut v: Vec<Option<String>> = c.actions.keys().cloned().map(Some).collect();
                    if c.source == Source::Body {
                        v.push(None);
                    }
                    v
                }
            };
            for value in values {
                for body in &bodies {
                    let mut query = required_query.clone();
                    let mut body = body.clone();
                    let mut path_choice = None;
                    if let (Some(c), Some(v)) = (&choice, &value) {
                        match c.source {
                            Source::Path => path_choice = Some((c.name.as_str(), v.as_str())),
                            Source::Query => {
                                query.retain(|(k, _)| *k != c.name);
                                query.push((c.name.clone(), v.clone()));
                            }
                            Source::Body => match &mut body {
                                Body::Json(Value::Object(o)) => {
                                    o.insert(c.name.clone(), json!(v));
                                }
                                // No value can be read from it: probed once, naming none.
                                Body::Malformed => continue,
                                other => panic!(
                                    "{method} {route}: a body choice without a JSON body: {other:?}"
                                ),
                            },
                        }
                    } else if let (Some(c), Body::Json(Value::Object(o))) = (&choice, &mut body) {
                        // The probe naming no value: the field left out.
                        o.remove(&c.name);
                    }
                    probes.push(Probe {
                        layer: Layer::Api,
                        method: method.clone(),
                        route: route.clone(),
                        url: with_query(fill_path(route, path_choice), &query),
                        body,
                        needs: needs.clone(),
                        value: value.clone(),
                    });
                }
            }
        }
    }
    probes
}

/// The probes of the pages, from the page router's own list.
fn page_probes() -> Vec<Probe> {
    let mut probes = Vec::new();
    for r in jukiops_web::page_routes() {
        let key = (r.method.as_str(), r.path.as_str());
        let extra: Vec<(String, String)> = PAGE_QUERIES
            .iter()
            .filter(|(m, p, _)| (*m, *p) == key)
            .flat_map(|(_, _, q)| url::form_urlencoded::parse(q.as_bytes()).into_owned())
            .collect();
        let mut bodies = Vec::new();
        if r.method == Method::POST {
            bodies.push(Body::Form(Vec::new()));
            if let Some((_, _, fields)) = PAGE_FORMS.iter().find(|(m, p, _)| (*m, *p) == key) {
                let fields = fields.iter().map(|(k, v)| (k.to_string(), v.to_string()));
                bodies.push(Body::Form(fields.collect()));
            }
        } else {
            bodies.push(Body::None);
        }
        let values: Vec<Option<String>> = match r.needs.choice() {
            None => vec![None],
            Some(c) => c.actions.keys().cloned().map(Some).collect(),
        };
        for value in values {
            for body in &bodies {
                let mut query = extra.clone();
                let mut path_choice = None;
                let mut body = body.clone();
                if let (Some(c), Some(v)) = (r.needs.choice(), &value) {
                    match c.source {
                        Source::Path => path_choice = Some((c.name.as_str(), v.as_str())),
                        Source::Query => query.push((c.name.clone(), v.clone())),
                        Source::Body => match &mut body {
                            Body::Form(f) => f.push((c.name.clone(), v.clone())),
                            _ => panic!("{} {}: a body choice on a GET", r.method, r.path),
                        },
                    }
                }
                probes.push(Probe {
                    layer: Layer::Page,
                    method: r.method.clone(),
                    route: r.path.clone(),
                    url: with_query(fill_path(&r.path, path_choice), &query),
                    body,
                    needs: r.needs.clone(),
                    value: value.clone(),
                });
            }
        }
    }
    probes
}

struct Answer {
    status: reqwest::StatusCode,
    content_type: String,
    location: String,
    text: String,
}

async fn send(app: &TestApp, c: &reqwest::Client, p: &Probe) -> Answer {
    let mut req = c.request(p.method.clone(), app.url(&p.url));
    req = match &p.body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Form(f) => req
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encode(f)),
        Body::Empty(ct) => req.header(CONTENT_TYPE, ct.as_str()).body(""),
        Body::Malformed => req
            .header(CONTENT_TYPE, "application/json")
            .body("{\"title\": "),
    };
    let r = req.send().await.expect("request");
    let header = |name| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (content_type, location) = (header(CONTENT_TYPE), header(LOCATION));
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    Answer {
        status,
        content_type,
        location,
        text,
    }
}

/// Why `answer` is wrong for a role the table grants (`allowed`) or refuses; `None` when
/// it is right.
fn judge(p: &Probe, allowed: bool, a: &Answer) -> Option<String> {
    let s = a.status;
    if !allowed {
        return (s != 403).then(|| format!("refused, got {s}"));
    }
    if s == 401 || s == 403 || s == 405 || s.is_server_error() {
        return Some(format!("allowed, got {s}"));
    }
    if s == 404 {
        // A record that does not exist, said in Japanese; not a route that does not.
        let names_a_record = match p.layer {
            Layer::Api => {
                a.content_type.starts_with("application/problem+json")
                    && a.text.contains("見つかりません")
            }
            Layer::Page => a.text.contains("見つかりません"),
        };
        if !names_a_record {
            return Some(format!(
                "allowed, got a 404 of the route itself: {:?}",
                a.text
            ));
        }
    }
    None
}

async fn every_role_on_every_route(engine: Engine) {
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
    assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
    let mut probes = api_probes(&doc);
    probes.extend(page_probes());
    let mut seen = HashSet::new();
    probes.retain(|p| seen.insert(p.name()));

    // Every operation of the document and every page route is probed.
    let operations: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().map_or(0, |o| o.len()))
        .sum();
    let routes: BTreeSet<(Layer, Method, String)> = probes
        .iter()
        .map(|p| (p.layer, p.method.clone(), p.route.clone()))
        .collect();
    let in_layer = |l: Layer| routes.iter().filter(|r| r.0 == l).count();
    assert_eq!(in_layer(Layer::Api), operations);
    assert_eq!(in_layer(Layer::Page), jukiops_web::page_routes().len());

    // Signing out ends the session: the public routes come last, signing out last of all.
    // What ends the prober's own session goes last: signing out, here or everywhere.
    probes.sort_by_key(|p| {
        let ends_session = p.route.ends_with("/logout") || p.route.ends_with("/sign-out-everywhere");
        (p.is_public(), ends_session)
    });
    let before = app.audit_count().await;
    let mut failures = Vec::new();
    for role in Role::ALL {
        let c = app.client(role).await;
        for p in &probes {
            let a = send(&app, &c, p).await;
            if let Some(why) = judge(p, p.allows(role), &a) {
                failures.push(format!("{role:?} {}: {why}", p.name()));
            }
        }
    }
    let anon = app.anonymous();
    for p in &probes {
        let a = send(&app, &anon, p).await;
        let ok = match (p.is_public(), p.layer) {
            (true, _) => judge(p, true, &a).is_none(),
            (false, Layer::Api) => a.status == 401,
            (false, Layer::Page) => a.status == 303 && a.location.starts_with("/login"),
        };
        if !ok {
            let (s, to) = (a.status, &a.location);
            failures.push(format!("anonymous {}: got {s} {to}", p.name()));
        }
    }
    eprintln!(
        "access matrix: {} routes ({} API operations, {} pages), {} probes per role, \
         {} role probes, {} anonymous probes",
        routes.len(),
        in_layer(Layer::Api),
        in_layer(Layer::Page),
        probes.len(),
        probes.len() * Role::ALL.len(),
        probes.len(),
    );
    assert!(
        failures.is_empty(),
        "{} access table violations:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Refused and invalid requests wrote nothing (sign-ins and sign-outs are not audited).
    assert_eq!(app.audit_count().await, before);
}

both_engines!(every_role_on_every_route);
