//! HTTP plumbing shared by every function: the route table, problem+json errors, auth, pagination, and the
//! runners (Lambda here; the local runner in its own crate).

pub mod app;
pub mod auth;
pub mod common;
pub mod dto;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod lambda;
pub mod openapi;
pub mod pagination;
pub mod response_schemas;
pub mod routes;
pub mod schemas_workbench;
pub mod state;
pub mod views;
