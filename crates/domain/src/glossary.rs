//! The contract's terms: one English name in code per Japanese term (see
//! shared/spec/glossary.md). Generated documents append their glossary from here (R8.4).

/// A term of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub ja: &'static str,
    pub reading: &'static str,
    pub code: &'static str,
    pub meaning_ja: &'static str,
}

const fn t(
    ja: &'static str,
    reading: &'static str,
    code: &'static str,
    meaning_ja: &'static str,
) -> Term {
    Term {
        ja,
        reading,
        code,
        meaning_ja,
    }
}

pub const TERMS: &[Term] = &[
    t(
        "住民基本台帳ネットワークシステム(住基ネット)",
        "じゅうきねっと",
        "jukinet",
        "全国の住民基本台帳を結ぶネットワークシステム",
    ),
    t(
        "地方公共団体情報システム機構(J-LIS)",
        "じぇいりす",
        "jlis",
        "住基ネットを運営し、通知・指示を発出する機構",
    ),
    t(
        "統合端末",
        "とうごうたんまつ",
        "terminal",
        "区役所等に設置された住基ネットの端末",
    ),
    t(
        "タッチパネル",
        "たっちぱねる",
        "touch_panel",
        "統合端末に付属する入力装置",
    ),
    t(
        "拠点",
        "きょてん",
        "site",
        "統合端末が設置された区役所・分庁舎",
    ),
    t(
        "本市担当者",
        "ほんしたんとうしゃ",
        "city_staff",
        "作業を依頼し承認する札幌市の担当職員",
    ),
    t(
        "受託者",
        "じゅたくしゃ",
        "contractor",
        "運用サポート業務を受託した事業者",
    ),
    t(
        "業務責任者",
        "ぎょうむせきにんしゃ",
        "contractor_lead",
        "受託者側で業務全体に責任を持つ者",
    ),
    t(
        "作業従事者",
        "さぎょうじゅうじしゃ",
        "contractor_worker",
        "受託者側で作業に従事する者",
    ),
    t(
        "セキュリティ責任者",
        "せきゅりてぃせきにんしゃ",
        "security_officer",
        "情報セキュリティ対策に責任を持つ者",
    ),
    t(
        "機器賃貸業者",
        "ききちんたいぎょうしゃ",
        "lessor",
        "機器を賃貸し、修理・交換を行う事業者",
    ),
    t(
        "システム運用保守業者",
        "しすてむうんようほしゅぎょうしゃ",
        "operations_contractor",
        "日常運用と中間サーバを担う事業者",
    ),
    t(
        "ネットワーク保守業者",
        "ねっとわーくほしゅぎょうしゃ",
        "network_contractor",
        "ネットワークの保守を担う事業者",
    ),
    t(
        "監査記録",
        "かんさきろく",
        "audit_entry",
        "誰がいつ何を変更したかの改ざん検知付き記録",
    ),
    t(
        "通知・指示(J-LISからの)",
        "つうち",
        "notice",
        "J-LISから本市への作業の通知・指示",
    ),
    t(
        "作業",
        "さぎょう",
        "job",
        "作業区分ア〜クのいずれかに属するひとつの作業",
    ),
    t(
        "作業依頼書",
        "さぎょういらいしょ",
        "work_request",
        "本市が発行する作業の依頼書(複数の作業をまとめることがある)",
    ),
    t(
        "作業手順書",
        "さぎょうてじゅんしょ",
        "procedure",
        "受託者が作成し本市が版ごとに承認する作業の手順",
    ),
    t(
        "承認",
        "しょうにん",
        "approval",
        "ひとつの版に対する本市の判断",
    ),
    t(
        "疑義",
        "ぎぎ",
        "question",
        "仕様書にない事項等について受託者が確認し本市が回答するもの",
    ),
    t(
        "訪問",
        "ほうもん",
        "visit",
        "作業従事者が特定の日に拠点で作業する予定",
    ),
    t(
        "作業記録",
        "さぎょうきろく",
        "work_record",
        "統合端末ごと・手順ごとの実施結果、実施者、日時",
    ),
    t(
        "結果報告",
        "けっかほうこく",
        "result_report",
        "作業記録から作成する作業依頼書への結果の報告",
    ),
    t(
        "管理者権限パスワードの変更",
        "かんりしゃけんげんぱすわーどのへんこう",
        "password_rotation",
        "統合端末の管理者パスワードの年1回の変更(パスワード自体は記録しない)",
    ),
    t(
        "点検(年次)",
        "てんけん",
        "inspection",
        "統合端末等の設置及び設定状況の年次の点検",
    ),
    t(
        "時間外作業",
        "じかんがいさぎょう",
        "off_hours_work",
        "開庁日の8時45分〜17時15分以外または閉庁日の作業",
    ),
    t(
        "入退庁・入退室の許可",
        "にゅうたいちょう",
        "entry_permit",
        "菊水分庁舎・17時15分以降の区役所・指定室に入るための許可",
    ),
    t(
        "提出書類・成果品",
        "ていしゅつしょるい",
        "deliverable",
        "本市へ期限までに提出する書類",
    ),
    t(
        "閉庁日",
        "へいちょうび",
        "closed_day",
        "土日・祝日・年末年始など庁舎の閉まる日",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_ascii() {
        let mut codes: Vec<&str> = TERMS.iter().map(|t| t.code).collect();
        assert!(codes.iter().all(|c| c.is_ascii()));
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), TERMS.len());
    }
}
