//! What the jobs modules share: closed vocabularies with a code and a Japanese label, one
//! table-driven way to refuse a transition with a Japanese reason, id lists and date fields.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::inventory::parse_date;
use crate::people::Role;
use crate::schedule::TransitionError;
use crate::time::jst;
use crate::validation::FieldErrors;

/// Declares a closed vocabulary (a status or a verb) with `ALL`, `as_str`, `parse` and
/// `label_ja`; the code is also its serde name, so JSON, forms and storage agree.
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [Self; [$($code),+].len()] = [$(Self::$variant),+];
            /// The code used in storage, JSON and forms.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }
            /// The value named by its code (surrounding spaces ignored).
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.into_iter().find(|x| x.as_str() == s)
            }
            /// The Japanese label shown to people.
            pub fn label_ja(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }
        }

        impl super::common::Labelled for $name {
            fn label_ja(self) -> &'static str {
                $name::label_ja(self)
            }
        }
    };
}

/// A status or verb that refusals name by its Japanese label.
pub(super) trait Labelled: Copy + PartialEq {
    fn label_ja(self) -> &'static str;
}

/// One row of a transition table: who may apply a verb, from which statuses, and where to.
pub(super) struct Rule<S: 'static> {
    pub roles: &'static [Role],
    pub from: &'static [S],
    pub to: S,
}

/// Applies `rule` to a `thing` (e.g. 作業依頼書) standing in `from`: the role is checked
/// first, then the status.
pub(super) fn apply<S: Labelled, V: Labelled>(
    thing: &str,
    rule: Rule<S>,
    from: S,
    verb: V,
    role: Role,
) -> Result<S, TransitionError> {
    if !rule.roles.contains(&role) {
        return Err(TransitionError(format!(
            "{thing}の{}は{}が行います。",
            verb.label_ja(),
            who(rule.roles)
        )));
    }
    if !rule.from.contains(&from) {
        return Err(TransitionError(format!(
            "この{thing}は「{}」のため、{}はできません。",
            from.label_ja(),
            verb.label_ja()
        )));
    }
    Ok(rule.to)
}

/// Refuses `what` (a Japanese noun phrase) unless `role` is one of `roles`.
pub(super) fn only(roles: &[Role], role: Role, what: &str) -> Result<(), TransitionError> {
    if roles.contains(&role) {
        Ok(())
    } else {
        Err(TransitionError(format!(
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
pub(super) fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// Checks a required `YYYY-MM-DD` field.
pub(super) fn required_date(
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
pub(super) fn optional_date(
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
pub(super) fn required_instant(
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
pub(super) fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}
