//! The worker roster (従事者名簿, §5(6)イ, §5(4)) and subcontracting (再委託申請書, §6(1)),
//! issue 15 items 3 and 5.
//!
//! The roster limits who does the work: the contractor submits it before the work starts
//! and gives the City a written notice BEFORE every change (add, modify, remove) takes
//! effect. A roster person's details and standing are never stored as such: they are
//! derived from their notices, each with its effective date and the instant it was given
//! ([`standing`]). The rule is the advance notice, not the City's acknowledgement, which
//! is recorded when it comes.
//!
//! A late notice (given on or after its effective day, Japan time) is kept as a fact,
//! flagged and counted per month of its effective date; it counts from the day it was
//! given, never earlier: a late addition puts no one on the roster for the days before the
//! City heard of it. A removal counts from its effective date however late it was given
//! (it never widens the roster).
//!
//! Only a person on the roster on a day can be named as doing the work that day: visit
//! members, performers of work records, オ password changes, カ inspections, off-hours
//! workers and the log of other work ([`judge_on_roster`], called by the store wherever a
//! person is named). A subcontractor's person joins only once the City has approved the
//! subcontracting application ([`subcontracting`]).

mod input;
mod standing;
pub mod subcontracting;

pub use input::{
    MAX_TEXT, NewPersonFacts, RosterChangeDraft, RosterChangeInput, RosterDetails,
    RosterPersonDraft, RosterPersonInput, judge_acknowledgement, judge_change, judge_new_person,
};
pub use standing::{
    AccountRoster, NoticeFact, details_on, given_on, in_force_from, is_late, judge_on_roster,
    late_by_month, on_roster, roster_span,
};

labelled_enum! {
    /// What a roster notice does to a person's place on the roster.
    pub enum NoticeKind {
        /// Puts the person on the roster (the initial submission, or a later addition).
        Add = ("add", "追加"),
        /// Changes the person's details (name, company, role, badge, contact).
        Modify = ("modify", "変更"),
        /// Takes the person off the roster.
        Remove = ("remove", "削除"),
    }
}

labelled_enum! {
    /// A roster person's role in the contract.
    pub enum RosterRole {
        ContractLead = ("contract_lead", "業務責任者"),
        Worker = ("worker", "作業従事者"),
        DataProtectionOfficer = ("data_protection_officer", "データ保護責任者"),
        SecurityOfficer = ("security_officer", "セキュリティ責任者"),
        AssetHandler = ("asset_handler", "情報資産取扱者"),
    }
}

/// The Japanese names of a roster person's and a roster notice's recorded fields.
pub const ROSTER_FIELDS: &[(&str, &str)] = &[
    ("kind", "届出の種類"),
    ("name", "氏名"),
    ("kana", "ふりがな"),
    ("company", "会社名"),
    ("contract_role", "契約上の役割"),
    ("badge_number", "身分証明書番号"),
    ("contact", "連絡先"),
    ("user_id", "利用者アカウント"),
    ("subcontract_id", "再委託申請書"),
    ("effective_on", "効力発生日"),
    ("given_at", "本市への届出日時"),
    ("late", "期限後の届出"),
    ("acknowledged_by", "本市の受領者"),
    ("acknowledged_at", "本市の受領日時"),
];

#[cfg(test)]
mod tests;
