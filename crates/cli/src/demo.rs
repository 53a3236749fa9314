//! `jukiops demo`: a fresh SQLite database with the default contract, about 50 terminals with
//! touch panels over the sites, and one user per role (passwords printed once).

use anyhow::Context;
use jukiops_domain::contract::Contract;
use jukiops_domain::inventory::{AssetStatus, TerminalDraft, TouchPanelDraft};
use jukiops_domain::people::Role;
use jukiops_store::{Actor, NewUser, Store, password};
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
pub async fn seed(
    store: &Store,
    contract: &Contract,
) -> anyhow::Result<Vec<(String, Role, String)>> {
    let actor = Actor::System("demo".into());
    store.sync_contract_sites(&actor, &contract.sites).await?;
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
            let t = store
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
            store
                .create_touch_panel(
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
        store
            .create_touch_panel(
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
    ];
    let mut out = Vec::new();
    for (username, display_name, role) in people {
        let pw = random_password();
        let password_hash = password::hash(pw.clone()).await;
        store
            .create_user(
                &actor,
                NewUser {
                    username: username.into(),
                    display_name: display_name.into(),
                    role,
                    password_hash,
                },
            )
            .await
            .with_context(|| format!("利用者 {username} を作成できません"))?;
        out.push((username.to_string(), role, pw));
    }
    Ok(out)
}
