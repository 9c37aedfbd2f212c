//! The notify function. Only its health route so far; its routes arrive with their issues.

use shared::http::app::Handlers;
use shared::http::common::health;
use shared::http::routes::{Function, RouteId};

pub const FUNCTION: Function = Function::Notify;

pub fn handlers() -> Handlers {
    vec![(RouteId::Health(FUNCTION), health(FUNCTION))]
}
