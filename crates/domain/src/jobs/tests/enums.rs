//! Every closed vocabulary: codes unique, `parse` inverts `as_str`, serde uses the code,
//! and every value has a Japanese label.

use crate::jobs::*;
use crate::requests::*;

/// Checks one vocabulary.
fn vocabulary<T>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    parse: fn(&str) -> Option<T>,
) where
    T: Copy + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
{
    for (i, &v) in all.iter().enumerate() {
        assert_eq!(parse(as_str(v)), Some(v));
        assert_eq!(parse(&format!(" {} ", as_str(v))), Some(v));
        assert!(!label(v).is_empty() && !label(v).is_ascii(), "{v:?}");
        assert!(all[..i].iter().all(|w| as_str(*w) != as_str(v)), "{v:?}");
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, format!("\"{}\"", as_str(v)));
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
    }
    assert_eq!(parse("no_such_code"), None);
}

#[test]
fn every_vocabulary_round_trips() {
    vocabulary(
        &NoticeKind::ALL,
        NoticeKind::as_str,
        NoticeKind::label_ja,
        NoticeKind::parse,
    );
    vocabulary(
        &NoticeStatus::ALL,
        NoticeStatus::as_str,
        NoticeStatus::label_ja,
        NoticeStatus::parse,
    );
    vocabulary(
        &NoticeVerb::ALL,
        NoticeVerb::as_str,
        NoticeVerb::label_ja,
        NoticeVerb::parse,
    );
    vocabulary(
        &JobStatus::ALL,
        JobStatus::as_str,
        JobStatus::label_ja,
        JobStatus::parse,
    );
    vocabulary(
        &JobVerb::ALL,
        JobVerb::as_str,
        JobVerb::label_ja,
        JobVerb::parse,
    );
    vocabulary(
        &WorkRequestStatus::ALL,
        WorkRequestStatus::as_str,
        WorkRequestStatus::label_ja,
        WorkRequestStatus::parse,
    );
    vocabulary(
        &WorkRequestVerb::ALL,
        WorkRequestVerb::as_str,
        WorkRequestVerb::label_ja,
        WorkRequestVerb::parse,
    );
    vocabulary(
        &QuestionStatus::ALL,
        QuestionStatus::as_str,
        QuestionStatus::label_ja,
        QuestionStatus::parse,
    );
    vocabulary(
        &QuestionVerb::ALL,
        QuestionVerb::as_str,
        QuestionVerb::label_ja,
        QuestionVerb::parse,
    );
    vocabulary(
        &ProcedureVersionStatus::ALL,
        ProcedureVersionStatus::as_str,
        ProcedureVersionStatus::label_ja,
        ProcedureVersionStatus::parse,
    );
    vocabulary(
        &ProcedureVerb::ALL,
        ProcedureVerb::as_str,
        ProcedureVerb::label_ja,
        ProcedureVerb::parse,
    );
    vocabulary(
        &ReportStatus::ALL,
        ReportStatus::as_str,
        ReportStatus::label_ja,
        ReportStatus::parse,
    );
    vocabulary(
        &ReportVerb::ALL,
        ReportVerb::as_str,
        ReportVerb::label_ja,
        ReportVerb::parse,
    );
    vocabulary(
        &StepOutcome::ALL,
        StepOutcome::as_str,
        StepOutcome::label_ja,
        StepOutcome::parse,
    );
    vocabulary(
        &Verdict::ALL,
        Verdict::as_str,
        Verdict::label_ja,
        Verdict::parse,
    );
    vocabulary(
        &WaiverScope::ALL,
        WaiverScope::as_str,
        WaiverScope::label_ja,
        WaiverScope::parse,
    );
    vocabulary(
        &ItemKind::ALL,
        ItemKind::as_str,
        ItemKind::label_ja,
        ItemKind::parse,
    );
}

#[test]
fn notice_kinds_are_the_first_three_categories() {
    use crate::contract::CategoryCode;
    let kana: Vec<&str> = NoticeKind::ALL
        .iter()
        .map(|k| k.category().kana())
        .collect();
    assert_eq!(kana, ["ア", "イ", "ウ"]);
    for k in NoticeKind::ALL {
        assert_eq!(NoticeKind::from_category(k.category()), Some(k));
    }
    assert_eq!(
        NoticeKind::from_category(CategoryCode::CitySettingsChange),
        None
    );
}
