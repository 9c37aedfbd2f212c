//! Lambda entry point: build the adapters once, then serve HTTP requests, the table's stream and the reminder
//! schedule from the one binary. Only this function sends SMS and e-mail itself (SNS, SES).

#[tokio::main]
async fn main() -> Result<(), sme_lambda::Error> {
    let start = sme_lambda::start().await?;
    let (delivery, tokens) = (start.delivery(), start.verifying_keys()?);
    let state = start.state(None, delivery, tokens);
    notify::serve_lambda(state).await
}
