//! What each route needs from the access table ([`jukiops_domain::people::ACCESS`]),
//! declared beside its handler: an API operation in the `x-jukiops-action` extension of its
//! OpenAPI operation, a page in its feature's `routes()`. The operations check their own
//! action; the access test derives its expectations from these declarations and the
//! access table.

use std::collections::BTreeMap;

use axum::http::Method;
use jukiops_domain::people::{Action, Role, may};
use jukiops_domain::vocab::Labelled;
use serde::{Deserialize, Serialize};

/// The OpenAPI extension naming what an operation needs.
pub const EXTENSION: &str = "x-jukiops-action";

/// What a route needs. In JSON: `"public"`, an action's code (`"view_jobs"`), or a
/// [`Choice`] object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Repr", into = "Repr")]
pub enum Needs {
    /// Anyone, signed in or not: signing in and out.
    Public,
    /// One action of the access table.
    Action(Action),
    /// The action a parameter of the request chooses (a verb, the owner of a file, the
    /// kind of record whose history is read).
    Chosen(Choice),
}

/// The action chosen by the value of one parameter of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// Where the parameter is.
    #[serde(rename = "in")]
    pub source: Source,
    /// Its name: a path parameter, a query parameter or a field of the JSON body.
    pub name: String,
    /// The action each value needs.
    pub actions: BTreeMap<String, Action>,
    /// What any other value needs; without it, a request naming no known value needs any
    /// of the actions above (the handler then refuses the value itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<Action>,
}

/// Where the parameter of a [`Choice`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Path,
    Query,
    Body,
}

const PUBLIC: &str = "public";

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Repr {
    Code(String),
    Chosen(Choice),
}

impl TryFrom<Repr> for Needs {
    type Error = String;
    fn try_from(r: Repr) -> Result<Self, String> {
        match r {
            Repr::Code(c) if c == PUBLIC => Ok(Needs::Public),
            Repr::Code(c) => Action::parse(&c)
                .map(Needs::Action)
                .ok_or_else(|| format!("unknown action code `{c}`")),
            Repr::Chosen(c) if c.actions.is_empty() => {
                Err(format!("a choice by `{}` without actions", c.name))
            }
            Repr::Chosen(c) => Ok(Needs::Chosen(c)),
        }
    }
}

impl From<Needs> for Repr {
    fn from(n: Needs) -> Self {
        match n {
            Needs::Public => Repr::Code(PUBLIC.into()),
            Needs::Action(a) => Repr::Code(a.as_str().into()),
            Needs::Chosen(c) => Repr::Chosen(c),
        }
    }
}

impl From<Action> for Needs {
    fn from(a: Action) -> Self {
        Needs::Action(a)
    }
}

impl Needs {
    /// The action chosen by parameter `name` (in `source`) among the values of the
    /// vocabulary `T`, each needing `action(value)`.
    pub fn chosen_by<T: Labelled>(
        source: Source,
        name: &str,
        action: impl Fn(T) -> Action,
    ) -> Self {
        Needs::Chosen(Choice {
            source,
            name: name.into(),
            actions: T::all()
                .iter()
                .map(|v| (v.code().to_string(), action(*v)))
                .collect(),
            otherwise: None,
        })
    }

    /// The same choice, any value outside it needing `action`.
    pub fn otherwise(self, action: Action) -> Self {
        match self {
            Needs::Chosen(c) => Needs::Chosen(Choice {
                otherwise: Some(action),
                ..c
            }),
            other => other,
        }
    }

    /// The actions a request may need, one of which the role must be granted: for a choice,
    /// the one its `value` names (or `otherwise`); when the value names none and there is
    /// no `otherwise`, any of them. Empty for a public route.
    pub fn actions(&self, value: Option<&str>) -> Vec<Action> {
        match self {
            Needs::Public => Vec::new(),
            Needs::Action(a) => vec![*a],
            Needs::Chosen(c) => match value.and_then(|v| c.actions.get(v.trim())) {
                Some(a) => vec![*a],
                None => match c.otherwise {
                    Some(a) => vec![a],
                    None => c.actions.values().copied().collect(),
                },
            },
        }
    }

    /// Whether the access table lets `role` through for a request whose chosen parameter
    /// is `value`.
    pub fn allows(&self, role: Role, value: Option<&str>) -> bool {
        matches!(self, Needs::Public) || self.actions(value).into_iter().any(|a| may(role, a))
    }

    /// The parameter choosing the action, if any.
    pub fn choice(&self) -> Option<&Choice> {
        match self {
            Needs::Chosen(c) => Some(c),
            _ => None,
        }
    }
}

/// One route with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    /// As declared, with `{name}` parameters.
    pub path: String,
    pub needs: Needs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jukiops_domain::jobs::JobVerb;

    #[test]
    fn needs_read_and_write_their_json() {
        let cases = [
            (Needs::Public, serde_json::json!("public")),
            (
                Needs::Action(Action::ViewJobs),
                serde_json::json!("view_jobs"),
            ),
        ];
        for (needs, json) in cases {
            assert_eq!(serde_json::to_value(&needs).expect("json"), json);
            assert_eq!(serde_json::from_value::<Needs>(json).expect("needs"), needs);
        }
        let verb = Needs::chosen_by(Source::Body, "verb", JobVerb::action);
        let json = serde_json::to_value(&verb).expect("json");
        assert_eq!(json["in"], "body");
        assert_eq!(json["actions"]["start"], "record_work");
        assert_eq!(serde_json::from_value::<Needs>(json).expect("needs"), verb);
        assert!(serde_json::from_value::<Needs>(serde_json::json!("view_everything")).is_err());
    }

    #[test]
    fn a_choice_needs_the_action_of_its_value_or_any_of_them() {
        let verb = Needs::chosen_by(Source::Body, "verb", JobVerb::action);
        assert_eq!(verb.actions(Some("start")), [Action::RecordWork]);
        assert!(verb.allows(Role::ContractorWorker, Some("start")));
        assert!(!verb.allows(Role::ContractorWorker, Some("complete")));
        assert!(verb.allows(Role::ContractorWorker, None));
        assert!(!verb.allows(Role::Auditor, None));
        let other = verb.otherwise(Action::ViewAudit);
        assert_eq!(other.actions(Some("?")), [Action::ViewAudit]);
    }
}
