//! `/_mailbox/`: the mail the embedded default "sent" (`.eml` files in `data/mailbox`), for the
//! person running `r2w serve` on their own machine — only a loopback caller sees it, and only
//! when mail goes to the mailbox folder. Each message shows its text part, so its link can be
//! opened; `?raw` gives the message as it was written.

use std::path::{Path, PathBuf};

use lambda_http::{Body, Request, Response};
use r2w_auth::mail::MailboxFolder;
use r2w_core::Error;
use r2w_core::markup::escape;

pub const PREFIX: &str = "/_mailbox";

pub fn handle(dir: &Path, request: &Request) -> Result<Response<Body>, Error> {
    if !r2w_http::client_ip(request).is_some_and(|ip| ip.is_loopback()) {
        return Err(Error::NotFound("page".into()));
    }
    let name = request.uri().path().trim_start_matches(PREFIX).trim_matches('/');
    if name.is_empty() {
        return listing(dir);
    }
    let raw = MailboxFolder::read(dir, name)
        .map_err(|e| Error::internal("the mailbox", e))?
        .ok_or_else(|| Error::NotFound("message".into()))?;
    if request.uri().query() == Some("raw") {
        return page("text/plain; charset=utf-8", String::from_utf8_lossy(&raw).into_owned());
    }
    let parsed = mailparse::parse_mail(&raw).map_err(|e| Error::internal("a mailbox message", e))?;
    let subject =
        parsed.headers.iter().find(|h| h.get_key_ref().eq_ignore_ascii_case("subject")).map(|h| h.get_value());
    let text = text_part(&parsed).unwrap_or_default();
    let linked: String = text
        .split_inclusive(char::is_whitespace)
        .map(|word| {
            let bare = word.trim_end();
            if bare.starts_with("http://") || bare.starts_with("https://") {
                format!("<a href=\"{0}\">{0}</a>{1}", escape(bare), &word[bare.len()..])
            } else {
                escape(word)
            }
        })
        .collect();
    let body = format!(
        "<h1>{}</h1>\n<pre>{linked}</pre>\n<p><a href=\"{PREFIX}/{name}?raw\">Source</a> · <a href=\"{PREFIX}/\">All mail</a></p>",
        escape(subject.as_deref().unwrap_or("(no subject)"))
    );
    page("text/html; charset=utf-8", document("Mail", &body))
}

/// A message in the folder, as the listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Delivered {
    name: String,
    to: String,
    subject: String,
}

/// The messages in `dir`, newest first, with their decoded `To` and `Subject`.
fn delivered(dir: &Path) -> Result<Vec<Delivered>, Error> {
    let failed = |e: &dyn std::fmt::Display| Error::internal("the mailbox", e.to_string());
    let mut found = Vec::new();
    for name in MailboxFolder::names(dir).map_err(|e| failed(&e))? {
        let Some(raw) = MailboxFolder::read(dir, &name).map_err(|e| failed(&e))? else { continue };
        let parsed = mailparse::parse_mail(&raw).map_err(|e| failed(&e))?;
        let (to, subject) = (header(&parsed, "to").unwrap_or_default(), header(&parsed, "subject").unwrap_or_default());
        found.push(Delivered { name, to, subject });
    }
    Ok(found)
}

fn header(mail: &mailparse::ParsedMail, name: &str) -> Option<String> {
    mail.headers.iter().find(|h| h.get_key_ref().eq_ignore_ascii_case(name)).map(|h| h.get_value())
}

fn listing(dir: &Path) -> Result<Response<Body>, Error> {
    let messages = delivered(dir)?;
    let mut rows = String::new();
    for m in &messages {
        rows.push_str(&format!(
            "<li><a href=\"{PREFIX}/{}\">{}</a> — to {}</li>\n",
            escape(&m.name),
            escape(&m.subject),
            escape(&m.to)
        ));
    }
    let body = if messages.is_empty() {
        "<h1>Mailbox</h1>\n<p>No mail yet.</p>".to_owned()
    } else {
        format!("<h1>Mailbox</h1>\n<p>What this machine has sent, newest first.</p>\n<ul>\n{rows}</ul>")
    };
    page("text/html; charset=utf-8", document("Mailbox", &body))
}

fn text_part(mail: &mailparse::ParsedMail) -> Option<String> {
    if mail.subparts.is_empty() {
        return (mail.ctype.mimetype == "text/plain").then(|| mail.get_body().ok()).flatten();
    }
    mail.subparts.iter().find_map(text_part)
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} — Resume2Website (local)</title></head>\n<body style=\"font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem\">\n<main>\n{body}\n</main>\n</body></html>\n"
    )
}

fn page(content_type: &str, body: String) -> Result<Response<Body>, Error> {
    Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("cache-control", "no-store")
        .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
        .header("x-content-type-options", "nosniff")
        .body(Body::Text(body))
        .map_err(|e| Error::internal("building an answer", e))
}

/// Where the mailbox is, when mail goes to it on this backend.
pub fn dir_for(settings: &r2w_auth::AuthSettings, config: &r2w_core::Config) -> Option<PathBuf> {
    match (&settings.mail, &config.backend) {
        (r2w_auth::settings::MailSettings::Mailbox { .. }, r2w_core::config::Backend::Embedded { data_dir }) => {
            Some(MailboxFolder::dir_in(data_dir))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use r2w_auth::mail::{Mail, Mailer};
    use r2w_core::model::{Email, UserId};

    use super::*;

    #[tokio::test]
    async fn the_listing_reads_each_message_s_recipient_and_subject_newest_first() {
        let dir = tempfile::tempdir().expect("dir");
        let mailbox = MailboxFolder::new(dir.path().to_path_buf(), "R2W <no-reply@example.com>".parse().expect("from"));
        let mail = |subject: &str| Mail {
            to: Email::parse("ada@example.com").expect("email"),
            subject: subject.into(),
            text: "Bonjour".into(),
            html: "<p>Bonjour</p>".into(),
        };
        mailbox.send(&UserId::random(), &mail("First")).await.expect("sent");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        mailbox.send(&UserId::random(), &mail("Confirmez votre adresse — Résumé")).await.expect("sent");
        let listed = delivered(dir.path()).expect("listed");
        assert_eq!(listed.len(), 2);
        assert_eq!(
            (listed[0].to.as_str(), listed[0].subject.as_str()),
            ("ada@example.com", "Confirmez votre adresse — Résumé")
        );
        assert_eq!(listed[1].subject, "First");
    }
}
