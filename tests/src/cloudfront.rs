//! A local CloudFront speaking the REST-XML protocol of the SaaS Manager calls the product
//! makes (CreateDistributionTenant, GetDistributionTenant, UpdateDistributionTenant,
//! DeleteDistributionTenant, GetManagedCertificateDetails), with CloudFront's rules: a tenant
//! name and a domain are unique, a change needs the current ETag in `If-Match`, only a disabled
//! tenant may be deleted, requests must be SigV4-signed. The test plays the DNS and the
//! certificate authority: [`CloudFrontStandIn::validate`] is the moment the person's CNAME
//! resolves and the certificate is issued.
//!
//! Lists are written with `member` elements, as CloudFront's service model (which the SDK is
//! generated from) has them for the SaaS Manager shapes; the requests are read by element name
//! whatever wraps them.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const XMLNS: &str = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
const PREFIX: &str = "/2020-05-31/";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub distribution_id: String,
    pub connection_group_id: String,
    pub domain: String,
    pub parameters: BTreeMap<String, String>,
    pub enabled: bool,
    pub etag: String,
    /// `pending-validation`, then `issued` (or `validation-timed-out`).
    pub certificate: String,
    pub validation_token_host: String,
}

#[derive(Default)]
struct State {
    tenants: BTreeMap<String, Tenant>,
    versions: u64,
    /// Every call, as `METHOD path`.
    calls: Vec<String>,
}

#[derive(Clone)]
pub struct CloudFrontStandIn {
    pub endpoint: String,
    pub distribution_id: String,
    state: Arc<Mutex<State>>,
}

impl CloudFrontStandIn {
    /// Serves on a free loopback port until the test ends.
    pub async fn start(distribution_id: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the CloudFront stand-in");
        let address: SocketAddr = listener.local_addr().expect("address");
        let stand_in = Self {
            endpoint: format!("http://{address}"),
            distribution_id: distribution_id.to_owned(),
            state: Arc::default(),
        };
        let serving = stand_in.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let serving = serving.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let serving = serving.clone();
                        async move { Ok::<_, Infallible>(serving.answer(request).await) }
                    });
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        stand_in
    }

    /// The person's CNAME now resolves to CloudFront and the certificate authority's HTTP check
    /// passed: the certificate is issued and the domain active.
    pub fn validate(&self, domain: &str) {
        self.set_certificate(domain, "issued");
    }

    /// The certificate authority gave up waiting for the record.
    pub fn time_out(&self, domain: &str) {
        self.set_certificate(domain, "validation-timed-out");
    }

    fn set_certificate(&self, domain: &str, status: &str) {
        let mut state = self.state.lock().expect("state");
        let tenant = state.tenants.values_mut().find(|t| t.domain == domain).expect("a tenant for the domain");
        tenant.certificate = status.to_owned();
    }

    pub fn tenants(&self) -> Vec<Tenant> {
        self.state.lock().expect("state").tenants.values().cloned().collect()
    }

    pub fn calls(&self) -> Vec<String> {
        self.state.lock().expect("state").calls.clone()
    }

    async fn answer(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        let body = String::from_utf8_lossy(&body).into_owned();
        let signed =
            parts.headers.get("authorization").and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.starts_with("AWS4-HMAC-SHA256 Credential=") && v.contains("/cloudfront/aws4_request")
            });
        if !signed {
            return error(403, "AccessDenied", "the request is not signed");
        }
        let if_match = parts.headers.get("if-match").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let path = parts.uri.path().to_owned();
        let mut state = self.state.lock().expect("state");
        state.calls.push(format!("{} {path}", parts.method));
        let Some(rest) = path.strip_prefix(PREFIX) else { return error(404, "NotFound", "no such operation") };
        let segments: Vec<&str> = rest.split('/').collect();
        match (parts.method.as_str(), segments.as_slice()) {
            ("POST", ["distribution-tenant"]) => self.create(&mut state, &body),
            ("GET", ["distribution-tenant", id]) => match find(&state, id) {
                Some(tenant) => tenant_response(200, tenant),
                None => error(404, "EntityNotFound", "no such tenant"),
            },
            ("PUT", ["distribution-tenant", id]) => update(&mut state, id, if_match.as_deref(), &body),
            ("DELETE", ["distribution-tenant", id]) => delete(&mut state, id, if_match.as_deref()),
            ("GET", ["managed-certificate", id]) => match find(&state, id) {
                Some(tenant) => certificate_response(tenant),
                None => error(404, "EntityNotFound", "no such tenant"),
            },
            _ => error(404, "NotFound", "no such operation"),
        }
    }

    fn create(&self, state: &mut State, body: &str) -> Response<Full<Bytes>> {
        let fields = Fields::read(body);
        let (Some(name), Some(distribution), Some(domain)) =
            (fields.first("Name"), fields.first("DistributionId"), fields.first("Domain"))
        else {
            return error(400, "InvalidArgument", "Name, DistributionId and Domains are required");
        };
        if distribution != self.distribution_id {
            return error(404, "EntityNotFound", "no such distribution");
        }
        if state.tenants.values().any(|t| t.name == name) {
            return error(409, "EntityAlreadyExists", "a tenant has this name");
        }
        if state.tenants.values().any(|t| t.domain == domain) {
            return error(409, "CNAMEAlreadyExists", "the domain is another tenant's");
        }
        state.versions += 1;
        let tenant = Tenant {
            id: format!("dt_{:026}", state.versions),
            name: name.to_owned(),
            distribution_id: distribution.to_owned(),
            connection_group_id: fields.first("ConnectionGroupId").unwrap_or("cg_default").to_owned(),
            domain: domain.to_owned(),
            parameters: fields.parameters(),
            enabled: fields.first("Enabled") != Some("false"),
            etag: format!("E{}", state.versions),
            certificate: "pending-validation".into(),
            validation_token_host: fields.first("ValidationTokenHost").unwrap_or_default().to_owned(),
        };
        let response = tenant_response(201, &tenant);
        state.tenants.insert(tenant.id.clone(), tenant);
        response
    }
}

fn find<'a>(state: &'a State, identifier: &str) -> Option<&'a Tenant> {
    state.tenants.values().find(|t| t.id == identifier || t.name == identifier)
}

fn update(state: &mut State, id: &str, if_match: Option<&str>, body: &str) -> Response<Full<Bytes>> {
    state.versions += 1;
    let version = state.versions;
    let Some(tenant) = state.tenants.get_mut(id) else { return error(404, "EntityNotFound", "no such tenant") };
    match if_match {
        None => return error(400, "InvalidIfMatchVersion", "If-Match is required"),
        Some(etag) if etag != tenant.etag => return error(412, "PreconditionFailed", "the tenant has changed"),
        Some(_) => {}
    }
    let fields = Fields::read(body);
    let parameters = fields.parameters();
    if !parameters.is_empty() {
        tenant.parameters = parameters;
    }
    if let Some(enabled) = fields.first("Enabled") {
        tenant.enabled = enabled == "true";
    }
    tenant.etag = format!("E{version}");
    tenant_response(200, tenant)
}

fn delete(state: &mut State, id: &str, if_match: Option<&str>) -> Response<Full<Bytes>> {
    let Some(tenant) = state.tenants.get(id) else { return error(404, "EntityNotFound", "no such tenant") };
    if if_match != Some(tenant.etag.as_str()) {
        return error(412, "PreconditionFailed", "the tenant has changed");
    }
    if tenant.enabled {
        return error(409, "ResourceNotDisabled", "disable the tenant first");
    }
    state.tenants.remove(id);
    Response::builder().status(204).body(Full::default()).unwrap_or_default()
}

fn tenant_response(status: u16, tenant: &Tenant) -> Response<Full<Bytes>> {
    let domain_status = if tenant.certificate == "issued" && tenant.enabled { "active" } else { "inactive" };
    let parameters: String = tenant
        .parameters
        .iter()
        .map(|(name, value)| format!("<member><Name>{name}</Name><Value>{value}</Value></member>"))
        .collect();
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><DistributionTenant xmlns="{XMLNS}"><Id>{id}</Id><DistributionId>{distribution}</DistributionId><Name>{name}</Name><Arn>arn:aws:cloudfront::123456789012:distribution-tenant/{id}</Arn><Domains><member><Domain>{domain}</Domain><Status>{domain_status}</Status></member></Domains><Parameters>{parameters}</Parameters><ConnectionGroupId>{group}</ConnectionGroupId><CreatedTime>2026-12-06T08:00:00Z</CreatedTime><LastModifiedTime>2026-12-06T08:00:00Z</LastModifiedTime><Enabled>{enabled}</Enabled><Status>{status}</Status></DistributionTenant>"#,
        id = tenant.id,
        distribution = tenant.distribution_id,
        name = tenant.name,
        domain = tenant.domain,
        group = tenant.connection_group_id,
        enabled = tenant.enabled,
        status = if domain_status == "active" { "Deployed" } else { "InProgress" },
    );
    xml(status, Some(&tenant.etag), body)
}

fn certificate_response(tenant: &Tenant) -> Response<Full<Bytes>> {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ManagedCertificateDetails xmlns="{XMLNS}"><CertificateArn>arn:aws:acm:us-east-1:123456789012:certificate/{id}</CertificateArn><CertificateStatus>{status}</CertificateStatus><ValidationTokenHost>{host}</ValidationTokenHost><ValidationTokenDetails><member><Domain>{domain}</Domain><RedirectTo>validation.example/{id}</RedirectTo><RedirectFrom>{domain}/.well-known/pki-validation/{id}.txt</RedirectFrom></member></ValidationTokenDetails></ManagedCertificateDetails>"#,
        id = tenant.id,
        status = tenant.certificate,
        host = tenant.validation_token_host,
        domain = tenant.domain,
    );
    xml(200, None, body)
}

fn error(status: u16, code: &str, message: &str) -> Response<Full<Bytes>> {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="{XMLNS}"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>stand-in</RequestId></ErrorResponse>"#
    );
    xml(status, None, body)
}

fn xml(status: u16, etag: Option<&str>, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::builder().status(status).header("content-type", "text/xml");
    if let Some(etag) = etag {
        response = response.header("etag", etag);
    }
    response.body(Full::new(Bytes::from(body))).unwrap_or_default()
}

/// The text of every element of a request body, by element name, in document order, and the
/// name/value pairs under `Parameters`.
struct Fields {
    texts: Vec<(String, String)>,
    parameters: Vec<(String, String)>,
}

impl Fields {
    fn read(xml: &str) -> Self {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut path: Vec<String> = Vec::new();
        let mut texts = Vec::new();
        let mut parameters = Vec::new();
        let mut pending_name = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(start)) => path.push(start.local_name().as_ref().to_owned()),
                Ok(Event::End(_)) => {
                    path.pop();
                }
                Ok(Event::Text(text)) => {
                    let Some(element) = path.last().cloned() else { continue };
                    let value = text.xml10_content().into_owned();
                    if path.iter().any(|p| p == "Parameters") {
                        match element.as_str() {
                            "Name" => pending_name = Some(value.clone()),
                            "Value" => {
                                if let Some(name) = pending_name.take() {
                                    parameters.push((name, value.clone()));
                                }
                            }
                            _ => {}
                        }
                    } else {
                        texts.push((element, value));
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        Self { texts, parameters }
    }

    fn first(&self, element: &str) -> Option<&str> {
        self.texts.iter().find(|(name, _)| name == element).map(|(_, value)| value.as_str())
    }

    fn parameters(&self) -> BTreeMap<String, String> {
        self.parameters.iter().cloned().collect()
    }
}
