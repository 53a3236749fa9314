//! The contract's closed vocabularies: the work categories ア..ク (§4), where a category's
//! work comes from (§4(1)-(3)), and the related parties (§7, R9.3).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One of the eight work categories of §4 (R2-R4). Serialized as its kana (`"ア"`), which
/// is also how the contract file and the UI name it. Ordered ア..ク.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CategoryCode {
    /// ア: software update/application per a J-LIS notice (R2.1).
    SoftwareUpdate,
    /// イ: OS security updates per a J-LIS notice (R2.2).
    OsSecurityUpdate,
    /// ウ: settings change/fix per a J-LIS notice (R2.3).
    NoticeSettingsChange,
    /// エ: settings change/fix ordered by the City (R3.1).
    CitySettingsChange,
    /// オ: change of the terminals' administrator password (R3.2).
    PasswordRotation,
    /// カ: annual inspection of installation and settings (R3.3).
    AnnualInspection,
    /// キ: recovery of a failed integrated terminal (R4.1).
    TerminalRecovery,
    /// ク: recovery of a failed touch panel (R4.2).
    TouchPanelRecovery,
}

impl CategoryCode {
    /// All categories in ア..ク order.
    pub const ALL: [CategoryCode; 8] = [
        Self::SoftwareUpdate,
        Self::OsSecurityUpdate,
        Self::NoticeSettingsChange,
        Self::CitySettingsChange,
        Self::PasswordRotation,
        Self::AnnualInspection,
        Self::TerminalRecovery,
        Self::TouchPanelRecovery,
    ];

    /// The kana the specification uses for the category: `"ア"`..`"ク"`.
    pub fn kana(self) -> &'static str {
        match self {
            Self::SoftwareUpdate => "ア",
            Self::OsSecurityUpdate => "イ",
            Self::NoticeSettingsChange => "ウ",
            Self::CitySettingsChange => "エ",
            Self::PasswordRotation => "オ",
            Self::AnnualInspection => "カ",
            Self::TerminalRecovery => "キ",
            Self::TouchPanelRecovery => "ク",
        }
    }

    /// The category named by its kana (surrounding spaces ignored).
    pub fn from_kana(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|c| c.kana() == text)
    }
}

impl std::fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kana())
    }
}

/// The text given is not one of ア..ク.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("作業区分「{0}」はありません（ア〜クのいずれかを指定してください）")]
pub struct UnknownCategory(pub String);

impl std::str::FromStr for CategoryCode {
    type Err = UnknownCategory;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_kana(s).ok_or_else(|| UnknownCategory(s.to_string()))
    }
}

impl Serialize for CategoryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.kana())
    }
}

impl<'de> Deserialize<'de> for CategoryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

labelled_enum! {
    /// Where the work of a category comes from: the three groups of §4.
    pub enum WorkOrigin {
        /// §4(1): a J-LIS notice or instruction (R2).
        JlisNotice = ("jlis_notice", "J-LISからの通知対応"),
        /// §4(2): an instruction of the City (R3).
        CityOrder = ("city_order", "本市独自指示に基づく作業"),
        /// §4(3): a fault of a terminal or touch panel (R4).
        Incident = ("incident", "その他のサポートサービス（障害対応）"),
    }
}

labelled_enum! {
    /// The kind of a related party (§7, R9.3).
    pub enum PartyKind {
        /// 機器賃貸業者: leases the equipment; repairs and replaces hardware.
        Lessor = ("lessor", "機器賃貸業者"),
        /// システム運用保守業者: daily operation and the intermediate server.
        OperationsContractor = ("operations_contractor", "システム運用保守業者"),
        /// ネットワーク保守業者: network maintenance.
        NetworkContractor = ("network_contractor", "ネットワーク保守業者"),
    }
}
