#![allow(clippy::unwrap_used)]

//! Tests of the jobs core: every transition table in full, every input check, the counts,
//! the report compilation and the specification's combined-visit example.

mod checks;
mod counts;
mod enums;
mod example;
mod inspection;
mod judges;
mod procedure;
mod records;
mod tables;

use std::fmt::Debug;

use chrono::NaiveDate;

use crate::people::Role;
use crate::rules::TransitionError;
use crate::validation::FieldErrors;

/// A date for tests.
fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The fields named by the errors, in order.
fn fields<T: Debug>(r: Result<T, FieldErrors>) -> Vec<String> {
    r.unwrap_err().0.into_iter().map(|e| e.field).collect()
}

/// Checks a transition function against its whole table: every `(from, verb, role)` listed
/// in `allowed` leads where it says; every other combination is refused, by naming who may
/// act when the role may never apply the verb, or else by naming the status that forbids it.
fn check_table<S, V>(
    transition: impl Fn(S, V, Role) -> Result<S, TransitionError>,
    statuses: &[S],
    verbs: &[V],
    label: impl Fn(S) -> &'static str,
    allowed: &[(S, V, Role, S)],
) where
    S: Copy + PartialEq + Debug,
    V: Copy + PartialEq + Debug,
{
    for &from in statuses {
        for &verb in verbs {
            for role in Role::ALL {
                let want = allowed
                    .iter()
                    .find(|(f, v, r, _)| *f == from && *v == verb && *r == role)
                    .map(|x| x.3);
                match (transition(from, verb, role), want) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} {verb:?} {role:?}"),
                    (Err(TransitionError(why, _)), None) => {
                        let role_may = allowed.iter().any(|(_, v, r, _)| *v == verb && *r == role);
                        if role_may {
                            assert!(
                                why.contains(&format!("「{}」", label(from))),
                                "{from:?} {verb:?} {role:?}: {why}"
                            );
                        } else {
                            assert!(
                                why.contains("が行います。"),
                                "{from:?} {verb:?} {role:?}: {why}"
                            );
                        }
                    }
                    (got, want) => panic!("{from:?} {verb:?} {role:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }
}
