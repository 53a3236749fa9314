//! Inbox notices by e-mail (issue 13, item 1), off by default: when the City names an SMTP
//! relay, each person with an e-mail address is told once of each item that starts waiting
//! for them, in one message per round with a link to each. A closed network may have no
//! relay; nothing else depends on mail.

use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use jukiops_domain::mail::{MailMessage, inbox_message, item_key};
use jukiops_domain::people::Actor;
use jukiops_domain::time::to_db;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{App, Result};

/// What delivers a message (the SMTP relay; a test's recorder).
pub trait Mailer: Sync {
    /// Sends `message` to `to`; the error says why it was not taken, for the log.
    fn send(
        &self,
        to: &str,
        message: &MailMessage,
    ) -> impl Future<Output = std::result::Result<(), String>> + Send;
}

/// The City's SMTP relay, reached without TLS or login (a relay inside the closed network
/// that accepts the server's address).
#[derive(Clone)]
pub struct SmtpRelay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl std::fmt::Debug for SmtpRelay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpRelay")
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpRelay {
    /// The relay at `host:port` (port 25 when left out), sending as `from`.
    pub fn new(relay: &str, from: &str) -> std::result::Result<SmtpRelay, String> {
        let (host, port) = match relay.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("SMTPリレーのポート番号が正しくありません: {relay}"))?,
            ),
            None => (relay, 25),
        };
        let from = from
            .parse()
            .map_err(|_| format!("送信元のメールアドレスが正しくありません: {from}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(SmtpRelay { transport, from })
    }
}

impl Mailer for SmtpRelay {
    async fn send(&self, to: &str, message: &MailMessage) -> std::result::Result<(), String> {
        let to = to.parse().map_err(|e| format!("宛先 {to}: {e}"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// What one round of notices did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailRound {
    /// People with an address.
    pub recipients: usize,
    /// Messages sent.
    pub sent: usize,
    /// Messages the relay did not take (their items are tried again next round).
    pub failed: usize,
}

impl App {
    /// Mails each person with an address the items newly waiting in their inbox, linked
    /// under `public_url` (the address people open the system at).
    pub async fn mail_inbox_notices(
        &self,
        mailer: &impl Mailer,
        public_url: &str,
    ) -> Result<MailRound> {
        let recipients = self.store.mail_recipients().await?;
        let mut round = MailRound {
            recipients: recipients.len(),
            ..MailRound::default()
        };
        for r in recipients {
            let who = Actor::User {
                id: r.user_id,
                username: r.username.clone(),
                role: r.role,
            };
            let items: Vec<_> = self
                .inbox(&who)
                .await?
                .groups
                .into_iter()
                .flat_map(|g| g.items)
                .collect();
            let keys: Vec<String> = items.iter().map(item_key).collect();
            let claimed = self
                .store
                .claim_mail_notices(r.user_id, &keys, &to_db(Utc::now()))
                .await?;
            let new: Vec<_> = items
                .into_iter()
                .filter(|i| claimed.contains(&item_key(i)))
                .collect();
            let Some(message) = inbox_message(&r.display_name, &new, public_url) else {
                continue;
            };
            match mailer.send(&r.email, &message).await {
                Ok(()) => round.sent += 1,
                Err(why) => {
                    tracing::warn!(user = %r.username, %why, "inbox notice not sent");
                    self.store.release_mail_notices(r.user_id, &claimed).await?;
                    round.failed += 1;
                }
            }
        }
        Ok(round)
    }
}
