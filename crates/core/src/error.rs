//! One error type for every function, converted once at the edge: into an RFC 9457
//! `application/problem+json` response for HTTP, or into a stable error name Step Functions
//! can `Retry`/`Catch` on for tasks.

use std::fmt;

use serde::Serialize;

use crate::config::ConfigError;
use crate::secrets::SecretsError;
use crate::store::{BlobError, TableError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed but not acceptable (a schema violation, an invalid value).
    #[error("{0}")]
    Validation(String),
    /// A value in the request body that is not acceptable, and where it is.
    #[error("{pointer}: {detail}")]
    InvalidField { pointer: String, detail: String },
    #[error("authentication required")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    /// Also the answer for someone else's resources: their existence is not revealed.
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    /// A dependency failed in a way worth retrying.
    #[error("temporarily unavailable: {0}")]
    Unavailable(String),
    /// As [`Error::Unavailable`], keeping the error that caused it ([`Error::unavailable`]). The
    /// message names the cause too, so that a log line of it alone is complete.
    #[error("temporarily unavailable: {context}: {cause}")]
    UnavailableWithCause {
        context: String,
        #[source]
        cause: Cause,
    },
    /// A bug or misconfiguration; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
    /// As [`Error::Internal`], keeping the error that caused it ([`Error::internal`]).
    #[error("internal error: {context}: {cause}")]
    InternalWithCause {
        context: String,
        #[source]
        cause: Cause,
    },
}

/// The error behind another, kept so that a log shows the whole chain.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What a store or a service said went wrong: a sentence, and the error behind it when there is
/// one. The cause stays the [`source`](std::error::Error::source), so a caller can walk the chain
/// or test what it was; the message spells the whole chain out too, so that a log line of it
/// alone is complete (an SDK's own message is often just "dispatch failure").
#[derive(Debug)]
pub struct Detail {
    context: String,
    cause: Option<Cause>,
}

impl Detail {
    /// `context` (what was being done), caused by `cause`.
    pub fn new(context: impl Into<String>, cause: impl Into<Cause>) -> Self {
        Self { context: context.into(), cause: Some(cause.into()) }
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.context)?;
        let mut next = self.cause.as_deref().map(|cause| cause as &(dyn std::error::Error + 'static));
        while let Some(error) = next {
            write!(f, ": {error}")?;
            next = error.source();
        }
        Ok(())
    }
}

impl std::error::Error for Detail {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|cause| cause as &(dyn std::error::Error + 'static))
    }
}

/// A detail with nothing behind it: the store found the problem itself.
impl From<String> for Detail {
    fn from(context: String) -> Self {
        Self { context, cause: None }
    }
}

impl From<&str> for Detail {
    fn from(context: &str) -> Self {
        context.to_owned().into()
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:r2w:problem:{name}`, stable for each kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub request_id: Option<String>,
    /// The field of the request body the problem is about, as a JSON Pointer (RFC 6901), so a
    /// form can show the message beside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub pointer: Option<String>,
}

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

impl Error {
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::PayloadTooLarge(_) => 413,
            Self::UnsupportedMediaType(_) => 415,
            Self::Validation(_) | Self::InvalidField { .. } => 422,
            Self::RateLimited { .. } => 429,
            Self::Internal(_) | Self::InternalWithCause { .. } => 500,
            Self::Unavailable(_) | Self::UnavailableWithCause { .. } => 503,
        }
    }

    /// A stable slug: the end of the problem type URI, and the base of task error names.
    pub fn slug(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::Validation(_) | Self::InvalidField { .. } => "validation",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::Conflict(_) => "conflict",
            Self::PayloadTooLarge(_) => "payload-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::RateLimited { .. } => "rate-limited",
            Self::Unavailable(_) | Self::UnavailableWithCause { .. } => "unavailable",
            Self::Internal(_) | Self::InternalWithCause { .. } => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "Bad request",
            Self::Validation(_) | Self::InvalidField { .. } => "Invalid data",
            Self::Unauthorized => "Authentication required",
            Self::Forbidden => "Forbidden",
            Self::NotFound(_) => "Not found",
            Self::Conflict(_) => "Conflict",
            Self::PayloadTooLarge(_) => "Payload too large",
            Self::UnsupportedMediaType(_) => "Unsupported media type",
            Self::RateLimited { .. } => "Too many requests",
            Self::Unavailable(_) | Self::UnavailableWithCause { .. } => "Service unavailable",
            Self::Internal(_) | Self::InternalWithCause { .. } => "Internal error",
        }
    }

    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::UnavailableWithCause { .. } | Self::RateLimited { .. })
    }

    /// A bug or misconfiguration while `context`, caused by `cause`.
    pub fn internal(context: impl Into<String>, cause: impl Into<Cause>) -> Self {
        Self::InternalWithCause { context: context.into(), cause: cause.into() }
    }

    /// A dependency failing, worth retrying, while `context`, caused by `cause`.
    pub fn unavailable(context: impl Into<String>, cause: impl Into<Cause>) -> Self {
        Self::UnavailableWithCause { context: context.into(), cause: cause.into() }
    }

    pub fn problem(&self, request_id: Option<&str>) -> Problem {
        let detail = match self {
            Self::Internal(_) | Self::InternalWithCause { .. } => {
                "Something went wrong on our side. Quote the request id if you contact us.".to_owned()
            }
            Self::Unavailable(_) | Self::UnavailableWithCause { .. } => {
                "A service we depend on is not answering. Please try again shortly.".to_owned()
            }
            Self::InvalidField { detail, .. } => detail.clone(),
            other => other.to_string(),
        };
        let pointer = match self {
            Self::InvalidField { pointer, .. } => Some(pointer.clone()),
            _ => None,
        };
        Problem {
            pointer,
            kind: format!("urn:r2w:problem:{}", self.slug()),
            title: self.title(),
            status: self.status(),
            detail,
            request_id: request_id.map(str::to_owned),
        }
    }

    /// The error a Step Functions task reports: `{step}.Transient` for what a Retry should
    /// catch, `{step}.{Kind}` otherwise (e.g. `Extract.NotFound`).
    pub fn task_error(&self, step: &str) -> TaskFailure {
        let kind = if self.is_transient() {
            "Transient".to_owned()
        } else {
            self.slug().split('-').map(|w| w[..1].to_ascii_uppercase() + &w[1..]).collect()
        };
        let message = match self {
            Self::Internal(_) | Self::InternalWithCause { .. } => "internal error".to_owned(),
            other => other.to_string(),
        };
        TaskFailure { error_type: format!("{step}.{kind}"), error_message: message }
    }
}

/// How a Step Functions task reports a failure: the name the state machine's Retry and Catch
/// rules match, and a message safe to record on the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFailure {
    pub error_type: String,
    pub error_message: String,
}

impl From<TableError> for Error {
    fn from(e: TableError) -> Self {
        match e {
            TableError::ConditionFailed { .. } => Self::Conflict("the resource was changed or already exists".into()),
            TableError::InvalidCursor => Self::BadRequest("invalid pagination cursor".into()),
            TableError::Unavailable(_) => Self::unavailable("a record could not be read or written", e),
            TableError::InvalidItem(_) | TableError::Backend(_) => {
                Self::internal("a record could not be read or written", e)
            }
        }
    }
}

impl From<BlobError> for Error {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::NotFound(_) => Self::NotFound("object".into()),
            BlobError::InvalidKey(m) => Self::BadRequest(m),
            BlobError::Unavailable(_) => Self::unavailable("a file could not be read or written", e),
            other => Self::internal("a file could not be read or written", other),
        }
    }
}

impl From<SecretsError> for Error {
    fn from(e: SecretsError) -> Self {
        match e {
            SecretsError::Unavailable(_) => Self::unavailable("a secret could not be read", e),
            other => Self::internal("a secret could not be read", other),
        }
    }
}

impl From<crate::domains::DomainError> for Error {
    fn from(e: crate::domains::DomainError) -> Self {
        use crate::domains::DomainError;
        match e {
            DomainError::Taken(_) => Self::Conflict(e.to_string()),
            DomainError::Refused(m) => Self::Validation(m),
            DomainError::NotOffered => Self::NotFound("custom domains".into()),
            DomainError::Unavailable(_) => Self::unavailable("the CDN did not answer", e),
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Self::internal("the configuration", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_errors_have_stable_names() {
        assert_eq!(Error::Unavailable("x".into()).task_error("Extract").error_type, "Extract.Transient");
        assert_eq!(Error::NotFound("cv".into()).task_error("Build").error_type, "Build.NotFound");
        assert_eq!(
            Error::UnsupportedMediaType("x".into()).task_error("Extract").error_type,
            "Extract.UnsupportedMediaType"
        );
        assert_eq!(Error::Internal("secret detail".into()).task_error("Extract").error_message, "internal error");
    }

    #[test]
    fn causes_are_kept_and_never_shown_to_the_caller() {
        use std::error::Error as _;
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "/data/key: permission denied");
        let error = Error::internal("cannot read the signing key", io);
        let cause =
            error.source().and_then(|c| c.downcast_ref::<std::io::Error>()).expect("the io error is the source");
        assert_eq!(cause.kind(), std::io::ErrorKind::PermissionDenied);
        assert_eq!(error.to_string(), "internal error: cannot read the signing key: /data/key: permission denied");
        assert_eq!((error.status(), error.slug()), (500, "internal"));
        assert!(!error.problem(None).detail.contains("permission"), "the cause stays in the log");

        let table = Error::from(TableError::Unavailable("throttled".into()));
        assert!(table.is_transient() && table.status() == 503);
        let cause = table.source().and_then(|c| c.downcast_ref::<TableError>()).expect("the table error is the source");
        assert!(matches!(cause, TableError::Unavailable(m) if m.to_string() == "throttled"));
        assert_eq!(table.task_error("Extract").error_type, "Extract.Transient");
    }

    #[test]
    fn a_store_error_keeps_its_cause_and_names_the_whole_chain() {
        use std::error::Error as _;
        #[derive(Debug, thiserror::Error)]
        #[error("dispatch failure")]
        struct Dispatch(#[source] std::io::Error);
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset by peer");
        let blob = BlobError::Unavailable(Detail::new("reading uploads/cv.pdf", Dispatch(reset)));

        assert_eq!(
            blob.to_string(),
            "object store temporarily unavailable: reading uploads/cv.pdf: dispatch failure: connection reset by peer"
        );
        let io = std::iter::successors(blob.source(), |&e| e.source())
            .find_map(|e| e.downcast_ref::<std::io::Error>())
            .expect("the io error is in the chain");
        assert_eq!(io.kind(), std::io::ErrorKind::ConnectionReset);

        let app = Error::from(blob);
        assert!(app.is_transient() && std::iter::successors(app.source(), |&e| e.source()).count() == 4);
        let found = BlobError::Backend("CV 7 was half written".into());
        assert!(found.source().is_some_and(|detail| detail.source().is_none()), "nothing behind a store's own finding");
    }

    #[test]
    fn store_errors_map_to_the_right_status() {
        assert_eq!(Error::from(TableError::ConditionFailed { op: None }).status(), 409);
        assert_eq!(Error::from(TableError::Unavailable("throttled".into())).status(), 503);
        assert_eq!(Error::from(BlobError::NotFound("k".into())).status(), 404);
        assert_eq!(Error::from(BlobError::InvalidKey("..".into())).status(), 400);
    }
}
