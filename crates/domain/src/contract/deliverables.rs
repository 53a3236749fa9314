//! Reading `[[deliverables]]` of a contract file (§6(1)): the kinds of deliverables and
//! their due rules, the City's settings.

use super::reader::{Obj, Reader};
use super::values::{choice, count, text};
use crate::deliverables::{DEFAULT_MONTHLY_BUSINESS_DAYS, DeliverableSpec, DueRule};

/// The due rules by their codes in the file (a unit test keeps them the enum's).
const RULES: &[(&str, DueRule)] = &[
    ("at_start", DueRule::AtStart),
    ("monthly", DueRule::Monthly),
    ("as_instructed", DueRule::AsInstructed),
    ("before_subcontracting", DueRule::BeforeSubcontracting),
    ("on_lead_change", DueRule::OnLeadChange),
    ("on_chart_change", DueRule::OnChartChange),
];

fn code(v: &toml::de::DeValue<'_>) -> Result<String, String> {
    let s = text(v)?;
    if s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(s)
    } else {
        Err(format!(
            "書類のコード「{s}」には半角英小文字・数字・_ だけを使ってください（64文字まで）"
        ))
    }
}

/// `[[deliverables]]`: codes unique, copies at least 1, monthly ones with their business
/// days (default [`DEFAULT_MONTHLY_BUSINESS_DAYS`]).
pub(super) fn read_deliverables(
    r: &mut Reader<'_>,
    root: &mut Obj<'_, '_>,
) -> Vec<DeliverableSpec> {
    let mut out: Vec<DeliverableSpec> = Vec::new();
    for mut t in r.tables(root, "deliverables") {
        let code = r.req(&mut t, "code", code);
        let name = r.req(&mut t, "name", text);
        let size = r.opt(&mut t, "size", text);
        let copies = r.opt(&mut t, "copies", count);
        let due = r.req(&mut t, "due", choice(RULES));
        let days = r.opt(&mut t, "due_business_days", count);
        r.finish(t);
        if let Some(c) = copies.as_ref().filter(|c| c.value < 1) {
            r.error_at(c, "部数は1以上を指定してください");
        }
        if let Some(d) = days.as_ref().filter(|d| d.value > 60) {
            r.error_at(d, "月末からの開庁日数は0〜60で指定してください");
        }
        let Some(code) = code else { continue };
        if out.iter().any(|s| s.code == code.value) {
            let message = format!("書類のコード「{}」が重複しています", code.value);
            r.error_at(&code, message);
            continue;
        }
        let (Some(name), Some(due)) = (name, due) else {
            continue;
        };
        out.push(DeliverableSpec {
            code: code.value,
            name: name.value,
            size: size.map_or_else(|| "Ａ４".into(), |s| s.value),
            copies: copies.map_or(1, |c| c.value),
            due: due.value,
            due_business_days: days.map_or(DEFAULT_MONTHLY_BUSINESS_DAYS, |d| d.value),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RULES;
    use crate::deliverables::DueRule;
    use crate::vocab::Labelled;

    #[test]
    fn the_files_words_are_the_rules_codes() {
        let codes: Vec<&str> = DueRule::all().iter().map(|d| d.code()).collect();
        let words: Vec<&str> = RULES.iter().map(|(w, _)| *w).collect();
        assert_eq!(codes, words);
        assert!(RULES.iter().all(|(w, d)| d.code() == *w));
    }
}
