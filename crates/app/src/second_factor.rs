//! The second factor (TOTP, RFC 6238): the server's key that seals each secret at rest,
//! enrolment (QR code drawn here as SVG, confirmed by one valid code, then ten one-time
//! recovery codes shown once), checking a code at sign-in (a time step is accepted once),
//! and the administrator's reset. No secret, code or key is ever logged.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::rules::Refusal;
use jukiops_store::User;
use rand::{Rng, RngCore};
use serde::Serialize;
use totp_rs::{Builder, Totp};

use crate::{App, Error, Result};

/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// The name authenticator apps show beside the account.
const ISSUER: &str = "jukiops";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The server's 32-byte key that seals the TOTP secrets (ChaCha20-Poly1305). Its `Debug`
/// never shows it.
#[derive(Clone)]
pub struct SealingKey([u8; 32]);

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(..)")
    }
}

/// Why a key could not be read (never containing the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub &'static str);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for KeyError {}

impl SealingKey {
    /// A new random key.
    pub fn random() -> SealingKey {
        let mut k = [0u8; 32];
        rand::rng().fill_bytes(&mut k);
        SealingKey(k)
    }

    /// A key written in base64 (surrounding white space ignored): 32 bytes.
    pub fn from_base64(text: &str) -> std::result::Result<SealingKey, KeyError> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|_| KeyError("鍵がbase64として読めません。"))?;
        let k: [u8; 32] = bytes
            .try_into()
            .map_err(|_| KeyError("鍵は32バイトにしてください(base64で44文字)。"))?;
        Ok(SealingKey(k))
    }

    /// The key in base64, for a new key file.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(&Key::from(self.0))
    }

    /// `plain` sealed for account `user_id`: base64 of a random nonce and the ciphertext.
    fn seal(&self, plain: &[u8], user_id: i64) -> String {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let aad = aad(user_id);
        let sealed = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        B64.encode(out)
    }

    /// What [`SealingKey::seal`] sealed for `user_id`; `None` under another key, for
    /// another account, or when altered.
    fn open(&self, sealed: &str, user_id: i64) -> Option<Vec<u8>> {
        let bytes = B64.decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, body) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let aad = aad(user_id);
        self.cipher()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .ok()
    }
}

/// Binds a sealed secret to its account: a sealed value copied to another row does not open.
fn aad(user_id: i64) -> Vec<u8> {
    format!("jukiops second factor of user {user_id}").into_bytes()
}

/// An enrolment under way: what the person's authenticator app needs. Shown to its owner
/// only; its `Debug` hides the secret.
#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// The secret in base32, to type into the app when the QR code cannot be read.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub otpauth_url: String,
    /// The QR code as an SVG `data:` URL, drawn by the server.
    pub qr_svg: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(..)")
    }
}

/// The recovery codes of a confirmed enrolment, shown once and stored only as digests.
#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecoveryCodes({} codes)", self.recovery_codes.len())
    }
}

/// How a second factor was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorUsed {
    /// A code of the authenticator app.
    Totp,
    /// A recovery code, with how many are left.
    RecoveryCode { left: i64 },
}

impl FactorUsed {
    /// The step of the sign-in, as recorded in the login history.
    pub fn step_label(self) -> &'static str {
        match self {
            FactorUsed::Totp => "確認コード",
            FactorUsed::RecoveryCode { .. } => "回復コード",
        }
    }
}

/// The TOTP of `secret` for account `username` (SHA-1, 6 digits, 30 s, one step of skew).
fn totp(secret: Vec<u8>, username: &str) -> Result<Totp> {
    Builder::new()
        .with_secret(secret)
        .with_account_name(username)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|_| Error::Config("二要素認証の設定を読み込めませんでした。".into()))
}

fn unix_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

/// A code as typed: spaces and hyphens dropped, letters in lower case.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_totp_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The digest a recovery code is stored as.
fn recovery_digest(normalised: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

/// Ten random recovery codes, `xxxxx-xxxxx` of letters and digits that do not look alike
/// (about 49 bits each).
fn new_recovery_codes() -> Vec<String> {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut s: String = (0..10)
                .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
                .collect();
            s.insert(5, '-');
            s
        })
        .collect()
}

/// The QR code of `text` as an SVG `data:` URL (no external service draws it).
fn qr_data_url(text: &str) -> Result<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|_| Error::Config("QRコードを作成できませんでした。".into()))?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(220, 220)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        B64.encode(image.as_bytes())
    ))
}

fn wrong_code() -> Error {
    Refusal::invalid(
        "code",
        "確認コードが違います。認証アプリに表示されている最新のコードを入力してください。",
    )
    .into()
}

impl App {
    /// The key that seals the secrets, or a refusal saying it is not configured.
    fn sealing_key(&self) -> Result<&SealingKey> {
        self.sealing.as_deref().ok_or_else(|| {
            Error::Config(
                "二要素認証の鍵が設定されていないため、二要素認証を使えません。管理者に連絡してください。"
                    .into(),
            )
        })
    }

    /// Starts (or shows again) the enrolment of one's own second factor: the secret and its
    /// QR code. Refused when a second factor is already in force (an administrator resets
    /// it first).
    pub async fn begin_enrolment(&self, who: &Actor) -> Result<Enrolment> {
        let user = self.own_user(who).await?;
        let key = self.sealing_key()?;
        match self.store.second_factor(user.id).await? {
            Some(row) if row.confirmed => {
                return Err(Refusal::conflict(
                    "second_factor",
                    "二要素認証は登録済みです。登録し直すには管理者にリセットを依頼してください。",
                )
                .into());
            }
            Some(_) => {}
            None => {
                let mut secret = [0u8; 20];
                rand::rng().fill_bytes(&mut secret);
                let sealed = key.seal(&secret, user.id);
                self.store.begin_second_factor(user.id, &sealed).await?;
            }
        }
        let row = self
            .store
            .second_factor(user.id)
            .await?
            .ok_or(Error::NotFound(jukiops_domain::audit::Entity::SecondFactor))?;
        let secret = self.open_secret(key, &row.secret_sealed, user.id)?;
        let totp = totp(secret, &user.username)?;
        let otpauth_url = totp
            .to_url()
            .map_err(|_| Error::Config("二要素認証の設定を作成できませんでした。".into()))?;
        Ok(Enrolment {
            secret: totp.secret().to_base32(),
            qr_svg: qr_data_url(&otpauth_url)?,
            otpauth_url,
        })
    }

    fn open_secret(&self, key: &SealingKey, sealed: &str, user_id: i64) -> Result<Vec<u8>> {
        key.open(sealed, user_id).ok_or_else(|| {
            tracing::error!(user_id, "a second-factor secret does not open with the key");
            Error::Config("二要素認証の鍵が登録時と異なります。管理者に連絡してください。".into())
        })
    }

    /// Confirms one's own enrolment with a valid code: the second factor is in force, and
    /// the answer holds the recovery codes, shown this once.
    pub async fn confirm_enrolment(&self, who: &Actor, code: &str) -> Result<RecoveryCodes> {
        let auth = who.authorize(Action::ManageOwnAccount)?;
        let code = normalise(code);
        if code.is_empty() {
            return Err(Refusal::invalid("code", "確認コードを入力してください。").into());
        }
        let user = self.own_user(who).await?;
        let key = self.sealing_key()?;
        let row = match self.store.second_factor(user.id).await? {
            Some(row) if !row.confirmed => row,
            _ => {
                return Err(Refusal::conflict(
                    "code",
                    "二要素認証の登録が始まっていないか、既に登録済みです。画面を開き直してください。",
                )
                .into());
            }
        };
        let secret = self.open_secret(key, &row.secret_sealed, user.id)?;
        let totp = totp(secret, &user.username)?;
        let step = is_totp_code(&code)
            .then(|| totp.check(&code, unix_now()))
            .flatten()
            .and_then(|s| i64::try_from(s).ok())
            .filter(|s| *s > row.last_step)
            .ok_or_else(wrong_code)?;
        let codes = new_recovery_codes();
        let digests: Vec<String> = codes
            .iter()
            .map(|c| recovery_digest(&normalise(c)))
            .collect();
        self.store
            .confirm_second_factor(&auth, step, &digests)
            .await?;
        tracing::info!(username = %user.username, "second factor enrolled");
        Ok(RecoveryCodes {
            recovery_codes: codes,
        })
    }

    /// Checks a second factor given at sign-in by `user` (whose password was right): a
    /// TOTP code of a step not accepted before, or an unused recovery code (used up
    /// here, audited). `None` when it is neither.
    pub(crate) async fn check_second_factor(
        &self,
        user: &User,
        code: &str,
    ) -> Result<Option<FactorUsed>> {
        let code = normalise(code);
        if code.is_empty() {
            return Ok(None);
        }
        if is_totp_code(&code) {
            let Some(row) = self.store.second_factor(user.id).await? else {
                return Ok(None);
            };
            let key = self.sealing_key()?;
            let secret = self.open_secret(key, &row.secret_sealed, user.id)?;
            let step = totp(secret, &user.username)?
                .check(&code, unix_now())
                .and_then(|s| i64::try_from(s).ok());
            return Ok(match step {
                Some(step) if self.store.use_totp_step(user.id, step).await? => {
                    Some(FactorUsed::Totp)
                }
                _ => None,
            });
        }
        let owner = Actor::User {
            id: user.id,
            username: user.username.clone(),
            role: user.role,
        };
        let auth = owner.authorize(Action::ManageOwnAccount)?;
        let left = self
            .store
            .use_recovery_code(&auth, &recovery_digest(&code))
            .await?;
        Ok(left.map(|left| FactorUsed::RecoveryCode { left }))
    }

    /// Removes the second factor of account `user_id` (an administrator, audited): it signs
    /// in with its password alone until it enrols again.
    pub async fn reset_second_factor(&self, who: &Actor, user_id: i64) -> Result<()> {
        let auth = who.authorize(Action::ManageUsers)?;
        self.store.reset_second_factor(&auth, user_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_account() {
        let key = SealingKey::random();
        let sealed = key.seal(b"twenty bytes secret!", 7);
        assert_eq!(
            key.open(&sealed, 7).as_deref(),
            Some(&b"twenty bytes secret!"[..])
        );
        assert_eq!(key.open(&sealed, 8), None, "another account");
        assert_eq!(SealingKey::random().open(&sealed, 7), None, "another key");
        assert_ne!(
            sealed,
            key.seal(b"twenty bytes secret!", 7),
            "a fresh nonce"
        );
        let again = SealingKey::from_base64(&key.to_base64()).expect("round trip");
        assert_eq!(
            again.open(&sealed, 7).as_deref(),
            Some(&b"twenty bytes secret!"[..])
        );
        assert!(SealingKey::from_base64("c2hvcnQ=").is_err());
        assert_eq!(format!("{key:?}"), "SealingKey(..)");
    }

    #[test]
    fn recovery_codes_are_random_and_read_as_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-')
        );
        let typed = format!(" {} ", codes[0].to_uppercase().replace('-', " "));
        assert_eq!(
            recovery_digest(&normalise(&typed)),
            recovery_digest(&normalise(&codes[0]))
        );
        assert!(!is_totp_code(&normalise(&codes[0])));
        assert!(is_totp_code(&normalise("123 456")));
    }

    #[test]
    fn the_qr_code_is_an_svg_data_url() {
        let url = qr_data_url("otpauth://totp/jukiops:city?secret=ABC&issuer=jukiops").expect("qr");
        assert!(url.starts_with("data:image/svg+xml;base64,"));
    }
}
