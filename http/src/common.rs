//! Handlers every function shares: its health route; and the schema of the OpenAPI route's answer.

use axum::Json;
use axum::routing::{MethodRouter, get};
use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::routes::Function;
use crate::state::AppState;

/// `GET /v1/health/<function>`.
#[derive(Serialize, ToSchema)]
pub struct HealthAnswer {
    /// `ok`.
    pub status: &'static str,
    pub function: &'static str,
}

/// `GET /v1/health/<function>`.
pub fn health(function: Function) -> MethodRouter<AppState> {
    get(move || async move {
        Json(HealthAnswer {
            status: "ok",
            function: function.name(),
        })
    })
}

/// `GET /v1/openapi.json`: this document (an OpenAPI 3.1 object; described here, not re-described).
pub struct OpenApiDocument;

impl PartialSchema for OpenApiDocument {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some("OpenAPI 3.1 document"))
            .property("openapi", ObjectBuilder::new().schema_type(Type::String))
            .required("openapi")
            .into()
    }
}

impl ToSchema for OpenApiDocument {}
