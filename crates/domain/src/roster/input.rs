//! Roster persons and notices as typed, and the judges of a new person, a change and the
//! City's acknowledgement.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::standing::{NoticeFact, in_force_from};
use super::subcontracting::SubcontractStatus;
use super::{NoticeKind, RosterRole};
use crate::people::{PersonFacts, does_contract_work, not_a_contract_worker};
use crate::rules::{Refusal, required_date, required_instant};
use crate::validation::{FieldErrors, optional_text, required_text};
use crate::vocab;

/// The longest text of a roster field, in characters.
pub const MAX_TEXT: usize = 200;

/// How far ahead of the server's clock a typed instant may be (a clock a little fast).
const CLOCK_SLACK_MINUTES: i64 = 5;

/// A person's details on the roster, as a notice gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RosterDetails {
    pub name: String,
    pub kana: String,
    pub company: String,
    pub contract_role: RosterRole,
    pub badge_number: String,
    pub contact: String,
}

/// A new roster person with the notice that adds them, as typed (the form or the API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RosterPersonInput {
    pub name: String,
    pub kana: String,
    /// The company: the contractor's or the subcontractor's.
    pub company: String,
    /// contract_lead / worker / data_protection_officer / security_officer / asset_handler
    pub contract_role: String,
    /// The ID badge's number (身分証明書番号).
    pub badge_number: String,
    /// A telephone number or e-mail address.
    pub contact: String,
    /// The person's account, where they have one (a subcontractor's worker may have none).
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub user_id: Option<i64>,
    /// The approved subcontracting application, for a subcontractor's person.
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub subcontract_id: Option<i64>,
    /// The day the person joins the roster: `YYYY-MM-DD`.
    pub effective_on: String,
    /// When the notice was given to the City, Japan time `YYYY-MM-DDTHH:MM`; empty: now.
    pub given_at: Option<String>,
}

/// A checked new roster person, still to be judged against the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterPersonDraft {
    pub details: RosterDetails,
    pub user_id: Option<i64>,
    pub subcontract_id: Option<i64>,
    pub effective_on: NaiveDate,
    pub given_at: Option<DateTime<Utc>>,
}

fn optional_instant(e: &mut FieldErrors, v: Option<&str>) -> Option<DateTime<Utc>> {
    let v = v.map(str::trim).filter(|s| !s.is_empty())?;
    required_instant(e, "given_at", "本市への届出日時", v)
}

impl RosterPersonInput {
    pub fn check(&self) -> Result<RosterPersonDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = required_text(&mut e, "name", "氏名", &self.name, MAX_TEXT);
        let kana = required_text(&mut e, "kana", "ふりがな", &self.kana, MAX_TEXT);
        let company = required_text(&mut e, "company", "会社名", &self.company, MAX_TEXT);
        let role = vocab::required::<RosterRole>(
            &mut e,
            "contract_role",
            "契約上の役割",
            &self.contract_role,
        );
        let badge = required_text(
            &mut e,
            "badge_number",
            "身分証明書番号",
            &self.badge_number,
            MAX_TEXT,
        );
        let contact = required_text(&mut e, "contact", "連絡先", &self.contact, MAX_TEXT);
        let effective_on = required_date(&mut e, "effective_on", "効力発生日", &self.effective_on);
        let given_at = optional_instant(&mut e, self.given_at.as_deref());
        match (role, effective_on) {
            (Some(contract_role), Some(effective_on)) if e.is_empty() => Ok(RosterPersonDraft {
                details: RosterDetails {
                    name,
                    kana,
                    company,
                    contract_role,
                    badge_number: badge,
                    contact,
                },
                user_id: self.user_id,
                subcontract_id: self.subcontract_id,
                effective_on,
                given_at,
            }),
            _ => Err(e),
        }
    }
}

/// A notice of a change to a roster person, as typed: the kind, its effective date, when
/// it was given, and for a modification the details that change (empty keeps them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RosterChangeInput {
    /// add (back on the roster) / modify / remove
    pub kind: String,
    /// `YYYY-MM-DD`
    pub effective_on: String,
    /// Japan time `YYYY-MM-DDTHH:MM`; empty: now.
    pub given_at: Option<String>,
    pub name: Option<String>,
    pub kana: Option<String>,
    pub company: Option<String>,
    pub contract_role: Option<String>,
    pub badge_number: Option<String>,
    pub contact: Option<String>,
}

/// A checked change notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterChangeDraft {
    pub kind: NoticeKind,
    pub effective_on: NaiveDate,
    pub given_at: Option<DateTime<Utc>>,
    pub name: Option<String>,
    pub kana: Option<String>,
    pub company: Option<String>,
    pub contract_role: Option<RosterRole>,
    pub badge_number: Option<String>,
    pub contact: Option<String>,
}

impl RosterChangeInput {
    pub fn check(&self) -> Result<RosterChangeDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = vocab::required::<NoticeKind>(&mut e, "kind", "届出の種類", &self.kind);
        let effective_on = required_date(&mut e, "effective_on", "効力発生日", &self.effective_on);
        let given_at = optional_instant(&mut e, self.given_at.as_deref());
        let mut text = |field: &str, label: &str, v: &Option<String>| {
            optional_text(&mut e, field, label, v.as_deref(), MAX_TEXT)
        };
        let name = text("name", "氏名", &self.name);
        let kana = text("kana", "ふりがな", &self.kana);
        let company = text("company", "会社名", &self.company);
        let badge_number = text("badge_number", "身分証明書番号", &self.badge_number);
        let contact = text("contact", "連絡先", &self.contact);
        let contract_role = vocab::optional::<RosterRole>(
            &mut e,
            "contract_role",
            "契約上の役割",
            self.contract_role.as_deref(),
        );
        match (kind, effective_on) {
            (Some(kind), Some(effective_on)) if e.is_empty() => Ok(RosterChangeDraft {
                kind,
                effective_on,
                given_at,
                name,
                kana,
                company,
                contract_role,
                badge_number,
                contact,
            }),
            _ => Err(e),
        }
    }
}

checked_by!(RosterPersonInput => RosterPersonDraft, RosterChangeInput => RosterChangeDraft);

/// When a notice was given: as typed, or now; never in the future.
fn judge_given_at(
    given_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Refusal> {
    let at = given_at.unwrap_or(now);
    if at > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(Refusal::invalid(
            "given_at",
            "本市への届出日時に未来の日時は指定できません。",
        ));
    }
    Ok(at)
}

/// What the records say about a new roster person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPersonFacts {
    /// The account named, if one is and it exists.
    pub account: Option<PersonFacts>,
    /// The account is on this year's roster already (as a person of its own).
    pub account_listed: bool,
    /// The subcontracting application named, if one is and it exists.
    pub subcontract: Option<SubcontractStatus>,
    pub now: DateTime<Utc>,
}

/// Judges a new roster person: an account named must be an enabled lead or worker not on
/// the roster yet; a subcontractor's person joins only under an application the City has
/// approved. Returns the person's first notice.
pub fn judge_new_person(d: &RosterPersonDraft, f: &NewPersonFacts) -> Result<NoticeFact, Refusal> {
    if let Some(id) = d.user_id {
        match &f.account {
            Some(p) if does_contract_work(p.role, p.disabled) => {}
            _ => return Err(not_a_contract_worker("user_id", id)),
        }
        if f.account_listed {
            return Err(Refusal::conflict(
                "user_id",
                format!(
                    "利用者ID {id} は既に従事者名簿に載っています。変更や削除は届出で行ってください。"
                ),
            ));
        }
    }
    if let Some(id) = d.subcontract_id {
        match f.subcontract {
            None => return Err(Refusal::unknown("subcontract_id", "再委託申請書", id)),
            Some(SubcontractStatus::Approved) => {}
            Some(s) => {
                return Err(Refusal::invalid(
                    "subcontract_id",
                    format!(
                        "再委託申請書（ID {id}）は「{}」で、本市の承認がないため、再委託先の従事者は名簿に追加できません。",
                        s.label_ja()
                    ),
                ));
            }
        }
    }
    Ok(NoticeFact {
        kind: NoticeKind::Add,
        effective_on: d.effective_on,
        given_at: judge_given_at(d.given_at, f.now)?,
        details: d.details.clone(),
    })
}

/// Judges a change notice to a person with `notices` at `now`: an addition only of someone
/// removed, a modification or removal only of someone not removed, a modification that
/// changes something. Returns the new notice with the details from its day.
pub fn judge_change(
    d: &RosterChangeDraft,
    notices: &[NoticeFact],
    now: DateTime<Utc>,
) -> Result<NoticeFact, Refusal> {
    let last = notices
        .iter()
        .max_by_key(|n| (in_force_from(n), n.given_at))
        .ok_or_else(|| Refusal::conflict("person_id", "この従事者には届出がありません。"))?;
    let removed = last.kind == NoticeKind::Remove;
    match (d.kind, removed) {
        (NoticeKind::Add, false) => {
            return Err(Refusal::conflict(
                "kind",
                "この従事者は既に名簿に載っています。変更の届出をしてください。",
            ));
        }
        (NoticeKind::Modify | NoticeKind::Remove, true) => {
            return Err(Refusal::conflict(
                "kind",
                "この従事者は名簿から削除されています。名簿に戻すときは追加の届出をしてください。",
            ));
        }
        _ => {}
    }
    let was = &last.details;
    let details = RosterDetails {
        name: d.name.clone().unwrap_or_else(|| was.name.clone()),
        kana: d.kana.clone().unwrap_or_else(|| was.kana.clone()),
        company: d.company.clone().unwrap_or_else(|| was.company.clone()),
        contract_role: d.contract_role.unwrap_or(was.contract_role),
        badge_number: d
            .badge_number
            .clone()
            .unwrap_or_else(|| was.badge_number.clone()),
        contact: d.contact.clone().unwrap_or_else(|| was.contact.clone()),
    };
    if d.kind == NoticeKind::Modify && details == *was {
        return Err(Refusal::invalid(
            "kind",
            "変更の届出には、変更する項目（氏名・会社名・身分証明書番号など）を入力してください。",
        ));
    }
    Ok(NoticeFact {
        kind: d.kind,
        effective_on: d.effective_on,
        given_at: judge_given_at(d.given_at, now)?,
        details,
    })
}

/// The City acknowledges a notice once.
pub fn judge_acknowledgement(acknowledged: bool) -> Result<(), Refusal> {
    if acknowledged {
        return Err(Refusal::conflict(
            "notice_id",
            "この届出の受領は既に記録されています。",
        ));
    }
    Ok(())
}
