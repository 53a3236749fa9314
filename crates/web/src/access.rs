//! What each route needs from the access table ([`jukiops_domain::people::ACCESS`]),
//! declared beside its handler: an API operation in the `x-jukiops-action` extension of its
//! OpenAPI operation, a page in its feature's `routes()`. The API's declarations are
//! enforced before any extractor reads the request ([`api_gate`]), so a refused role gets
//! 403 whatever it sends; the operations check their own action again. The access test
//! derives its expectations from these declarations and the access table.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jukiops_domain::people::{Action, Role, may};
use jukiops_domain::vocab::Labelled;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{AccountUser, CurrentUser};
use crate::error::AppError;

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

/// Every API route asks the access table before its handler reads anything: the signed-in
/// user (401 without one) must be granted what the route declares (403 otherwise). A
/// choice by a field of the JSON body reads the body first and hands it on unchanged.
pub async fn api_gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let Some(needs) = path.and_then(|p| crate::api::needs(req.method(), &p)) else {
        tracing::error!(method = %req.method(), path = %req.uri().path(), "API route without a declared action");
        return AppError::forbidden().into_response();
    };
    if matches!(needs, Needs::Public) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    // One's own account is reachable before the first sign-in's setup is done (its handlers
    // then allow only the setup itself); everything else needs the setup done.
    let user = if *needs == Needs::Action(Action::ManageOwnAccount) {
        AccountUser::from_request_parts(&mut parts, &state)
            .await
            .map(|a| a.user)
    } else {
        CurrentUser::from_request_parts(&mut parts, &state).await
    };
    let user = match user {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let (value, body) = match needs.choice() {
        None => (None, body),
        Some(c) => match c.source {
            Source::Path => {
                let params = RawPathParams::from_request_parts(&mut parts, &state).await;
                let value = params.ok().and_then(|ps| {
                    ps.iter()
                        .find(|(k, _)| *k == c.name)
                        .map(|(_, v)| v.to_string())
                });
                (value, body)
            }
            Source::Query => {
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
                        .unwrap_or_default();
                let value = pairs
                    .into_iter()
                    .find(|(k, _)| *k == c.name)
                    .map(|(_, v)| v);
                (value, body)
            }
            Source::Body => {
                let Ok(bytes) = axum::body::to_bytes(body, state.config.max_body_bytes).await
                else {
                    return AppError::field(
                        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                        "body",
                        "リクエスト本文を読み取れませんでした(大きすぎる可能性があります)。",
                    )
                    .into_response();
                };
                let value = serde_json::from_slice::<serde_json::Value>(&bytes)
                    .ok()
                    .and_then(|v| v.get(&c.name).and_then(|f| f.as_str()).map(String::from));
                (value, Body::from(bytes))
            }
        },
    };
    let granted = needs
        .actions(value.as_deref())
        .into_iter()
        .any(|a| user.may(a));
    if !granted {
        return AppError::forbidden().into_response();
    }
    next.run(Request::from_parts(parts, body)).await
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
