use super::org_chart::{ChartParty, ChartWorker, CityContact, OrgChart, render_svg, sha256};
use super::*;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn period() -> Period {
    Period {
        start: date("2020-04-01"),
        end: date("2021-03-31"),
    }
}

fn draft(kind: DesignationKind, name: &str, from: &str, until: Option<&str>) -> DesignationDraft {
    DesignationDraft {
        kind,
        name: name.into(),
        company: "受託株式会社".into(),
        contact: "011-000-0000".into(),
        user_id: None,
        from: date(from),
        until: until.map(date),
        note: None,
    }
}

fn stored(id: i64, d: &DesignationDraft) -> Designation {
    Designation {
        id,
        kind: d.kind,
        name: d.name.clone(),
        company: d.company.clone(),
        contact: d.contact.clone(),
        from: d.from,
        until: d.until,
    }
}

fn facts(same_kind: &[Designation]) -> DesignationFacts<'_> {
    DesignationFacts {
        period: period(),
        same_kind,
        account: None,
    }
}

fn field(r: Result<Outcome, Refusal>) -> String {
    match r {
        Err(Refusal::Invalid(e)) => e.0[0].field.clone(),
        Err(Refusal::Conflict { field, .. }) => field,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_input_names_every_missing_field() {
    let e = DesignationInput::default().check().expect_err("empty");
    let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["kind", "name", "company", "contact", "effective_from"]
    );
    let ok = DesignationInput {
        kind: "業務責任者".into(),
        name: "札幌 太郎".into(),
        company: "受託株式会社".into(),
        contact: "011-000-0000".into(),
        effective_from: "2020-04-01".into(),
        effective_until: Some(String::new()),
        ..Default::default()
    }
    .check()
    .expect("checked");
    assert_eq!((ok.kind, ok.until), (DesignationKind::ContractLead, None));
}

#[test]
fn dates_lie_in_the_contract_period_in_order() {
    let lead = DesignationKind::ContractLead;
    let before = draft(lead, "甲", "2020-03-31", None);
    assert_eq!(
        field(judge_designation(&before, &facts(&[]))),
        "effective_from"
    );
    let after = draft(lead, "甲", "2020-04-01", Some("2021-04-01"));
    assert_eq!(
        field(judge_designation(&after, &facts(&[]))),
        "effective_until"
    );
    let reversed = draft(lead, "甲", "2020-05-01", Some("2020-04-30"));
    assert_eq!(
        field(judge_designation(&reversed, &facts(&[]))),
        "effective_until"
    );
    let fine = draft(lead, "甲", "2020-04-01", None);
    assert_eq!(judge_designation(&fine, &facts(&[])), Ok(Outcome::New));
}

#[test]
fn a_new_lead_while_one_is_in_force_is_a_change() {
    let lead = DesignationKind::ContractLead;
    let first = stored(1, &draft(lead, "甲", "2020-04-01", None));
    let second = draft(lead, "乙", "2020-10-01", None);
    assert_eq!(
        judge_designation(&second, &facts(std::slice::from_ref(&first))),
        Ok(Outcome::Succeeds {
            previous: 1,
            previous_until: date("2020-09-30")
        })
    );
    // The same day as the one in force, or before it: an overlap, not a change.
    let same_day = draft(lead, "乙", "2020-04-01", None);
    assert_eq!(
        field(judge_designation(
            &same_day,
            &facts(std::slice::from_ref(&first))
        )),
        "effective_from"
    );
}

#[test]
fn a_designation_with_an_end_is_not_succeeded_but_overlapped() {
    let dpo = DesignationKind::DataProtectionOfficer;
    let first = stored(1, &draft(dpo, "甲", "2020-04-01", Some("2020-09-30")));
    let overlapping = draft(dpo, "乙", "2020-09-01", None);
    assert_eq!(
        field(judge_designation(
            &overlapping,
            &facts(std::slice::from_ref(&first))
        )),
        "effective_from"
    );
    let after = draft(dpo, "乙", "2020-10-01", None);
    assert_eq!(
        judge_designation(&after, &facts(std::slice::from_ref(&first))),
        Ok(Outcome::New)
    );
    // A designation ending before a later one starts does not overlap it.
    let later = stored(2, &after);
    let gap = draft(dpo, "丙", "2020-04-01", Some("2020-04-30"));
    assert!(judge_designation(&gap, &facts(&[first.clone(), later.clone()])).is_err());
    let open_before_later = draft(dpo, "丙", "2021-01-01", None);
    assert!(judge_designation(&open_before_later, &facts(&[first, later])).is_ok());
}

#[test]
fn handlers_are_several_but_one_person_once() {
    let h = DesignationKind::AssetHandler;
    let a = stored(1, &draft(h, "甲", "2020-04-01", None));
    let b = draft(h, "乙", "2020-04-01", None);
    assert_eq!(
        judge_designation(&b, &facts(std::slice::from_ref(&a))),
        Ok(Outcome::New)
    );
    let again = draft(h, "甲 ", "2020-06-01", None);
    assert_eq!(
        field(judge_designation(&again, &facts(std::slice::from_ref(&a)))),
        "name"
    );
}

#[test]
fn an_account_is_one_of_the_contractors_people() {
    let mut d = draft(DesignationKind::SecurityOfficer, "甲", "2020-04-01", None);
    d.user_id = Some(5);
    assert_eq!(field(judge_designation(&d, &facts(&[]))), "user_id");
    let mut f = facts(&[]);
    f.account = Some(AccountFacts {
        role: Role::CityStaff,
        disabled: false,
    });
    assert_eq!(field(judge_designation(&d, &f)), "user_id");
    f.account = Some(AccountFacts {
        role: Role::SecurityOfficer,
        disabled: false,
    });
    assert_eq!(judge_designation(&d, &f), Ok(Outcome::New));
}

#[test]
fn an_end_comes_after_the_start_and_before_an_earlier_end() {
    let d = stored(
        1,
        &draft(DesignationKind::AssetHandler, "甲", "2020-06-01", None),
    );
    assert!(judge_end(&d, date("2020-05-31"), period()).is_err());
    assert!(judge_end(&d, date("2020-06-01"), period()).is_ok());
    let ended = Designation {
        until: Some(date("2020-08-31")),
        ..d
    };
    assert!(judge_end(&ended, date("2020-09-30"), period()).is_err());
    assert!(judge_end(&ended, date("2020-07-31"), period()).is_ok());
}

fn chart(on: &str, all: &[Designation]) -> OrgChart {
    OrgChart {
        date: date(on),
        contract_name: "住基ネット統合端末増設機器の運用サポート業務".into(),
        persons: in_force_on(all, date(on)).into_iter().cloned().collect(),
        workers: vec![ChartWorker {
            name: "作業 一郎".into(),
            badge_number: Some("W-1".into()),
        }],
        city: vec![CityContact {
            name: "本市 花子".into(),
            post: Some("係長".into()),
            email: None,
        }],
        parties: vec![ChartParty {
            label: "機器賃貸業者".into(),
            name: "リース<株>&".into(),
            contacts: vec![],
        }],
    }
}

#[test]
fn the_chart_shows_the_persons_in_force_on_its_date() {
    let lead = DesignationKind::ContractLead;
    let all = [
        Designation {
            until: Some(date("2020-09-30")),
            ..stored(1, &draft(lead, "前任 太郎", "2020-04-01", None))
        },
        stored(2, &draft(lead, "後任 次郎", "2020-10-01", None)),
    ];
    let before = render_svg(&chart("2020-09-15", &all));
    let after = render_svg(&chart("2020-10-15", &all));
    assert!(before.contains("前任 太郎") && !before.contains("後任 次郎"));
    assert!(after.contains("後任 次郎") && !after.contains("前任 太郎"));
    assert!(after.contains("リース&lt;株&gt;&amp;"), "escaped");
    assert!(after.contains("作業 一郎（身分証 W-1）"));
    assert!(after.contains("width=\"210mm\"") && after.contains("sans-serif"));
    assert!(!after.contains("<script") && !after.contains("href"));
    assert_ne!(sha256(&before), sha256(&after));
    assert_eq!(sha256(&after).len(), 64);
}

#[test]
fn long_lists_are_cut_to_stay_on_the_page() {
    let mut c = chart("2020-10-15", &[]);
    c.workers = (0..100)
        .map(|i| ChartWorker {
            name: format!("従事者{i}"),
            badge_number: None,
        })
        .collect();
    let svg = render_svg(&c);
    assert!(svg.contains("作業従事者（100名）"));
    assert!(svg.contains("ほか71名"));
    assert!(svg.contains("（未指定）"));
}
