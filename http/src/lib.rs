//! The HTTP layer shared by every function: the route table, extractors, auth, problem+json errors, views,
//! the OpenAPI document and the settings. The Lambda runner is `sme-lambda`; the local runner is `sme-local`.

pub mod app;
pub mod auth;
pub mod common;
pub mod described;
pub mod dto;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod openapi;
pub mod openapi_params;
pub mod pagination;
pub mod route_schemas;
pub mod routes;
pub mod settings;
pub mod state;
pub mod views;
