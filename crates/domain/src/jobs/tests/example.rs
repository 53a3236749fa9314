//! The specification's example (§4, R4.3): a non-urgent settings change (ウ) is planned;
//! late in September J-LIS notifies OS security updates (イ); both are done together with
//! the password change (オ) in one visit in October, which needs the City's approval.

use chrono::Datelike;

use super::checks::request;
use super::{d, fields};
use crate::contract::{CategoryCode, Contract};
use crate::jobs::*;
use crate::people::Role::*;
use crate::requests::*;

fn notice(received_on: &str, kind: &str, title: &str) -> NoticeDraft {
    NoticeInput {
        received_on: received_on.into(),
        jlis_reference: format!("J-LIS-{received_on}"),
        title: title.into(),
        body: title.into(),
        kind: kind.into(),
        requested_deadline: None,
    }
    .check()
    .unwrap()
}

fn job(category: &str, origin: &str, notice_id: Option<i64>) -> JobDraft {
    JobInput {
        category: category.into(),
        origin: origin.into(),
        notice_id,
        title: format!("{category}の作業"),
        description: None,
        all_terminals: true,
        terminal_ids: vec![],
    }
    .check()
    .unwrap()
}

#[test]
fn i_u_and_o_combined_into_one_october_request() {
    // Notices 1 (ウ, August) and 2 (イ, late September), recorded by the City.
    let settings = notice("2020-08-20", "settings_change", "設定変更の通知");
    let security = notice("2020-09-25", "os_security_update", "セキュリティ更新の通知");
    assert_eq!(settings.kind.category(), CategoryCode::NoticeSettingsChange);
    assert_eq!(security.kind.category(), CategoryCode::OsSecurityUpdate);
    let received = NoticeStatus::initial(CityStaff).unwrap();
    let notice_status = notice_transition(received, NoticeVerb::CreateJobs, CityStaff).unwrap();
    assert_eq!(notice_status, NoticeStatus::JobsCreated);

    // Jobs 10 (ウ), 11 (イ) and 12 (オ, the City's own order).
    let jobs = [
        (10, job("ウ", "notice", Some(1))),
        (11, job("イ", "notice", Some(2))),
        (12, job("オ", "city_order", None)),
    ];
    let kana: Vec<&str> = jobs.iter().map(|(_, j)| j.category.kana()).collect();
    assert_eq!(kana, ["ウ", "イ", "オ"]);

    // One 作業依頼書 for the three: refused until the combination's approval is recorded.
    let ids: Vec<i64> = jobs.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        fields(request(ids.clone(), false).check()),
        ["combination_approved"]
    );
    let r = request(ids, true).check().unwrap();
    assert!(r.is_combined() && r.combination_approved);
    assert_eq!(r.job_ids, [10, 11, 12]);
    let contract = Contract::builtin_default();
    for day in [r.period_from, r.period_to] {
        assert!(contract.period.contains(day));
        assert_eq!(day.month(), 10);
    }
    assert_eq!(crate::time::date_ja(r.period_from), "10月12日(月)");

    // Issuing it moves each job to 依頼済.
    assert_eq!(
        WorkRequestStatus::initial(CityStaff).unwrap(),
        WorkRequestStatus::Issued
    );
    for _ in &jobs {
        let s = job_transition(JobStatus::Planned, JobVerb::Request, CityStaff).unwrap();
        assert_eq!(s, JobStatus::Requested);
    }

    // After the visit the three jobs count as done in their rows, ウ in ウ・エ.
    let tallies: Vec<JobTally> = jobs
        .iter()
        .map(|(_, j)| JobTally {
            category: j.category,
            progress: Progress::Done {
                on: d(2020, 10, 14),
            },
        })
        .collect();
    let rows = category_counts(&contract, &tallies);
    let done: Vec<(&str, u32)> = rows
        .iter()
        .filter(|r| r.done > 0)
        .map(|r| (r.label.as_str(), r.done))
        .collect();
    assert_eq!(done, [("イ", 1), ("ウ・エ", 1), ("オ", 1)]);
}
