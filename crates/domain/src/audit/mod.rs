//! The audit trail (R8.5): append-only, hash-chained entries. Each entry's hash covers its
//! own fields and the previous entry's hash, so an edited, deleted or reordered entry
//! breaks the chain at the first bad one.

mod labels;
mod render;

pub use labels::{AuditAction, Entity, any_field_label, unlabelled};
pub use render::{
    AuditContext, Piece, ShownChange, ShownEntry, actor_label, href, referenced, render,
};

use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored audit entry, as read back for verification or display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    /// UTC, storage format (see [`crate::time::to_db`]).
    pub at: String,
    /// Login name of the actor, or `system` / `cli:<name>`.
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// JSON object `{field: {"before": .., "after": ..}}`.
    pub changes: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over the length-prefixed fields and the previous hash.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    entity: &str,
    entity_id: &str,
    action: &str,
    changes: &str,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    for part in [
        prev_hash, &seq, at, actor, entity, entity_id, action, changes,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

impl AuditEntry {
    /// The hash this entry should carry, given its fields and `prev_hash`.
    pub fn expected_hash(&self) -> String {
        entry_hash(
            &self.prev_hash,
            self.seq,
            &self.at,
            &self.actor,
            &self.entity,
            &self.entity_id,
            &self.action,
            &self.changes,
        )
    }
}

/// Why verification stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenEntry {
    pub seq: i64,
    pub reason: String,
}

impl std::fmt::Display for BrokenEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "監査記録 #{}: {}", self.seq, self.reason)
    }
}

/// Walks the chain in `seq` order; feed every entry, then call [`ChainVerifier::finish`].
#[derive(Debug)]
pub struct ChainVerifier {
    prev_hash: String,
    prev_seq: i64,
    count: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev_hash: GENESIS_HASH.to_string(),
            prev_seq: 0,
            count: 0,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, e: &AuditEntry) -> Result<(), BrokenEntry> {
        let bad = |reason: &str| {
            Err(BrokenEntry {
                seq: e.seq,
                reason: reason.to_string(),
            })
        };
        if e.seq != self.prev_seq + 1 {
            return bad(&format!(
                "連番が #{} の次になっていません(削除または並べ替えの疑い)",
                self.prev_seq
            ));
        }
        if e.prev_hash != self.prev_hash {
            return bad(
                "直前の記録のハッシュと一致しません(前の記録の改ざん・削除・並べ替えの疑い)",
            );
        }
        if e.expected_hash() != e.hash {
            return bad("内容がハッシュと一致しません(改ざんの疑い)");
        }
        self.prev_hash = e.hash.clone();
        self.prev_seq = e.seq;
        self.count += 1;
        Ok(())
    }

    /// Compares the end of the chain with the stored head (detects a cut-off tail).
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<u64, BrokenEntry> {
        if head_seq != self.prev_seq || head_hash != self.prev_hash {
            return Err(BrokenEntry {
                seq: self.prev_seq + 1,
                reason: format!("末尾の記録が失われています(記録上の最終番号は #{head_seq})"),
            });
        }
        Ok(self.count)
    }
}

/// The changed fields between two JSON objects as `{field: {"before": b, "after": a}}`;
/// a missing side is `null`.
pub fn diff(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let bv = b.get(k).cloned().unwrap_or(Value::Null);
        let av = a.get(k).cloned().unwrap_or(Value::Null);
        if bv != av {
            out.insert(k.clone(), serde_json::json!({"before": bv, "after": av}));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: format!("2020-10-01T00:00:{seq:02}.000000Z"),
                    actor: "lead".into(),
                    entity: "terminal".into(),
                    entity_id: seq.to_string(),
                    action: "create".into(),
                    changes: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.expected_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<u64, BrokenEntry> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (5, &c[4].hash)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn edits_deletions_reorders_and_truncation_are_caught_at_the_first_bad_entry() {
        let c = chain(5);
        let head = (5, c[4].hash.as_str());
        let mut edited = c.clone();
        edited[2].actor = "intruder".into();
        assert_eq!(verify(&edited, head).map_err(|e| e.seq), Err(3));

        let mut deleted = c.clone();
        deleted.remove(1);
        assert_eq!(verify(&deleted, head).map_err(|e| e.seq), Err(3));

        let mut reordered = c.clone();
        reordered.swap(1, 2);
        assert_eq!(verify(&reordered, head).map_err(|e| e.seq), Err(3));

        let mut renumbered = c.clone();
        renumbered.swap(1, 2);
        renumbered[1].seq = 2;
        renumbered[2].seq = 3;
        assert_eq!(verify(&renumbered, head).map_err(|e| e.seq), Err(2));

        assert_eq!(verify(&c[..4], head).map_err(|e| e.seq), Err(5));
    }

    #[test]
    fn diff_lists_changed_fields_only() {
        let d = diff(
            &json!({"a": 1, "b": "x"}),
            &json!({"a": 1, "b": "y", "c": true}),
        );
        assert_eq!(
            d,
            json!({"b": {"before": "x", "after": "y"}, "c": {"before": null, "after": true}})
        );
    }
}
