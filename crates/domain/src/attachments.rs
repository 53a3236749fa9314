//! Attachments (R2.4 notices, R8.2 作業手順書, R8.3 evidence of work): which files are
//! accepted, checked by their first bytes AND their extension, how large, and under which
//! name. Pure rules; storage keeps the bytes.

use crate::people::Action;
use sha2::{Digest, Sha256};

use crate::FieldErrors;
use crate::requests::{ProcedureVersionStatus, WorkRequestStatus};
use crate::rules::Refusal;

/// The Japanese names of an attachment's fields.
pub const ATTACHMENT_FIELDS: &[(&str, &str)] = &[
    ("owner_kind", "添付先"),
    ("owner_id", "添付先ID"),
    ("file_name", "ファイル名"),
    ("content_type", "ファイルの形式"),
    ("size", "大きさ(バイト)"),
    ("sha256", "SHA-256"),
];

/// The largest accepted file: 4 MiB.
pub const MAX_ATTACHMENT_BYTES: usize = 4 * 1024 * 1024;
/// The longest accepted file name, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;

labelled_enum! {
    /// What an attachment belongs to.
    pub enum OwnerKind {
        /// A J-LIS notice (R2.4).
        Notice = ("notice", "通知"),
        /// One version of a 作業手順書 (R8.2).
        Procedure = ("procedure", "作業手順書"),
        /// Evidence of the work on a 作業依頼書 (R8.3).
        Request = ("request", "作業依頼書"),
        /// An evidence photo of one work record, taken on site where the City allows it.
        WorkRecord = ("work_record", "作業記録"),
    }
}

/// The accepted kinds of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
    Xlsx,
    Docx,
    Text,
    Csv,
}

impl FileType {
    /// The content type sent back on download (decided here, never taken from the client).
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Text => "text/plain; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }
    fn of_extension(ext: &str) -> Option<Self> {
        Some(match ext {
            "pdf" => Self::Pdf,
            "png" => Self::Png,
            "jpg" | "jpeg" => Self::Jpeg,
            "xlsx" => Self::Xlsx,
            "docx" => Self::Docx,
            "txt" => Self::Text,
            "csv" => Self::Csv,
            _ => return None,
        })
    }
    /// Whether `bytes` look like this type.
    fn matches(self, bytes: &[u8]) -> bool {
        match self {
            Self::Pdf => bytes.starts_with(b"%PDF-"),
            Self::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            Self::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            Self::Xlsx | Self::Docx => bytes.starts_with(b"PK\x03\x04"),
            Self::Text | Self::Csv => std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0),
        }
    }
}

/// The accepted extensions, for messages and the form's `accept`.
pub const ACCEPTED_EXTENSIONS: &str = ".pdf,.png,.jpg,.jpeg,.xlsx,.docx,.txt,.csv";

/// A file that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub file_name: String,
    pub file_type: FileType,
    pub size: usize,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// The file name without any directory, checked: 1..=200 characters, no control
/// characters, not `.` or `..`.
pub fn clean_file_name(name: &str) -> Result<String, String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.is_empty() || base == "." || base == ".." {
        return Err("ファイル名がありません。".into());
    }
    if base.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(format!(
            "ファイル名は{MAX_FILE_NAME_CHARS}文字以内にしてください。"
        ));
    }
    if base.chars().any(char::is_control) {
        return Err("ファイル名に制御文字は使えません。".into());
    }
    Ok(base.to_string())
}

/// Checks a file to attach: its name, its size (1 byte to 4 MiB), and that its extension
/// is accepted and its first bytes agree with it. Every error is on the field `file`.
pub fn check_file(name: &str, bytes: &[u8]) -> Result<CheckedFile, FieldErrors> {
    let mut e = FieldErrors::default();
    let file_name = match clean_file_name(name) {
        Ok(n) => n,
        Err(m) => {
            e.push("file", m);
            return Err(e);
        }
    };
    if bytes.is_empty() {
        e.push("file", "ファイルが空です。");
        return Err(e);
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        e.push(
            "file",
            "ファイルが大きすぎます。添付できるのは4メガバイトまでです。",
        );
        return Err(e);
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, x)| x.to_ascii_lowercase())
        .unwrap_or_default();
    let Some(file_type) = FileType::of_extension(&ext) else {
        e.push(
            "file",
            "添付できるのはPDF・画像・Excel・ワード・テキスト・CSVのファイルです。",
        );
        return Err(e);
    };
    if !file_type.matches(bytes) {
        e.push(
            "file",
            "ファイルの内容が拡張子と一致しません。正しい形式のファイルを選んでください。",
        );
        return Err(e);
    }
    Ok(CheckedFile {
        file_name,
        file_type,
        size: bytes.len(),
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

/// Decodes a percent-encoded UTF-8 header value (`X-File-Name`); `None` when malformed.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `Content-Disposition: attachment` with the name as RFC 6266 / RFC 5987
/// `filename*=UTF-8''...`, and an ASCII fallback.
pub fn content_disposition(file_name: &str) -> String {
    let mut encoded = String::new();
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

impl OwnerKind {
    /// What the access table must grant to attach a file: the City records notices, the
    /// lead writes procedures, the workers record evidence.
    pub fn attach_action(self) -> Action {
        match self {
            Self::Notice => Action::RecordNotices,
            Self::Procedure => Action::WriteProcedures,
            Self::Request | Self::WorkRecord => Action::RecordWork,
        }
    }
}

/// The owner of a file to attach, as stored (its existence is the store's: a missing owner
/// is not found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerState {
    Notice,
    Procedure(ProcedureVersionStatus),
    Request(WorkRequestStatus),
    /// A work record: its request's status, whether a correction replaced it, and its
    /// terminal's site with whether the City allows photos in that site's terminal room.
    WorkRecord {
        request: WorkRequestStatus,
        replaced: bool,
        site_name: String,
        photos_allowed: bool,
    },
}

/// Whether a file is a photo (PNG or JPEG), the only kind a work record takes.
pub fn is_photo(file: &CheckedFile) -> bool {
    matches!(file.file_type, FileType::Png | FileType::Jpeg)
}

/// What a photo input accepts: images only (a phone offers its camera).
pub const PHOTO_EXTENSIONS: &str = ".png,.jpg,.jpeg";

/// Judges attaching `file` to `owner` (R8.2, R8.3): a procedure version only while it is a
/// draft (a submitted or decided version is frozen), a request's evidence only while the
/// request is neither accepted nor cancelled; a work record only a photo (PNG, JPEG), only
/// at a site whose terminal room the City allows photos in, only while its request is open
/// and the record not replaced by a correction; a notice's files any time.
pub fn judge_attach(owner: OwnerState, file: &CheckedFile) -> Result<(), Refusal> {
    match owner {
        OwnerState::WorkRecord {
            photos_allowed: false,
            site_name,
            ..
        } => Err(Refusal::conflict(
            "file",
            format!(
                "{site_name}は端末室での写真撮影が認められていないため、作業記録に写真を添付できません。"
            ),
        )),
        OwnerState::WorkRecord { .. } if !is_photo(file) => Err(Refusal::invalid(
            "file",
            "作業記録に添付できるのは写真(PNG・JPEG)だけです。",
        )),
        OwnerState::WorkRecord { replaced: true, .. } => Err(Refusal::conflict(
            "owner_id",
            "この作業記録は訂正済みです。訂正後の記録に写真を添付してください。",
        )),
        OwnerState::WorkRecord { request, .. } => judge_attach(OwnerState::Request(request), file),
        OwnerState::Notice => Ok(()),
        OwnerState::Request(s @ (WorkRequestStatus::Accepted | WorkRequestStatus::Cancelled)) => {
            Err(Refusal::conflict(
                "status",
                format!(
                    "この作業依頼書は「{}」のため、作業の証跡を追加できません。",
                    s.label_ja()
                ),
            ))
        }
        OwnerState::Request(_) => Ok(()),
        OwnerState::Procedure(ProcedureVersionStatus::Draft) => Ok(()),
        OwnerState::Procedure(s) => Err(Refusal::conflict(
            "status",
            format!(
                "この版の作業手順書は「{}」のため、添付ファイルを追加できません。",
                s.label_ja()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_message(r: Result<CheckedFile, FieldErrors>) -> String {
        let e = r.expect_err("refused");
        assert_eq!(e.0[0].field, "file");
        e.0[0].message.clone()
    }

    #[test]
    fn accepts_each_type_by_magic_and_extension() {
        let cases: [(&str, &[u8], FileType); 8] = [
            ("手順.pdf", b"%PDF-1.7\n", FileType::Pdf),
            ("画面.PNG", b"\x89PNG\r\n\x1a\n....", FileType::Png),
            ("写真.jpg", &[0xFF, 0xD8, 0xFF, 0xE0], FileType::Jpeg),
            ("写真.jpeg", &[0xFF, 0xD8, 0xFF, 0xE1], FileType::Jpeg),
            ("一覧.xlsx", b"PK\x03\x04rest", FileType::Xlsx),
            ("報告.docx", b"PK\x03\x04rest", FileType::Docx),
            ("メモ.txt", "作業メモ".as_bytes(), FileType::Text),
            (
                "結果.csv",
                "\u{feff}資産番号,結果\n".as_bytes(),
                FileType::Csv,
            ),
        ];
        for (name, bytes, t) in cases {
            let f = check_file(name, bytes).expect(name);
            assert_eq!(f.file_type, t, "{name}");
            assert_eq!(f.size, bytes.len());
            assert_eq!(f.sha256.len(), 64);
        }
    }

    #[test]
    fn refuses_a_mismatch_an_unknown_type_and_binary_text() {
        assert!(field_message(check_file("a.pdf", b"PK\x03\x04")).contains("一致しません"));
        assert!(field_message(check_file("a.png", b"%PDF-1.4")).contains("一致しません"));
        assert!(field_message(check_file("a.exe", b"MZ\x90\x00")).contains("添付できるのは"));
        assert!(field_message(check_file("noext", b"hello")).contains("添付できるのは"));
        assert!(field_message(check_file("a.txt", b"\xff\xfe\x00a")).contains("一致しません"));
        assert!(field_message(check_file("a.csv", b"a\0b")).contains("一致しません"));
    }

    #[test]
    fn refuses_empty_and_oversize_files() {
        assert!(field_message(check_file("a.txt", b"")).contains("空"));
        let big = vec![b'a'; MAX_ATTACHMENT_BYTES + 1];
        assert!(field_message(check_file("a.txt", &big)).contains("4メガバイト"));
        let max = vec![b'a'; MAX_ATTACHMENT_BYTES];
        assert!(check_file("a.txt", &max).is_ok());
    }

    #[test]
    fn file_names_lose_directories_and_are_checked() {
        assert_eq!(
            clean_file_name("C:\\Users\\x\\手順書.pdf").as_deref(),
            Ok("手順書.pdf")
        );
        assert_eq!(
            clean_file_name("../../etc/passwd.txt").as_deref(),
            Ok("passwd.txt")
        );
        assert!(clean_file_name("dir/").is_err());
        assert!(clean_file_name("..").is_err());
        assert!(clean_file_name("").is_err());
        assert!(clean_file_name("a\nb.txt").is_err());
        assert!(clean_file_name("a\u{7f}.txt").is_err());
        let long = format!("{}.txt", "あ".repeat(196));
        assert!(clean_file_name(&long).is_ok());
        let longer = format!("{}.txt", "あ".repeat(197));
        assert!(clean_file_name(&longer).is_err());
    }

    #[test]
    fn owner_kinds_round_trip() {
        for k in OwnerKind::ALL {
            assert_eq!(OwnerKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(OwnerKind::parse("job"), None);
    }

    #[test]
    fn percent_decoding_and_content_disposition() {
        assert_eq!(
            percent_decode("%E6%89%8B%E9%A0%86.pdf").as_deref(),
            Some("手順.pdf")
        );
        assert_eq!(percent_decode("a%2").as_deref(), None);
        assert_eq!(percent_decode("%FF").as_deref(), None);
        assert_eq!(
            content_disposition("手順 1.pdf"),
            "attachment; filename=\"___1.pdf\"; filename*=UTF-8''%E6%89%8B%E9%A0%86%201.pdf"
        );
        assert!(!content_disposition("a\"b.txt").contains("a\"b"));
    }

    fn pdf() -> CheckedFile {
        check_file("a.pdf", b"%PDF-1.7").expect("pdf")
    }

    #[test]
    fn work_record_photos_only_where_the_site_allows_them() {
        use WorkRequestStatus as W;
        let photo = check_file("写真.jpg", &[0xFF, 0xD8, 0xFF, 0xE0]).expect("jpeg");
        let record = |photos_allowed, replaced, request| OwnerState::WorkRecord {
            request,
            replaced,
            site_name: "中央区役所".into(),
            photos_allowed,
        };
        assert_eq!(
            judge_attach(record(true, false, W::InProgress), &photo),
            Ok(())
        );
        let Err(Refusal::Conflict { field, message }) =
            judge_attach(record(false, false, W::InProgress), &photo)
        else {
            panic!("a site without photos refuses them");
        };
        assert_eq!(field, "file");
        assert!(
            message.contains("中央区役所") && message.contains("写真"),
            "{message}"
        );
        let Err(Refusal::Invalid(e)) = judge_attach(record(true, false, W::InProgress), &pdf())
        else {
            panic!("a record takes photos only");
        };
        assert_eq!(e.0[0].field, "file");
        assert!(judge_attach(record(true, true, W::InProgress), &photo).is_err());
        assert!(judge_attach(record(true, false, W::Accepted), &photo).is_err());
    }

    #[test]
    fn files_go_to_notices_drafts_and_open_requests_only() {
        use ProcedureVersionStatus as P;
        use WorkRequestStatus as W;
        let pdf = pdf();
        assert_eq!(judge_attach(OwnerState::Notice, &pdf), Ok(()));
        assert_eq!(judge_attach(OwnerState::Procedure(P::Draft), &pdf), Ok(()));
        for s in P::ALL.into_iter().filter(|s| *s != P::Draft) {
            let Err(Refusal::Conflict { field, message }) =
                judge_attach(OwnerState::Procedure(s), &pdf)
            else {
                panic!("{s:?} is frozen");
            };
            assert_eq!(field, "status");
            assert!(message.contains(s.label_ja()), "{message}");
        }
        for s in W::ALL {
            let closed = matches!(s, W::Accepted | W::Cancelled);
            let r = judge_attach(OwnerState::Request(s), &pdf);
            assert_eq!(r.is_err(), closed, "{s:?}: {r:?}");
            if let Err(Refusal::Conflict { message, .. }) = r {
                assert!(message.contains("作業の証跡を追加できません"), "{message}");
            }
        }
    }
}
