//! Handlers every function shares: its health route.

use axum::Json;
use axum::routing::{MethodRouter, get};
use serde_json::json;

use crate::routes::Function;
use crate::state::AppState;

/// `GET /v1/health/<function>`.
pub fn health(function: Function) -> MethodRouter<AppState> {
    get(move || async move { Json(json!({"status": "ok", "function": function.name()})) })
}
