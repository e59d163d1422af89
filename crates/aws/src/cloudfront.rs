//! Custom domains on CloudFront SaaS Manager: the sites' multi-tenant distribution (its origin
//! path is `/sites/{{slug}}`) gets one distribution tenant per custom domain, named after the
//! domain, with a CloudFront-managed certificate validated over HTTP (CloudFront answers the
//! certificate authority's request itself once the person's CNAME points at the connection
//! group's routing endpoint).

use async_trait::async_trait;
use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudfront::types::{
    DomainItem, DomainStatus, ManagedCertificateRequest, ManagedCertificateStatus, Parameter, ValidationTokenHost,
};

use r2w_core::config::CloudFrontTenancy;
use r2w_core::domains::{CustomDomains, DnsRecord, DomainCheck, DomainError, DomainState, HostName};
use r2w_core::error::Detail;
use r2w_core::model::Slug;

/// The tenant parameter the distribution's origin path is made of.
pub const SLUG_PARAMETER: &str = "slug";

pub struct CloudFrontDomains {
    client: Client,
    tenancy: CloudFrontTenancy,
}

impl CloudFrontDomains {
    pub fn new(client: Client, tenancy: CloudFrontTenancy) -> Self {
        Self { client, tenancy }
    }

    /// The tenant's current version (for `If-Match`) and whether it serves; `None` when gone.
    async fn version(&self, handle: &str) -> Result<Option<(String, bool)>, DomainError> {
        match self.client.get_distribution_tenant().identifier(handle).send().await {
            Ok(out) => {
                let etag = out.e_tag.ok_or_else(|| DomainError::Unavailable("a tenant without an ETag".into()))?;
                let enabled = out.distribution_tenant.and_then(|t| t.enabled).unwrap_or(true);
                Ok(Some((etag, enabled)))
            }
            Err(e) if code(&e) == Some("EntityNotFound") => Ok(None),
            Err(e) => Err(sdk_error(e)),
        }
    }

    fn slug_parameter(slug: &Slug) -> Result<Parameter, DomainError> {
        Parameter::builder()
            .name(SLUG_PARAMETER)
            .value(slug.to_string())
            .build()
            .map_err(|e| DomainError::Refused(e.to_string()))
    }
}

#[async_trait]
impl CustomDomains for CloudFrontDomains {
    async fn attach(&self, host: &HostName, slug: &Slug) -> Result<String, DomainError> {
        let domain =
            DomainItem::builder().domain(host.as_str()).build().map_err(|e| DomainError::Refused(e.to_string()))?;
        let certificate = ManagedCertificateRequest::builder()
            .validation_token_host(ValidationTokenHost::CloudFront)
            .primary_domain_name(host.as_str())
            .build()
            .map_err(|e| DomainError::Refused(e.to_string()))?;
        let created = self
            .client
            .create_distribution_tenant()
            .distribution_id(&self.tenancy.distribution_id)
            .name(host.as_str())
            .domains(domain)
            .parameters(Self::slug_parameter(slug)?)
            .connection_group_id(&self.tenancy.connection_group_id)
            .managed_certificate_request(certificate)
            .enabled(true)
            .send()
            .await;
        match created {
            Ok(out) => out
                .distribution_tenant
                .and_then(|t| t.id)
                .ok_or_else(|| DomainError::Unavailable("CloudFront answered a tenant without an id".into())),
            // Made by an earlier request of ours (tenant names are the domains, and a domain is
            // claimed by one portfolio before it gets here): take it over.
            Err(e) if code(&e) == Some("EntityAlreadyExists") => {
                let existing = self.client.get_distribution_tenant().identifier(host.as_str()).send().await;
                let id = existing.map_err(sdk_error)?.distribution_tenant.and_then(|t| t.id);
                let id =
                    id.ok_or_else(|| DomainError::Unavailable("CloudFront answered a tenant without an id".into()))?;
                self.repoint(&id, slug).await?;
                Ok(id)
            }
            Err(e) if matches!(code(&e), Some("CNAMEAlreadyExists" | "DomainConflict")) => {
                Err(DomainError::Taken(host.to_string()))
            }
            Err(e) => Err(sdk_error(e)),
        }
    }

    async fn check(&self, handle: &str, host: &HostName) -> Result<DomainCheck, DomainError> {
        let tenant = self.client.get_distribution_tenant().identifier(handle).send().await.map_err(sdk_error)?;
        let domain_active = tenant
            .distribution_tenant
            .and_then(|t| t.domains)
            .unwrap_or_default()
            .iter()
            .any(|d| d.domain == host.as_str() && d.status == Some(DomainStatus::Active));
        let certificate =
            self.client.get_managed_certificate_details().identifier(handle).send().await.map_err(sdk_error)?;
        let status = certificate.managed_certificate_details.and_then(|d| d.certificate_status);
        let state = match status {
            Some(ManagedCertificateStatus::Issued) if domain_active => DomainState::Active,
            Some(
                ManagedCertificateStatus::Failed
                | ManagedCertificateStatus::ValidationTimedOut
                | ManagedCertificateStatus::Revoked
                | ManagedCertificateStatus::Expired,
            ) => DomainState::Failed,
            _ => DomainState::Pending,
        };
        let record =
            DnsRecord { kind: "CNAME".into(), name: host.to_string(), value: self.tenancy.routing_endpoint.clone() };
        Ok(DomainCheck { state, records: vec![record] })
    }

    async fn repoint(&self, handle: &str, slug: &Slug) -> Result<(), DomainError> {
        let Some((etag, _)) = self.version(handle).await? else {
            return Err(DomainError::Refused(format!("no tenant {handle}")));
        };
        self.client
            .update_distribution_tenant()
            .id(handle)
            .if_match(etag)
            .parameters(Self::slug_parameter(slug)?)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn detach(&self, handle: &str) -> Result<(), DomainError> {
        let Some((mut etag, enabled)) = self.version(handle).await? else { return Ok(()) };
        // CloudFront deletes only a disabled tenant.
        if enabled {
            let updated =
                self.client.update_distribution_tenant().id(handle).if_match(etag).enabled(false).send().await;
            etag = updated.map_err(sdk_error)?.e_tag.ok_or_else(|| DomainError::Unavailable("no ETag".into()))?;
        }
        match self.client.delete_distribution_tenant().id(handle).if_match(etag).send().await {
            Ok(_) => Ok(()),
            Err(e) if code(&e) == Some("EntityNotFound") => Ok(()),
            Err(e) => Err(sdk_error(e)),
        }
    }
}

fn code<E: ProvideErrorMetadata>(e: &SdkError<E>) -> Option<&str> {
    match e {
        SdkError::ServiceError(ctx) => ctx.err().code(),
        _ => None,
    }
}

fn sdk_error<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(e: SdkError<E>) -> DomainError {
    match &e {
        // What the person can change (the name); anything else is the operator's to see.
        SdkError::ServiceError(ctx) if code(&e) == Some("InvalidArgument") => {
            DomainError::Refused(ctx.err().message().unwrap_or("CloudFront refused the name").to_owned())
        }
        _ => DomainError::Unavailable(Detail::new("CloudFront", e)),
    }
}
