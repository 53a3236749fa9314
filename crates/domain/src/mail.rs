//! Inbox notices by e-mail (issue 13, item 1): which of a person's waiting items are new to
//! them, and the one message that tells them, in Japanese, with a link to each. Sending is
//! off unless the City names an SMTP relay; this module only decides and writes.

use crate::inbox::InboxItem;
use crate::validation::FieldErrors;

/// The longest e-mail address kept (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

/// The key under which an item is remembered as mailed: its kind and the page it is acted
/// on, so the same record waiting for two reasons is two notices.
pub fn item_key(item: &InboxItem) -> String {
    format!("{}|{}", item.kind.as_str(), item.href)
}

/// The message telling `name` of `items` (already the new ones), links made absolute
/// under `public_url`; `None` when there is nothing to tell.
pub fn inbox_message(name: &str, items: &[InboxItem], public_url: &str) -> Option<MailMessage> {
    if items.is_empty() {
        return None;
    }
    let base = public_url.trim_end_matches('/');
    let mut body = format!(
        "{name} 様\n\n住基ネット統合端末 運用サポート業務システムに、対応を待っている項目が{}件あります。\n\n",
        items.len()
    );
    for item in items {
        let due = item
            .date
            .as_deref()
            .map(|d| format!("({d}{})", if item.overdue { "、期限超過" } else { "" }))
            .unwrap_or_default();
        body.push_str(&format!(
            "・{}: {}{due}\n  {base}{}\n",
            item.kind_label, item.title, item.href
        ));
    }
    body.push_str(&format!(
        "\n受信箱: {base}/inbox\n\nこのメールはシステムから自動で送信しています。返信はできません。\n"
    ));
    Some(MailMessage {
        subject: format!(
            "【住基ネット運用サポート】対応待ちの項目が{}件あります",
            items.len()
        ),
        body,
    })
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailMessage {
    pub subject: String,
    pub body: String,
}

/// Checks an e-mail address as typed: empty is none; otherwise one `@` between a local
/// part and a domain with a dot, no spaces or control characters, at most [`MAX_EMAIL`].
pub fn optional_email(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let well_formed = v.chars().count() <= MAX_EMAIL
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !well_formed {
        errors.push(
            field,
            format!(
                "メールアドレスの形式が正しくありません({MAX_EMAIL}文字以内、例: tanaka@example.jp)。"
            ),
        );
    }
    Some(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::InboxKind;

    fn item(kind: InboxKind, href: &str) -> InboxItem {
        InboxItem::new(
            kind,
            "作業依頼書 第3号".into(),
            href.into(),
            Some("2020-11-13".into()),
        )
    }

    #[test]
    fn the_key_tells_the_reasons_apart() {
        let a = item(InboxKind::ProcedureToDecide, "/requests/3");
        let b = item(InboxKind::QuestionToAnswer, "/requests/3");
        assert_ne!(item_key(&a), item_key(&b));
        assert_eq!(item_key(&a), "procedure_to_decide|/requests/3");
    }

    #[test]
    fn the_message_links_every_item_under_the_public_address() {
        let items = [
            item(InboxKind::ProcedureToDecide, "/requests/3"),
            item(InboxKind::NoticeOverdue, "/notices/7"),
        ];
        let m =
            inbox_message("札幌 花子", &items, "https://jukiops.city.example/").expect("two items");
        assert!(m.subject.contains("2件"), "{}", m.subject);
        assert!(m.body.starts_with("札幌 花子 様"), "{}", m.body);
        assert!(m.body.contains("https://jukiops.city.example/requests/3"));
        assert!(m.body.contains("https://jukiops.city.example/notices/7"));
        assert!(m.body.contains("期限超過"), "{}", m.body);
        assert!(m.body.contains("承認待ちの作業手順書"));
        assert!(inbox_message("x", &[], "http://a").is_none());
    }

    #[test]
    fn addresses_are_checked_and_empty_is_none() {
        let mut e = FieldErrors::default();
        assert_eq!(optional_email(&mut e, "email", "  "), None);
        assert_eq!(
            optional_email(&mut e, "email", " tanaka@city.sapporo.jp "),
            Some("tanaka@city.sapporo.jp".into())
        );
        assert!(e.is_empty());
        for bad in [
            "tanaka",
            "a@b",
            "a @b.jp",
            "a@b@c.jp",
            "@b.jp",
            "a@.jp",
            "a@b.jp\u{7}",
        ] {
            let mut e = FieldErrors::default();
            optional_email(&mut e, "email", bad);
            assert!(!e.is_empty(), "{bad:?} was taken");
        }
    }
}
