//! How the AWS clients reach AWS: over the process's one HTTPS client (`r2w_http::http_client`:
//! reqwest, rustls with *ring*, Mozilla's roots, HTTP/1.1), not the SDK's own hyper client. The
//! SDK's client brought a second connection pool and HTTP/2 (`h2`, which no AWS endpoint we call
//! needs) into every function; DynamoDB, Secrets Manager, Step Functions, SES and CloudFront
//! requests are small JSON or XML documents sent whole, which is all this transport carries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

/// The HTTPS client of every AWS client of this process.
pub fn https_client() -> SharedHttpClient {
    SharedHttpClient::new(Transport::default())
}

/// One connector (a reqwest client, with its connection pool) per pair of timeouts the SDK
/// asks for: in practice one for the whole process.
#[derive(Debug, Default)]
struct Transport {
    connectors: Mutex<HashMap<Timeouts, SharedHttpConnector>>,
}

/// The connect and read timeouts the SDK's configuration sets, if any.
type Timeouts = (Option<Duration>, Option<Duration>);

impl HttpClient for Transport {
    fn http_connector(&self, settings: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        let timeouts = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = self.connectors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        connectors.entry(timeouts).or_insert_with(|| SharedHttpConnector::new(Connector::new(timeouts))).clone()
    }
}

#[derive(Debug)]
struct Connector {
    /// `Err` when the client cannot be built; every request then fails with the reason.
    client: Result<reqwest::Client, Arc<str>>,
}

impl Connector {
    fn new((connect, read): Timeouts) -> Self {
        let mut builder = r2w_http::http_client();
        if let Some(timeout) = connect {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(timeout) = read {
            builder = builder.read_timeout(timeout);
        }
        Self { client: builder.build().map_err(|e| Arc::from(format!("cannot build the AWS HTTPS client: {e}"))) }
    }
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let client = self.client.clone();
        HttpConnectorFuture::new(async move {
            let client = client.map_err(|reason| ConnectorError::other(reason.to_string().into(), None))?;
            let method = reqwest::Method::from_bytes(request.method().as_bytes())
                .map_err(|e| ConnectorError::user(Box::new(e)))?;
            let body = request
                .body()
                .bytes()
                .ok_or_else(|| {
                    ConnectorError::user("a streaming request body; this transport sends whole ones".into())
                })?
                .to_vec();
            let mut outgoing = client.request(method, request.uri()).body(body);
            for (name, value) in request.headers() {
                outgoing = outgoing.header(name, value);
            }
            let response = outgoing.send().await.map_err(connector_error)?;
            let status = StatusCode::try_from(response.status().as_u16())
                .map_err(|e| ConnectorError::other(Box::new(e), None))?;
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(connector_error)?;
            let mut answer = HttpResponse::new(status, SdkBody::from(body));
            for (name, value) in &headers {
                if let Ok(value) = value.to_str() {
                    answer.headers_mut().append(name.as_str().to_owned(), value.to_owned());
                }
            }
            Ok(answer)
        })
    }
}

/// Timeouts and broken connections are retried by the SDK; anything else is reported.
fn connector_error(error: reqwest::Error) -> ConnectorError {
    if error.is_timeout() {
        ConnectorError::timeout(Box::new(error))
    } else if error.is_connect() || error.is_request() || error.is_body() {
        ConnectorError::io(Box::new(error))
    } else {
        ConnectorError::other(Box::new(error), None)
    }
}
