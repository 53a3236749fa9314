//! Fault logs (障害ログ, §5(6)ア): files collected from a Juki-net terminal during an
//! incident. The City's security policy bounds them: only the kinds such logs come in
//! (Windows event logs, plain text, a ZIP archive of them), checked by their first bytes and
//! their extension; no larger than the contract allows; kept with their SHA-256 for the
//! period the City sets, then their content is deleted and the record of the fact kept.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::FieldErrors;
use crate::attachments::clean_file_name;

/// The Japanese names of a fault log's fields.
pub const FAULT_LOG_FIELDS: &[(&str, &str)] = &[
    ("incident_id", "障害"),
    ("file_name", "ファイル名"),
    ("kind", "ログの種類"),
    ("size", "大きさ(バイト)"),
    ("sha256", "SHA-256"),
    ("medium", "持ち出しに使った媒体"),
    ("delete_after", "保管期限"),
    ("content", "ファイルの内容"),
    ("file", "ファイル"),
];

/// The longest name of the medium a log was carried on, in characters.
pub const MAX_MEDIUM_CHARS: usize = 100;

/// What the contract says of fault logs (`[fault_logs]` of the contract file): how long
/// the City keeps them and how large one may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FaultLogRules {
    /// Days a log's content is kept after it was stored.
    pub retention_days: u32,
    /// The largest accepted file, in kilobytes (1024 bytes).
    pub max_kilobytes: u32,
}

impl Default for FaultLogRules {
    /// A year's retention and 4 MiB per file, until the City sets otherwise.
    fn default() -> Self {
        Self {
            retention_days: 365,
            max_kilobytes: 4096,
        }
    }
}

impl FaultLogRules {
    pub fn max_bytes(self) -> usize {
        self.max_kilobytes as usize * 1024
    }

    /// The refusal of a file larger than the contract allows (answered as 413).
    pub fn too_large_message(self) -> String {
        format!(
            "ファイルが大きすぎます。障害ログとして保管できるのは{}キロバイトまでです。",
            self.max_kilobytes
        )
    }

    /// When the content of a log stored at `stored` is to be deleted.
    pub fn delete_after(self, stored: DateTime<Utc>) -> DateTime<Utc> {
        stored + Duration::days(i64::from(self.retention_days))
    }
}

labelled_enum! {
    /// The kinds a fault log comes in.
    pub enum LogKind {
        /// A Windows event log (.evtx), starting with `ElfFile\0`.
        EventLog = ("event_log", "イベントログ"),
        /// Plain text (.txt, .log): UTF-8 without NUL bytes.
        Text = ("text", "テキスト"),
        /// A ZIP archive of logs (.zip), starting with `PK\x03\x04`.
        Archive = ("archive", "ZIPアーカイブ"),
    }
}

impl LogKind {
    fn of_extension(ext: &str) -> Option<Self> {
        Some(match ext {
            "evtx" => Self::EventLog,
            "txt" | "log" => Self::Text,
            "zip" => Self::Archive,
            _ => return None,
        })
    }

    /// Whether `bytes` are of this kind.
    fn matches(self, bytes: &[u8]) -> bool {
        match self {
            Self::EventLog => bytes.starts_with(b"ElfFile\0"),
            Self::Text => std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0),
            Self::Archive => bytes.starts_with(b"PK\x03\x04"),
        }
    }

    /// The content type sent back on download (decided here, never taken from the client).
    pub fn content_type(self) -> &'static str {
        match self {
            Self::EventLog => "application/octet-stream",
            Self::Text => "text/plain; charset=utf-8",
            Self::Archive => "application/zip",
        }
    }
}

labelled_enum! {
    /// Whether a log's content is still kept.
    pub enum LogState {
        Kept = ("kept", "保管中"),
        /// The content was deleted at the end of the retention period; the hash is kept.
        Deleted = ("deleted", "削除済み"),
    }
}

/// The accepted extensions, for messages and the form's `accept`.
pub const LOG_EXTENSIONS: &str = ".evtx,.txt,.log,.zip";

/// A fault log that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLog {
    pub file_name: String,
    pub kind: LogKind,
    pub size: usize,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    /// The medium it was carried on (USB memory, ...), as typed.
    pub medium: String,
}

/// Checks a fault log: the medium named (1..=100 characters), a file name, a size from
/// 1 byte to the contract's bound, an accepted extension and content of that kind. Errors
/// are on `medium` and `file`; nothing is stored unless all pass.
pub fn check_log(
    rules: FaultLogRules,
    name: &str,
    bytes: &[u8],
    medium: Option<&str>,
) -> Result<CheckedLog, FieldErrors> {
    let mut e = FieldErrors::default();
    let medium = medium.map(str::trim).unwrap_or_default();
    if medium.is_empty() {
        e.push(
            "medium",
            "障害ログを持ち出した媒体（USBメモリの管理番号など）を入力してください。",
        );
    } else if medium.chars().count() > MAX_MEDIUM_CHARS {
        e.push(
            "medium",
            format!("媒体は{MAX_MEDIUM_CHARS}文字以内で入力してください。"),
        );
    }
    match check_file(rules, name, bytes) {
        Ok((file_name, kind)) if e.0.is_empty() => Ok(CheckedLog {
            file_name,
            kind,
            size: bytes.len(),
            sha256: hex::encode(Sha256::digest(bytes)),
            medium: medium.to_string(),
        }),
        Ok(_) => Err(e),
        Err(m) => {
            e.push("file", m);
            Err(e)
        }
    }
}

fn check_file(rules: FaultLogRules, name: &str, bytes: &[u8]) -> Result<(String, LogKind), String> {
    let file_name = clean_file_name(name)?;
    if bytes.is_empty() {
        return Err("ファイルが空です。".into());
    }
    if bytes.len() > rules.max_bytes() {
        return Err(rules.too_large_message());
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, x)| x.to_ascii_lowercase())
        .unwrap_or_default();
    let Some(kind) = LogKind::of_extension(&ext) else {
        return Err(
            "障害ログとして保管できるのは、イベントログ（.evtx）・テキスト（.txt、.log）・ZIPアーカイブ（.zip）です。"
                .into(),
        );
    };
    if !kind.matches(bytes) {
        return Err(format!(
            "ファイルの内容が{}ではありません。拡張子と内容が一致するファイルを選んでください。",
            kind.label_ja()
        ));
    }
    Ok((file_name, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> FaultLogRules {
        FaultLogRules {
            retention_days: 30,
            max_kilobytes: 1,
        }
    }

    fn fields(e: &FieldErrors) -> Vec<&str> {
        e.0.iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn each_kind_is_known_by_its_content() {
        let evtx = b"ElfFile\0rest";
        let ok = check_log(rules(), "System.evtx", evtx, Some("USB-03")).expect("evtx");
        assert_eq!(
            (ok.kind, ok.size, ok.medium.as_str()),
            (LogKind::EventLog, 12, "USB-03")
        );
        assert_eq!(ok.sha256.len(), 64);
        assert_eq!(
            check_log(rules(), "a.zip", b"PK\x03\x04x", Some("m")).map(|l| l.kind),
            Ok(LogKind::Archive)
        );
        assert_eq!(
            check_log(rules(), "a.LOG", "エラー".as_bytes(), Some("m")).map(|l| l.kind),
            Ok(LogKind::Text)
        );
        for (name, bytes) in [
            ("fake.evtx", &b"MZ\x90\0"[..]),
            ("a.zip", b"Rar!"),
            ("a.txt", b"a\0b"),
            ("a.exe", b"MZ"),
            ("a.pdf", b"%PDF-1.4"),
        ] {
            let e = check_log(rules(), name, bytes, Some("m")).expect_err(name);
            assert_eq!(fields(&e), ["file"], "{name}");
        }
    }

    #[test]
    fn size_and_medium_are_bounded() {
        let big = vec![b'a'; 1025];
        let e = check_log(rules(), "a.txt", &big, None).expect_err("big");
        assert_eq!(fields(&e), ["medium", "file"]);
        assert!(e.0[1].message.contains("1キロバイト"));
        assert!(check_log(rules(), "a.txt", &big[..1024], Some("USB")).is_ok());
        let long = "媒".repeat(MAX_MEDIUM_CHARS + 1);
        assert_eq!(
            fields(&check_log(rules(), "a.txt", b"x", Some(&long)).expect_err("long")),
            ["medium"]
        );
    }

    #[test]
    fn content_is_deleted_after_the_retention_period() {
        let at = DateTime::parse_from_rfc3339("2020-11-10T00:00:00Z")
            .expect("instant")
            .with_timezone(&Utc);
        assert_eq!(
            rules().delete_after(at).to_rfc3339(),
            "2020-12-10T00:00:00+00:00"
        );
        assert_eq!(FaultLogRules::default().retention_days, 365);
    }
}
