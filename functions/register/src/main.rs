//! Lambda entry point: read the settings, build the adapters this function uses once, then serve its routes.

#[tokio::main]
async fn main() -> Result<(), sme_lambda::Error> {
    let start = sme_lambda::start().await?;
    let tokens = start.signing_keys()?;
    let outbox = start.outbox();
    let state = start.state(None, outbox, tokens);
    sme_lambda::serve(register::FUNCTION, register::handlers(), state).await
}
