//! The embedded default's mail: each message an `.eml` file in a folder (`data/mailbox`), which
//! `r2w serve` lists at `/_mailbox/` for whoever runs it on their own machine. A file's name
//! carries the account the mail concerns, so deleting the account deletes its mail too.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use lettre::message::Mailbox;
use r2w_core::model::UserId;
use time::OffsetDateTime;

use super::{Mail, MailError, Mailer, mime};

pub struct MailboxFolder {
    dir: PathBuf,
    from: Mailbox,
}

impl MailboxFolder {
    pub fn new(dir: PathBuf, from: Mailbox) -> Self {
        Self { dir, from }
    }

    /// The mailbox folder of the embedded default's data folder.
    pub fn dir_in(data_dir: &Path) -> PathBuf {
        data_dir.join("mailbox")
    }

    /// The names of the messages in `dir`, newest first: `{unix millis}-{account}-{random}.eml`,
    /// so names sort by arrival. A missing folder is an empty mailbox.
    pub fn names(dir: &Path) -> std::io::Result<Vec<String>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in entries {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if is_message_name(&name) {
                names.push(name);
            }
        }
        names.sort_by(|a, b| b.cmp(a));
        Ok(names)
    }

    /// The raw message called `name` in `dir`; `None` for a name that is not one of ours (so
    /// no path outside the folder can be asked for).
    pub fn read(dir: &Path, name: &str) -> std::io::Result<Option<Vec<u8>>> {
        if !is_message_name(name) {
            return Ok(None);
        }
        match std::fs::read(dir.join(name)) {
            Ok(raw) => Ok(Some(raw)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[async_trait]
impl Mailer for MailboxFolder {
    async fn forget(&self, account: &UserId) -> Result<(), MailError> {
        let failed = |e: std::io::Error| MailError::NotSent(format!("the mailbox folder: {e}"));
        let marker = format!("-{account}-");
        for name in Self::names(&self.dir).map_err(failed)? {
            if name.contains(&marker) {
                tokio::fs::remove_file(self.dir.join(&name)).await.map_err(failed)?;
            }
        }
        Ok(())
    }

    async fn send(&self, account: &UserId, mail: &Mail) -> Result<(), MailError> {
        let raw = mime(&self.from, mail)?.formatted();
        let mut suffix = [0u8; 6];
        getrandom::fill(&mut suffix).map_err(|e| MailError::NotSent(format!("no randomness: {e}")))?;
        let millis = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        let name = format!("{millis:013}-{account}-{}.eml", hex(&suffix));
        let not_sent = |e: std::io::Error| MailError::NotSent(format!("the mailbox folder: {e}"));
        tokio::fs::create_dir_all(&self.dir).await.map_err(not_sent)?;
        // Written aside and renamed, so the listing never shows half a message.
        let partial = self.dir.join(format!(".{name}.partial"));
        tokio::fs::write(&partial, raw).await.map_err(not_sent)?;
        tokio::fs::rename(&partial, self.dir.join(&name)).await.map_err(not_sent)?;
        Ok(())
    }
}

/// Ours: what `send` names files (account ids are letters, digits, `-` and `_`), and no path.
fn is_message_name(name: &str) -> bool {
    name.strip_suffix(".eml").is_some_and(|stem| {
        !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use r2w_core::model::Email;

    #[tokio::test]
    async fn a_message_lands_as_a_file_named_by_its_account() {
        let dir = tempfile::tempdir().expect("dir");
        let from = "Resume2Website <no-reply@example.com>".parse().expect("from");
        let mailbox = MailboxFolder::new(dir.path().join("mailbox"), from);
        let mail = Mail {
            to: Email::parse("ada@example.com").expect("email"),
            subject: "Confirmez votre adresse — Résumé".into(),
            text: "Bonjour".into(),
            html: "<p>Bonjour</p>".into(),
        };
        let (ada, grace) = (UserId::random(), UserId::random());
        mailbox.send(&ada, &mail).await.expect("sent");
        mailbox.send(&grace, &mail).await.expect("sent");
        let listed = MailboxFolder::names(&dir.path().join("mailbox")).expect("list");
        assert_eq!(listed.len(), 2);
        mailbox.forget(&ada).await.expect("forgotten");
        let listed = MailboxFolder::names(&dir.path().join("mailbox")).expect("list");
        assert_eq!(listed.len(), 1, "only the deleted account's mail goes");
        assert!(listed[0].contains(grace.as_str()));
        let raw = MailboxFolder::read(&dir.path().join("mailbox"), &listed[0]).expect("read").expect("found");
        let raw = String::from_utf8(raw).expect("text");
        assert!(raw.contains("multipart/alternative") && raw.contains("text/plain") && raw.contains("text/html"));
        assert_eq!(MailboxFolder::read(&dir.path().join("mailbox"), "../../etc/passwd").expect("read"), None);
        assert_eq!(MailboxFolder::names(&dir.path().join("none")).expect("list"), Vec::<String>::new());
    }
}
