//! Converting TOML values to the contract's types; each error message is Japanese and
//! says what was expected.

use chrono::{NaiveDate, NaiveTime};
use toml::de::DeValue;

fn type_ja(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "文字列",
        DeValue::Integer(_) => "整数",
        DeValue::Float(_) => "小数",
        DeValue::Boolean(_) => "真偽値",
        DeValue::Datetime(_) => "日付・時刻",
        DeValue::Array(_) => "配列",
        DeValue::Table(_) => "表",
    }
}

pub(super) fn wrong_type(expected: &str, got: &DeValue<'_>) -> String {
    format!(
        "{expected}を指定してください（指定された値は{}です）",
        type_ja(got)
    )
}

/// A string, trimmed (may be empty).
pub(super) fn string(v: &DeValue<'_>) -> Result<String, String> {
    v.as_str()
        .map(|s| s.trim().to_string())
        .ok_or_else(|| wrong_type("文字列", v))
}

/// A non-empty string, trimmed.
pub(super) fn text(v: &DeValue<'_>) -> Result<String, String> {
    let s = string(v)?;
    if s.is_empty() {
        Err("空にはできません".to_string())
    } else {
        Ok(s)
    }
}

pub(super) fn boolean(v: &DeValue<'_>) -> Result<bool, String> {
    v.as_bool()
        .ok_or_else(|| wrong_type("true または false", v))
}

fn integer(v: &DeValue<'_>) -> Result<i64, String> {
    let i = v.as_integer().ok_or_else(|| wrong_type("整数", v))?;
    i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| "整数が大きすぎます".to_string())
}

/// A whole number 0 or more.
pub(super) fn count(v: &DeValue<'_>) -> Result<u32, String> {
    let i = integer(v)?;
    u32::try_from(i).map_err(|_| format!("0以上の整数を指定してください（{i} は使えません）"))
}

pub(super) fn year(v: &DeValue<'_>) -> Result<i32, String> {
    let i = integer(v)?;
    i32::try_from(i)
        .ok()
        .filter(|y| (1989..=9999).contains(y))
        .ok_or_else(|| format!("西暦の年を指定してください（{i} は使えません）"))
}

/// A number (integer or decimal), finite.
pub(super) fn number(v: &DeValue<'_>) -> Result<f64, String> {
    let n = match v {
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        DeValue::Integer(_) => integer(v).ok().map(|i| i as f64),
        _ => return Err(wrong_type("数値", v)),
    };
    n.filter(|n| n.is_finite())
        .ok_or_else(|| "有限の数値を指定してください".to_string())
}

/// A date: a TOML date (`2020-10-01`) or the same as a string.
pub(super) fn date(v: &DeValue<'_>) -> Result<NaiveDate, String> {
    const EXPECTED: &str = "日付（例: 2020-10-01）";
    match v {
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .ok_or_else(|| format!("{d} は存在しない日付です"))
            }
            _ => Err(format!("{EXPECTED}を指定してください（時刻は付けません）")),
        },
        DeValue::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| format!("「{s}」は正しい{EXPECTED}ではありません")),
        other => Err(wrong_type(EXPECTED, other)),
    }
}

/// A time of day: a TOML local time (`08:45` or `08:45:00`) or the same as a string.
pub(super) fn time(v: &DeValue<'_>) -> Result<NaiveTime, String> {
    const EXPECTED: &str = "時刻（例: 08:45）";
    match v {
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (None, Some(t), None) => NaiveTime::from_hms_opt(
                u32::from(t.hour),
                u32::from(t.minute),
                u32::from(t.second.unwrap_or(0)),
            )
            .ok_or_else(|| format!("{t} は正しい時刻ではありません")),
            _ => Err(format!("{EXPECTED}を指定してください（日付は付けません）")),
        },
        DeValue::String(s) => {
            let s = s.trim();
            NaiveTime::parse_from_str(s, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
                .map_err(|_| format!("「{s}」は正しい{EXPECTED}ではありません"))
        }
        other => Err(wrong_type(EXPECTED, other)),
    }
}

/// One of a fixed set of words, e.g. `"lessor"`.
pub(super) fn choice<T: Copy>(
    options: &'static [(&'static str, T)],
) -> impl Fn(&DeValue<'_>) -> Result<T, String> {
    move |v| {
        let s = string(v)?;
        options
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
                format!("「{s}」は使えません（{} のいずれか）", names.join(", "))
            })
    }
}
