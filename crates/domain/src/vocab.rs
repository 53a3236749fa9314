//! Closed vocabularies (statuses, verbs, kinds, roles): each declared once with its code and
//! its Japanese label by [`labelled_enum!`], so that storage, JSON, forms, refusals and the
//! audit page all read the same two strings.

use crate::validation::FieldErrors;

/// A value of a closed vocabulary: a code for storage, JSON and forms, a label for people.
pub trait Labelled: Copy + PartialEq + Sized + 'static {
    /// Every value, in declaration order.
    fn all() -> &'static [Self];
    /// The code used in storage, JSON and forms.
    fn code(self) -> &'static str;
    /// The Japanese label shown to people.
    fn label(self) -> &'static str;
    /// The vocabulary's name in English, for decoding errors in the log.
    const NAME: &'static str;

    /// The value named by its code (surrounding spaces ignored).
    fn from_code(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::all().iter().copied().find(|v| v.code() == s)
    }
    /// The value named by its code or its Japanese label (what a person or a CSV may type).
    fn from_code_or_label(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::all()
            .iter()
            .copied()
            .find(|v| v.code() == s || v.label() == s)
    }
    /// A stored code read back: an unknown one is an error, never a silent default.
    fn decode(s: &str) -> Result<Self, DecodeError> {
        Self::from_code(s).ok_or_else(|| DecodeError {
            vocabulary: Self::NAME,
            code: s.chars().take(64).collect(),
        })
    }
    /// `a（あ）・b（い）` for "one of" messages.
    fn choices() -> String {
        Self::all()
            .iter()
            .map(|v| format!("{}（{}）", v.code(), v.label()))
            .collect::<Vec<_>>()
            .join("・")
    }
    /// The refusal of a value that is not one of the vocabulary, naming `label`.
    fn one_of_message(label: &str) -> String {
        format!(
            "{label}は {} のいずれかを指定してください。",
            Self::choices()
        )
    }
}

/// A stored code that names no value of its vocabulary (the database was edited by hand or
/// by a newer version): reported, never guessed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} code in storage: {code:?}")]
pub struct DecodeError {
    pub vocabulary: &'static str,
    pub code: String,
}

/// Reads a required vocabulary field typed by a person (code or Japanese label); a bad or
/// missing value is refused naming `field` and listing the choices.
pub fn required<T: Labelled>(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &str,
) -> Option<T> {
    let v = T::from_code_or_label(value);
    if v.is_none() {
        e.push(field, T::one_of_message(label));
    }
    v
}

/// Reads an optional vocabulary field: empty is `None`, anything else must be a value.
pub fn optional<T: Labelled>(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    value: Option<&str>,
) -> Option<T> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    required(e, field, label, v)
}

/// Declares a closed vocabulary with `ALL`, `as_str`, `parse`, `label_ja` and
/// [`Labelled`]; the code is also its serde name, so JSON, forms, storage and the OpenAPI
/// document agree (the code is taken as a plain token: utoipa's derive does not see a
/// rename given as a `literal` fragment).
#[macro_export]
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:tt, $label:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [Self; [$($code),+].len()] = [$(Self::$variant),+];
            /// The code used in storage, JSON and forms.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }
            /// The value named by its code (surrounding spaces ignored).
            pub fn parse(s: &str) -> Option<Self> {
                <Self as $crate::vocab::Labelled>::from_code(s)
            }
            /// The Japanese label shown to people.
            pub fn label_ja(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }
            /// A stored code read back; an unknown one is an error.
            pub fn decode(s: &str) -> Result<Self, $crate::vocab::DecodeError> {
                <Self as $crate::vocab::Labelled>::decode(s)
            }
        }

        impl $crate::vocab::Labelled for $name {
            const NAME: &'static str = stringify!($name);
            fn all() -> &'static [Self] {
                &Self::ALL
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn label(self) -> &'static str {
                self.label_ja()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label_ja())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    labelled_enum! {
        /// A test vocabulary.
        pub enum Colour {
            Red = ("red", "赤"),
            Blue = ("blue", "青"),
        }
    }

    #[test]
    fn codes_labels_and_choices_come_from_one_declaration() {
        assert_eq!(Colour::parse(" red "), Some(Colour::Red));
        assert_eq!(Colour::from_code_or_label("青"), Some(Colour::Blue));
        assert_eq!(Colour::parse("青"), None);
        assert_eq!(
            Colour::one_of_message("色"),
            "色は red（赤）・blue（青） のいずれかを指定してください。"
        );
        assert_eq!(
            serde_json::to_string(&Colour::Blue).ok().as_deref(),
            Some("\"blue\"")
        );
    }

    /// The OpenAPI schema lists the codes the JSON carries, not the Rust names: the code
    /// is passed to the derives as a plain token (a `literal` fragment hid the rename from
    /// utoipa, and the document listed `Red` where the API reads `red`).
    #[test]
    fn the_schema_lists_the_codes() {
        let schema =
            serde_json::to_value(<Colour as utoipa::PartialSchema>::schema()).expect("schema");
        assert_eq!(schema["enum"], serde_json::json!(["red", "blue"]));
    }

    #[test]
    fn an_unknown_stored_code_is_an_error() {
        let e = Colour::decode("green").expect_err("unknown");
        assert_eq!(e.vocabulary, "Colour");
        assert_eq!(e.code, "green");
    }

    #[test]
    fn form_fields_name_the_field_and_list_the_choices() {
        let mut e = FieldErrors::default();
        assert_eq!(
            required::<Colour>(&mut e, "colour", "色", "赤"),
            Some(Colour::Red)
        );
        assert_eq!(optional::<Colour>(&mut e, "colour", "色", Some(" ")), None);
        assert_eq!(required::<Colour>(&mut e, "colour", "色", "green"), None);
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "colour");
        assert!(e.0[0].message.contains("red（赤）"));
    }
}
