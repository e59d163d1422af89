//! Custom domains on one machine: nothing to provision. `r2w serve` answers a claimed domain's
//! requests with its site (records::portfolios::domain_holder), so a name pointed at the
//! machine (DNS, or a line in /etc/hosts) shows the site at once.

use async_trait::async_trait;
use url::Url;

use r2w_core::domains::{CustomDomains, DnsRecord, DomainCheck, DomainError, DomainState, HostName};
use r2w_core::model::Slug;

pub struct LocalDomains {
    /// Where this machine serves sites: what the person's record points at.
    sites_url: Url,
}

impl LocalDomains {
    pub fn new(sites_url: Url) -> Self {
        Self { sites_url }
    }
}

#[async_trait]
impl CustomDomains for LocalDomains {
    async fn attach(&self, host: &HostName, _slug: &Slug) -> Result<String, DomainError> {
        Ok(host.to_string())
    }

    async fn check(&self, _handle: &str, host: &HostName) -> Result<DomainCheck, DomainError> {
        let record = match self.sites_url.host() {
            Some(url::Host::Domain(name)) => {
                DnsRecord { kind: "CNAME".into(), name: host.to_string(), value: name.into() }
            }
            Some(url::Host::Ipv4(ip)) => DnsRecord { kind: "A".into(), name: host.to_string(), value: ip.to_string() },
            Some(url::Host::Ipv6(ip)) => {
                DnsRecord { kind: "AAAA".into(), name: host.to_string(), value: ip.to_string() }
            }
            None => return Err(DomainError::NotOffered),
        };
        Ok(DomainCheck { state: DomainState::Active, records: vec![record] })
    }

    async fn repoint(&self, _handle: &str, _slug: &Slug) -> Result<(), DomainError> {
        Ok(())
    }

    async fn detach(&self, _handle: &str) -> Result<(), DomainError> {
        Ok(())
    }
}
