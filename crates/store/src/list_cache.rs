//! A small per-process cache of list pages, valid while the audit chain's head has not
//! moved: every change (on any app server) commits a new head in the same transaction as
//! its rows, so a page cached under the current head is current.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sqlx::AnyConnection;

use crate::StoreError;

/// Most pages kept (a page of 100 terminals is about 40 KB of JSON).
const CAPACITY: usize = 128;

/// A kept page: the audit head it was read under, and the page.
type Kept = (i64, Arc<str>);

/// Pages by key, each with the audit head it was read under.
#[derive(Debug, Default, Clone)]
pub(crate) struct ListCache {
    pages: Arc<Mutex<HashMap<String, Kept>>>,
}

impl ListCache {
    /// The page of `key` read under `head`, if kept.
    pub(crate) fn get(&self, key: &str, head: i64) -> Option<Arc<str>> {
        let pages = self.pages.lock().ok()?;
        pages
            .get(key)
            .filter(|(h, _)| *h == head)
            .map(|(_, p)| p.clone())
    }

    /// Keeps `page` for `key`; pages of older heads go first when full.
    pub(crate) fn put(&self, key: String, head: i64, page: Arc<str>) {
        let Ok(mut pages) = self.pages.lock() else {
            return;
        };
        if pages.len() >= CAPACITY && !pages.contains_key(&key) {
            pages.retain(|_, (h, _)| *h == head);
            if pages.len() >= CAPACITY
                && let Some(k) = pages.keys().next().cloned()
            {
                pages.remove(&k);
            }
        }
        pages.insert(key, (head, page));
    }
}

/// The audit chain's head: read before the page, so a page is never kept under a head
/// newer than its data.
pub(crate) async fn audit_head_seq(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(conn)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_head_misses_and_a_full_cache_drops_stale_pages_first() {
        let c = ListCache::default();
        c.put("a".into(), 1, Arc::from("A"));
        assert_eq!(c.get("a", 1).as_deref(), Some("A"));
        assert_eq!(c.get("a", 2), None, "a change anywhere invalidates");
        for i in 0..CAPACITY {
            c.put(format!("k{i}"), 2, Arc::from("x"));
        }
        assert_eq!(c.get("a", 1), None, "the stale page went first");
        assert!(c.pages.lock().map(|p| p.len()).unwrap_or(0) <= CAPACITY);
    }
}
