//! A form body read pair by pair: the old way, kept only until the last pages that read
//! it move onto typed forms ([`super::form::Form`]).

use axum::body::Bytes;

/// The fields of a form body, repeated keys (checkboxes) kept.
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    pub fn parse(body: &Bytes) -> Self {
        Self(serde_urlencoded::from_bytes(body).unwrap_or_default())
    }
    pub fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    /// Every value of `key` that is a whole number.
    pub fn ids(&self, key: &str) -> Vec<i64> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect()
    }
    pub fn id(&self, key: &str) -> i64 {
        self.get(key).trim().parse().unwrap_or(0)
    }
}
