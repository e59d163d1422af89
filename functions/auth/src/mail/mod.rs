//! Sending mail: one port, three senders. Every message is built here as MIME (plain text and
//! HTML alternatives) by lettre, so the three senders deliver the same bytes:
//!
//! - [`MailboxFolder`]: the embedded default writes `.eml` files that `r2w serve` lists on a
//!   local-only page, so `make demo` needs no mail server;
//! - [`SmtpMailer`]: any mail server, STARTTLS by default;
//! - [`SesMailer`]: Amazon SES v2 in the cloud.
//!
//! What the messages say lives in [`messages`]. A message carries a link with a single-use
//! token: senders never log a message's body, only that one was sent and to which account.

pub mod mailbox;
pub mod messages;
pub mod ses;
pub mod smtp;

use std::sync::Arc;

use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use r2w_core::App;
use r2w_core::config::Backend;
use r2w_core::model::{Email, UserId};

pub use mailbox::MailboxFolder;
pub use ses::SesMailer;
pub use smtp::SmtpMailer;

use crate::settings::MailSettings;

/// One message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The message could not be built (an address lettre does not accept, for one).
    #[error("the message could not be built: {0}")]
    Message(String),
    /// The sender refused or could not be reached; worth trying again later.
    #[error("the mail was not sent: {0}")]
    NotSent(String),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends `mail`, which concerns the account `account`.
    async fn send(&self, account: &UserId, mail: &Mail) -> Result<(), MailError>;

    /// Forgets what was sent about `account`, when the account is deleted. A sender that
    /// keeps nothing (mail sent is with its recipient) has nothing to do.
    async fn forget(&self, _account: &UserId) -> Result<(), MailError> {
        Ok(())
    }
}

/// The sender the settings name, with `from` as the sender address.
pub async fn mailer_for(settings: &MailSettings, app: &App) -> Result<Arc<dyn Mailer>, r2w_core::Error> {
    let internal = |e: String| r2w_core::Error::Internal(e);
    Ok(match settings {
        MailSettings::Mailbox { from } => {
            let Backend::Embedded { data_dir } = &app.config.backend else {
                return Err(internal("R2W_MAIL=mailbox needs the embedded backend; use smtp or ses".into()));
            };
            Arc::new(MailboxFolder::new(MailboxFolder::dir_in(data_dir), from.clone()))
        }
        MailSettings::Smtp { from, smtp } => Arc::new(SmtpMailer::new(from.clone(), smtp, app).await?),
        MailSettings::Ses { from } => {
            let sdk = r2w_aws::sdk_config().await?;
            Arc::new(SesMailer::new(aws_sdk_sesv2::Client::new(&sdk), from.clone()))
        }
    })
}

/// The message as MIME: `multipart/alternative` with the text first, as mail readers expect.
pub fn mime(from: &Mailbox, mail: &Mail) -> Result<lettre::Message, MailError> {
    let to: lettre::Address = mail.to.as_str().parse().map_err(|e| MailError::Message(format!("recipient: {e}")))?;
    lettre::Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, to))
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
        .map_err(|e| MailError::Message(e.to_string()))
}
