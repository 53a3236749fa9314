//! `jukiops demo`: a fresh SQLite database with the default contract, about 50 terminals with
//! touch panels over the sites, one user per role (passwords printed once), and a few
//! October visits showing the schedule's checks.

use anyhow::Context;
use jukiops_domain::inventory::{AssetStatus, TerminalDraft, TouchPanelDraft};
use jukiops_domain::jobs::{JobInput, NoticeInput};
use jukiops_domain::people::{Action, NewUserInput, Role};
use jukiops_domain::requests::{
    ProcedureInput, ProcedureStepInput, QuestionInput, WorkRequestInput,
};
use jukiops_domain::responsible_persons::DesignationInput;
use jukiops_domain::schedule::{OffHoursInput, VisitInput};
use jukiops_domain::work_log::WorkLogInput;
use jukiops_store::Actor;
use rand::Rng;

/// A readable random password (no look-alike characters).
pub fn random_password() -> String {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

const ROOMS: [&str; 4] = ["市民課", "戸籍住民課", "保険年金課", "窓口サービス係"];

/// Seeds `store` (already migrated, empty) and returns `(username, role, password)`.
pub async fn seed(app: &jukiops_app::App) -> anyhow::Result<Vec<(String, Role, String)>> {
    let (store, contract) = (app.store(), app.contract());
    let actor = Actor::System("demo".into());
    store
        .sync_contract_sites(&actor.authorize(Action::EditInventory)?, &contract.sites)
        .await?;
    let mut n = 0;
    for (i, site) in contract.sites.iter().enumerate() {
        let count = if site.code == "kikusui" {
            2
        } else {
            5 - (i % 2)
        };
        for k in 0..count {
            n += 1;
            let status = if n % 17 == 0 {
                AssetStatus::UnderRepair
            } else if n % 23 == 0 {
                AssetStatus::Spare
            } else {
                AssetStatus::InService
            };
            let t = app
                .create_terminal(
                    &actor,
                    TerminalDraft {
                        asset_number: format!("JT-{n:04}"),
                        serial: format!("FJ20{:06}", 310_000 + n * 7),
                        model: "ESPRIMO D588/V".into(),
                        site_code: site.code.clone(),
                        room: Some(ROOMS[k % ROOMS.len()].to_string()),
                        lessor: Some("富士通リース株式会社".into()),
                        lease_start: chrono::NaiveDate::from_ymd_opt(2019, 4, 1),
                        lease_end: chrono::NaiveDate::from_ymd_opt(2024, 3, 31),
                        status,
                    },
                )
                .await?;
            app.create_touch_panel(
                &actor,
                TouchPanelDraft {
                    asset_number: format!("TP-{n:04}"),
                    serial: format!("TPX{:07}", 5_200_000 + n * 13),
                    model: "DT-15XA".into(),
                    status: AssetStatus::InService,
                },
                Some(t.id),
            )
            .await?;
        }
    }
    for s in 1..=2 {
        app.create_touch_panel(
            &actor,
            TouchPanelDraft {
                asset_number: format!("TP-S{s:03}"),
                serial: format!("TPSPARE{s:03}"),
                model: "DT-15XA".into(),
                status: AssetStatus::Spare,
            },
            None,
        )
        .await?;
    }
    let people = [
        ("city", "札幌 花子", Role::CityStaff),
        ("lead", "受託 太郎", Role::ContractorLead),
        ("worker", "作業 一郎", Role::ContractorWorker),
        ("security", "保全 次郎", Role::SecurityOfficer),
        ("auditor", "監査 三郎", Role::Auditor),
        ("admin", "管理 四郎", Role::Admin),
        ("ward", "区役 五月", Role::SiteStaff),
    ];
    // The ward office's staff member works at the first site of the contract (中央区).
    let ward_site = app
        .store()
        .all_sites()
        .await?
        .first()
        .map(|s| s.id)
        .context("契約に拠点がありません")?;
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for (username, display_name, role) in people {
        let pw = random_password();
        let input = NewUserInput {
            username: username.into(),
            display_name: display_name.into(),
            role: role.as_str().into(),
            password: pw.clone(),
            site_id: (role == Role::SiteStaff).then_some(ward_site),
            badge_number: match username {
                "worker" => "W-0001".into(),
                "lead" => "L-0001".into(),
                _ => String::new(),
            },
        };
        let user = app
            .create_user(&actor, &input)
            .await
            .with_context(|| format!("利用者 {username} を作成できません"))?;
        ids.push((username, user.id));
        out.push((username.to_string(), role, pw));
    }
    let id = |name: &str| ids.iter().find(|(u, _)| *u == name).map(|(_, id)| *id);
    let (Some(lead), Some(worker)) = (id("lead"), id("worker")) else {
        anyhow::bail!("業務責任者と作業従事者がいません");
    };
    crate::demo_roster::seed_roster(app, lead, worker).await?;
    seed_schedule(app).await?;
    seed_jobs(app, &actor).await?;
    seed_deliverables(app, &actor).await?;
    Ok(out)
}

/// A one-page PDF standing for a document the contractor wrote.
fn demo_pdf(title: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% jukiops demo: {title}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        .into_bytes()
}

/// The register under way: the 業務責任者指定通知書 accepted, October's 業務報告書 returned
/// with the City's comment, November's waiting for the City.
async fn seed_deliverables(app: &jukiops_app::App, actor: &Actor) -> anyhow::Result<()> {
    use jukiops_domain::deliverables::DecisionInput;
    let all = app.deliverables(actor).await?;
    let id_of = |title: &str| {
        all.iter()
            .find(|d| d.deliverable.title == title)
            .map(|d| d.deliverable.id)
    };
    let decide = |verdict: &str, comment: Option<&str>| DecisionInput {
        verdict: verdict.into(),
        comment: comment.map(String::from),
    };
    if let Some(id) = id_of("業務責任者指定通知書") {
        app.submit_deliverable(actor, id, "業務責任者指定通知書.pdf", &demo_pdf("lead"))
            .await?;
        app.decide_deliverable(actor, id, &decide("accept", None))
            .await?;
    }
    if let Some(id) = id_of("業務報告書（2020年10月分）") {
        app.submit_deliverable(actor, id, "業務報告書_2020年10月.pdf", &demo_pdf("october"))
            .await?;
        let comment = Some("問い合わせ対応の件数を追記してください。");
        app.decide_deliverable(actor, id, &decide("return", comment))
            .await?;
    }
    if let Some(id) = id_of("業務報告書（2020年11月分）") {
        app.submit_deliverable(
            actor,
            id,
            "業務報告書_2020年11月.pdf",
            &demo_pdf("november"),
        )
        .await?;
    }
    Ok(())
}

/// The specification's example under way: J-LIS notices for イ and ウ and the City's order
/// for オ, combined in one 作業依頼書; its procedure is submitted and a question is open.
async fn seed_jobs(app: &jukiops_app::App, actor: &Actor) -> anyhow::Result<()> {
    let store = app.store();
    let mut jobs = Vec::new();
    for (kind, category, reference, title) in [
        (
            "os_security_update",
            "イ",
            "J-LIS-R2-0101",
            "OSセキュリティ更新プログラム（10月分）の適用",
        ),
        (
            "settings_change",
            "ウ",
            "J-LIS-R2-0102",
            "統合端末の画面ロック設定の変更",
        ),
    ] {
        let notice = NoticeInput {
            received_on: "2020-10-01".into(),
            jlis_reference: reference.into(),
            title: title.into(),
            body: "J-LISからの通知（デモ用）".into(),
            kind: kind.into(),
            requested_deadline: Some("2020-10-30".into()),
        };
        let notice_id = app.record_notice(actor, &notice).await?.notice.id;
        let job = JobInput {
            category: category.into(),
            origin: "notice".into(),
            notice_id: Some(notice_id),
            title: title.into(),
            description: None,
            all_terminals: true,
            terminal_ids: Vec::new(),
        };
        jobs.push(app.create_job(actor, &job).await?.job.id);
    }
    let order = JobInput {
        category: "オ".into(),
        origin: "city_order".into(),
        notice_id: None,
        title: "統合端末の管理者パスワードの変更（年1回）".into(),
        description: None,
        all_terminals: true,
        terminal_ids: Vec::new(),
    };
    jobs.push(app.create_job(actor, &order).await?.job.id);
    let sites = store.all_sites().await?.into_iter().map(|s| s.id).collect();
    let request = WorkRequestInput {
        request_number: "札住基第R2-001号".into(),
        issued_on: "2020-10-01".into(),
        period_from: "2020-10-05".into(),
        period_to: "2020-10-07".into(),
        site_ids: sites,
        contents: "イ・ウ・オの作業を同時に実施してください。".into(),
        job_ids: jobs,
        combination_approved: true,
    };
    let rid = app.issue_request(actor, &request).await?.request.summary.id;
    let steps = [
        ("業務終了を確認し、統合端末にログインする", "ログインできる"),
        (
            "OSセキュリティ更新プログラムを適用する",
            "更新履歴に適用済みと表示される",
        ),
        (
            "画面ロックの設定を通知のとおり変更する",
            "10分で画面がロックされる",
        ),
        (
            "管理者パスワードを変更する（パスワードは記録しない）",
            "新しいパスワードでログインできる",
        ),
    ];
    let procedure = ProcedureInput {
        steps: steps
            .iter()
            .map(|(a, e)| ProcedureStepInput {
                action: (*a).into(),
                expected_result: (*e).into(),
            })
            .collect(),
        note: None,
    };
    let saved = app.save_procedure(actor, rid, &procedure).await?;
    let pid = saved
        .procedures
        .first()
        .context("作業手順書がありません")?
        .id;
    app.submit_procedure(actor, pid).await?;
    let question = QuestionInput {
        work_request_id: Some(rid),
        subject: "再起動の時間帯".into(),
        body: "更新プログラム適用後の再起動は、窓口業務終了後に行ってよいでしょうか。".into(),
    };
    app.raise_question(actor, rid, &question).await?;
    Ok(())
}

/// A few October visits: one in order, one at the 菊水分庁舎 still lacking its entry
/// permit, and an evening one under the lead's off-hours application the City has not
/// decided.
async fn seed_schedule(app: &jukiops_app::App) -> anyhow::Result<()> {
    let system = Actor::System("demo".into());
    let choices = app.schedule_choices(&system).await?;
    let person = |username: &str| {
        choices
            .workers
            .iter()
            .find(|p| p.username == username)
            .map(|p| p.id)
    };
    let worker = person("worker").context("作業従事者がいません")?;
    let lead = Actor::User {
        id: person("lead").context("業務責任者がいません")?,
        username: "lead".into(),
        role: Role::ContractorLead,
    };
    let site = |code: &str| choices.sites.iter().find(|s| s.code == code).map(|s| s.id);
    let (Some(chuo), Some(kita), Some(kikusui)) = (site("011011"), site("011029"), site("kikusui"))
    else {
        return Ok(());
    };
    let application = OffHoursInput {
        site_id: kita,
        date: "2020-10-08".into(),
        start: "17:15".into(),
        end: "19:00".into(),
        cause: "contractor".into(),
        reason: "窓口業務終了後に再起動を伴う作業を行うため".into(),
        worker_ids: vec![worker],
    };
    app.file_off_hours(&lead, &application).await?;
    for (site_id, date, start, end) in [
        (chuo, "2020-10-06", "09:00", "11:30"),
        (kikusui, "2020-10-07", "10:00", "11:00"),
        (kita, "2020-10-08", "17:30", "18:30"),
    ] {
        let visit = VisitInput {
            site_id,
            date: date.into(),
            start: start.into(),
            end: end.into(),
            purpose: "OSセキュリティ更新プログラムの適用".into(),
            room: None,
            worker_ids: vec![worker],
            terminal_ids: Vec::new(),
            all_terminals: true,
            request_id: None,
        };
        app.plan_visit(&system, &visit).await?;
    }
    let lead_id = person("lead");
    seed_responsible_persons(app, &lead, lead_id, worker).await?;
    seed_work_log(app, &lead, worker).await
}

/// The four designations of §6(1), §6(3) from the start of the period, which draw the
/// first organisation chart.
async fn seed_responsible_persons(
    app: &jukiops_app::App,
    lead: &Actor,
    lead_id: Option<i64>,
    worker: i64,
) -> anyhow::Result<()> {
    let from = app.contract().period.start.to_string();
    let people = [
        ("contract_lead", "受託 太郎", "011-200-0001", lead_id),
        ("data_protection_officer", "保護 良子", "011-200-0002", None),
        ("security_officer", "保全 次郎", "011-200-0003", None),
        ("asset_handler", "受託 太郎", "011-200-0001", lead_id),
        ("asset_handler", "作業 一郎", "011-200-0004", Some(worker)),
    ];
    for (kind, name, contact, user_id) in people {
        let input = DesignationInput {
            kind: kind.into(),
            name: name.into(),
            company: "受託システム株式会社".into(),
            contact: contact.into(),
            user_id,
            effective_from: from.clone(),
            ..Default::default()
        };
        app.designate(lead, &input).await?;
    }
    Ok(())
}

/// A few entries of work that is not on the equipment, by the lead and the worker.
async fn seed_work_log(app: &jukiops_app::App, lead: &Actor, worker: i64) -> anyhow::Result<()> {
    for (day, kind, minutes, summary, person) in [
        (
            "2020-10-02",
            "inquiry",
            30,
            "北区役所からの統合端末の起動手順に関する問い合わせに回答",
            None,
        ),
        (
            "2020-10-05",
            "research",
            90,
            "J-LISのOSセキュリティ更新の通知を読み、作業手順を確認",
            Some(worker),
        ),
        (
            "2020-10-09",
            "meeting",
            60,
            "本市担当者と10月の作業予定を打合せ",
            None,
        ),
        (
            "2020-10-30",
            "documents",
            120,
            "10月分の業務実施報告書を作成",
            None,
        ),
    ] {
        let entry = WorkLogInput {
            worked_on: day.into(),
            kind: kind.into(),
            minutes: Some(minutes),
            summary: summary.into(),
            person_id: person,
            request_id: None,
        };
        app.record_work_log(lead, &entry).await?;
    }
    Ok(())
}
