//! Argon2id password hashing, off the async runtime and bounded in parallel (each hash
//! takes 19 MiB; unbounded parallel logins would blow the memory budget).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2),
    )
});

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) for `password`.
pub fn hash_blocking(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify_blocking(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

pub async fn hash(password: String) -> String {
    let _permit = PERMITS.acquire().await.expect("semaphore never closed");
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .expect("hashing does not panic")
}

pub async fn verify(hash: String, password: String) -> bool {
    let _permit = PERMITS.acquire().await.expect("semaphore never closed");
    tokio::task::spawn_blocking(move || verify_blocking(&hash, &password))
        .await
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that an unknown login
/// name takes as long as a wrong password.
pub static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("dummy password for timing"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_blocking("correct horse battery staple");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_blocking(&h, "correct horse battery staple"));
        assert!(!verify_blocking(&h, "wrong"));
        assert!(!verify_blocking("not a hash", "x"));
    }
}
