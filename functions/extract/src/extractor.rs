//! The whole extraction: file -> text -> CV data, choosing between Claude and the heuristic.
//!
//! `Auto` uses Claude when an API key is configured and the breaker lets the call through,
//! and otherwise (no key, breaker open, Claude failing) the heuristic, whose result says so
//! in `metadata.extractionMethod` and a warning, so the person can ask for an AI reading later.

use std::sync::Arc;

use bytes::Bytes;
use r2w_core::App;
use r2w_core::clock::{Clock, SystemClock};
use r2w_core::config::AnthropicSettings;
use r2w_core::error::Detail;
use r2w_core::model::{CvData, UserId};
use r2w_core::secrets::{SecretString, Secrets, SecretsError};
use r2w_core::store::Table;

use crate::breaker::{Breaker, BreakerPolicy, Permit};
use crate::cache::{CacheKey, ExtractionCache};
use crate::heuristic;
use crate::llm::{Claude, ClaudeConfig, LlmError, PROMPT_VERSION, Source};
#[cfg(feature = "read")]
use crate::text;
use crate::text::reader::TextReader;
use crate::text::{ExtractedText, TextError};

/// The secret holding the Anthropic API key (locally the variable `ANTHROPIC_API_KEY`).
pub const ANTHROPIC_KEY_SECRET: &str = "anthropic-api-key";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Claude when a key is configured and it is available, the heuristic otherwise.
    #[default]
    Auto,
    /// Claude or an error.
    Anthropic,
    /// The offline heuristic only.
    Heuristic,
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The file itself: unsupported, too large, needing OCR, corrupt. Permanent.
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("no Anthropic API key is configured (set ANTHROPIC_API_KEY locally, or the secret anthropic-api-key)")]
    NoApiKey,
    /// Only with [`Mode::Anthropic`]; `Auto` falls back to the heuristic instead.
    #[error(transparent)]
    Llm(#[from] LlmError),
    /// A dependency (the secret store) failed in a way worth retrying.
    #[error("temporarily unavailable: {0}")]
    Unavailable(#[source] Detail),
    #[error("internal error: {0}")]
    Internal(#[source] Detail),
}

pub struct Extractor {
    claude: Claude,
    secrets: Arc<dyn Secrets>,
    cache: ExtractionCache,
    breaker: Breaker,
    clock: Arc<dyn Clock>,
    /// Where files are read; `None`: in this process in a build with the parsers, otherwise by
    /// the program `R2W_TEXT_READER` names.
    reader: Option<TextReader>,
}

impl Extractor {
    /// The extractor an [`App`] configures: Claude as its settings say, the key from its secrets,
    /// cache and breaker in its table.
    pub fn for_app(app: &App, clock: Arc<dyn Clock>) -> Result<Self, LlmError> {
        let claude = Claude::new(ClaudeConfig::new(&app.config.anthropic))?;
        Ok(Self::new(claude, Arc::clone(&app.secrets), Arc::clone(&app.table), clock, BreakerPolicy::default()))
    }

    /// An extractor whose breaker and cache live in `scratch`, a table the caller throws away
    /// (an in-memory one): for reading files on the command line (`r2w extract` with Claude),
    /// which must leave no files behind.
    pub fn standalone(
        settings: &AnthropicSettings,
        secrets: Arc<dyn Secrets>,
        scratch: Arc<dyn Table>,
    ) -> Result<Self, ExtractError> {
        let claude = Claude::new(ClaudeConfig::new(settings))?;
        Ok(Self::new(claude, secrets, scratch, Arc::new(SystemClock), BreakerPolicy::default()))
    }

    pub fn new(
        claude: Claude,
        secrets: Arc<dyn Secrets>,
        table: Arc<dyn Table>,
        clock: Arc<dyn Clock>,
        policy: BreakerPolicy,
    ) -> Self {
        Self {
            claude,
            secrets,
            cache: ExtractionCache::new(Arc::clone(&table)),
            breaker: Breaker::new(table, Arc::clone(&clock), "anthropic", policy),
            clock,
            reader: None,
        }
    }

    /// Files read by `reader` (the extract Lambda: a `read-text` child).
    pub fn reading_with(mut self, reader: TextReader) -> Self {
        self.reader = Some(reader);
        self
    }

    async fn read_text(&self, original: Bytes) -> Result<Result<ExtractedText, TextError>, ExtractError> {
        match &self.reader {
            Some(reader) => reader.read(original).await,
            #[cfg(feature = "read")]
            None => TextReader::InProcess.read(original).await,
            #[cfg(not(feature = "read"))]
            None => TextReader::from_env()?.read(original).await,
        }
    }

    /// The CV in `original`, which `owner` uploaded: Claude's answers are cached as theirs.
    /// `None` (the command line reading a file) caches nothing.
    pub async fn extract(&self, owner: Option<&UserId>, original: Bytes, mode: Mode) -> Result<CvData, ExtractError> {
        let text = self.read_text(original.clone()).await?;
        let api_key = match mode {
            Mode::Heuristic => None,
            Mode::Auto | Mode::Anthropic => self.api_key(mode).await?,
        };
        let Some(api_key) = api_key else { return structure(text?, None).await };
        // A PDF with no text layer can still be read by Claude, from the PDF itself.
        let text = match text {
            Ok(text) => Some(text),
            Err(TextError::NeedsOcr) => None,
            Err(e) => return Err(e.into()),
        };

        let cache_key = owner.map(|owner| CacheKey::new(owner, &original, self.claude.model(), PROMPT_VERSION));
        if let Some(cache_key) = &cache_key {
            match self.cache.get(cache_key).await {
                Ok(Some(cv)) => return Ok(cv),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "extraction cache unreadable; calling Claude"),
            }
        }
        match self.cache.imported(&original).await {
            Ok(Some(cv)) => return Ok(cv),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "imported extractions unreadable; calling Claude"),
        }

        let failure = match self.breaker.permit().await {
            Permit::Refused { until } => LlmError::Unavailable(format!(
                "paused after repeated failures, until {}",
                time::OffsetDateTime::from_unix_timestamp(until).map_or_else(|_| until.to_string(), |t| t.to_string())
            )),
            permit => {
                let source = match &text {
                    Some(text) => Source::Text(&text.text),
                    None => Source::Pdf { bytes: &original, text: "" },
                };
                match self.claude.extract(&api_key, source).await {
                    Ok(cv) => {
                        self.breaker.succeeded().await;
                        if let Some(cache_key) = &cache_key
                            && let Err(e) = self.cache.put(cache_key, &cv, self.clock.unix_now()).await
                        {
                            tracing::warn!(error = %e, "could not cache the extraction");
                        }
                        return Ok(cv);
                    }
                    Err(e @ LlmError::Unavailable(_)) => {
                        self.breaker.failed(permit).await;
                        e
                    }
                    Err(e) => {
                        // Claude answered (badly, or refusing our request): it is available.
                        self.breaker.succeeded().await;
                        e
                    }
                }
            }
        };
        tracing::warn!(error = %failure, "Claude extraction failed");
        if mode == Mode::Anthropic {
            return Err(failure.into());
        }
        let text = text.ok_or(TextError::NeedsOcr)?;
        let reason = match failure {
            LlmError::Unavailable(_) => "the AI extraction service is unavailable",
            LlmError::Refused(_) | LlmError::InvalidOutput(_) => "the AI extraction did not succeed",
        };
        structure(text, Some(reason)).await
    }

    /// The key, or `None` in `Auto` mode when none is configured.
    async fn api_key(&self, mode: Mode) -> Result<Option<SecretString>, ExtractError> {
        match self.secrets.get(ANTHROPIC_KEY_SECRET).await {
            Ok(key) => Ok(Some(key)),
            Err(SecretsError::NotFound(_)) if mode == Mode::Auto => Ok(None),
            Err(SecretsError::NotFound(_)) => Err(ExtractError::NoApiKey),
            Err(e @ SecretsError::Unavailable(_)) => {
                Err(ExtractError::Unavailable(Detail::new("reading the API key", e)))
            }
            Err(e @ SecretsError::Backend(_)) => Err(ExtractError::Internal(Detail::new("reading the API key", e))),
        }
    }
}

/// The offline reading of a file, with nothing else set up: its text, then the heuristic. What
/// [`Extractor::extract`] does with no key, for callers that know no key is wanted (the command
/// line skips building an HTTP client it would not use).
#[cfg(feature = "read")]
pub fn offline(original: &[u8]) -> Result<CvData, ExtractError> {
    let text = text::extract(original)?;
    Ok(heuristic::extract(&text.text))
}

/// The heuristic extractor on `text`; `fallback_reason` says why Claude was not used.
async fn structure(text: ExtractedText, fallback_reason: Option<&'static str>) -> Result<CvData, ExtractError> {
    let mut cv = blocking(move || heuristic::extract(&text.text)).await?;
    if let Some(reason) = fallback_reason {
        cv.metadata
            .warnings
            .push(format!("Structured offline because {reason}; extract again later for an AI reading."));
    }
    Ok(cv)
}

/// Parsing and structuring are CPU work: off the async workers, so a server stays responsive.
pub(crate) async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ExtractError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| ExtractError::Internal(Detail::new("the extraction task", e)))
}
