//! Passwords: how strong a new one must be, and how they are stored (argon2id).
//!
//! Parameters: argon2id, 19 MiB of memory, 2 passes, 1 lane — the minimum the OWASP Password
//! Storage Cheat Sheet recommends, chosen because a Lambda of 512 MB hashes in well under
//! 100 ms with it (figures in docs/benchmarks.md). They travel inside each PHC string, so a
//! later change applies to new hashes and to old ones as their owners next sign in.
//!
//! Accounts imported from the original app (docs/migration.md) may hold its bcrypt hashes
//! (`$2b$12$…`, passlib). Those are checked as bcrypt checks them — only the first 72 bytes of
//! the password count — and replaced by argon2id at the first successful sign-in.

use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use r2w_core::Error;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::OnceCell;

pub const MIN_LENGTH: usize = 10;
/// Long enough for any passphrase, short enough that nobody can make us hash a megabyte.
pub const MAX_LENGTH: usize = 128;
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// zxcvbn's score 3: "safely unguessable, moderate protection from an offline slow-hash attack".
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// Hashing and checking passwords. Both are CPU-bound for tens of milliseconds, so they run on
/// the blocking pool, never on the async workers.
pub struct Passwords {
    /// A hash of a random password, checked against when an e-mail has no account, so the
    /// answer takes as long as for a wrong password. Made in the background from the start, so
    /// a cold start does not wait for one argon2id hash (scripts/cold-start.py measured it).
    dummy_hash: Arc<OnceCell<String>>,
}

impl Passwords {
    pub async fn new() -> Result<Self, Error> {
        let dummy_hash = Arc::new(OnceCell::new());
        let making = Arc::clone(&dummy_hash);
        tokio::spawn(async move {
            if let Err(e) = making.get_or_try_init(dummy_hash_of_random_password).await {
                tracing::warn!(error = %e, "the dummy password hash is made on first use instead");
            }
        });
        Ok(Self { dummy_hash })
    }

    /// Refuses a password that is too short, too long or too easy to guess, saying why.
    /// `personal` are the person's own words (e-mail, name), which make a password weak.
    pub fn check_strength(password: &SecretString, personal: &[&str]) -> Result<(), Error> {
        let password = password.expose_secret();
        let length = password.chars().count();
        if length < MIN_LENGTH {
            return Err(Error::Validation(format!("the password needs at least {MIN_LENGTH} characters")));
        }
        if length > MAX_LENGTH {
            return Err(Error::Validation(format!("the password may have at most {MAX_LENGTH} characters")));
        }
        let estimate = zxcvbn::zxcvbn(password, personal);
        if estimate.score() >= MIN_SCORE {
            return Ok(());
        }
        let mut advice = String::from("the password is too easy to guess");
        if let Some(feedback) = estimate.feedback() {
            if let Some(warning) = feedback.warning() {
                advice.push_str(&format!(": {warning}"));
            }
            for suggestion in feedback.suggestions() {
                advice.push_str(&format!(" {suggestion}"));
            }
        }
        Err(Error::Validation(advice))
    }

    pub async fn hash(&self, password: SecretString) -> Result<String, Error> {
        hash_blocking(password).await
    }

    /// Whether `password` matches `hash`. With no hash (no such account, or one that signs in
    /// only with a provider) the dummy is checked instead and the answer is `false`.
    pub async fn verify(&self, password: SecretString, hash: Option<&str>) -> Result<bool, Error> {
        let (stored, real) = match hash {
            Some(hash) => (hash.to_owned(), true),
            None => (self.dummy_hash.get_or_try_init(dummy_hash_of_random_password).await?.clone(), false),
        };
        if password.expose_secret().chars().count() > MAX_LENGTH {
            return Ok(false);
        }
        let matched = tokio::task::spawn_blocking(move || {
            let password = password.expose_secret().as_bytes();
            if is_bcrypt(&stored) {
                // Truncating, as passlib and every bcrypt did when the hash was made.
                bcrypt::verify(password, &stored).unwrap_or(false)
            } else {
                hasher().verify_password(password, stored.as_str()).is_ok()
            }
        })
        .await
        .map_err(|e| Error::internal("password check", e))?;
        Ok(matched && real)
    }

    /// Whether `hash` was made with other parameters than today's (it is redone at sign-in).
    pub fn needs_rehash(hash: &str) -> bool {
        !hash.starts_with(&format!("$argon2id$v=19$m={MEMORY_KIB},t={PASSES},p={LANES}$"))
    }
}

/// A bcrypt hash in modular crypt form: `$2a$`, `$2b$` or `$2y$`, cost, 53 characters of salt
/// and hash.
pub fn is_bcrypt(hash: &str) -> bool {
    hash.len() == 60 && ["$2a$", "$2b$", "$2y$"].iter().any(|prefix| hash.starts_with(prefix))
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

async fn dummy_hash_of_random_password() -> Result<String, Error> {
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(|e| Error::internal("no randomness", e))?;
    hash_blocking(SecretString::from(random.iter().map(|b| format!("{b:02x}")).collect::<String>())).await
}

async fn hash_blocking(password: SecretString) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.expose_secret().as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| Error::internal("password hashing", e))
    })
    .await
    .map_err(|e| Error::internal("password hashing", e))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[tokio::test]
    async fn a_hash_matches_only_its_password() {
        let passwords = Passwords::new().await.expect("passwords");
        let hash = passwords.hash(secret("correct horse battery staple")).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(!Passwords::needs_rehash(&hash));
        assert!(Passwords::needs_rehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA"));
        assert!(passwords.verify(secret("correct horse battery staple"), Some(&hash)).await.expect("verify"));
        assert!(!passwords.verify(secret("correct horse battery stapler"), Some(&hash)).await.expect("verify"));
        assert!(!passwords.verify(secret("anything"), None).await.expect("no account"), "the dummy never matches");
        assert!(!passwords.verify(secret("x"), Some("not a phc string")).await.expect("corrupt hash is a mismatch"));
        let other = passwords.hash(secret("correct horse battery staple")).await.expect("hash");
        assert_ne!(hash, other, "every hash has its own salt");
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        let check = |p: &str| Passwords::check_strength(&secret(p), &["ada@example.com", "Ada", "Lovelace"]);
        assert!(check("short1!").is_err_and(|e| e.to_string().contains("at least 10")));
        assert!(check(&"Aa1!".repeat(40)).is_err_and(|e| e.to_string().contains("at most 128")));
        for weak in ["password123", "qwertyuiop", "1234567890", "ada@example.com", "aaaaaaaaaaaa"] {
            assert!(check(weak).is_err_and(|e| e.to_string().contains("too easy")), "{weak}");
        }
        assert!(check("violet-teapot-rainfall-93").is_ok());
    }
}
