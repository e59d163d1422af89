//! Mail through Amazon SES v2: the same MIME bytes as every sender, as a raw message (so the
//! HTML and text alternatives are ours, not a template's).

use async_trait::async_trait;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use lettre::message::Mailbox;
use r2w_core::model::UserId;

use super::{Mail, MailError, Mailer, mime};

pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from: Mailbox,
}

impl SesMailer {
    pub fn new(client: aws_sdk_sesv2::Client, from: Mailbox) -> Self {
        Self { client, from }
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, _account: &UserId, mail: &Mail) -> Result<(), MailError> {
        let raw = mime(&self.from, mail)?.formatted();
        let message =
            RawMessage::builder().data(Blob::new(raw)).build().map_err(|e| MailError::Message(e.to_string()))?;
        self.client
            .send_email()
            .from_email_address(self.from.email.to_string())
            .destination(Destination::builder().to_addresses(mail.to.as_str()).build())
            .content(EmailContent::builder().raw(message).build())
            .send()
            .await
            .map_err(|e| MailError::NotSent(aws_sdk_sesv2::error::DisplayErrorContext(e).to_string()))?;
        Ok(())
    }
}
