//! The notify function: the message routes (我的消息), and — in the same binary under Lambda — the table's
//! DynamoDB Stream of events and the daily reminder schedule. The work itself lives in
//! `shared::services::{messages, stream, reminders}`; this crate only routes and dispatches.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use lambda_http::request::{LambdaRequest, RequestContext};
use lambda_http::tower::{Service, ServiceBuilder};
use lambda_http::{Adapter, RequestExt};
use serde_json::{Value, json};

use shared::services::messages::{self, MessagePage, MessageView};
use shared::services::reminders;
use shared::services::stream::{self, Invocation};
use sme_http::app::{self, ClientAddr, Handlers};
use sme_http::auth::Caller;
use sme_http::common::health;
use sme_http::error::ApiResult;
use sme_http::extract::QueryParams;
use sme_http::pagination::PageParams;
use sme_http::routes::{Function, RouteId};
use sme_http::state::AppState;

pub const FUNCTION: Function = Function::Notify;

pub fn handlers() -> Handlers {
    vec![
        (RouteId::Health(FUNCTION), health(FUNCTION)),
        (RouteId::ListMessages, get(list_messages)),
        (RouteId::ReadMessage, post(read_message)),
    ]
}

/// `GET /v1/messages?limit=&cursor=`.
async fn list_messages(
    State(s): State<AppState>,
    Caller(caller): Caller,
    QueryParams(q): QueryParams<PageParams>,
) -> ApiResult<Json<MessagePage>> {
    Ok(Json(
        messages::list(&s, &caller, q.limit()?, q.cursor()).await?,
    ))
}

/// `POST /v1/messages/{id}/read`.
async fn read_message(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageView>> {
    Ok(Json(messages::mark_read(&s, &caller, &id).await?))
}

/// Answer one Lambda invocation of any kind: a stream batch (partial-batch failures), the reminder schedule, or
/// an HTTP API request through `http` (the function's router behind `lambda_http`'s adapter).
pub async fn invoke<S, R>(
    state: &AppState,
    mut http: S,
    event: LambdaEvent<Value>,
) -> Result<Value, lambda_runtime::Error>
where
    S: Service<LambdaEvent<LambdaRequest>, Response = R, Error = std::convert::Infallible>,
    R: serde::Serialize,
{
    let (payload, context) = event.into_parts();
    match stream::classify(&payload) {
        Invocation::Stream => {
            let answer = stream::handle_stream_batch(&state.platform, &payload).await?;
            Ok(serde_json::to_value(answer)?)
        }
        Invocation::Schedule => {
            let report = reminders::run(&state.platform).await?;
            tracing::info!(
                sent = report.sent,
                already = report.already,
                "reminders run"
            );
            Ok(json!({"sent": report.sent, "already": report.already}))
        }
        Invocation::Http => {
            let request: LambdaRequest = serde_json::from_value(payload)?;
            let response = http
                .call(LambdaEvent::new(request, context))
                .await
                .map_err(|e| match e {})?;
            Ok(serde_json::to_value(response)?)
        }
    }
}

/// Serve the notify function under Lambda until the runtime stops.
pub async fn serve_lambda(state: AppState) -> Result<(), lambda_runtime::Error> {
    let router: Router = app::finish(app::function_router(FUNCTION, handlers()), state.clone());
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
    let adapter = Adapter::from(service);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let state = state.clone();
        let adapter = adapter.clone();
        async move { invoke(&state, adapter, event).await }
    }))
    .await
}
