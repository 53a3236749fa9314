//! Field-level validation errors with Japanese messages (shown to users as-is).

use serde::Serialize;

/// One invalid input field: `field` is the machine name (as in the form or JSON body),
/// `message` is Japanese and names the field for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// All the errors found in one input, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(value)` when no error was collected.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

impl From<FieldError> for FieldErrors {
    fn from(e: FieldError) -> Self {
        Self(vec![e])
    }
}

/// Something that becomes the checked value `T` (a draft the domain accepts): an input as
/// typed, by its check, or a value already checked. Operations take `impl Checked<Draft>`,
/// so that the API's JSON, a page's form and the CLI's own values go through one door.
pub trait Checked<T> {
    fn checked(self) -> Result<T, FieldErrors>;
}

impl<T> Checked<T> for T {
    fn checked(self) -> Result<T, FieldErrors> {
        Ok(self)
    }
}

/// Declares that `&Input` is checked into `Draft` by its `check()`.
#[macro_export]
macro_rules! checked_by {
    ($($input:ty => $draft:ty),+ $(,)?) => {
        $(
            impl $crate::validation::Checked<$draft> for &$input {
                fn checked(self) -> Result<$draft, $crate::validation::FieldErrors> {
                    self.check()
                }
            }
        )+
    };
}

/// Accepts `true`/`false` as JSON booleans or as form text (`on`, `1`, empty ...).
pub fn flexible_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    use serde::Deserialize;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Text(String),
    }
    match Option::<B>::deserialize(d)? {
        None => Ok(None),
        Some(B::Bool(b)) => Ok(Some(b)),
        Some(B::Text(t)) => match t.as_str() {
            "true" | "1" | "on" => Ok(Some(true)),
            "false" | "0" | "off" | "" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom("true か false を指定してください")),
        },
    }
}

/// Accepts a whole number as a JSON number or as form text; empty (or absent) is `None`,
/// anything else is refused naming the field.
pub fn optional_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::Deserialize;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        Number(i64),
        Text(String),
    }
    match Option::<N>::deserialize(d)? {
        None => Ok(None),
        Some(N::Number(n)) => Ok(Some(n)),
        Some(N::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(N::Text(t)) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("数字で入力してください")),
    }
}

/// A free-text field this long or longer is written on several lines (a note, a body, a
/// reason): it may hold line breaks and tabs. Shorter ones (names, numbers, titles) are one
/// line.
pub const MULTI_LINE_FROM: usize = 500;

/// The refusal of a control character in a field of at most `max` characters, if `v` has
/// one: NUL, BEL and the other C0/C1 controls, DEL, and the bidirectional overrides that
/// make text read differently from how it is stored (U+202A-U+202E, U+2066-U+2069); line
/// breaks and tabs only in a multi-line field.
fn control_problem(label: &str, v: &str, max: usize) -> Option<String> {
    let multi_line = max >= MULTI_LINE_FROM;
    let bad = v.chars().find(|c| match c {
        '\n' | '\r' | '\t' => !multi_line,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        c => c.is_control(),
    })?;
    Some(match bad {
        '\n' | '\r' | '\t' => format!("{label}には改行やタブを入力できません。"),
        c => format!(
            "{label}に使えない制御文字(U+{:04X})が含まれています。",
            u32::from(c)
        ),
    })
}

/// Checks a required free-text field: trimmed, non-empty, at most `max` characters, with
/// no control character (see [`control_problem`]).
pub fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &str,
    max: usize,
) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(field, format!("{label}を入力してください。"));
    } else if v.chars().count() > max {
        errors.push(field, format!("{label}は{max}文字以内で入力してください。"));
    } else if let Some(problem) = control_problem(label, v, max) {
        errors.push(field, problem);
    }
    v.to_string()
}

/// Checks an optional free-text field like [`required_text`]; empty becomes `None`.
pub fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    if v.chars().count() > max {
        errors.push(field, format!("{label}は{max}文字以内で入力してください。"));
    } else if let Some(problem) = control_problem(label, v, max) {
        errors.push(field, problem);
    }
    Some(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_names_the_field() {
        let mut e = FieldErrors::default();
        assert_eq!(required_text(&mut e, "serial", "製造番号", "  ", 10), "");
        assert_eq!(e.0[0].field, "serial");
        assert!(e.0[0].message.contains("製造番号"));
        let mut e = FieldErrors::default();
        required_text(&mut e, "serial", "製造番号", "あいうえおかきくけこさ", 10);
        assert!(e.0[0].message.contains("10文字以内"));
    }

    #[test]
    fn control_characters_are_refused_and_line_breaks_only_on_several_lines() {
        for bad in [
            "a\u{0}b",
            "a\u{7}b",
            "a\u{202E}b",
            "a\u{2066}b",
            "a\u{7F}b",
            "a\u{85}b",
        ] {
            let mut e = FieldErrors::default();
            required_text(&mut e, "note", "備考", bad, 2000);
            assert_eq!(e.0.len(), 1, "{bad:?}");
            assert!(e.0[0].message.contains("制御文字"), "{}", e.0[0].message);
        }
        let mut e = FieldErrors::default();
        optional_text(&mut e, "note", "備考", Some("一行目\n二行目\tタブ"), 2000);
        assert!(e.is_empty(), "a note has lines");
        required_text(&mut e, "title", "件名", "一行目\n二行目", 200);
        assert_eq!(e.0[0].field, "title");
        assert!(e.0[0].message.contains("改行"), "{}", e.0[0].message);
    }
}
