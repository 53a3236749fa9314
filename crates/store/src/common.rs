//! Small pieces every store module shares: stored instants shown in Japan time, one-field
//! refusals, id lists for `IN (...)`, and the refusal of a write that lost a race.

use jukiops_domain::time::{display_jst, from_db};

use crate::StoreError;

/// A stored instant shown in Japan time.
pub(crate) fn jst_text(s: Option<String>) -> Option<String> {
    s.and_then(|s| from_db(&s)).map(display_jst)
}

/// `1,2,3` for an `IN (...)` list of ids (numbers only, never user text).
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The refusal when a conditional update found the row moved by someone else.
pub(crate) fn raced() -> StoreError {
    StoreError::conflict("status", jukiops_domain::rules::RACED)
}
