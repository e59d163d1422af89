//! TOTP two-factor sign-in (RFC 6238: HMAC-SHA-1, six digits, 30-second steps, one step of
//! clock skew either way), with ten single-use recovery codes.
//!
//! The TOTP secret sits in the user's partition (`USER#{user}/TOTP`), so deleting the account
//! deletes it; an authenticator must be able to recompute codes, so it is stored as is — the
//! access to the table is what protects it. Recovery codes are 80 random bits each, shown
//! once and stored as SHA-256 digests (at 80 bits no stretching is needed). An accepted code's
//! step is remembered, so a code seen by someone looking over a shoulder cannot be replayed.

use std::sync::Arc;

use r2w_core::Error;
use r2w_core::clock::Clock;
use r2w_core::model::{Email, UserId};
use r2w_core::records::user_pk;
use r2w_core::records::versioned::{self, Attempt};
use r2w_core::store::{Expect, Item, ItemKey, Table, TableError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};

pub const ISSUER: &str = "Resume2Website";
pub const RECOVERY_CODES: usize = 10;
const SECRET_BYTES: usize = 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TotpRecord {
    /// Base32, as authenticators read it.
    secret: String,
    /// False between enrolling and confirming the first code.
    enabled: bool,
    #[serde(default)]
    last_step: Option<u64>,
    #[serde(default)]
    recovery_codes: Vec<String>,
}

/// What enrolling answers: the secret for an authenticator, as a URI (for a QR code) and as
/// text (to type in).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Enrolment {
    pub otpauth_uri: String,
    pub secret: String,
}

/// How a second factor was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Code,
    /// With how many recovery codes are left.
    RecoveryCode {
        left: usize,
    },
}

pub struct TwoFactor {
    table: Arc<dyn Table>,
    clock: Arc<dyn Clock>,
}

impl TwoFactor {
    pub fn new(table: Arc<dyn Table>, clock: Arc<dyn Clock>) -> Self {
        Self { table, clock }
    }

    /// A new secret for `user`, not yet in force: [`Self::confirm`] turns it on. Enrolling
    /// again before confirming replaces it; once on, it must be disabled first.
    pub async fn enrol(&self, user: &UserId, email: &Email) -> Result<Enrolment, Error> {
        let existing = self.table.get(&key(user)).await?;
        if let Some(item) = &existing
            && item.data_as::<TotpRecord>()?.enabled
        {
            return Err(Error::Conflict("two-factor sign-in is already on; turn it off first".into()));
        }
        let mut bytes = [0u8; SECRET_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| Error::internal("no randomness", e))?;
        let secret = Secret::from(&bytes[..]).to_base32();
        let record = TotpRecord { secret: secret.clone(), enabled: false, last_step: None, recovery_codes: vec![] };
        let expect = existing.as_ref().map_or(Expect::Absent, |item| Expect::Version(item.version));
        let version = existing.map_or(0, |item| item.version + 1);
        self.table.put(Item::with_data(key(user), &record)?.at_version(version), expect).await?;
        let totp = totp(&secret, email.as_str())?;
        let otpauth_uri = totp.to_url().map_err(|e| Error::internal("otpauth URI", e))?;
        Ok(Enrolment { otpauth_uri, secret })
    }

    /// Turns two-factor on with a first code from the authenticator; answers the recovery
    /// codes, which are shown this once. A wrong code is [`Error::Unauthorized`].
    pub async fn confirm(&self, user: &UserId, code: &str) -> Result<Vec<String>, Error> {
        let item = self.table.get(&key(user)).await?.ok_or_else(|| Error::Conflict("enrol first".into()))?;
        let record: TotpRecord = item.data_as()?;
        if record.enabled {
            return Err(Error::Conflict("two-factor sign-in is already on".into()));
        }
        let step = totp(&record.secret, "")?.check(code.trim(), self.now()).ok_or(Error::Unauthorized)?;
        let codes = (0..RECOVERY_CODES).map(|_| recovery_code()).collect::<Result<Vec<_>, _>>()?;
        let record = TotpRecord {
            enabled: true,
            last_step: Some(step),
            recovery_codes: codes.iter().map(|c| digest(c)).collect(),
            ..record
        };
        let write = Item::with_data(key(user), &record)?.at_version(item.version + 1);
        match self.table.put(write, Expect::Version(item.version)).await {
            Ok(()) => Ok(codes),
            Err(TableError::ConditionFailed { .. }) => {
                Err(Error::Conflict("the enrolment changed; start again".into()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Checks a code from the authenticator, or a recovery code (spent by this). `None` for
    /// a wrong, replayed or spent code, or when two-factor is off.
    pub async fn verify(&self, user: &UserId, code: &str) -> Result<Option<Proof>, Error> {
        let code = code.trim();
        if code.is_empty() || code.len() > 64 {
            return Ok(None);
        }
        let now = self.now();
        versioned::update(self.table.as_ref(), &key(user), "the two-factor record".into(), |read| {
            let Some(read) = read else { return Ok(Attempt::Done(None)) };
            let mut record: TotpRecord = read.data_as()?;
            if !record.enabled {
                return Ok(Attempt::Done(None));
            }
            let proof = match totp(&record.secret, "")?.check(code, now) {
                Some(step) if record.last_step.is_some_and(|last| step <= last) => return Ok(Attempt::Done(None)),
                Some(step) => {
                    record.last_step = Some(step);
                    Proof::Code
                }
                None => {
                    let wanted = digest(&normalize_recovery(code));
                    let Some(at) = record.recovery_codes.iter().position(|c| *c == wanted) else {
                        return Ok(Attempt::Done(None));
                    };
                    record.recovery_codes.remove(at);
                    Proof::RecoveryCode { left: record.recovery_codes.len() }
                }
            };
            Ok(Attempt::replace(Some(&read), Item::with_data(key(user), &record)?, Some(proof)))
        })
        .await
    }

    /// Turns two-factor off (the caller has checked who asks).
    pub async fn disable(&self, user: &UserId) -> Result<(), Error> {
        Ok(self.table.delete(&key(user), Expect::Anything).await?)
    }

    fn now(&self) -> u64 {
        self.clock.unix_now().max(0) as u64
    }
}

fn key(user: &UserId) -> ItemKey {
    ItemKey::new(user_pk(user), "TOTP")
}

fn totp(secret: &str, account: &str) -> Result<Totp, Error> {
    let secret =
        Secret::try_from_base32(secret).map_err(|e| Error::Internal(format!("a stored TOTP secret: {e:?}")))?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| Error::internal("TOTP", e))
}

/// `xxxx-xxxx-xxxx-xxxx` in an alphabet without look-alikes (Crockford's base32), 80 bits.
fn recovery_code() -> Result<String, Error> {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal("no randomness", e))?;
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[(b & 31) as usize] as char).collect();
    Ok(chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// Typed recovery codes: any case, with or without dashes and spaces; `o`, `i` and `l` read as
/// the digits they look like.
fn normalize_recovery(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        })
        .collect();
    plain.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

fn digest(code: &str) -> String {
    Sha256::digest(code.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The code an authenticator shows for `secret` at `unix` seconds; for tests that play the
/// authenticator.
pub fn code_at(secret: &str, unix: u64) -> Result<String, Error> {
    Ok(totp(secret, "")?.generate(unix).to_string())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use r2w_core::clock::ManualClock;
    use r2w_embedded::SqliteTable;
    use time::OffsetDateTime;

    use super::*;

    #[tokio::test]
    async fn codes_work_once_and_recovery_codes_once_each() {
        let clock = Arc::new(ManualClock::at(OffsetDateTime::now_utc()));
        let two = TwoFactor::new(Arc::new(SqliteTable::in_memory().expect("table")), clock.clone());
        let user = UserId::random();
        let email = Email::parse("ada@example.com").expect("email");
        let enrolment = two.enrol(&user, &email).await.expect("enrol");
        assert!(enrolment.otpauth_uri.starts_with("otpauth://totp/Resume2Website:ada%40example.com?"));
        let now = || clock.unix_now() as u64;
        let early = code_at(&enrolment.secret, now()).expect("code");
        assert_eq!(two.verify(&user, &early).await.expect("verify"), None, "not in force before confirming");
        assert!(matches!(two.confirm(&user, "000000x").await, Err(Error::Unauthorized)));
        let codes = two.confirm(&user, &code_at(&enrolment.secret, now()).expect("code")).await.expect("on");
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(matches!(two.enrol(&user, &email).await, Err(Error::Conflict(_))), "on: turn it off first");

        let same = code_at(&enrolment.secret, now()).expect("code");
        assert_eq!(two.verify(&user, &same).await.expect("verify"), None, "the confirming code is spent");
        clock.advance(Duration::from_secs(30));
        let next = code_at(&enrolment.secret, now()).expect("code");
        assert_eq!(two.verify(&user, &next).await.expect("verify"), Some(Proof::Code));
        assert_eq!(two.verify(&user, &next).await.expect("verify"), None, "no replay");

        let typed = codes[3].to_uppercase().replace('-', " ");
        let left = RECOVERY_CODES - 1;
        assert_eq!(two.verify(&user, &typed).await.expect("verify"), Some(Proof::RecoveryCode { left }));
        assert_eq!(two.verify(&user, &codes[3]).await.expect("verify"), None, "spent");
        two.disable(&user).await.expect("off");
        assert_eq!(two.verify(&user, &codes[4]).await.expect("verify"), None);
    }
}
