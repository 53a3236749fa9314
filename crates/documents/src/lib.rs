//! The documents jukiops hands to people: Excel workbooks now (the all-site plan), Word
//! reports later. Pure writers: domain values in, file bytes out.

pub mod list_xlsx;
pub mod plan_xlsx;

/// A document could not be written.
#[derive(Debug)]
pub struct DocumentError(pub String);

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "文書を作成できませんでした: {}", self.0)
    }
}

impl std::error::Error for DocumentError {}

impl From<rust_xlsxwriter::XlsxError> for DocumentError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Self(e.to_string())
    }
}
