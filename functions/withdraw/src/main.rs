//! Lambda entry point: read the settings, build the adapters this function uses once, then serve its routes.

#[tokio::main]
async fn main() -> Result<(), sme_lambda::Error> {
    let start = sme_lambda::start().await?;
    let tokens = start.verifying_keys()?;
    let outbox = start.outbox();
    let state = start.state(None, outbox, tokens);
    sme_lambda::serve(withdraw::FUNCTION, withdraw::handlers(), state).await
}
