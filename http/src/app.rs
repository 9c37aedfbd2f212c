//! Building a function's router from the route table, with the layers every request goes through.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::MethodRouter;

use crate::error::{method_not_allowed_fallback, not_found_fallback};
use crate::routes::{Function, RouteId, find_route, routes_of};
use crate::state::AppState;

/// The client's network address, put into request extensions by the runner (local: the peer socket; Lambda:
/// the API Gateway request context's source IP).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

/// The largest request body a JSON route accepts.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The handlers of one function, by route id.
pub type Handlers = Vec<(RouteId, MethodRouter<AppState>)>;

/// Mount `handlers` at the paths the route table gives them. Panics at start-up (and in tests) when a function
/// lacks a handler for one of its routes or registers one for a route that is not its own.
pub fn function_router(function: Function, handlers: Handlers) -> Router<AppState> {
    // Handlers of one path (GET and PUT of `/v1/declarations/{id}`, …) are combined before the 405 fallback is
    // attached once per path.
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    let mut served = Vec::new();
    for (id, handler) in handlers {
        let route = find_route(id);
        assert_eq!(
            route.function, function,
            "{id:?} belongs to {:?}",
            route.function
        );
        served.push(id);
        match by_path.iter_mut().find(|(path, _)| *path == route.path) {
            Some((_, existing)) => *existing = std::mem::take(existing).merge(handler),
            None => by_path.push((route.path, handler)),
        }
    }
    for route in routes_of(function) {
        assert!(
            served.contains(&route.id),
            "{:?} has no handler for {:?}",
            function,
            route.id
        );
    }
    let mut router = Router::new();
    for (path, handler) in by_path {
        router = router.route(path, handler.fallback(method_not_allowed_fallback));
    }
    router
}

/// Finish a router: fallbacks, body limit, idempotency keys, request ids, tracing, client address.
pub fn finish(router: Router<AppState>, state: AppState) -> Router {
    router
        .fallback(not_found_fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::idempotency::idempotency,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(request_context))
        .with_state(state)
}

/// The Content-Security-Policy of HTML the API serves (the printable application document): no scripts, no
/// external loads, inline styles and inline/data images only, never framed.
pub const HTML_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The headers every answer of the platform carries, API and web front end alike: no MIME sniffing, HTTPS only once
/// seen over HTTPS, never framed, no referrer.
pub fn insert_transport_headers(headers: &mut axum::http::HeaderMap) {
    use axum::http::header;
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// Headers every API answer carries: nothing is cached (tokens and personal data; handlers that allow caching set
/// their own `Cache-Control`), no MIME sniffing, HTTPS only once seen over HTTPS, no framing, no referrer; HTML gets
/// the restrictive [`HTML_CSP`].
async fn security_headers(req: Request, next: Next) -> Response {
    use axum::http::header;
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    insert_transport_headers(headers);
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        // A page that brings its own (stricter) policy keeps it.
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(HTML_CSP));
    }
    response
}

/// Give every request an id (echoed as `x-request-id`), a tracing span, and a `ClientAddr`.
async fn request_context(mut req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_owned)
        .unwrap_or_else(|| ulid::Ulid::new().to_string());
    if req.extensions().get::<ClientAddr>().is_none() {
        let addr = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        req.extensions_mut().insert(ClientAddr(addr));
    }
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        path = %req.uri().path(),
        account_id = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let mut response = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    let elapsed: Duration = started.elapsed();
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = elapsed.as_secs_f64() * 1000.0,
            "served"
        );
    });
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}
