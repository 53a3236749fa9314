//! An audit entry in plain Japanese (R8.5): who did what to which record, each changed
//! field by its Japanese name, states and kinds by their labels, flags as はい/いいえ,
//! records named by a field as links, lists joined with 、 and instants in Japan time as
//! the rest of the pages write them.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::{AuditEntry, Entity};
use crate::time::{display_jst, from_db};
use crate::vocab::Labelled;
use crate::{approvals, requests};

/// What the renderer needs besides the entry: the names of people and the record whose
/// page shows a record that has none of its own (a question is shown on its request's
/// page). Filled by whoever reads the entries; empty, ids are shown as numbers.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    /// Person id → (login ID, name).
    people: HashMap<i64, (String, String)>,
    /// Login ID → person id.
    logins: HashMap<String, i64>,
    /// (kind, id) of a record → (kind, id) of the record whose page shows it.
    parents: HashMap<(Entity, String), (Entity, String)>,
    /// (kind, id) of a record → the name people know it by (a site's name, a terminal's
    /// asset number, a request's number, a job's title, a notice's J-LIS number).
    names: HashMap<(Entity, String), String>,
}

impl AuditContext {
    /// Names person `id`, whose login ID is `login`.
    pub fn person(&mut self, id: i64, login: &str, name: &str) {
        self.people
            .insert(id, (login.to_string(), name.to_string()));
        self.logins.insert(login.to_string(), id);
    }

    /// Says that record `id` of kind `entity` is shown on the page of `parent` `parent_id`.
    pub fn parent(&mut self, entity: Entity, id: &str, parent: Entity, parent_id: &str) {
        self.parents
            .insert((entity, id.to_string()), (parent, parent_id.to_string()));
    }

    /// Names record `id` of kind `entity` as people know it.
    pub fn name(&mut self, entity: Entity, id: &str, name: &str) {
        self.names
            .insert((entity, id.to_string()), name.to_string());
    }

    fn record_name(&self, entity: Entity, id: &str) -> Option<&str> {
        self.names
            .get(&(entity, id.to_string()))
            .map(String::as_str)
    }

    fn name_of_id(&self, id: i64) -> Option<&str> {
        self.people.get(&id).map(|(_, n)| n.as_str())
    }

    fn name_of_login(&self, login: &str) -> Option<&str> {
        self.logins.get(login).and_then(|id| self.name_of_id(*id))
    }
}

/// One piece of a shown value: its text, and the page of the record it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub text: String,
    pub href: Option<String>,
}

impl Piece {
    fn text(text: impl Into<String>) -> Piece {
        Piece {
            text: text.into(),
            href: None,
        }
    }
}

/// One changed field: its Japanese name, what it was (absent when the entry gives no
/// before) and what it became, each a list of pieces to be joined with 、.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownChange {
    pub label: String,
    pub before: Option<Vec<Piece>>,
    pub after: Vec<Piece>,
}

/// An audit entry as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownEntry {
    pub seq: i64,
    /// `2020-10-05 09:30`, Japan time.
    pub at: String,
    /// The person who acted (their name), the system or a command.
    pub actor: String,
    /// The kind of record, in Japanese.
    pub entity: String,
    /// The record itself (`作業 12`), linked to its page where it has one.
    pub record: Piece,
    /// What was done, as a Japanese verb.
    pub action: String,
    pub changes: Vec<ShownChange>,
}

/// The page of record `id` of kind `entity`, where one shows it.
pub fn href(entity: Entity, id: &str) -> Option<String> {
    use Entity::*;
    let numeric = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    let of = |base: &str| numeric.then(|| format!("{base}/{id}"));
    match entity {
        Site => of("/sites"),
        Terminal => of("/terminals"),
        Visit => of("/visits"),
        Plan => of("/plans"),
        Notice => of("/notices"),
        Job => of("/jobs"),
        WorkRequest => of("/requests"),
        Attachment => of("/attachments"),
        TouchPanel => Some("/touch-panels".into()),
        TerminalImport => Some("/terminals".into()),
        User => Some("/users".into()),
        CalendarOverride => Some("/calendar".into()),
        OffHours => Some("/off-hours".into()),
        Permit => Some("/permits".into()),
        WorkLog => Some("/work-log".into()),
        FaultReport => Some("/fault-reports".into()),
        Incident => of("/incidents"),
        ServiceLevel => Some("/incident-targets".into()),
        FaultLog => of("/fault-logs"),
        Deliverable => of("/deliverables"),
        Absence => Some("/roster/absences".into()),
        Designation => Some("/responsible-persons".into()),
        RosterPerson => Some("/roster".into()),
        Subcontract => Some("/subcontracting".into()),
        InspectionTemplate => Some("/inspection/template".into()),
        Contract | ApiToken | PasswordRotation | Inspection | Question | Procedure | WorkRecord
        | Report | SignIn | SecondFactor => None,
    }
}

/// The actor of an entry in Japanese: a person by name, a command run on the server, or
/// the system itself (every person has an account, kept when disabled, so a name no
/// account holds is the system's).
pub fn actor_label(actor: &str, ctx: &AuditContext) -> String {
    if let Some(name) = ctx.name_of_login(actor) {
        return name.to_string();
    }
    if let Some(name) = actor.strip_prefix("cli:") {
        return match ctx.name_of_login(name) {
            Some(n) => format!("{n}(サーバーでの操作)"),
            None => "サーバーでの操作".into(),
        };
    }
    crate::people::system_actor_label(actor)
        .map(str::to_string)
        .unwrap_or_else(|| {
            if actor.is_ascii() {
                "システム".into()
            } else {
                actor.to_string()
            }
        })
}

/// The record an entry names, shown and linked: its own page, else the page of the
/// record that shows it, else the record it names in its fields.
fn record_piece(entity: Entity, id: &str, changes: &Value, ctx: &AuditContext) -> Piece {
    let text = match entity {
        Entity::User => id
            .parse::<i64>()
            .ok()
            .and_then(|n| ctx.name_of_id(n))
            .map_or_else(|| format!("{} {id}", entity.label_ja()), str::to_string),
        Entity::SignIn | Entity::SecondFactor => ctx
            .name_of_login(id)
            .map_or_else(|| id.to_string(), str::to_string),
        _ => match ctx.record_name(entity, id) {
            Some(name) => format!("{} {name}", entity.label_ja()),
            None => format!("{} {id}", entity.label_ja()),
        },
    };
    let href = href(entity, id)
        .or_else(|| {
            ctx.parents
                .get(&(entity, id.to_string()))
                .and_then(|(p, pid)| href(*p, pid))
        })
        .or_else(|| {
            let after = |f: &str| changes.get(f).and_then(|c| c.get("after"));
            [
                ("request_id", Entity::WorkRequest),
                ("work_request_id", Entity::WorkRequest),
                ("job_id", Entity::Job),
            ]
            .iter()
            .find_map(|(f, e)| after(f).and_then(id_text).and_then(|i| href(*e, &i)))
        });
    Piece { text, href }
}

/// An id held in a value (a number or a numeric string).
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => n.as_i64().map(|n| n.to_string()),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Some(s.clone())
        }
        _ => None,
    }
}

/// What a field holds, beyond plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    /// Ids of records of a kind.
    Record(Entity),
    /// People, by id or login ID.
    Person,
    Plain,
}

fn holds(entity: Entity, field: &str) -> Holds {
    use Entity as E;
    match field {
        "request_id" | "work_request_id" => Holds::Record(E::WorkRequest),
        "job_id" | "job_ids" | "job" | "follow_up" => Holds::Record(E::Job),
        "notice_id" | "notice" => Holds::Record(E::Notice),
        "terminal_id" | "terminal_ids" | "terminal" => Holds::Record(E::Terminal),
        "touch_panel" => Holds::Record(E::TouchPanel),
        "site_id" | "site_ids" => Holds::Record(E::Site),
        "plan_id" => Holds::Record(E::Plan),
        "fault_report_id" | "fault_report" => Holds::Record(E::FaultReport),
        "incident_id" | "incident" => Holds::Record(E::Incident),
        "item_id" => Holds::Record(E::InspectionTemplate),
        "replaces" | "replaced_by" | "corrects" | "document_id" => Holds::Record(entity),
        "performer_id" | "performer" | "inspector_id" | "inspector" | "person_id" | "person"
        | "worker_ids" | "workers" | "change_approved_by" | "on_behalf_of" | "stand_in_for"
        | "agreed_by" => Holds::Person,
        _ => Holds::Plain,
    }
}

/// The Japanese label of a code held in `field` of an entry of `entity`, beyond the
/// entity's own fields: the approval steps every decided document writes.
fn code_label(entity: Entity, field: &str, code: &str) -> Option<&'static str> {
    fn of<T: Labelled>(code: &str) -> Option<&'static str> {
        T::from_code(code).map(Labelled::label)
    }
    entity.code_label(field, code).or_else(|| match field {
        "verdict" => of::<requests::Verdict>(code),
        "kind" => of::<approvals::ApprovalKind>(code),
        "verb" => match entity {
            Entity::Job => of::<crate::jobs::JobVerb>(code),
            _ => None,
        },
        _ => None,
    })
}

/// A stored instant (`2020-11-13T04:27:00.000000Z`) in Japan time.
fn instant(s: &str) -> Option<String> {
    (s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T'))
        .then(|| from_db(s))
        .flatten()
        .map(display_jst)
}

fn pieces(entity: Entity, field: &str, v: &Value, ctx: &AuditContext) -> Vec<Piece> {
    match v {
        Value::Null => vec![Piece::text("(なし)")],
        Value::Array(items) if items.is_empty() => vec![Piece::text("(なし)")],
        Value::Array(items) => items
            .iter()
            .flat_map(|i| pieces(entity, field, i, ctx))
            .collect(),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| {
                let label = entity.field_label(k).unwrap_or(k);
                let inner: Vec<String> = pieces(entity, k, v, ctx)
                    .into_iter()
                    .map(|p| p.text)
                    .collect();
                Piece::text(format!("{label}: {}", inner.join("、")))
            })
            .collect(),
        Value::Bool(b) => vec![Piece::text(if *b { "はい" } else { "いいえ" })],
        Value::Number(_) | Value::String(_) => vec![scalar(entity, field, v, ctx)],
    }
}

fn scalar(entity: Entity, field: &str, v: &Value, ctx: &AuditContext) -> Piece {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match holds(entity, field) {
        Holds::Record(kind) => {
            if let Some(id) = id_text(v) {
                let href = href(kind, &id);
                let text = ctx
                    .record_name(kind, &id)
                    .map_or_else(|| format!("{} {id}", kind.label_ja()), str::to_string);
                return Piece { text, href };
            }
        }
        Holds::Person => {
            let name = match v {
                Value::Number(n) => n.as_i64().and_then(|id| ctx.name_of_id(id)),
                Value::String(s) => ctx.name_of_login(s),
                _ => None,
            };
            if let Some(name) = name {
                return Piece {
                    text: name.to_string(),
                    href: href(Entity::User, ""),
                };
            }
        }
        Holds::Plain => {}
    }
    if let Value::String(s) = v {
        if s.trim().is_empty() {
            return Piece::text("(なし)");
        }
        if s == "changed" {
            return Piece::text("変更済み");
        }
        if let Some(label) = code_label(entity, field, s) {
            return Piece::text(label);
        }
        if let Some(t) = instant(s) {
            return Piece::text(t);
        }
    }
    Piece::text(text)
}

/// The records `entries` name, by kind: each entry's own record and every id its fields
/// hold, so that the reader can look up the names people know them by.
pub fn referenced(entries: &[AuditEntry]) -> Vec<(Entity, String)> {
    fn walk(entity: Entity, field: &str, v: &Value, out: &mut Vec<(Entity, String)>) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| walk(entity, field, i, out)),
            other => {
                if let (Holds::Record(kind), Some(id)) = (holds(entity, field), id_text(other)) {
                    out.push((kind, id));
                }
            }
        }
    }
    let mut out = Vec::new();
    for e in entries {
        let Some(entity) = Entity::parse(&e.entity) else {
            continue;
        };
        out.push((entity, e.entity_id.clone()));
        let changes: Value = serde_json::from_str(&e.changes).unwrap_or(Value::Null);
        for (field, c) in changes.as_object().into_iter().flatten() {
            for side in ["before", "after"] {
                if let Some(v) = c.get(side) {
                    walk(entity, field, v, &mut out);
                }
            }
        }
    }
    out.sort_by(|a, b| (a.0.as_str(), &a.1).cmp(&(b.0.as_str(), &b.1)));
    out.dedup();
    out
}

/// Renders `entry` in plain Japanese. An entry of a kind this version does not name
/// shows its codes as they are.
pub fn render(e: &AuditEntry, ctx: &AuditContext) -> ShownEntry {
    let changes: Value = serde_json::from_str(&e.changes).unwrap_or(Value::Null);
    let at = from_db(&e.at).map_or_else(|| e.at.clone(), display_jst);
    let actor = actor_label(&e.actor, ctx);
    let Some(entity) = Entity::parse(&e.entity) else {
        return ShownEntry {
            seq: e.seq,
            at,
            actor,
            entity: e.entity.clone(),
            record: Piece::text(format!("{} {}", e.entity, e.entity_id)),
            action: e.action.clone(),
            changes: Vec::new(),
        };
    };
    // An entry whose every field was empty before is a creation: only what was written
    // is shown, not a column of (なし).
    let created = changes.as_object().is_some_and(|fields| {
        fields.values().all(|c| match c.get("before") {
            None | Some(Value::Null) => true,
            Some(_) => false,
        })
    });
    let shown = changes
        .as_object()
        .map(|fields| {
            fields
                .iter()
                .map(|(field, c)| {
                    let (before, after) = match c {
                        Value::Object(o) if o.keys().all(|k| k == "before" || k == "after") => {
                            (o.get("before"), o.get("after").unwrap_or(&Value::Null))
                        }
                        other => (None, other),
                    };
                    ShownChange {
                        label: entity.field_label(field).unwrap_or(field).to_string(),
                        before: before
                            .filter(|_| !created)
                            .map(|b| pieces(entity, field, b, ctx)),
                        after: pieces(entity, field, after, ctx),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    ShownEntry {
        seq: e.seq,
        at,
        actor,
        entity: entity.label_ja().to_string(),
        record: record_piece(entity, &e.entity_id, &changes, ctx),
        action: entity
            .action_label(&e.action)
            .unwrap_or(&e.action)
            .to_string(),
        changes: shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(entity: &str, id: &str, action: &str, changes: Value) -> AuditEntry {
        AuditEntry {
            seq: 7,
            at: "2020-11-13T04:27:00.000000Z".into(),
            actor: "lead".into(),
            entity: entity.into(),
            entity_id: id.into(),
            action: action.into(),
            changes: changes.to_string(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn texts(p: &[Piece]) -> Vec<&str> {
        p.iter().map(|p| p.text.as_str()).collect()
    }

    fn context() -> AuditContext {
        let mut ctx = AuditContext::default();
        ctx.person(3, "worker", "作業 太郎");
        ctx.person(4, "lead", "責任 花子");
        ctx.parent(Entity::Question, "9", Entity::WorkRequest, "2");
        ctx
    }

    #[test]
    fn a_request_reads_in_japanese_with_links_and_japan_time() {
        let e = entry(
            "work_request",
            "2",
            "create",
            json!({"job_ids": {"after": [1, 2]}, "combination_approved": {"after": true},
                "status": {"before": "issued", "after": "accepted"}}),
        );
        let s = render(&e, &context());
        let field = |label: &str| s.changes.iter().find(|c| c.label == label).expect(label);
        assert_eq!(s.at, "2020-11-13 13:27");
        assert_eq!(s.actor, "責任 花子");
        assert_eq!(s.entity, "作業依頼書");
        assert_eq!(s.action, "登録");
        assert_eq!(s.record.text, "作業依頼書 2");
        assert_eq!(s.record.href.as_deref(), Some("/requests/2"));
        let jobs = field("作業");
        assert_eq!(jobs.label, "作業");
        assert_eq!(texts(&jobs.after), ["作業 1", "作業 2"]);
        assert_eq!(jobs.after[1].href.as_deref(), Some("/jobs/2"));
        assert_eq!(jobs.before, None);
        let combo = field("作業の組合せの承認");
        assert_eq!(
            (combo.label.as_str(), texts(&combo.after)),
            ("作業の組合せの承認", vec!["はい"])
        );
        let status = field("状態");
        assert_eq!(status.before.as_deref().map(texts), Some(vec!["発行済"]));
        assert_eq!(texts(&status.after), ["完了"]);
    }

    #[test]
    fn a_record_names_its_fields_by_its_own_table_and_people_by_name() {
        let e = entry(
            "work_record",
            "5",
            "create",
            json!({"request_id": {"after": 2}, "step_order": {"after": 1},
                "performer_id": {"after": 3}, "ended_at": {"after": "2020-10-05T01:00:00.000000Z"},
                "outcome": {"after": "done"}}),
        );
        let s = render(&e, &context());
        let by: HashMap<&str, Vec<&str>> = s
            .changes
            .iter()
            .map(|c| (c.label.as_str(), texts(&c.after)))
            .collect();
        assert_eq!(by["実施者"], ["作業 太郎"]);
        assert_eq!(by["手順の番号"], ["1"]);
        assert_eq!(by["終了日時"], ["2020-10-05 10:00"]);
        assert_eq!(by["結果"], ["実施済"]);
        assert_eq!(by["作業依頼書"], ["作業依頼書 2"]);
        assert_eq!(
            s.record.href.as_deref(),
            Some("/requests/2"),
            "by its request"
        );

        let q = render(
            &entry(
                "question",
                "9",
                "answer",
                json!({"body": {"after": "質問"}}),
            ),
            &context(),
        );
        assert_eq!(
            q.changes[0].label, "疑義の内容",
            "not the notice's 通知の内容"
        );
        assert_eq!(q.action, "回答");
        assert_eq!(
            q.record.href.as_deref(),
            Some("/requests/2"),
            "by its parent"
        );
    }

    #[test]
    fn approvals_people_lists_and_actors() {
        let e = entry(
            "procedure",
            "4",
            "approve",
            json!({"verdict": {"after": "approve"}, "on_behalf_of": {"after": null},
                "kind": {"after": "report"}}),
        );
        let s = render(&e, &AuditContext::default());
        let all: Vec<(&str, Vec<&str>)> = s
            .changes
            .iter()
            .map(|c| (c.label.as_str(), texts(&c.after)))
            .collect();
        assert_eq!(
            all,
            [
                ("文書の種類", vec!["結果報告"]),
                ("代理した相手", vec!["(なし)"]),
                ("判断", vec!["承認"])
            ]
        );
        assert_eq!(s.actor, "システム", "no account: the system");
        let visit = entry(
            "visit",
            "1",
            "create",
            json!({"worker_ids": {"after": [3, 4]}, "terminal_ids": {"after": []}}),
        );
        let v = render(&visit, &context());
        assert_eq!(texts(&v.changes[0].after), ["(なし)"], "terminal_ids");
        assert_eq!(texts(&v.changes[1].after), ["作業 太郎", "責任 花子"]);
        assert_eq!(actor_label("system", &context()), "システム");
        assert_eq!(actor_label("cli", &context()), "サーバーでの操作");
        assert_eq!(actor_label("契約の読み込み", &context()), "契約の読み込み");
        assert_eq!(
            actor_label("cli:lead", &context()),
            "責任 花子(サーバーでの操作)"
        );
    }

    #[test]
    fn a_creation_shows_what_was_written_and_a_change_what_it_was() {
        let created = entry(
            "calendar_override",
            "2020-11-30",
            "create",
            json!({"is_open": {"before": null, "after": false}, "reason": {"after": ""}}),
        );
        let s = render(&created, &context());
        assert!(s.changes.iter().all(|c| c.before.is_none()), "{s:?}");
        assert_eq!(texts(&s.changes[1].after), ["(なし)"], "an empty text");
        let changed = entry(
            "user",
            "3",
            "update",
            json!({"post": {"before": null, "after": "係長"}, "disabled": {"before": false, "after": true}}),
        );
        let s = render(&changed, &context());
        assert_eq!(s.record.text, "作業 太郎");
        let disabled = s
            .changes
            .iter()
            .find(|c| c.label == "無効")
            .expect("disabled");
        assert_eq!(disabled.before.as_deref().map(texts), Some(vec!["いいえ"]));
        let post = s.changes.iter().find(|c| c.label == "職").expect("post");
        assert_eq!(post.before.as_deref().map(texts), Some(vec!["(なし)"]));
    }

    #[test]
    fn records_are_named_as_people_know_them() {
        let mut ctx = context();
        ctx.name(Entity::Site, "1", "中央区役所");
        ctx.name(Entity::WorkRequest, "2", "R2-101");
        let e = entry(
            "work_request",
            "2",
            "create",
            json!({"site_ids": {"after": [1, 5]}}),
        );
        let s = render(&e, &ctx);
        assert_eq!(s.record.text, "作業依頼書 R2-101");
        assert_eq!(texts(&s.changes[0].after), ["中央区役所", "拠点 5"]);
        assert_eq!(s.changes[0].after[0].href.as_deref(), Some("/sites/1"));
        assert_eq!(
            referenced(&[e]),
            [
                (Entity::Site, "1".to_string()),
                (Entity::Site, "5".to_string()),
                (Entity::WorkRequest, "2".to_string())
            ]
        );
    }

    #[test]
    fn every_entity_with_a_page_of_its_own_links_to_it() {
        assert_eq!(href(Entity::Job, "12").as_deref(), Some("/jobs/12"));
        assert_eq!(href(Entity::Visit, "x"), None);
        assert_eq!(href(Entity::Question, "1"), None);
        assert_eq!(href(Entity::Permit, "1").as_deref(), Some("/permits"));
    }
}
