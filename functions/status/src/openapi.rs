//! The status API's operations in the OpenAPI document (docs/openapi.json). Each function below
//! stands for one route of `StatusApi::route`; only its attribute is read.
#![allow(dead_code)]

use utoipa::OpenApi;

use crate::Health;

#[derive(OpenApi)]
#[openapi(paths(health, openapi_document), components(schemas(Health)))]
pub struct StatusDoc;

/// Whether the API's dependencies answer: the table and both stores.
#[utoipa::path(get, path = "/v1/health", tag = "status", responses(
    (status = 200, description = "Everything answers.", body = Health),
    (status = 503, description = "A dependency does not answer (see which in `checks`).", body = Health),
))]
fn health() {}

/// This document.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "status", responses(
    (status = 200, description = "The OpenAPI 3.1 document of the API.", content_type = "application/json", body = Object),
))]
fn openapi_document() {}
