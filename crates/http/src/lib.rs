//! The Lambda edge every function shares: naming an API Gateway request, reading a JSON body
//! with a size limit, answering JSON that is never cached or a problem document, knowing the
//! caller's address, reporting a task's failure to Step Functions, and making the clients of
//! outgoing HTTP calls.

use std::net::IpAddr;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use r2w_core::Error;
use r2w_core::error::PROBLEM_CONTENT_TYPE;

/// A client builder for outgoing HTTP (Stripe, Anthropic, OAuth providers, a local Lambda
/// emulator). reqwest is built without a TLS provider of its own, so the first call chooses the
/// process's: rustls with *ring*, the one TLS stack the functions link (the AWS clients use it
/// too, `r2w_aws::https_client`). Every outgoing client is made here; one made with
/// `reqwest::Client::builder()` directly would find no provider.
pub fn http_client() -> reqwest::ClientBuilder {
    // Err only when a provider is already installed: by an earlier call, which chose this one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Mozilla's roots, compiled in, rather than the system's store read from disk on every
    // cold start (scripts/cold-start.py: payments 54.9 ms, 21x the hello-world function).
    let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().filter_map(|c| reqwest::Certificate::from_der(c).ok());
    reqwest::Client::builder().tls_certs_only(roots)
}

/// What an [`Error`] looks like at the Lambda edge.
pub trait LambdaError {
    /// The HTTP answer; internal details go to the log with the request id, not to the client.
    fn to_response(&self, request_id: Option<&str>) -> Response<Body>;
    /// The failure a Step Functions task reports (see [`Error::task_error`]).
    fn task_diagnostic(&self, step: &str) -> lambda_runtime::Diagnostic;
}

impl LambdaError for Error {
    /// The HTTP answer; internal details go to the log with the request id, not to the client.
    fn to_response(&self, request_id: Option<&str>) -> Response<Body> {
        if self.status() >= 500 {
            tracing::error!(error = %self, request_id, "request failed");
        }
        let problem = self.problem(request_id);
        let body = serde_json::to_string(&problem).unwrap_or_default();
        let mut builder = Response::builder().status(problem.status).header("content-type", PROBLEM_CONTENT_TYPE);
        if let Error::RateLimited { retry_after_secs } = self {
            builder = builder.header("retry-after", retry_after_secs.to_string());
        }
        builder.body(Body::Text(body)).unwrap_or_else(|_| Response::new(Body::Empty))
    }

    fn task_diagnostic(&self, step: &str) -> lambda_runtime::Diagnostic {
        let failure = self.task_error(step);
        lambda_runtime::Diagnostic { error_type: failure.error_type, error_message: failure.error_message }
    }
}

/// A request body larger than this is refused before parsing.
pub const MAX_JSON_BODY_BYTES: usize = 16 * 1024;

/// Runs `route` in the request's span (with its id) and answers its error as a problem
/// document: the frame every HTTP function's handler shares.
pub async fn serve<Fut>(request: Request, route: impl FnOnce(Request) -> Fut) -> Response<Body>
where
    Fut: std::future::Future<Output = Result<Response<Body>, Error>>,
{
    use tracing::Instrument;
    let request_id = request_id(&request);
    let span = r2w_core::telemetry::request_span(&request_id, request.method().as_str(), request.uri().path());
    match route(request).instrument(span).await {
        Ok(response) => response,
        Err(e) => e.to_response(Some(&request_id)),
    }
}

/// The Lambda request id, else the gateway's (the local server sets one), else the caller's
/// `x-request-id`.
pub fn request_id(request: &Request) -> String {
    let gateway = || match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => context.request_id.clone(),
        RequestContext::ApiGatewayV1(context) => context.request_id.clone(),
        #[allow(unreachable_patterns)]
        _ => None,
    };
    request.lambda_context_ref().map(|c| c.request_id.clone()).or_else(gateway).unwrap_or_else(|| {
        request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("local").to_owned()
    })
}

/// The body as `T`; an empty body reads as `{}` when `empty_ok`.
pub fn json_body<T: DeserializeOwned>(request: &Request, empty_ok: bool) -> Result<T, Error> {
    let bytes: &[u8] = request.body().as_ref();
    if bytes.len() > MAX_JSON_BODY_BYTES {
        return Err(Error::PayloadTooLarge(format!("the body is over {MAX_JSON_BODY_BYTES} bytes")));
    }
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) && empty_ok { b"{}".as_slice() } else { bytes };
    serde_json::from_slice(bytes)
        .map_err(|e| Error::BadRequest(format!("the body is not valid JSON for this route: {e}")))
}

pub fn json(status: u16, value: &impl Serialize) -> Result<Response<Body>, Error> {
    let body = serde_json::to_string(value).map_err(|e| Error::internal("writing a JSON answer", e))?;
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .body(Body::Text(body))
        .map_err(|e| Error::internal("building an answer", e))
}

pub fn no_content() -> Result<Response<Body>, Error> {
    Response::builder().status(204).body(Body::Empty).map_err(|e| Error::internal("building an answer", e))
}

/// A `302 Found` to `location`.
pub fn redirect(location: &str) -> Result<Response<Body>, Error> {
    Response::builder()
        .status(302)
        .header("location", location)
        .header("cache-control", "no-store")
        .body(Body::Empty)
        .map_err(|e| Error::internal("building an answer", e))
}

/// The first value of query parameter `name`, decoded.
pub fn query_param(request: &Request, name: &str) -> Option<String> {
    let query = request.uri().query()?;
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The caller's address as API Gateway saw it (the local server sets the same context).
/// Headers such as `X-Forwarded-For` are not trusted: any client can write them.
pub fn client_ip(request: &Request) -> Option<IpAddr> {
    let ip = match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => context.http.source_ip.as_deref(),
        RequestContext::ApiGatewayV1(context) => context.identity.source_ip.as_deref(),
        #[allow(unreachable_patterns)]
        _ => None,
    };
    ip?.parse().ok()
}

#[cfg(test)]
mod tests {
    use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;

    use super::*;

    #[test]
    fn outgoing_clients_trust_the_compiled_in_roots() {
        assert!(webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() > 100, "Mozilla's list");
        let parsed = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .filter(|c| reqwest::Certificate::from_der(c).is_ok())
            .count();
        assert_eq!(parsed, webpki_root_certs::TLS_SERVER_ROOT_CERTS.len(), "every root is used");
        assert!(http_client().build().is_ok());
    }

    fn body_json(response: &Response<Body>) -> serde_json::Value {
        match response.body() {
            Body::Text(text) => serde_json::from_str(text).expect("problem json"),
            other => panic!("unexpected body {other:?}"),
        }
    }

    #[test]
    fn problems_follow_rfc_9457() {
        let response = Error::NotFound("job".into()).to_response(Some("req-1"));
        assert_eq!(response.status(), 404);
        assert_eq!(response.headers()["content-type"], PROBLEM_CONTENT_TYPE);
        let body = body_json(&response);
        assert_eq!(body["type"], "urn:r2w:problem:not-found");
        assert_eq!(body["title"], "Not found");
        assert_eq!(body["status"], 404);
        assert_eq!(body["detail"], "job not found");
        assert_eq!(body["request_id"], "req-1");
    }

    #[test]
    fn internal_details_are_not_shown() {
        let response = Error::Internal("table r2w-prod: AccessDenied for arn:aws:iam::123".into()).to_response(None);
        let body = body_json(&response);
        assert_eq!(response.status(), 500);
        assert!(!body.to_string().contains("arn:aws"), "{body}");
    }

    #[test]
    fn rate_limits_say_when_to_come_back() {
        let response = Error::RateLimited { retry_after_secs: 42 }.to_response(None);
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "42");
    }

    #[test]
    fn the_client_address_comes_from_the_gateway_not_from_headers() {
        let spoofed = lambda_http::http::Request::builder()
            .header("x-forwarded-for", "10.0.0.1")
            .body(Body::Empty)
            .expect("request");
        assert_eq!(client_ip(&spoofed), None);
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http.source_ip = Some("203.0.113.9".into());
        let request = spoofed.with_request_context(RequestContext::ApiGatewayV2(context));
        assert_eq!(client_ip(&request), Some("203.0.113.9".parse().expect("ip")));
    }

    #[test]
    fn bodies_are_bounded_and_parsed() {
        #[derive(serde::Deserialize, Debug)]
        struct Body_ {
            #[allow(dead_code)]
            a: Option<u8>,
        }
        let big =
            lambda_http::http::Request::builder().body(Body::Text("x".repeat(MAX_JSON_BODY_BYTES + 1))).expect("r");
        assert!(matches!(json_body::<Body_>(&big, true), Err(Error::PayloadTooLarge(_))));
        let empty = lambda_http::http::Request::builder().body(Body::Empty).expect("r");
        assert!(json_body::<Body_>(&empty, true).is_ok());
        assert!(matches!(json_body::<Body_>(&empty, false), Err(Error::BadRequest(_))));
    }
}
