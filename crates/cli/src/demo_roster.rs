//! The demo's roster (従事者名簿): the lead and the worker notified in time before the
//! contract starts, an approved subcontracting application with its person, and one change
//! notified late (期限後) so the page shows the flag and the count.

use jukiops_domain::roster::RosterChangeInput;
use jukiops_domain::roster::RosterPersonInput;
use jukiops_domain::roster::subcontracting::{SubcontractDecisionInput, SubcontractInput};
use jukiops_store::Actor;

fn person(name: &str, kana: &str, company: &str, role: &str, badge: &str) -> RosterPersonInput {
    RosterPersonInput {
        name: name.into(),
        kana: kana.into(),
        company: company.into(),
        contract_role: role.into(),
        badge_number: badge.into(),
        contact: "011-555-0100".into(),
        effective_on: "2020-10-01".into(),
        given_at: Some("2020-09-25T10:00".into()),
        ..Default::default()
    }
}

/// Puts accounts `lead` and `worker` on the roster, with a subcontractor's person and a
/// late change.
pub async fn seed_roster(app: &jukiops_app::App, lead: i64, worker: i64) -> anyhow::Result<()> {
    let demo = Actor::System("demo".into());
    let company = "北海道システムサービス株式会社";
    let mut l = person(
        "受託 太郎",
        "じゅたく たろう",
        company,
        "contract_lead",
        "L-0001",
    );
    l.user_id = Some(lead);
    app.add_roster_person(&demo, &l).await?;
    let mut w = person(
        "作業 一郎",
        "さぎょう いちろう",
        company,
        "worker",
        "W-0001",
    );
    w.user_id = Some(worker);
    let w = app.add_roster_person(&demo, &w).await?;

    let sub = app
        .apply_subcontract(
            &demo,
            &SubcontractInput {
                subcontractor: "札幌端末サポート株式会社".into(),
                scope: "統合端末のOSセキュリティ更新作業の補助".into(),
                planned_start: "2020-10-12".into(),
            },
        )
        .await?;
    let approve = SubcontractDecisionInput {
        decision: "approve".into(),
        comment: Some("再委託を承認します。".into()),
    };
    app.decide_subcontract(&demo, sub.id, &approve).await?;
    let mut s = person(
        "再委 花子",
        "さいい はなこ",
        "札幌端末サポート株式会社",
        "worker",
        "S-0001",
    );
    s.subcontract_id = Some(sub.id);
    s.effective_on = "2020-10-12".into();
    s.given_at = Some("2020-10-08T15:00".into());
    app.add_roster_person(&demo, &s).await?;

    // The worker's new contact number took effect on 15 October, notified on the 16th: late.
    let late = RosterChangeInput {
        kind: "modify".into(),
        effective_on: "2020-10-15".into(),
        given_at: Some("2020-10-16T10:00".into()),
        contact: Some("011-555-0199".into()),
        ..Default::default()
    };
    app.notify_roster_change(&demo, w.id, &late).await?;
    for n in app.roster_notices(&demo).await?.items.iter().skip(1) {
        app.acknowledge_roster_notice(&demo, n.id).await?;
    }
    Ok(())
}
