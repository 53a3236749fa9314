//! Errors found in a contract file, each pointing at a line and a field.

use serde::Serialize;

/// One problem in a contract file (R1.2: a person edits the file each year, so every
/// problem names where it is).
///
/// `line` is 1-based. `field` is a dotted path with 0-based array indexes, e.g.
/// `categories[2].expected` or `period.end`; it is empty only for a syntax error that
/// could not be tied to a field. `message` is Japanese and shown as-is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl ContractError {
    pub fn new(line: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            line,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `{line}行目 {field}: {message}`, or `{line}行目: {message}` when no field is known.
impl std::fmt::Display for ContractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}行目: {}", self.line, self.message)
        } else {
            write!(f, "{}行目 {}: {}", self.line, self.field, self.message)
        }
    }
}

impl std::error::Error for ContractError {}

/// The 1-based line of a byte offset in `text` (offsets past the end count as the last line).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
