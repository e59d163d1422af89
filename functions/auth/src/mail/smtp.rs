//! Mail through any SMTP server (lettre). STARTTLS by default; implicit TLS on request; no
//! encryption only towards a loopback address (a relay on the same machine, or the tests').

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use r2w_core::model::UserId;
use r2w_core::secrets::SecretsError;
use r2w_core::{App, Error};
use secrecy::ExposeSecret;

use super::{Mail, MailError, Mailer, mime};
use crate::settings::{SmtpSecurity, SmtpSettings};

/// The secret holding the SMTP password (locally `SMTP_PASSWORD`).
pub const SMTP_PASSWORD_SECRET: &str = "smtp-password";

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub async fn new(from: Mailbox, settings: &SmtpSettings, app: &App) -> Result<Self, Error> {
        let internal = |what: &str, e: &dyn std::fmt::Display| Error::internal(format!("SMTP {what}"), e.to_string());
        let tls = |host: &str| -> Result<TlsParameters, Error> {
            let mut builder = TlsParameters::builder(host.to_owned());
            if let Some(path) = &settings.ca_file {
                let pem = std::fs::read(path).map_err(|e| internal("CA file", &e))?;
                builder = builder.add_root_certificate(Certificate::from_pem(&pem).map_err(|e| internal("CA", &e))?);
            }
            builder.build_rustls().map_err(|e| internal("TLS", &e))
        };
        let host = settings.host.as_str();
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(settings.port);
        builder = match settings.security {
            SmtpSecurity::StartTls => builder.tls(Tls::Required(tls(host)?)),
            SmtpSecurity::Tls => builder.tls(Tls::Wrapper(tls(host)?)),
            SmtpSecurity::None => builder.tls(Tls::None),
        };
        if let Some(username) = &settings.username {
            let password = match app.secrets.get(SMTP_PASSWORD_SECRET).await {
                Ok(password) => password,
                Err(SecretsError::NotFound(_)) => {
                    return Err(Error::Internal(format!("R2W_SMTP_USERNAME is set but {SMTP_PASSWORD_SECRET} is not")));
                }
                Err(e) => return Err(e.into()),
            };
            builder = builder.credentials(Credentials::new(username.clone(), password.expose_secret().to_owned()));
        }
        Ok(Self { transport: builder.build(), from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, _account: &UserId, mail: &Mail) -> Result<(), MailError> {
        let message = mime(&self.from, mail)?;
        // lettre's errors name the server's reply, never the message or the credentials.
        self.transport.send(message).await.map_err(|e| MailError::NotSent(e.to_string()))?;
        Ok(())
    }
}
