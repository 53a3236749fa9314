//! Argon2id password hashing, off the async runtime on long-lived threads, one per two
//! cores: a burst of sign-ins (or of guesses) leaves the other cores to everyone else.
//! Each hash needs 19 MiB of working memory: every hashing thread keeps one buffer and
//! reuses it (zeroed after each use), so memory stays bounded however many people sign in
//! at once, and no hash pays for fresh pages.

use std::cell::RefCell;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine as _;
use rand::RngCore;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, LazyLock, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads (one per two cores, at least one) and the queue that feeds them.
static WORKERS: LazyLock<Mutex<Sender<Job>>> = LazyLock::new(|| {
    let (tx, rx) = channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    let n = std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1));
    for i in 0..n {
        let rx = rx.clone();
        std::thread::Builder::new()
            .name(format!("argon2-{i}"))
            .spawn(move || {
                loop {
                    let next = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match next {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })
            .expect("start a hashing thread");
    }
    Mutex::new(tx)
});

/// Runs `f` on a hashing thread and awaits its result.
async fn on_worker<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    WORKERS
        .lock()
        .expect("hashing queue")
        .send(job)
        .expect("hashing threads live as long as the process");
    rx.await.expect("a hashing job always answers")
}

thread_local! {
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs one Argon2 computation with this thread's reusable working memory.
fn with_memory<T>(params: &Params, f: impl FnOnce(&mut [Block]) -> T) -> T {
    MEMORY.with(|m| {
        let mut m = m.borrow_mut();
        let n = params.block_count();
        if m.len() < n {
            m.resize(n, Block::default());
        }
        let out = f(&mut m[..n]);
        // Nothing derived from a password stays in memory between two hashes.
        m[..n].fill(Block::default());
        out
    })
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) for `password`, with
/// the OWASP-recommended default parameters.
pub fn hash_blocking(password: &str) -> String {
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let mut out = [0u8; 32];
    with_memory(&params, |mem| {
        argon.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, mem)
    })
    .expect("argon2 with default parameters and a 16-byte salt cannot fail");
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        b64.encode(salt),
        b64.encode(out)
    )
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify_blocking(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        Params::try_from(&parsed),
        Algorithm::try_from(parsed.algorithm.as_str()),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.as_bytes().len()];
    let computed = with_memory(&params, |mem| {
        argon.hash_password_into_with_memory(password.as_bytes(), salt.as_ref(), &mut out, mem)
    });
    // Constant-time comparison.
    computed.is_ok()
        && out
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

pub async fn hash(password: String) -> String {
    on_worker(move || hash_blocking(&password)).await
}

pub async fn verify(hash: String, password: String) -> bool {
    on_worker(move || verify_blocking(&hash, &password)).await
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
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        // Interoperable with the crate's own PHC implementation, both ways.
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let theirs = Argon2::default()
            .hash_password(b"another one")
            .expect("hash")
            .to_string();
        assert!(verify_blocking(&theirs, "another one"));
        assert!(
            Argon2::default()
                .verify_password(
                    b"correct horse battery staple",
                    &PasswordHash::new(&h).expect("phc")
                )
                .is_ok()
        );
        assert!(verify_blocking(&h, "correct horse battery staple"));
        assert!(!verify_blocking(&h, "wrong"));
        assert!(!verify_blocking("not a hash", "x"));
    }
}
