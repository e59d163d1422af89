//! The HTTP API's OpenAPI 3.1 document: every function's operations (each crate's `openapi`
//! module, next to its handlers and types), merged and finished. Served at `/v1/openapi.json`
//! and checked in as docs/openapi.json; tests hold both to this and its paths to [`ROUTES`].
//!
//! [`ROUTES`]: crate::routes::ROUTES

use serde_json::Value;
use utoipa::OpenApi;
use utoipa::openapi::{InfoBuilder, OpenApiBuilder, ServerBuilder};

/// The document, as JSON.
pub fn document() -> Value {
    let mut api = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Resume2Website API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "A CV in, a personal website out: upload, watch the job, edit the CV, choose a theme and an \\
                     address, pay, publish. Errors are RFC 9457 problem documents.",
                ))
                .build(),
        )
        .servers(Some([ServerBuilder::new().url("/").description(Some("This deployment")).build()]))
        .build();
    api.merge(r2w_auth::openapi::AuthDoc::openapi());
    api.merge(r2w_upload::openapi::UploadDoc::openapi());
    api.merge(r2w_build_portfolio::openapi::PortfolioDoc::openapi());
    api.merge(r2w_stripe_webhook::openapi::PaymentsDoc::openapi());
    api.merge(r2w_status::openapi::StatusDoc::openapi());
    r2w_core::openapi::finish(api)
}

/// The document as checked in: pretty, with a final newline.
pub fn pretty() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
