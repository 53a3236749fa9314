//! Every role × every endpoint: the access table, checked from outside. The expected
//! matrix is written here by hand from the contract's roles, not derived from the code.

use jukiops_domain::people::Role::{self, *};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp};

const ALL: &[Role] = &[
    CityStaff,
    ContractorLead,
    ContractorWorker,
    SecurityOfficer,
    Auditor,
    Admin,
];
const READ_INVENTORY: &[Role] = &[
    CityStaff,
    ContractorLead,
    ContractorWorker,
    SecurityOfficer,
    Auditor,
];
const EDIT_INVENTORY: &[Role] = &[CityStaff, ContractorLead];
const READ_USERS: &[Role] = &[Admin, Auditor, SecurityOfficer];
const MANAGE_USERS: &[Role] = &[Admin];
const READ_AUDIT: &[Role] = &[Auditor, SecurityOfficer, Admin, CityStaff];
const EDIT_CALENDAR: &[Role] = &[CityStaff, Admin];
const READ_SCHEDULE: &[Role] = READ_INVENTORY;
const PLAN_VISITS: &[Role] = &[ContractorLead];
const RECORD_VISITS: &[Role] = &[ContractorLead, ContractorWorker];
const FILE_OFF_HOURS: &[Role] = &[CityStaff, ContractorLead];
const CITY_DECIDES: &[Role] = &[CityStaff];
const REQUEST_PERMITS: &[Role] = &[ContractorLead];
const READ_JOBS: &[Role] = READ_INVENTORY;
const CITY_ONLY: &[Role] = &[CityStaff];
const LEAD_ONLY: &[Role] = &[ContractorLead];
const RAISE_QUESTIONS: &[Role] = &[CityStaff, ContractorLead, ContractorWorker];
const RECORD_NOTICES: &[Role] = &[CityStaff];
const MANAGE_JOBS: &[Role] = &[CityStaff, ContractorLead];
const RECORD_WORK: &[Role] = &[ContractorLead, ContractorWorker];

enum Body {
    None,
    Json(Value),
    Form(&'static [(&'static str, &'static str)]),
    Csv,
    Raw,
}

struct Endpoint {
    method: Method,
    path: &'static str,
    body: Body,
    allowed: &'static [Role],
}

fn ep(method: Method, path: &'static str, body: Body, allowed: &'static [Role]) -> Endpoint {
    Endpoint {
        method,
        path,
        body,
        allowed,
    }
}

/// Bodies are well-formed but empty, so an allowed role gets a validation error (4xx that
/// is not 401/403) and nothing is written, while a refused role gets 403.
fn api_endpoints() -> Vec<Endpoint> {
    let terminal =
        || Body::Json(json!({"asset_number": "", "serial": "", "model": "", "site_code": ""}));
    let site = || Body::Json(json!({"code": "", "name": ""}));
    vec![
        ep(Method::GET, "/api/v1/me", Body::None, ALL),
        ep(
            Method::PUT,
            "/api/v1/me/password",
            Body::Json(json!({"current": "", "new_password": ""})),
            ALL,
        ),
        ep(Method::GET, "/api/v1/tokens", Body::None, ALL),
        ep(
            Method::POST,
            "/api/v1/tokens",
            Body::Json(json!({"name": ""})),
            ALL,
        ),
        ep(Method::DELETE, "/api/v1/tokens/999999", Body::None, ALL),
        ep(Method::POST, "/api/v1/me/second-factor", Body::None, ALL),
        ep(
            Method::POST,
            "/api/v1/me/second-factor/confirmation",
            Body::Json(json!({"code": ""})),
            ALL,
        ),
        ep(Method::GET, "/api/v1/me/sign-ins", Body::None, ALL),
        // Ends the client's session: the matrix signs in again after it.
        ep(
            Method::POST,
            "/api/v1/me/sign-out-everywhere",
            Body::None,
            ALL,
        ),
        ep(Method::GET, "/api/v1/users", Body::None, READ_USERS),
        ep(
            Method::POST,
            "/api/v1/users",
            Body::Json(json!({})),
            MANAGE_USERS,
        ),
        ep(
            Method::PATCH,
            "/api/v1/users/999999",
            Body::Json(json!({})),
            MANAGE_USERS,
        ),
        ep(
            Method::POST,
            "/api/v1/users/999999/unlock",
            Body::None,
            MANAGE_USERS,
        ),
        ep(
            Method::DELETE,
            "/api/v1/users/999999/second-factor",
            Body::None,
            MANAGE_USERS,
        ),
        ep(Method::GET, "/api/v1/contract", Body::None, ALL),
        ep(Method::GET, "/api/v1/calendar/overrides", Body::None, ALL),
        ep(
            Method::PUT,
            "/api/v1/calendar/overrides/2020-13-01",
            Body::Json(json!({"is_open": false, "reason": ""})),
            EDIT_CALENDAR,
        ),
        ep(
            Method::DELETE,
            "/api/v1/calendar/overrides/2020-11-30",
            Body::None,
            EDIT_CALENDAR,
        ),
        ep(Method::GET, "/api/v1/audit", Body::None, READ_AUDIT),
        ep(
            Method::GET,
            "/api/v1/audit/terminal/1",
            Body::None,
            READ_INVENTORY,
        ),
        ep(Method::GET, "/api/v1/audit/user/1", Body::None, READ_AUDIT),
        ep(Method::GET, "/api/v1/audit/verify", Body::None, READ_AUDIT),
        ep(Method::GET, "/api/v1/sites", Body::None, READ_INVENTORY),
        ep(Method::POST, "/api/v1/sites", site(), EDIT_INVENTORY),
        ep(Method::GET, "/api/v1/sites/1", Body::None, READ_INVENTORY),
        ep(Method::PUT, "/api/v1/sites/1", site(), EDIT_INVENTORY),
        ep(Method::GET, "/api/v1/terminals", Body::None, READ_INVENTORY),
        ep(
            Method::POST,
            "/api/v1/terminals",
            terminal(),
            EDIT_INVENTORY,
        ),
        ep(
            Method::GET,
            "/api/v1/terminals/999999",
            Body::None,
            READ_INVENTORY,
        ),
        ep(
            Method::PUT,
            "/api/v1/terminals/999999",
            terminal(),
            EDIT_INVENTORY,
        ),
        ep(
            Method::GET,
            "/api/v1/terminals/999999/history",
            Body::None,
            READ_INVENTORY,
        ),
        ep(
            Method::PUT,
            "/api/v1/terminals/999999/touch-panel",
            Body::Json(json!({"touch_panel_id": 999999})),
            EDIT_INVENTORY,
        ),
        ep(
            Method::GET,
            "/api/v1/terminals/export",
            Body::None,
            READ_INVENTORY,
        ),
        ep(
            Method::POST,
            "/api/v1/terminals/import",
            Body::Csv,
            EDIT_INVENTORY,
        ),
        ep(
            Method::GET,
            "/api/v1/touch-panels",
            Body::None,
            READ_INVENTORY,
        ),
        ep(
            Method::POST,
            "/api/v1/touch-panels",
            Body::Json(json!({"asset_number": "", "serial": "", "model": ""})),
            EDIT_INVENTORY,
        ),
        ep(
            Method::GET,
            "/api/v1/touch-panels/999999",
            Body::None,
            READ_INVENTORY,
        ),
        ep(Method::GET, "/api/v1/requests", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/api/v1/requests",
            Body::Json(
                json!({"request_number": "", "issued_on": "", "period_from": "", "period_to": "", "contents": ""}),
            ),
            CITY_ONLY,
        ),
        ep(
            Method::GET,
            "/api/v1/requests/999999",
            Body::None,
            READ_JOBS,
        ),
        ep(
            Method::POST,
            "/api/v1/requests/999999/cancel",
            Body::None,
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/api/v1/requests/999999/questions",
            Body::Json(json!({"subject": "", "body": ""})),
            RAISE_QUESTIONS,
        ),
        ep(
            Method::POST,
            "/api/v1/questions/999999/answer",
            Body::Json(json!({"answer": ""})),
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/api/v1/questions/999999/close",
            Body::None,
            RAISE_QUESTIONS,
        ),
        ep(
            Method::PUT,
            "/api/v1/requests/999999/procedure",
            Body::Json(json!({"steps": []})),
            LEAD_ONLY,
        ),
        ep(
            Method::POST,
            "/api/v1/procedures/999999/submit",
            Body::None,
            LEAD_ONLY,
        ),
        ep(
            Method::POST,
            "/api/v1/procedures/999999/decision",
            Body::Json(json!({"verdict": ""})),
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/api/v1/requests/999999/records",
            Body::Json(json!({"records": []})),
            RECORD_WORK,
        ),
        ep(
            Method::POST,
            "/api/v1/requests/999999/report",
            Body::None,
            LEAD_ONLY,
        ),
        ep(
            Method::POST,
            "/api/v1/reports/999999/decision",
            Body::Json(json!({"verdict": ""})),
            CITY_ONLY,
        ),
        ep(Method::GET, "/api/v1/plans", Body::None, READ_SCHEDULE),
        ep(
            Method::POST,
            "/api/v1/plans/999999/agreement",
            Body::None,
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/api/v1/visits/999999/agreement",
            Body::None,
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/api/v1/plans",
            Body::Json(
                json!({"title": "", "purpose": "", "start": "", "work_minutes_per_terminal": 0, "workers": []}),
            ),
            PLAN_VISITS,
        ),
        ep(
            Method::POST,
            "/api/v1/plans/preview",
            Body::Json(
                json!({"title": "", "purpose": "", "start": "", "work_minutes_per_terminal": 0, "workers": []}),
            ),
            PLAN_VISITS,
        ),
        ep(
            Method::GET,
            "/api/v1/plans/999999",
            Body::None,
            READ_SCHEDULE,
        ),
        ep(
            Method::GET,
            "/api/v1/plans/999999/xlsx",
            Body::None,
            READ_SCHEDULE,
        ),
        ep(Method::GET, "/api/v1/visits", Body::None, READ_SCHEDULE),
        ep(
            Method::POST,
            "/api/v1/visits",
            Body::Json(json!({"site_id": 0, "date": "", "start": "", "end": "", "purpose": ""})),
            PLAN_VISITS,
        ),
        ep(
            Method::GET,
            "/api/v1/visits/999999",
            Body::None,
            READ_SCHEDULE,
        ),
        ep(
            Method::POST,
            "/api/v1/visits/999999/transition",
            Body::Json(json!({"verb": "complete"})),
            RECORD_VISITS,
        ),
        ep(Method::GET, "/api/v1/off-hours", Body::None, READ_SCHEDULE),
        ep(
            Method::POST,
            "/api/v1/off-hours",
            Body::Json(
                json!({"site_id": 0, "date": "", "start": "", "end": "", "cause": "", "reason": ""}),
            ),
            FILE_OFF_HOURS,
        ),
        ep(
            Method::GET,
            "/api/v1/off-hours/999999",
            Body::None,
            READ_SCHEDULE,
        ),
        ep(
            Method::POST,
            "/api/v1/off-hours/999999/decision",
            Body::Json(json!({"verb": "approve"})),
            CITY_DECIDES,
        ),
        ep(
            Method::GET,
            "/api/v1/attachments?owner=notice&owner_id=999999",
            Body::None,
            READ_JOBS,
        ),
        ep(
            Method::POST,
            "/api/v1/attachments?owner=notice&owner_id=999999",
            Body::Raw,
            RECORD_NOTICES,
        ),
        ep(
            Method::POST,
            "/api/v1/attachments?owner=procedure&owner_id=999999",
            Body::Raw,
            LEAD_ONLY,
        ),
        ep(
            Method::POST,
            "/api/v1/attachments?owner=request&owner_id=999999",
            Body::Raw,
            RECORD_WORK,
        ),
        ep(
            Method::GET,
            "/api/v1/attachments/999999",
            Body::None,
            READ_JOBS,
        ),
        ep(Method::GET, "/api/v1/notices", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/api/v1/notices",
            Body::Json(
                json!({"received_on": "", "jlis_reference": "", "title": "", "body": "", "kind": ""}),
            ),
            RECORD_NOTICES,
        ),
        ep(Method::GET, "/api/v1/notices/999999", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/api/v1/notices/999999/transition",
            Body::Json(json!({"verb": "withdraw"})),
            RECORD_NOTICES,
        ),
        ep(Method::GET, "/api/v1/jobs", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/api/v1/jobs",
            Body::Json(json!({"category": "", "origin": "", "title": ""})),
            MANAGE_JOBS,
        ),
        ep(Method::GET, "/api/v1/jobs/counts", Body::None, READ_JOBS),
        ep(Method::GET, "/api/v1/jobs/999999", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/api/v1/jobs/999999/transition",
            Body::Json(json!({"verb": "complete"})),
            MANAGE_JOBS,
        ),
        ep(
            Method::POST,
            "/api/v1/jobs/999999/transition",
            Body::Json(json!({"verb": "start"})),
            RECORD_WORK,
        ),
        ep(
            Method::GET,
            "/api/v1/jobs/999999/rotations",
            Body::None,
            READ_JOBS,
        ),
        ep(
            Method::POST,
            "/api/v1/password-rotations",
            Body::Json(
                json!({"job_id": 999999, "terminal_id": 0, "performer_id": 0, "rotated_at": ""}),
            ),
            RECORD_WORK,
        ),
        ep(
            Method::GET,
            "/api/v1/inspection/template",
            Body::None,
            READ_JOBS,
        ),
        ep(
            Method::PUT,
            "/api/v1/inspection/template",
            Body::Json(json!({"items": []})),
            CITY_ONLY,
        ),
        ep(
            Method::GET,
            "/api/v1/jobs/999999/inspections",
            Body::None,
            READ_JOBS,
        ),
        ep(
            Method::POST,
            "/api/v1/jobs/999999/inspections",
            Body::Json(json!({"terminal_id": 0, "inspected_on": "", "inspector_id": 0})),
            RECORD_WORK,
        ),
        ep(
            Method::POST,
            "/api/v1/jobs/999999/inspections/999999/follow-up",
            Body::Json(json!({"item_id": ""})),
            MANAGE_JOBS,
        ),
        ep(
            Method::POST,
            "/api/v1/jobs/999999/waiver",
            Body::Json(json!({"scope": "", "decided_on": ""})),
            CITY_ONLY,
        ),
        ep(Method::GET, "/api/v1/permits", Body::None, READ_SCHEDULE),
        ep(
            Method::POST,
            "/api/v1/permits",
            Body::Json(json!({"site_id": 0, "kind": "", "valid_from": ""})),
            REQUEST_PERMITS,
        ),
        ep(
            Method::GET,
            "/api/v1/permits/999999",
            Body::None,
            READ_SCHEDULE,
        ),
        ep(
            Method::POST,
            "/api/v1/permits/999999/decision",
            Body::Json(json!({"verb": "grant"})),
            CITY_DECIDES,
        ),
    ]
}

fn page_endpoints() -> Vec<Endpoint> {
    vec![
        ep(Method::GET, "/", Body::None, ALL),
        ep(Method::GET, "/calendar", Body::None, ALL),
        ep(Method::GET, "/schedule", Body::None, READ_SCHEDULE),
        ep(Method::GET, "/requests", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/requests",
            Body::Form(&[("request_number", "")]),
            CITY_ONLY,
        ),
        ep(Method::GET, "/requests/999999", Body::None, READ_JOBS),
        ep(
            Method::GET,
            "/requests/999999/checklist?site_id=1",
            Body::None,
            READ_JOBS,
        ),
        ep(
            Method::POST,
            "/requests/999999/cancel",
            Body::Form(&[]),
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/requests/999999/questions",
            Body::Form(&[("subject", "")]),
            RAISE_QUESTIONS,
        ),
        ep(
            Method::POST,
            "/questions/999999/answer",
            Body::Form(&[("request_id", "999999"), ("answer", "")]),
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/questions/999999/close",
            Body::Form(&[("request_id", "999999")]),
            RAISE_QUESTIONS,
        ),
        ep(
            Method::POST,
            "/requests/999999/procedure",
            Body::Form(&[("steps", "")]),
            LEAD_ONLY,
        ),
        ep(
            Method::POST,
            "/procedures/999999/submit",
            Body::Form(&[("request_id", "999999")]),
            LEAD_ONLY,
        ),
        ep(
            Method::POST,
            "/procedures/999999/decision",
            Body::Form(&[("request_id", "999999"), ("verdict", "")]),
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/requests/999999/records",
            Body::Form(&[("terminal_id", "1"), ("step_order", "1")]),
            RECORD_WORK,
        ),
        ep(
            Method::POST,
            "/requests/999999/report",
            Body::Form(&[]),
            LEAD_ONLY,
        ),
        ep(
            Method::POST,
            "/reports/999999/decision",
            Body::Form(&[("request_id", "999999"), ("verdict", "")]),
            CITY_ONLY,
        ),
        ep(Method::GET, "/plans", Body::None, READ_SCHEDULE),
        ep(
            Method::POST,
            "/plans/999999/agreement",
            Body::Form(&[]),
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/visits/999999/agreement",
            Body::Form(&[]),
            CITY_ONLY,
        ),
        ep(
            Method::POST,
            "/plans",
            Body::Form(&[("title", ""), ("action", "preview")]),
            PLAN_VISITS,
        ),
        ep(
            Method::POST,
            "/plans/preview",
            Body::Form(&[("title", "")]),
            PLAN_VISITS,
        ),
        ep(Method::GET, "/plans/999999", Body::None, READ_SCHEDULE),
        ep(
            Method::GET,
            "/plans/999999/plan.xlsx",
            Body::None,
            READ_SCHEDULE,
        ),
        ep(
            Method::POST,
            "/schedule",
            Body::Form(&[("site_id", ""), ("date", "")]),
            PLAN_VISITS,
        ),
        ep(Method::GET, "/visits/999999", Body::None, READ_SCHEDULE),
        ep(
            Method::POST,
            "/visits/999999/complete",
            Body::Form(&[]),
            RECORD_VISITS,
        ),
        ep(
            Method::POST,
            "/visits/999999/cancel",
            Body::Form(&[]),
            PLAN_VISITS,
        ),
        ep(Method::GET, "/off-hours", Body::None, READ_SCHEDULE),
        ep(
            Method::POST,
            "/off-hours",
            Body::Form(&[("site_id", ""), ("cause", "")]),
            FILE_OFF_HOURS,
        ),
        ep(
            Method::POST,
            "/off-hours/999999/decision",
            Body::Form(&[("verb", "approve")]),
            CITY_DECIDES,
        ),
        ep(
            Method::POST,
            "/off-hours/999999/withdrawal",
            Body::Form(&[]),
            FILE_OFF_HOURS,
        ),
        ep(
            Method::POST,
            "/attachments?owner=notice&owner_id=999999",
            Body::Form(&[("file", "")]),
            RECORD_NOTICES,
        ),
        ep(
            Method::POST,
            "/attachments?owner=procedure&owner_id=999999",
            Body::Form(&[("file", "")]),
            LEAD_ONLY,
        ),
        ep(
            Method::POST,
            "/attachments?owner=request&owner_id=999999",
            Body::Form(&[("file", "")]),
            RECORD_WORK,
        ),
        ep(Method::GET, "/attachments/999999", Body::None, READ_JOBS),
        ep(Method::GET, "/notices", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/notices",
            Body::Form(&[("received_on", ""), ("kind", "")]),
            RECORD_NOTICES,
        ),
        ep(Method::GET, "/notices/999999", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/notices/999999/transition",
            Body::Form(&[("verb", "close")]),
            RECORD_NOTICES,
        ),
        ep(Method::GET, "/jobs", Body::None, READ_JOBS),
        ep(Method::GET, "/jobs/new", Body::None, MANAGE_JOBS),
        ep(
            Method::POST,
            "/jobs",
            Body::Form(&[("category", ""), ("title", "")]),
            MANAGE_JOBS,
        ),
        ep(Method::GET, "/jobs/999999", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/jobs/999999/request",
            Body::Form(&[]),
            MANAGE_JOBS,
        ),
        ep(
            Method::POST,
            "/jobs/999999/start",
            Body::Form(&[]),
            RECORD_WORK,
        ),
        ep(
            Method::POST,
            "/jobs/999999/complete",
            Body::Form(&[]),
            MANAGE_JOBS,
        ),
        ep(
            Method::POST,
            "/jobs/999999/cancel",
            Body::Form(&[]),
            MANAGE_JOBS,
        ),
        ep(
            Method::POST,
            "/jobs/999999/rotations",
            Body::Form(&[("terminal_id", ""), ("rotated_at", "")]),
            RECORD_WORK,
        ),
        ep(
            Method::POST,
            "/jobs/999999/inspections",
            Body::Form(&[("terminal_id", ""), ("inspected_on", "")]),
            RECORD_WORK,
        ),
        ep(
            Method::POST,
            "/jobs/999999/inspections/999999/follow-up",
            Body::Form(&[("item_id", "")]),
            MANAGE_JOBS,
        ),
        ep(
            Method::POST,
            "/jobs/999999/waiver",
            Body::Form(&[("scope", ""), ("decided_on", "")]),
            CITY_ONLY,
        ),
        ep(Method::GET, "/inspection/template", Body::None, READ_JOBS),
        ep(
            Method::POST,
            "/inspection/template",
            Body::Form(&[("id", ""), ("label", "")]),
            CITY_ONLY,
        ),
        ep(Method::GET, "/permits", Body::None, READ_SCHEDULE),
        ep(
            Method::POST,
            "/permits",
            Body::Form(&[("site_id", ""), ("kind", "")]),
            REQUEST_PERMITS,
        ),
        ep(
            Method::POST,
            "/permits/999999/decision",
            Body::Form(&[("verb", "grant")]),
            CITY_DECIDES,
        ),
        ep(
            Method::POST,
            "/permits/999999/withdrawal",
            Body::Form(&[]),
            REQUEST_PERMITS,
        ),
        ep(
            Method::POST,
            "/calendar/overrides",
            Body::Form(&[("date", ""), ("kind", "closed"), ("reason", "")]),
            EDIT_CALENDAR,
        ),
        ep(
            Method::POST,
            "/calendar/overrides/2020-11-30/delete",
            Body::Form(&[]),
            EDIT_CALENDAR,
        ),
        ep(Method::GET, "/account", Body::None, ALL),
        ep(
            Method::POST,
            "/account/tokens",
            Body::Form(&[("name", ""), ("days", "")]),
            ALL,
        ),
        ep(
            Method::POST,
            "/account/password",
            Body::Form(&[("current", ""), ("new_password", "")]),
            ALL,
        ),
        ep(
            Method::POST,
            "/account/tokens/999999/revoke",
            Body::Form(&[]),
            ALL,
        ),
        ep(Method::GET, "/account/setup", Body::None, ALL),
        ep(Method::GET, "/account/second-factor", Body::None, ALL),
        ep(
            Method::POST,
            "/account/second-factor",
            Body::Form(&[("code", "")]),
            ALL,
        ),
        ep(
            Method::POST,
            "/account/sign-out-everywhere",
            Body::Form(&[]),
            ALL,
        ),
        ep(Method::GET, "/users", Body::None, READ_USERS),
        ep(
            Method::POST,
            "/users",
            Body::Form(&[("username", "")]),
            MANAGE_USERS,
        ),
        ep(
            Method::POST,
            "/users/999999",
            Body::Form(&[("display_name", "")]),
            MANAGE_USERS,
        ),
        ep(
            Method::POST,
            "/users/999999/unlock",
            Body::Form(&[]),
            MANAGE_USERS,
        ),
        ep(
            Method::POST,
            "/users/999999/second-factor/reset",
            Body::Form(&[]),
            MANAGE_USERS,
        ),
        ep(Method::GET, "/audit", Body::None, READ_AUDIT),
        ep(Method::GET, "/sites", Body::None, READ_INVENTORY),
        ep(
            Method::POST,
            "/sites",
            Body::Form(&[("code", ""), ("name", "")]),
            EDIT_INVENTORY,
        ),
        ep(Method::GET, "/sites/1", Body::None, READ_INVENTORY),
        ep(
            Method::POST,
            "/sites/1",
            Body::Form(&[("code", ""), ("name", "")]),
            EDIT_INVENTORY,
        ),
        ep(Method::GET, "/terminals", Body::None, READ_INVENTORY),
        ep(
            Method::POST,
            "/terminals",
            Body::Form(&[
                ("asset_number", ""),
                ("serial", ""),
                ("model", ""),
                ("site_code", ""),
            ]),
            EDIT_INVENTORY,
        ),
        ep(Method::GET, "/terminals/new", Body::None, EDIT_INVENTORY),
        ep(Method::GET, "/terminals/import", Body::None, EDIT_INVENTORY),
        ep(
            Method::GET,
            "/terminals/export.csv",
            Body::None,
            READ_INVENTORY,
        ),
        ep(Method::GET, "/terminals/999999", Body::None, READ_INVENTORY),
        ep(
            Method::POST,
            "/terminals/999999",
            Body::Form(&[
                ("asset_number", ""),
                ("serial", ""),
                ("model", ""),
                ("site_code", ""),
            ]),
            EDIT_INVENTORY,
        ),
        ep(
            Method::POST,
            "/terminals/999999/touch-panel",
            Body::Form(&[("touch_panel_id", "x")]),
            EDIT_INVENTORY,
        ),
        ep(Method::GET, "/touch-panels", Body::None, READ_INVENTORY),
        ep(
            Method::POST,
            "/touch-panels",
            Body::Form(&[("asset_number", ""), ("serial", ""), ("model", "")]),
            EDIT_INVENTORY,
        ),
    ]
}

async fn send(app: &TestApp, c: &reqwest::Client, e: &Endpoint) -> reqwest::StatusCode {
    let mut req = c.request(e.method.clone(), app.url(e.path));
    req = match &e.body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Form(f) => req.form(f),
        Body::Csv => req.header("content-type", "text/csv").body(""),
        Body::Raw => req
            .header("content-type", "application/octet-stream")
            .body(""),
    };
    req.send().await.expect("request").status()
}

async fn every_role_on_every_endpoint(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let before = app.audit_count().await;
    let mut failures = Vec::new();
    for role in ALL {
        let mut c = app.client(*role).await;
        for e in api_endpoints().iter().chain(page_endpoints().iter()) {
            let status = send(&app, &c, e).await;
            if e.path.ends_with("/sign-out-everywhere") && e.allowed.contains(role) {
                c = app.client(*role).await;
            }
            let allowed = e.allowed.contains(role);
            let ok = if allowed {
                status != 401 && status != 403 && !status.is_server_error()
            } else {
                status == 403
            };
            if !ok {
                failures.push(format!(
                    "{role:?} {} {} -> {status} (allowed: {allowed})",
                    e.method, e.path
                ));
            }
        }
    }
    let anon = app.anonymous();
    for e in api_endpoints() {
        let status = send(&app, &anon, &e).await;
        if status != 401 {
            failures.push(format!("anonymous {} {} -> {status}", e.method, e.path));
        }
    }
    for e in page_endpoints() {
        let status = send(&app, &anon, &e).await;
        if status != 303 {
            failures.push(format!(
                "anonymous page {} {} -> {status}",
                e.method, e.path
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "access table violations:\n{}",
        failures.join("\n")
    );
    // Refused and invalid requests wrote nothing but the sessions and the login history.
    assert_eq!(app.audit_count().await, before);
}

/// Every operation of the OpenAPI document is in the matrix above, so a new endpoint
/// cannot ship without its access test.
async fn the_matrix_covers_the_whole_api(engine: Engine) {
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
    let public = ["/api/v1/login", "/api/v1/logout"];
    let eps = api_endpoints();
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if public.contains(&path.as_str()) {
            continue;
        }
        for method in item.as_object().expect("item").keys() {
            let covered = eps.iter().any(|e| {
                e.method.as_str().eq_ignore_ascii_case(method) && path_matches(path, e.path)
            });
            if !covered {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "endpoints without an access test: {missing:?}"
    );
}

fn path_matches(template: &str, concrete: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let concrete = concrete.split('?').next().unwrap_or(concrete);
    let c: Vec<&str> = concrete.split('/').collect();
    t.len() == c.len() && t.iter().zip(&c).all(|(a, b)| a == b || a.starts_with('{'))
}

both_engines!(
    every_role_on_every_endpoint,
    the_matrix_covers_the_whole_api
);
