//! Lambda entry point: build the adapters once, then serve HTTP requests, the table's stream and the reminder
//! schedule from the one binary.

use shared::http::lambda;

#[tokio::main]
async fn main() -> Result<(), lambda::Error> {
    lambda::init_tracing();
    let state = shared::config::lambda_state(notify::FUNCTION).await?;
    notify::serve_lambda(state).await
}
