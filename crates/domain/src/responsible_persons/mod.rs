//! The contractor's responsible persons (§6(1), §6(3), R10.2, R10.7): the 業務責任者, the
//! データ保護責任者, the セキュリティ責任者 and the 情報資産取扱者, each a designation of a
//! person with the date it takes effect and, when known, the date it ends. One person is in
//! force per kind at a time (handlers: several). A new designation of a kind whose person is
//! in force with no end succeeds that person: the predecessor ends the day before, and the
//! designation is recorded as a change (a 業務責任者's change is a 業務責任者変更通知書,
//! R10.4). The contractor's lead designates; the City and the auditors read.
//!
//! The organisation chart (作業体制図, §6(2)) drawn from them lives in [`org_chart`].

pub mod org_chart;
#[cfg(test)]
mod tests;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::contract::Period;
use crate::people::Role;
use crate::rules::{Refusal, optional_date, required_date};
use crate::validation::{FieldErrors, optional_text, required_text};
use crate::vocab::Labelled;

labelled_enum! {
    /// What a person is designated as.
    pub enum DesignationKind {
        /// 業務責任者: responsible for the work (§6(1)).
        ContractLead = ("contract_lead", "業務責任者"),
        /// データ保護責任者 (§6(1)).
        DataProtectionOfficer = ("data_protection_officer", "データ保護責任者"),
        /// セキュリティ責任者 (§6(3), R10.7).
        SecurityOfficer = ("security_officer", "セキュリティ責任者"),
        /// 情報資産取扱者: allowed to handle information assets (§6(1)); several at a time.
        AssetHandler = ("asset_handler", "情報資産取扱者"),
    }
}

impl DesignationKind {
    /// Whether one person at most is in force at a time.
    pub fn single(self) -> bool {
        self != DesignationKind::AssetHandler
    }
}

/// The Japanese names of a designation's recorded fields.
pub const DESIGNATION_FIELDS: &[(&str, &str)] = &[
    ("kind", "指定の種類"),
    ("name", "氏名"),
    ("company", "所属"),
    ("contact", "連絡先"),
    ("user_id", "利用者アカウント"),
    ("effective_from", "適用開始日"),
    ("effective_until", "適用終了日"),
    ("previous_id", "前任の指定"),
    ("previous_name", "前任者"),
];

/// The longest name, company or contact, in characters.
pub const MAX_TEXT: usize = 100;
/// The longest note, in characters.
pub const MAX_NOTE: usize = 500;

/// A designation as typed (the form or the API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DesignationInput {
    /// contract_lead / data_protection_officer / security_officer / asset_handler
    pub kind: String,
    /// 氏名
    pub name: String,
    /// 所属(会社名)
    pub company: String,
    /// 連絡先(電話番号・メールアドレス)
    pub contact: String,
    /// The person's account, if they have one (the contractor's people only).
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub user_id: Option<i64>,
    /// 適用開始日 `YYYY-MM-DD`
    pub effective_from: String,
    /// 適用終了日 `YYYY-MM-DD` (optional)
    pub effective_until: Option<String>,
    pub note: Option<String>,
}

/// A checked designation, still to be judged against the contract and the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignationDraft {
    pub kind: DesignationKind,
    pub name: String,
    pub company: String,
    pub contact: String,
    pub user_id: Option<i64>,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub note: Option<String>,
}

impl DesignationInput {
    pub fn check(&self) -> Result<DesignationDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = DesignationKind::from_code_or_label(&self.kind);
        if kind.is_none() {
            e.push("kind", DesignationKind::one_of_message("指定の種類"));
        }
        let name = required_text(&mut e, "name", "氏名", &self.name, MAX_TEXT);
        let company = required_text(&mut e, "company", "所属", &self.company, MAX_TEXT);
        let contact = required_text(&mut e, "contact", "連絡先", &self.contact, MAX_TEXT);
        let from = required_date(&mut e, "effective_from", "適用開始日", &self.effective_from);
        let until = optional_date(
            &mut e,
            "effective_until",
            "適用終了日",
            self.effective_until.as_deref(),
        );
        let note = optional_text(&mut e, "note", "備考", self.note.as_deref(), MAX_NOTE);
        match (kind, from) {
            (Some(kind), Some(from)) if e.is_empty() => Ok(DesignationDraft {
                kind,
                name,
                company,
                contact,
                user_id: self.user_id,
                from,
                until,
                note,
            }),
            _ => Err(e),
        }
    }
}

/// The end of a designation as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EndInput {
    /// 適用終了日 `YYYY-MM-DD`: the last day the designation is in force.
    pub effective_until: String,
}

impl EndInput {
    pub fn check(&self) -> Result<NaiveDate, FieldErrors> {
        let mut e = FieldErrors::default();
        let until = required_date(
            &mut e,
            "effective_until",
            "適用終了日",
            &self.effective_until,
        );
        match until {
            Some(d) if e.is_empty() => Ok(d),
            _ => Err(e),
        }
    }
}

checked_by!(DesignationInput => DesignationDraft, EndInput => NaiveDate);

/// A stored designation, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Designation {
    pub id: i64,
    pub kind: DesignationKind,
    pub name: String,
    pub company: String,
    pub contact: String,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Designation {
    /// Whether the designation is in force on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.from <= date && self.until.is_none_or(|u| date <= u)
    }

    /// Whether it overlaps the days `from..=until` (no end: open).
    fn overlaps(&self, from: NaiveDate, until: Option<NaiveDate>) -> bool {
        self.until.is_none_or(|u| from <= u) && until.is_none_or(|u| self.from <= u)
    }

    fn span_ja(&self) -> String {
        match self.until {
            Some(u) => format!("{}〜{}", self.from, u),
            None => format!("{}〜", self.from),
        }
    }
}

/// The account a designation names, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountFacts {
    pub role: Role,
    pub disabled: bool,
}

/// What a designation is judged against: the contract period, the designations of the
/// same kind, and the account it names (none: not found).
#[derive(Debug, Clone)]
pub struct DesignationFacts<'a> {
    pub period: Period,
    pub same_kind: &'a [Designation],
    pub account: Option<AccountFacts>,
}

/// What a designation accepted does to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A first designation (or one after a gap).
    New,
    /// A change: `previous` ends on `previous_until`, the day before the new one.
    Succeeds {
        previous: i64,
        previous_until: NaiveDate,
    },
}

/// The roles of the contractor's people, who alone may be designated with an account.
const CONTRACTOR_ROLES: &[Role] = &[
    Role::ContractorLead,
    Role::ContractorWorker,
    Role::SecurityOfficer,
];

fn check_dates(period: Period, from: NaiveDate, until: Option<NaiveDate>) -> Result<(), Refusal> {
    let outside = |d: NaiveDate| !period.contains(d);
    let range = format!("{}〜{}", period.start, period.end);
    if outside(from) {
        return Err(Refusal::invalid(
            "effective_from",
            format!("適用開始日は履行期間（{range}）の日付を指定してください。"),
        ));
    }
    if let Some(u) = until {
        if outside(u) {
            return Err(Refusal::invalid(
                "effective_until",
                format!("適用終了日は履行期間（{range}）の日付を指定してください。"),
            ));
        }
        if u < from {
            return Err(Refusal::invalid(
                "effective_until",
                "適用終了日は適用開始日以降の日付を指定してください。",
            ));
        }
    }
    Ok(())
}

fn check_account(d: &DesignationDraft, account: Option<AccountFacts>) -> Result<(), Refusal> {
    let Some(id) = d.user_id else { return Ok(()) };
    let Some(a) = account else {
        return Err(Refusal::unknown("user_id", "利用者", id));
    };
    if a.disabled {
        return Err(Refusal::invalid(
            "user_id",
            "無効にされた利用者アカウントは指定できません。",
        ));
    }
    if !CONTRACTOR_ROLES.contains(&a.role) {
        return Err(Refusal::invalid(
            "user_id",
            format!(
                "利用者アカウントは受託者の利用者（業務責任者・作業従事者・セキュリティ責任者）を選んでください（{}は選べません）。",
                a.role.label_ja()
            ),
        ));
    }
    Ok(())
}

/// Whether two designations name the same person (name and company, spaces ignored).
fn same_person(a: &Designation, d: &DesignationDraft) -> bool {
    let norm = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    norm(&a.name) == norm(&d.name) && norm(&a.company) == norm(&d.company)
}

/// Judges a designation: its dates in the contract period, its account one of the
/// contractor's people, and no overlap with another of its kind: for the single kinds a
/// person in force with no end from an earlier day is succeeded (a change), any other
/// overlap is refused naming `effective_from`; a handler may not be designated twice over
/// the same days.
pub fn judge_designation(d: &DesignationDraft, f: &DesignationFacts) -> Result<Outcome, Refusal> {
    check_dates(f.period, d.from, d.until)?;
    check_account(d, f.account)?;
    let overlapping = f
        .same_kind
        .iter()
        .filter(|e| e.kind == d.kind && e.overlaps(d.from, d.until));
    if !d.kind.single() {
        if let Some(e) = overlapping.into_iter().find(|e| same_person(e, d)) {
            return Err(Refusal::conflict(
                "name",
                format!(
                    "{}（{}）は既に{}として指定されています（{}）。",
                    e.name,
                    e.company,
                    d.kind.label_ja(),
                    e.span_ja()
                ),
            ));
        }
        return Ok(Outcome::New);
    }
    let mut outcome = Outcome::New;
    for e in overlapping {
        let succeeded = e.until.is_none() && e.from < d.from && outcome == Outcome::New;
        if !succeeded {
            return Err(Refusal::conflict(
                "effective_from",
                format!(
                    "{}の期間が既存の指定（{}、{}）と重なっています。{}は同時に1人です。",
                    d.kind.label_ja(),
                    e.name,
                    e.span_ja(),
                    d.kind.label_ja()
                ),
            ));
        }
        let previous_until = d
            .from
            .checked_sub_days(Days::new(1))
            .ok_or_else(|| Refusal::invalid("effective_from", "適用開始日が正しくありません。"))?;
        outcome = Outcome::Succeeds {
            previous: e.id,
            previous_until,
        };
    }
    Ok(outcome)
}

/// Judges the end of designation `e` on `until`: in the contract period, not before it
/// takes effect, and earlier than an end it already has.
pub fn judge_end(e: &Designation, until: NaiveDate, period: Period) -> Result<(), Refusal> {
    check_dates(period, e.from, Some(until))?;
    if let Some(u) = e.until.filter(|u| *u <= until) {
        return Err(Refusal::conflict(
            "effective_until",
            format!("この指定は既に{u}までとなっています。それより前の日付を指定してください。"),
        ));
    }
    Ok(())
}

/// The designations of `all` in force on `date`, by kind in declaration order, then by
/// the day they took effect.
pub fn in_force_on(all: &[Designation], date: NaiveDate) -> Vec<&Designation> {
    let mut v: Vec<&Designation> = all.iter().filter(|d| d.in_force_on(date)).collect();
    let rank = |k: DesignationKind| DesignationKind::ALL.iter().position(|x| *x == k);
    v.sort_by_key(|d| (rank(d.kind), d.from, d.id));
    v
}
