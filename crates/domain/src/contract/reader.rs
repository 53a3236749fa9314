//! A span-aware reader over a parsed TOML document that collects every error (syntax,
//! type, missing, unknown key, semantic) with its line and dotted field path, instead
//! of stopping at the first one as serde would.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{ContractError, line_of};
use super::values::wrong_type;

/// A value read from the file, with where it was.
#[derive(Debug, Clone)]
pub(super) struct Item<T> {
    pub value: T,
    pub span: Range<usize>,
    pub path: String,
}

/// A table being read: its path, and the keys asked for so far (the known keys).
#[derive(Debug)]
pub(super) struct Obj<'r, 'i> {
    map: &'r DeTable<'i>,
    span: Range<usize>,
    path: String,
    seen: Vec<&'static str>,
}

impl Obj<'_, '_> {
    pub fn path(&self) -> &str {
        &self.path
    }
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
    fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

enum Got<'r, 'i> {
    Missing,
    /// The value is where a syntax error was; that error already speaks for it.
    Broken,
    Found(&'r Spanned<DeValue<'i>>),
}

/// Collects errors while the document is read.
#[derive(Debug)]
pub(super) struct Reader<'t> {
    text: &'t str,
    errors: Vec<ContractError>,
    /// Spans of syntax errors, with their index in `errors`.
    syntax: Vec<(Range<usize>, usize)>,
}

fn touches(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

impl<'t> Reader<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            text,
            errors: Vec::new(),
            syntax: Vec::new(),
        }
    }

    /// Records a syntax error of the TOML parser; its field is filled in later if a
    /// value read at the same place names it.
    pub fn syntax_error(&mut self, error: &toml::de::Error) {
        let span = error.span().unwrap_or(0..0);
        let message = format!(
            "TOMLの書き方が正しくありません（{}）",
            error.message().trim()
        );
        self.syntax.push((span.clone(), self.errors.len()));
        self.errors.push(ContractError::new(
            line_of(self.text, span.start),
            "",
            message,
        ));
    }

    /// Records an error at `span`, unless a syntax error already covers that place (then
    /// the syntax error just learns the field's name).
    pub fn error(&mut self, span: Range<usize>, field: &str, message: impl Into<String>) {
        if self.claim_syntax(&span, field) {
            return;
        }
        let line = line_of(self.text, span.start);
        self.errors.push(ContractError::new(line, field, message));
    }

    /// Records an error about a read value.
    pub fn error_at<T>(&mut self, item: &Item<T>, message: impl Into<String>) {
        self.error(item.span.clone(), &item.path, message);
    }

    fn claim_syntax(&mut self, span: &Range<usize>, field: &str) -> bool {
        let Some((_, index)) = self.syntax.iter().find(|(s, _)| touches(s, span)) else {
            return false;
        };
        if let Some(e) = self.errors.get_mut(*index)
            && e.field.is_empty()
        {
            e.field = field.to_string();
        }
        true
    }

    /// All errors, in file order.
    pub fn into_errors(mut self) -> Vec<ContractError> {
        self.errors.sort_by_key(|e| e.line);
        self.errors
    }

    pub fn root<'r, 'i>(&self, doc: &'r Spanned<DeTable<'i>>) -> Obj<'r, 'i> {
        Obj {
            map: doc.get_ref(),
            span: doc.span(),
            path: String::new(),
            seen: Vec::new(),
        }
    }

    fn lookup<'r, 'i>(&mut self, obj: &mut Obj<'r, 'i>, key: &'static str) -> Got<'r, 'i> {
        obj.seen.push(key);
        let map: &'r DeTable<'i> = obj.map;
        let Some(value) = map.get(key) else {
            return Got::Missing;
        };
        let scalar = !matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_));
        if scalar && self.claim_syntax(&value.span(), &obj.child(key)) {
            return Got::Broken;
        }
        Got::Found(value)
    }

    fn convert<T>(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        path: String,
        conv: impl Fn(&DeValue<'_>) -> Result<T, String>,
    ) -> Option<Item<T>> {
        match conv(value.get_ref()) {
            Ok(v) => Some(Item {
                value: v,
                span: value.span(),
                path,
            }),
            Err(message) => {
                self.error(value.span(), &path, message);
                None
            }
        }
    }

    /// A required value; reports it when missing or of the wrong form.
    pub fn req<T>(
        &mut self,
        obj: &mut Obj<'_, '_>,
        key: &'static str,
        conv: impl Fn(&DeValue<'_>) -> Result<T, String>,
    ) -> Option<Item<T>> {
        match self.lookup(obj, key) {
            Got::Found(v) => self.convert(v, obj.child(key), conv),
            Got::Broken => None,
            Got::Missing => {
                self.error(obj.span(), &obj.child(key), "必須の項目がありません");
                None
            }
        }
    }

    /// An optional value; reports it only when present and of the wrong form.
    pub fn opt<T>(
        &mut self,
        obj: &mut Obj<'_, '_>,
        key: &'static str,
        conv: impl Fn(&DeValue<'_>) -> Result<T, String>,
    ) -> Option<Item<T>> {
        match self.lookup(obj, key) {
            Got::Found(v) => self.convert(v, obj.child(key), conv),
            Got::Broken | Got::Missing => None,
        }
    }

    /// A sub-table (`[period]` or an inline `{ ... }`).
    pub fn table<'r, 'i>(
        &mut self,
        obj: &mut Obj<'r, 'i>,
        key: &'static str,
        required: bool,
    ) -> Option<Obj<'r, 'i>> {
        let path = obj.child(key);
        match self.lookup(obj, key) {
            Got::Found(v) => self.as_obj(v, path),
            Got::Broken => None,
            Got::Missing => {
                if required {
                    self.error(obj.span(), &path, "必須の項目がありません");
                }
                None
            }
        }
    }

    fn as_obj<'r, 'i>(&mut self, v: &'r Spanned<DeValue<'i>>, path: String) -> Option<Obj<'r, 'i>> {
        if let DeValue::Table(map) = v.get_ref() {
            Some(Obj {
                map,
                span: v.span(),
                path,
                seen: Vec::new(),
            })
        } else {
            self.error(
                v.span(),
                &path,
                wrong_type("表（[表名] または { ... }）", v.get_ref()),
            );
            None
        }
    }

    /// The elements of an array (`[[key]]` tables or `[a, b]`); missing gives an empty list.
    pub fn array<'r, 'i>(
        &mut self,
        obj: &mut Obj<'r, 'i>,
        key: &'static str,
    ) -> Vec<(String, &'r Spanned<DeValue<'i>>)> {
        let path = obj.child(key);
        let Got::Found(v) = self.lookup(obj, key) else {
            return Vec::new();
        };
        match v.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, e)| (format!("{path}[{i}]"), e))
                .collect(),
            other => {
                self.error(v.span(), &path, wrong_type("配列", other));
                Vec::new()
            }
        }
    }

    /// The tables of an array of tables (`[[key]]`); missing gives an empty list.
    pub fn tables<'r, 'i>(&mut self, obj: &mut Obj<'r, 'i>, key: &'static str) -> Vec<Obj<'r, 'i>> {
        let items = self.array(obj, key);
        items
            .into_iter()
            .filter_map(|(path, v)| self.as_obj(v, path))
            .collect()
    }

    /// The values of an array, each converted.
    pub fn list<T>(
        &mut self,
        obj: &mut Obj<'_, '_>,
        key: &'static str,
        conv: impl Fn(&DeValue<'_>) -> Result<T, String>,
    ) -> Vec<Item<T>> {
        let items = self.array(obj, key);
        items
            .into_iter()
            .filter_map(|(path, v)| {
                if self.claim_syntax(&v.span(), &path) {
                    return None;
                }
                self.convert(v, path, &conv)
            })
            .collect()
    }

    /// Reports the keys of `obj` that were never asked for.
    pub fn finish(&mut self, obj: Obj<'_, '_>) {
        for (key, _) in obj.map.iter() {
            let name: &str = key.get_ref();
            if !obj.seen.contains(&name) {
                let message = format!(
                    "不明な項目「{name}」です（使える項目: {}）",
                    obj.seen.join(", ")
                );
                self.error(key.span(), &obj.child(name), message);
            }
        }
    }
}
