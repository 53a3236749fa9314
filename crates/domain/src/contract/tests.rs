use chrono::{NaiveDate, NaiveTime};

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

/// The 1-based line of the first line of `text` equal to `needle` (trimmed).
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.trim() == needle)
        .expect("needle is in the text")
        + 1
}

/// The default file with `from` replaced by `to` (exactly once).
fn edited(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from} occurs once");
    text.replacen(from, to, 1)
}

fn errors_of(text: &str) -> Vec<ContractError> {
    match Contract::parse(text) {
        Ok(_) => panic!("the file should have been rejected"),
        Err(e) => e,
    }
}

fn has(errors: &[ContractError], line: usize, field: &str) -> bool {
    errors.iter().any(|e| e.line == line && e.field == field)
}

#[test]
fn builtin_default_parses_with_the_fy2020_contract() {
    let c = Contract::builtin_default();
    assert_eq!(
        c.name,
        "令和２年度住基ネット統合端末増設機器の運用サポート業務"
    );
    assert_eq!(c.fiscal_year, 2020);
    assert_eq!(
        c.period,
        Period {
            start: d(2020, 10, 1),
            end: d(2021, 3, 31)
        }
    );
    assert_eq!(
        c.working_hours,
        WorkingHours {
            start: t(8, 45),
            end: t(17, 15)
        }
    );
    assert_eq!(c.all_site_deadline_business_days, 3);
    let codes: Vec<CategoryCode> = c.categories.iter().map(|c| c.code).collect();
    assert_eq!(codes, CategoryCode::ALL.to_vec());
    assert_eq!(c.sites.len(), 11);
    assert_eq!(
        c.sites
            .iter()
            .filter(|s| s.code.len() == 6 && s.code.starts_with("011"))
            .count(),
        10
    );
    let kikusui = c.site("kikusui").expect("the Kikusui branch is a site");
    assert!(kikusui.needs_entry_permit && kikusui.address.is_none() && kikusui.lat.is_none());
    assert!(
        c.sites
            .iter()
            .filter(|s| s.code != "kikusui")
            .all(|s| !s.needs_entry_permit)
    );
    assert_eq!(
        c.site("011011").and_then(|s| s.postal_code.as_deref()),
        Some("060-8612")
    );
    let kinds: Vec<PartyKind> = c.parties.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, PartyKind::ALL.to_vec());
    assert_eq!(c.parties_of(PartyKind::Lessor).count(), 1);
}

#[test]
fn expected_count_rows_share_one_row_for_u_and_e() {
    let rows = Contract::builtin_default().expected_count_rows();
    let got: Vec<(&str, Option<u32>)> = rows.iter().map(|r| (r.label.as_str(), r.count)).collect();
    assert_eq!(
        got,
        [
            ("ア", Some(1)),
            ("イ", Some(1)),
            ("ウ・エ", Some(1)),
            ("オ", Some(1)),
            ("カ", Some(1)),
            ("キ", Some(6)),
            ("ク", Some(3)),
        ]
    );
    use CategoryCode::{CitySettingsChange, NoticeSettingsChange};
    assert_eq!(rows[2].codes, [NoticeSettingsChange, CitySettingsChange]);
    let c = Contract::builtin_default();
    let e = c
        .category(CitySettingsChange)
        .and_then(|c| c.expected.clone());
    assert_eq!(
        e,
        Some(ExpectedCount {
            count: 1,
            shared_with: vec![NoticeSettingsChange]
        })
    );
}

#[test]
fn closed_days_follow_r5_2() {
    let rules = Contract::builtin_default().closed_days;
    assert!(rules.weekends && rules.national_holidays);
    assert!(rules.is_closed_except_holidays(d(2020, 12, 29)));
    assert!(rules.is_closed_except_holidays(d(2021, 1, 3)));
    assert!(rules.is_closed_except_holidays(d(2020, 10, 3))); // Saturday
    assert!(!rules.is_closed_except_holidays(d(2021, 1, 4))); // Monday
    assert!(!rules.is_closed_except_holidays(d(2020, 12, 28)));
}

#[test]
fn category_codes_round_trip_through_kana() {
    for c in CategoryCode::ALL {
        assert_eq!(c.kana().parse::<CategoryCode>(), Ok(c));
    }
    assert!("ケ".parse::<CategoryCode>().is_err());
    assert_eq!(CategoryCode::TouchPanelRecovery.to_string(), "ク");
}

#[test]
fn serializes_to_json_with_kana_codes() {
    let json = serde_json::to_value(Contract::builtin_default()).expect("serializable");
    assert_eq!(json["categories"][0]["code"], "ア");
    assert_eq!(json["categories"][0]["origin"], "jlis_notice");
    assert_eq!(json["period"]["start"], "2020-10-01");
    assert_eq!(json["closed_days"]["year_end_break"]["start"], "12-29");
    assert_eq!(json["parties"][0]["kind"], "lessor");
}

#[test]
fn a_broken_file_reports_every_error_with_line_and_field() {
    let base = BUILTIN_DEFAULT_TOML;
    let mut text = edited(base, "end = 2021-03-31", "end = 2020-09-30");
    text = edited(&text, "code = \"エ\"", "code = \"ウ\"");
    text = edited(&text, "expected = 6", "expected = -6");
    text = edited(&text, "lat = 43.05536", "lat = 53.05536");
    text = edited(
        &text,
        "code = \"kikusui\"",
        "code = \"kikusui\"\ncolour = \"red\"",
    );
    let extra = "[[closed_days.extra]]\ndate = \"2021-02-30\"\nreason = \"点検\"\n\
                 [[closed_days.extra]]\ndate = 2021-02-30\nreason = \"点検\"\n";
    text = edited(&text, "# [[closed_days.extra]]\n", extra);
    let errors = errors_of(&text);
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let expect = [
        (line_of(&text, "end = 2020-09-30"), "period.end"),
        (
            line_of(&text, "date = \"2021-02-30\""),
            "closed_days.extra[0].date",
        ),
        (
            line_of(&text, "date = 2021-02-30"),
            "closed_days.extra[1].date",
        ),
        (line_of(&text, "expected = -6"), "categories[6].expected"),
        (line_of(&text, "lat = 53.05536"), "sites[0].lat"),
        (line_of(&text, "colour = \"red\""), "sites[10].colour"),
    ];
    for (line, field) in expect {
        assert!(has(&errors, line, field), "{line} {field} in {shown:#?}");
    }
    let dup = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "code = \"ウ\"")
        .nth(1);
    let dup_line = dup.expect("the duplicate is there").0 + 1;
    assert!(has(&errors, dup_line, "categories[3].code"), "{shown:#?}");
    let missing = errors
        .iter()
        .find(|e| e.field == "categories")
        .expect("エ is missing");
    assert!(missing.message.contains("「エ」"), "{}", missing.message);
    assert_eq!(errors.len(), expect.len() + 2, "{shown:#?}");
    let mut lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    lines.sort();
    assert_eq!(
        lines,
        errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        "in file order"
    );
    let unknown = errors
        .iter()
        .find(|e| e.field == "sites[10].colour")
        .expect("reported");
    assert!(unknown.message.contains("colour") && unknown.message.contains("needs_entry_permit"));
}

#[test]
fn display_is_line_field_message() {
    let e = ContractError::new(12, "period.end", "終了日が開始日より前です");
    assert_eq!(e.to_string(), "12行目 period.end: 終了日が開始日より前です");
    assert_eq!(ContractError::new(3, "", "x").to_string(), "3行目: x");
}

#[test]
fn cross_field_rules_are_checked() {
    let base = BUILTIN_DEFAULT_TOML;
    let text = edited(base, "fiscal_year = 2020", "fiscal_year = 2021");
    let errors = errors_of(&text);
    assert!(
        has(&errors, line_of(&text, "fiscal_year = 2021"), "fiscal_year"),
        "{errors:?}"
    );

    let text = edited(base, "end = 17:15", "end = 08:00");
    assert!(has(
        &errors_of(&text),
        line_of(&text, "end = 08:00"),
        "working_hours.end"
    ));

    let text = edited(
        base,
        "all_site_deadline_business_days = 3",
        "all_site_deadline_business_days = 0",
    );
    let line = line_of(&text, "all_site_deadline_business_days = 0");
    assert!(has(
        &errors_of(&text),
        line,
        "all_site_deadline_business_days"
    ));

    let text = edited(base, "code = \"011029\"", "code = \"011011\"");
    assert!(has(
        &errors_of(&text),
        dup_site_line(&text),
        "sites[1].code"
    ));

    let text = edited(
        base,
        "categories = [\"ウ\", \"エ\"]",
        "categories = [\"ウ\", \"オ\"]",
    );
    let errors = errors_of(&text);
    let line = line_of(&text, "categories = [\"ウ\", \"オ\"]");
    assert!(
        has(&errors, line, "expected_counts[0].categories[1]"),
        "{errors:?}"
    );
    assert!(
        errors[0].message.contains("categories[4].expected"),
        "{errors:?}"
    );
}

fn dup_site_line(text: &str) -> usize {
    let found = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "code = \"011011\"")
        .nth(1);
    found.expect("the duplicate is there").0 + 1
}

#[test]
fn type_and_missing_errors_are_reported_together() {
    let base = BUILTIN_DEFAULT_TOML;
    let mut text = edited(base, "fiscal_year = 2020", "fiscal_year = \"2020\"");
    text = edited(&text, "weekends = true\n", "");
    text = edited(&text, "start = 08:45", "start = \"8時45分\"");
    text = edited(&text, "kind = \"lessor\"", "kind = \"leaser\"");
    let errors = errors_of(&text);
    assert!(
        has(
            &errors,
            line_of(&text, "fiscal_year = \"2020\""),
            "fiscal_year"
        ),
        "{errors:?}"
    );
    assert!(
        has(
            &errors,
            line_of(&text, "[closed_days]"),
            "closed_days.weekends"
        ),
        "{errors:?}"
    );
    assert!(
        has(
            &errors,
            line_of(&text, "start = \"8時45分\""),
            "working_hours.start"
        ),
        "{errors:?}"
    );
    assert!(
        has(
            &errors,
            line_of(&text, "kind = \"leaser\""),
            "parties[0].kind"
        ),
        "{errors:?}"
    );
    assert_eq!(errors.len(), 4, "{errors:?}");
}

#[test]
fn a_syntax_error_has_its_line() {
    let text = "name = \"x\"\nfiscal_year = 2020\n[period\nstart = 2020-10-01\n";
    let errors = errors_of(text);
    assert!(
        errors
            .iter()
            .any(|e| e.line == 3 && e.message.contains("TOML")),
        "{errors:?}"
    );
}

#[test]
fn month_day_ranges_may_wrap_the_year() {
    let r = MonthDayRange {
        start: "12-29".parse().expect("ok"),
        end: "1-3".parse().expect("ok"),
    };
    assert!(r.contains(d(2020, 12, 31)) && r.contains(d(2021, 1, 1)));
    assert!(!r.contains(d(2021, 6, 1)));
    assert!("02-30".parse::<MonthDay>().is_err());
    assert_eq!(
        MonthDay::new(2, 29).map(|m| m.to_string()),
        Some("02-29".to_string())
    );
}

#[test]
fn approval_routes_are_read_per_kind_and_default_to_one_step() {
    assert_eq!(
        Contract::builtin_default().approval_routes,
        crate::approvals::ApprovalRoutes::default()
    );
    let text = format!(
        "{BUILTIN_DEFAULT_TOML}\n[approval_routes]\nprocedure = [\"担当\", \"係長\"]\nreport = [\"担当\", \"係長\", \"課長\"]\n"
    );
    let c = Contract::parse(&text).expect("routes");
    assert_eq!(c.approval_routes.procedure, ["担当", "係長"]);
    assert_eq!(c.approval_routes.report.len(), 3);
    let twice =
        format!("{BUILTIN_DEFAULT_TOML}\n[approval_routes]\nprocedure = [\"担当\", \"担当\"]\n");
    let errors = errors_of(&twice);
    assert!(
        errors.iter().any(|e| e.message.contains("同じ職")),
        "{errors:?}"
    );
    let unknown = format!("{BUILTIN_DEFAULT_TOML}\n[approval_routes]\nminutes = [\"担当\"]\n");
    assert!(!errors_of(&unknown).is_empty(), "an unknown kind is named");
}

#[test]
fn a_party_is_named_with_its_contacts_when_called() {
    let c = Contract::builtin_default();
    let lessor = c.parties_of(PartyKind::Lessor).next().expect("lessor");
    assert_eq!(
        lessor.contact_line(),
        "富士通リース株式会社（連絡先は契約ファイルに未登録）"
    );
    let mut with = lessor.clone();
    with.contacts.push(super::Contact {
        name: "山田".into(),
        phone: Some("011-000-0000".into()),
        email: None,
    });
    assert_eq!(
        with.contact_line(),
        "富士通リース株式会社（山田 011-000-0000）"
    );
}

#[test]
fn fault_log_rules_are_read_with_defaults_and_bounds() {
    let c = Contract::builtin_default();
    assert_eq!(
        (c.fault_logs.retention_days, c.fault_logs.max_kilobytes),
        (365, 4096)
    );
    let text = edited(
        BUILTIN_DEFAULT_TOML,
        "retention_days = 365\nmax_kilobytes = 4096",
        "retention_days = 30",
    );
    let c = Contract::parse(&text).expect("parses");
    assert_eq!(
        (c.fault_logs.retention_days, c.fault_logs.max_kilobytes),
        (30, 4096)
    );
    let text = edited(
        BUILTIN_DEFAULT_TOML,
        "retention_days = 365\nmax_kilobytes = 4096",
        "retention_days = 0\nmax_kilobytes = 9000",
    );
    let errors = Contract::parse(&text).expect_err("bounds");
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["fault_logs.retention_days", "fault_logs.max_kilobytes"]
    );
}
