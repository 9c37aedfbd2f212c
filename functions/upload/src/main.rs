//! Lambda entry point: read the settings, build the adapters this function uses once, then serve its routes.

#[tokio::main]
async fn main() -> Result<(), sme_lambda::Error> {
    let start = sme_lambda::start().await?;
    let (blobs, tokens) = (start.blobs()?, start.verifying_keys()?);
    let outbox = start.outbox();
    let state = start.state(Some(blobs), outbox, tokens);
    sme_lambda::serve(upload::FUNCTION, upload::handlers(), state).await
}
