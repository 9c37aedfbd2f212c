//! Lambda entry point: build the adapters once, then serve requests through the shared router.

use shared::http::{app, lambda};

#[tokio::main]
async fn main() -> Result<(), lambda::Error> {
    lambda::init_tracing();
    let state = shared::config::lambda_state(upload::FUNCTION).await?;
    lambda::serve(app::finish(
        app::function_router(upload::FUNCTION, upload::handlers()),
        state,
    ))
    .await
}
