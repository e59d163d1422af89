//! Custom domains: a person's own host name (`www.example.com`) in front of their published
//! site.
//!
//! The CDN serves each custom domain through a handle of its own (in the cloud a CloudFront
//! distribution tenant of the sites' multi-tenant distribution, with a certificate CloudFront
//! requests and renews); the handle is told which site to show by its slug. The person creates
//! one DNS record; the certificate is validated over HTTP once that record points at the CDN,
//! and [`CustomDomains::check`] is asked until the domain is active.

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::model::Slug;

/// How long a host name may be (DNS's limit is 253; CloudFront tenant names, which are the
/// host names here, at most 128).
const MAX_HOST_LEN: usize = 128;

/// A host name a person may put in front of their site: at least two labels of lowercase
/// letters, digits and hyphens, a top-level label that is not a number, no IP address.
/// International names are kept in their ASCII (punycode) form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "www.example.com")]
pub struct HostName(String);

impl HostName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim().trim_end_matches('.');
        let refuse = || Err(format!("{trimmed:?} is not a domain name such as www.example.com"));
        let Ok(url::Host::Domain(ascii)) = url::Host::parse(trimmed) else { return refuse() };
        let labels: Vec<&str> = ascii.split('.').collect();
        let well_formed = ascii.len() <= MAX_HOST_LEN
            && labels.len() >= 2
            && crate::config::is_domain(&ascii)
            && labels.last().is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed || labels.last() == Some(&"localhost") {
            return refuse();
        }
        Ok(Self(ascii))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this name is `domain` or a name under it.
    pub fn is_within(&self, domain: &str) -> bool {
        self.0 == domain || self.0.strip_suffix(domain).is_some_and(|rest| rest.ends_with('.'))
    }
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for HostName {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
    }
}

impl From<HostName> for String {
    fn from(host: HostName) -> Self {
        host.0
    }
}

/// Where a custom domain stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DomainState {
    /// Waiting for the DNS record, then for the certificate.
    Pending,
    /// Served with its own certificate.
    Active,
    /// The certificate could not be issued (the record was not made in time, or a CAA record
    /// forbids the authority): remove the domain and add it again once DNS is right.
    Failed,
}

/// A DNS record the person creates at their DNS provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DnsRecord {
    /// CNAME (or A for a machine's address).
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub value: String,
}

/// What [`CustomDomains::check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainCheck {
    pub state: DomainState,
    pub records: Vec<DnsRecord>,
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The CDN already serves this name for someone (another account, or another product).
    #[error("{0} is already served by another site")]
    Taken(String),
    /// The CDN refused the name or the request.
    #[error("{0}")]
    Refused(String),
    /// This installation offers no custom domains.
    #[error("custom domains are not offered here")]
    NotOffered,
    #[error("the CDN is unavailable: {0}")]
    Unavailable(#[source] crate::error::Detail),
}

/// The CDN's side of custom domains. Every call is idempotent: asked again after a failure
/// half-way, it finishes the job.
#[async_trait]
pub trait CustomDomains: Send + Sync {
    /// Starts serving `host` with the published site at `slug`; answers the CDN's handle for
    /// it. A handle already made for `host` (a request answered too late) is taken over.
    async fn attach(&self, host: &HostName, slug: &Slug) -> Result<String, DomainError>;

    /// Where the domain behind `handle` stands, and the DNS records it needs.
    async fn check(&self, handle: &str, host: &HostName) -> Result<DomainCheck, DomainError>;

    /// Shows the site now at `slug` (its address changed) on the domain behind `handle`.
    async fn repoint(&self, handle: &str, slug: &Slug) -> Result<(), DomainError>;

    /// Stops serving the domain and forgets it; a handle already gone is fine.
    async fn detach(&self, handle: &str) -> Result<(), DomainError>;
}

/// Takes `domain` off the portfolio `claim` names: the CDN stops serving it, then the name is
/// given up. Idempotent, like the calls it makes.
pub async fn take_off(
    domains: &dyn CustomDomains,
    table: &dyn crate::store::Table,
    domain: &crate::records::portfolios::CustomDomain,
    claim: &crate::records::portfolios::SlugClaim,
) -> Result<(), crate::Error> {
    domains.detach(&domain.handle).await?;
    crate::records::portfolios::release_domain(table, &domain.host, claim).await?;
    Ok(())
}

/// A cloud installation whose operator set up no tenancy for custom domains.
pub struct NoCustomDomains;

#[async_trait]
impl CustomDomains for NoCustomDomains {
    async fn attach(&self, _host: &HostName, _slug: &Slug) -> Result<String, DomainError> {
        Err(DomainError::NotOffered)
    }

    async fn check(&self, _handle: &str, _host: &HostName) -> Result<DomainCheck, DomainError> {
        Err(DomainError::NotOffered)
    }

    async fn repoint(&self, _handle: &str, _slug: &Slug) -> Result<(), DomainError> {
        Err(DomainError::NotOffered)
    }

    /// Nothing can have been attached.
    async fn detach(&self, _handle: &str) -> Result<(), DomainError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_names_people_own() {
        for (raw, parsed) in [
            ("www.example.com", "www.example.com"),
            ("  WWW.Example.COM. ", "www.example.com"),
            ("jane.co.uk", "jane.co.uk"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("bücher.example", "xn--bcher-kva.example"),
            ("a-b.example.org", "a-b.example.org"),
        ] {
            assert_eq!(HostName::parse(raw).expect(raw).as_str(), parsed);
        }
        let long = format!("{}.example.com", "a.".repeat(60));
        for bad in [
            "",
            "com",
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "[::1]",
            "example.123",
            "-a.example.com",
            "a-.example.com",
            "a_b.example.com",
            "a..example.com",
            "https://example.com",
            "example.com/path",
            "ex ample.com",
            "user@example.com",
            &long,
        ] {
            assert!(HostName::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn a_name_is_within_its_domain_only_at_a_label() {
        let host = HostName::parse("jane.sites.example").expect("host");
        assert!(host.is_within("sites.example"));
        assert!(host.is_within("jane.sites.example"));
        assert!(!host.is_within("es.example"));
        assert!(!HostName::parse("evilsites.example").expect("host").is_within("sites.example"));
    }
}
