//! Reading `[[sites]]` (R5.1, R5.5) and `[[parties]]` (R9.3) of a contract file.

use toml::de::DeValue;

use super::reader::{Item, Obj, Reader};
use super::values::{boolean, choice, number, string, text};
use super::{Contact, Party, PartyKind, SiteSpec};

const KINDS: &[(&str, PartyKind)] = &[
    ("lessor", PartyKind::Lessor),
    ("operations_contractor", PartyKind::OperationsContractor),
    ("network_contractor", PartyKind::NetworkContractor),
];

/// Japan, generously: latitude 20-46 N, longitude 122-154 E.
const LAT: std::ops::RangeInclusive<f64> = 20.0..=46.0;
const LON: std::ops::RangeInclusive<f64> = 122.0..=154.0;

fn site_code(v: &DeValue<'_>) -> Result<String, String> {
    let s = text(v)?;
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(s)
    } else {
        Err(format!(
            "拠点コード「{s}」には半角英数字と - _ だけを使ってください"
        ))
    }
}

fn postal_code(v: &DeValue<'_>) -> Result<String, String> {
    let s = string(v)?;
    let b = s.as_bytes();
    let ok = s.is_empty()
        || (b.len() == 8
            && b[3] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 3 || c.is_ascii_digit()));
    if ok {
        Ok(s)
    } else {
        Err(format!("郵便番号「{s}」は 060-8612 の形で指定してください"))
    }
}

/// An optional string where an empty one means "not given".
fn non_empty(item: Option<Item<String>>) -> Option<String> {
    item.map(|i| i.value).filter(|s| !s.is_empty())
}

fn check_range(
    r: &mut Reader<'_>,
    item: &Option<Item<f64>>,
    range: std::ops::RangeInclusive<f64>,
    what: &str,
) {
    if let Some(i) = item.as_ref().filter(|i| !range.contains(&i.value)) {
        let message = format!(
            "{what}は日本の範囲（{}〜{}）で指定してください（{} は範囲外です）",
            range.start(),
            range.end(),
            i.value
        );
        r.error_at(i, message);
    }
}

/// `[[sites]]`: at least one, codes unique.
pub(super) fn read_sites(r: &mut Reader<'_>, root: &mut Obj<'_, '_>) -> Vec<SiteSpec> {
    let root_span = root.span();
    let mut out: Vec<SiteSpec> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    let tables = r.tables(root, "sites");
    if tables.is_empty() {
        r.error(
            root_span,
            "sites",
            "拠点を [[sites]] で1つ以上指定してください",
        );
    }
    for mut t in tables {
        let code = r.req(&mut t, "code", site_code);
        let name = r.req(&mut t, "name", text);
        let postal = r.opt(&mut t, "postal_code", postal_code);
        let address = r.opt(&mut t, "address", string);
        let lat = r.opt(&mut t, "lat", number);
        let lon = r.opt(&mut t, "lon", number);
        let permit = r.opt(&mut t, "needs_entry_permit", boolean);
        let rooms = r.list(&mut t, "designated_rooms", text);
        let (path, span) = (t.path().to_string(), t.span());
        r.finish(t);
        check_range(r, &lat, LAT, "緯度");
        check_range(r, &lon, LON, "経度");
        match (&lat, &lon) {
            (Some(_), None) => r.error(
                span.clone(),
                &format!("{path}.lon"),
                "緯度と経度は両方指定してください",
            ),
            (None, Some(_)) => r.error(
                span.clone(),
                &format!("{path}.lat"),
                "緯度と経度は両方指定してください",
            ),
            _ => {}
        }
        let Some(code) = code else { continue };
        if let Some((_, other)) = seen.iter().find(|(c, _)| *c == code.value) {
            r.error_at(
                &code,
                format!(
                    "拠点コード「{}」が重複しています（{other} と同じ）",
                    code.value
                ),
            );
            continue;
        }
        seen.push((code.value.clone(), path));
        let Some(name) = name else { continue };
        out.push(SiteSpec {
            code: code.value,
            name: name.value,
            postal_code: non_empty(postal),
            address: non_empty(address),
            lat: lat.map(|i| i.value),
            lon: lon.map(|i| i.value),
            needs_entry_permit: permit.is_some_and(|p| p.value),
            designated_rooms: rooms.into_iter().map(|i| i.value).collect(),
        });
    }
    out
}

/// `[[parties]]` with their `[[parties.contacts]]` (may be empty).
pub(super) fn read_parties(r: &mut Reader<'_>, root: &mut Obj<'_, '_>) -> Vec<Party> {
    let mut out = Vec::new();
    for mut t in r.tables(root, "parties") {
        let kind = r.req(&mut t, "kind", choice(KINDS));
        let name = r.req(&mut t, "name", text);
        let role = r.req(&mut t, "role", text);
        let mut contacts = Vec::new();
        for mut c in r.tables(&mut t, "contacts") {
            let name = r.req(&mut c, "name", text);
            let phone = r.opt(&mut c, "phone", string);
            let email = r.opt(&mut c, "email", string);
            r.finish(c);
            if let Some(name) = name {
                contacts.push(Contact {
                    name: name.value,
                    phone: non_empty(phone),
                    email: non_empty(email),
                });
            }
        }
        r.finish(t);
        if let (Some(kind), Some(name), Some(role)) = (kind, name, role) {
            out.push(Party {
                kind: kind.value,
                name: name.value,
                role: role.value,
                contacts,
            });
        }
    }
    out
}
