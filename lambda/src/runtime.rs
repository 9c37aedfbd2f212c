//! Running a function's router under AWS Lambda (API Gateway HTTP API, payload v2).

use axum::Router;
use lambda_http::request::RequestContext;
use lambda_http::{RequestExt, tower::ServiceBuilder};

use sme_http::app::ClientAddr;

/// The error a Lambda entry point returns.
pub use lambda_http::Error;

/// Serve `router` as the Lambda handler until the runtime stops.
pub async fn serve_router(router: Router) -> Result<(), lambda_http::Error> {
    let service = ServiceBuilder::new()
        .map_request(|mut req: lambda_http::Request| {
            let addr = match req.request_context_ref() {
                Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone(),
                _ => None,
            };
            req.extensions_mut()
                .insert(ClientAddr(addr.unwrap_or_else(|| "unknown".into())));
            req
        })
        .service(router);
    lambda_http::run(service).await
}

/// JSON logs for CloudWatch, level from `RUST_LOG` (default info).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .without_time()
        .try_init();
}
