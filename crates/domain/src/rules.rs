//! What every state machine and input check shares: one table-driven way to refuse a
//! transition with a Japanese reason naming who may act or which status forbids it, id lists
//! and date fields.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::inventory::parse_date;
use crate::people::Role;
use crate::time::jst;
use crate::validation::FieldErrors;
use crate::vocab::Labelled;

/// A refused state change: the reason in Japanese, answered as 409 when the record's
/// status forbids it and 403 when the person's role does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransitionError(pub String, pub Ground);

/// What refuses a state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ground {
    /// The record's status (409).
    Status,
    /// The person's role (403).
    Role,
}

impl TransitionError {
    /// Refused by the record's status.
    pub fn status(why: impl Into<String>) -> Self {
        Self(why.into(), Ground::Status)
    }
    /// Refused by the person's role.
    pub fn role(why: impl Into<String>) -> Self {
        Self(why.into(), Ground::Role)
    }
}

/// The refusal of a change that lost a race: another change moved the record first, after
/// this one was judged (409 on `status`).
pub const RACED: &str = "他の操作で状態が変わりました。画面を更新してください。";

/// The refusal of a guarded check tried too often lately (429).
pub fn throttled_message(seconds: u64) -> String {
    format!(
        "試行が続いたため一時的にロックしています。{}分後に再度お試しください。",
        seconds.div_ceil(60)
    )
}

/// The answer when too much of a bounded kind of work waits already (503).
pub const BUSY: &str = "混み合っています。しばらくしてから再度お試しください。";

/// A rule's verdict against a change, in Japanese: input that cannot be accepted as given
/// (422, naming its fields) or a change that conflicts with the records as they stand (409,
/// naming the field it concerns). The store loads the facts, the domain says this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("{message}")]
    Conflict { field: String, message: String },
    /// The person's role may not make the change (403), with the reason.
    #[error("{0}")]
    Forbidden(String),
}

impl Refusal {
    /// One field of the input refused.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.push(field, message);
        Self::Invalid(e)
    }
    /// A conflict with the records, about `field`.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self::Conflict {
            field: field.to_string(),
            message: message.into(),
        }
    }
    /// A reference to a record that does not exist: `field` names it, `what` says what it
    /// should have been (e.g. 拠点).
    pub fn unknown(field: &str, what: &str, id: impl std::fmt::Display) -> Self {
        Self::invalid(field, format!("{what}ID {id} は登録されていません。"))
    }
}

impl From<FieldErrors> for Refusal {
    fn from(e: FieldErrors) -> Self {
        Self::Invalid(e)
    }
}

/// A refused transition conflicts with the record's status, or is forbidden to the role.
impl From<TransitionError> for Refusal {
    fn from(e: TransitionError) -> Self {
        match e.1 {
            Ground::Status => Self::conflict("status", e.0),
            Ground::Role => Self::Forbidden(e.0),
        }
    }
}

/// One row of a transition table: who may apply a verb, from which statuses, and where to.
pub(crate) struct Rule<S: 'static> {
    pub roles: &'static [Role],
    pub from: &'static [S],
    pub to: S,
}

/// Applies `rule` to a `thing` (e.g. 作業依頼書) standing in `from`: the role is checked
/// first, then the status.
pub(crate) fn apply<S: Labelled, V: Labelled>(
    thing: &str,
    rule: Rule<S>,
    from: S,
    verb: V,
    role: Role,
) -> Result<S, TransitionError> {
    if !rule.roles.contains(&role) {
        return Err(TransitionError::role(format!(
            "{thing}の{}は{}が行います。",
            verb.label(),
            who(rule.roles)
        )));
    }
    if !rule.from.contains(&from) {
        return Err(TransitionError::status(format!(
            "この{thing}は「{}」のため、{}はできません。",
            from.label(),
            verb.label()
        )));
    }
    Ok(rule.to)
}

/// Refuses `what` (a Japanese noun phrase) unless `role` is one of `roles`.
pub(crate) fn only(roles: &[Role], role: Role, what: &str) -> Result<(), TransitionError> {
    if roles.contains(&role) {
        Ok(())
    } else {
        Err(TransitionError::role(format!(
            "{what}は{}が行います。",
            who(roles)
        )))
    }
}

/// The roles' Japanese names joined with または.
fn who(roles: &[Role]) -> String {
    let names: Vec<&str> = roles.iter().map(|r| r.label_ja()).collect();
    names.join("または")
}

/// The ids sorted, without repeats.
pub(crate) fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// Checks a required `YYYY-MM-DD` field.
pub(crate) fn required_date(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &str,
) -> Option<NaiveDate> {
    let date = parse_date(value);
    if date.is_none() {
        e.push(
            field,
            format!("{label}をYYYY-MM-DDの形式で入力してください。"),
        );
    }
    date
}

/// Checks an optional `YYYY-MM-DD` field; empty is `None`.
pub(crate) fn optional_date(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    value: Option<&str>,
) -> Option<NaiveDate> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    required_date(e, field, label, value)
}

/// Checks a required Japan-time instant typed as `YYYY-MM-DDTHH:MM` (or with a space, or
/// with seconds) and returns it in UTC.
pub(crate) fn required_instant(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &str,
) -> Option<DateTime<Utc>> {
    let v = value.trim();
    let local = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok());
    let instant = local
        .and_then(|l| jst().from_local_datetime(&l).single())
        .map(|t| t.with_timezone(&Utc));
    if instant.is_none() {
        e.push(
            field,
            format!("{label}をYYYY-MM-DD HH:MMの形式（日本時間）で入力してください。"),
        );
    }
    instant
}

/// The number of items, as the counts' integer type.
pub(crate) fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}
