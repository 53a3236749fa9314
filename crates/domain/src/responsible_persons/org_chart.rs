//! The organisation chart (作業体制図, §6(2), R10.4): who is responsible for what, the
//! workers and the contacts, on one A4 page, drawn as SVG on the server. No script, no
//! external font: a generic sans-serif family with the Japanese fonts an office machine
//! has offline. Every change of the persons gives a new chart, told apart by the SHA-256
//! of its SVG.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Designation, DesignationKind};

/// A worker on the chart. Drawn from the contractor's accounts today; the roster
/// (従事者名簿) takes over as the source when it exists (see the store's `chart_people`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChartWorker {
    pub name: String,
    /// 身分証明書の番号
    pub badge_number: Option<String>,
}

/// A person of the City to contact (本市担当者).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CityContact {
    pub name: String,
    /// 役職 (the 決裁 post), if any.
    pub post: Option<String>,
    pub email: Option<String>,
}

/// A related party (R9.3) with its contacts in one line each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChartParty {
    /// What it is (機器賃貸業者 ...).
    pub label: String,
    pub name: String,
    pub contacts: Vec<String>,
}

/// Everything one chart shows, as of `date`.
#[derive(Debug, Clone)]
pub struct OrgChart {
    pub date: NaiveDate,
    pub contract_name: String,
    /// The designations in force on `date`.
    pub persons: Vec<Designation>,
    pub workers: Vec<ChartWorker>,
    pub city: Vec<CityContact>,
    pub parties: Vec<ChartParty>,
}

/// The SHA-256 of a chart's SVG, in hex: what tells two versions apart.
pub fn sha256(svg: &str) -> String {
    hex::encode(Sha256::digest(svg.as_bytes()))
}

/// A4 portrait at 96 dpi.
const WIDTH: f64 = 794.0;
const HEIGHT: f64 = 1123.0;
const MARGIN: f64 = 40.0;
const LINE: f64 = 18.0;
const FONT: &str = "'BIZ UDPGothic', 'BIZ UDGothic', 'IPAexGothic', 'IPAPGothic', \
    'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif";

/// The most lines a list box shows before "ほか N名".
const MAX_CITY: usize = 5;
const MAX_HANDLER_ROWS: usize = 4;
const MAX_WORKER_ROWS: usize = 10;
const COLUMNS: usize = 3;

/// `s` with the characters XML gives meaning escaped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` cut to fit `width` pixels at font `size` (a wide character about a square, a narrow
/// one about half), ending in … when cut.
fn fit(s: &str, width: f64, size: f64) -> String {
    let w = |c: char| if c.is_ascii() { size * 0.55 } else { size };
    let total: f64 = s.chars().map(w).sum();
    if total <= width {
        return s.to_string();
    }
    let mut used = size;
    let mut out = String::new();
    for c in s.chars() {
        used += w(c);
        if used > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The SVG being written.
struct Svg(String);

impl Svg {
    fn text(&mut self, x: f64, y: f64, size: f64, bold: bool, anchor: &str, s: &str) {
        let weight = if bold { " font-weight=\"bold\"" } else { "" };
        self.0.push_str(&format!(
            "<text x=\"{x:.0}\" y=\"{y:.0}\" font-size=\"{size:.0}\"{weight} text-anchor=\"{anchor}\">{}</text>\n",
            esc(s)
        ));
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str) {
        self.0.push_str(&format!(
            "<rect x=\"{x:.0}\" y=\"{y:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" rx=\"4\" fill=\"{fill}\" stroke=\"#333333\" stroke-width=\"1.2\"/>\n"
        ));
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64) {
        self.0.push_str(&format!(
            "<line x1=\"{x1:.0}\" y1=\"{y1:.0}\" x2=\"{x2:.0}\" y2=\"{y2:.0}\" stroke=\"#333333\" stroke-width=\"1.2\"/>\n"
        ));
    }

    /// A box headed `title` with `lines` below; returns its height.
    fn boxed(&mut self, x: f64, y: f64, w: f64, title: &str, lines: &[String]) -> f64 {
        let h = 30.0 + LINE * lines.len().max(1) as f64 + 6.0;
        self.rect(x, y, w, h, "#ffffff");
        self.text(x + 10.0, y + 20.0, 13.0, true, "start", title);
        for (i, l) in lines.iter().enumerate() {
            let ly = y + 40.0 + LINE * i as f64;
            self.text(x + 14.0, ly, 12.0, false, "start", &fit(l, w - 24.0, 12.0));
        }
        h
    }

    /// A full-width box of names in columns, `max_rows` rows at most; returns its height.
    fn columns(&mut self, y: f64, title: &str, names: &[String], max_rows: usize) -> f64 {
        let w = WIDTH - 2.0 * MARGIN;
        let cap = max_rows * COLUMNS;
        let mut shown: Vec<String> = names.iter().take(cap).cloned().collect();
        if names.len() > cap {
            shown.truncate(cap - 1);
            shown.push(format!("ほか{}名", names.len() - (cap - 1)));
        }
        if shown.is_empty() {
            shown.push("（なし）".into());
        }
        let rows = shown.len().div_ceil(COLUMNS);
        let h = 30.0 + LINE * rows as f64 + 6.0;
        self.rect(MARGIN, y, w, h, "#ffffff");
        self.text(
            MARGIN + 10.0,
            y + 20.0,
            13.0,
            true,
            "start",
            &format!("{title}（{}名）", names.len()),
        );
        let col = w / COLUMNS as f64;
        for (i, n) in shown.iter().enumerate() {
            let (r, c) = (i / COLUMNS, i % COLUMNS);
            let x = MARGIN + 14.0 + col * c as f64;
            let ly = y + 40.0 + LINE * r as f64;
            self.text(x, ly, 12.0, false, "start", &fit(n, col - 20.0, 12.0));
        }
        h
    }
}

/// The lines of a responsible person's box: name, company, contact; or 未指定.
fn person_lines(c: &OrgChart, kind: DesignationKind) -> Vec<String> {
    match c.persons.iter().find(|p| p.kind == kind) {
        Some(p) => vec![
            format!("{}（{}）", p.name, p.company),
            format!("連絡先 {}", p.contact),
            format!("{}から", date_long(p.from)),
        ],
        None => vec!["（未指定）".into()],
    }
}

fn date_long(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The chart as a standalone SVG document sized A4 portrait.
pub fn render_svg(c: &OrgChart) -> String {
    let mut s = Svg(String::new());
    let centre = WIDTH / 2.0;
    s.text(centre, 56.0, 24.0, true, "middle", "作業体制図");
    s.text(
        centre,
        82.0,
        12.0,
        false,
        "middle",
        &fit(&c.contract_name, WIDTH - 2.0 * MARGIN, 12.0),
    );
    s.text(
        centre,
        102.0,
        12.0,
        false,
        "middle",
        &format!("{}現在", date_long(c.date)),
    );

    // The City and the contractor side by side, joined.
    let half = (WIDTH - 2.0 * MARGIN - 80.0) / 2.0;
    let top = 124.0;
    let mut city: Vec<String> = c
        .city
        .iter()
        .take(MAX_CITY)
        .map(|p| {
            let post = p
                .post
                .as_deref()
                .map(|x| format!("（{x}）"))
                .unwrap_or_default();
            let mail = p
                .email
                .as_deref()
                .map(|m| format!(" {m}"))
                .unwrap_or_default();
            format!("{}{post}{mail}", p.name)
        })
        .collect();
    if c.city.len() > MAX_CITY {
        city.push(format!("ほか{}名", c.city.len() - MAX_CITY));
    }
    let contractor = c
        .persons
        .iter()
        .find(|p| p.kind == DesignationKind::ContractLead)
        .map(|p| p.company.clone())
        .unwrap_or_else(|| "（業務責任者の指定後に表示）".into());
    let h1 = s.boxed(MARGIN, top, half, "本市（発注者）担当者", &city);
    let right = WIDTH - MARGIN - half;
    let h2 = s.boxed(right, top, half, "受託者", &[contractor]);
    s.line(MARGIN + half, top + 24.0, right, top + 24.0);
    s.text(centre, top + 18.0, 10.0, false, "middle", "指示・報告");

    // The responsible persons under the contractor.
    let lead_w = 320.0;
    let y = top + h1.max(h2) + 30.0;
    s.line(right + half / 2.0, top + h2, right + half / 2.0, y - 15.0);
    s.line(right + half / 2.0, y - 15.0, centre, y - 15.0);
    s.line(centre, y - 15.0, centre, y);
    let lead = person_lines(c, DesignationKind::ContractLead);
    let h = s.boxed(centre - lead_w / 2.0, y, lead_w, "業務責任者", &lead);
    let y2 = y + h + 30.0;
    s.line(centre, y + h, centre, y2 - 15.0);
    s.line(
        MARGIN + half / 2.0,
        y2 - 15.0,
        right + half / 2.0,
        y2 - 15.0,
    );
    s.line(MARGIN + half / 2.0, y2 - 15.0, MARGIN + half / 2.0, y2);
    s.line(right + half / 2.0, y2 - 15.0, right + half / 2.0, y2);
    let dpo = person_lines(c, DesignationKind::DataProtectionOfficer);
    let so = person_lines(c, DesignationKind::SecurityOfficer);
    let ha = s.boxed(MARGIN, y2, half, "データ保護責任者", &dpo);
    let hb = s.boxed(right, y2, half, "セキュリティ責任者", &so);

    // The handlers and the workers, each in columns.
    let y3 = y2 + ha.max(hb) + 20.0;
    let handlers: Vec<String> = c
        .persons
        .iter()
        .filter(|p| p.kind == DesignationKind::AssetHandler)
        .map(|p| format!("{}（{}）", p.name, p.company))
        .collect();
    let h3 = s.columns(y3, "情報資産取扱者", &handlers, MAX_HANDLER_ROWS);
    let y4 = y3 + h3 + 20.0;
    let workers: Vec<String> = c
        .workers
        .iter()
        .map(|w| match &w.badge_number {
            Some(b) => format!("{}（身分証 {b}）", w.name),
            None => w.name.clone(),
        })
        .collect();
    let h4 = s.columns(y4, "作業従事者", &workers, MAX_WORKER_ROWS);

    // The related parties with their contacts.
    let y5 = y4 + h4 + 20.0;
    let mut parties = Vec::new();
    for p in &c.parties {
        parties.push(format!("{}：{}", p.label, p.name));
        let contacts = if p.contacts.is_empty() {
            "連絡先 未登録".to_string()
        } else {
            format!("連絡先 {}", p.contacts.join("、"))
        };
        parties.push(format!("　{contacts}"));
    }
    s.boxed(MARGIN, y5, WIDTH - 2.0 * MARGIN, "関係事業者", &parties);

    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\" \
         viewBox=\"0 0 {WIDTH:.0} {HEIGHT:.0}\" font-family=\"{FONT}\" fill=\"#000000\" \
         role=\"img\" aria-label=\"作業体制図\">\n<title>作業体制図 {}</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n{}</svg>\n",
        esc(&date_long(c.date)),
        s.0
    )
}

/// The contract's related parties (R9.3) as the chart shows them, in the file's order.
pub fn parties_of(contract: &crate::contract::Contract) -> Vec<ChartParty> {
    contract
        .parties
        .iter()
        .map(|p| ChartParty {
            label: p.kind.label_ja().to_string(),
            name: p.name.clone(),
            contacts: p
                .contacts
                .iter()
                .map(|c| {
                    [
                        Some(c.name.as_str()),
                        c.phone.as_deref(),
                        c.email.as_deref(),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
                })
                .collect(),
        })
        .collect()
}
