//! USCC claims (统一社会信用代码认领), filed from `USCC_TAKEN` by the rightful enterprise's own account.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};

use shared::services::uscc_claims::{self, UsccClaimRequest};
use sme_http::app::Handlers;
use sme_http::auth::Caller;
use sme_http::error::ApiResult;
use sme_http::error::JsonBody;
use sme_http::routes::RouteId;
use sme_http::state::AppState;
use sme_http::views::accounts::FiledClaim;

pub fn handlers() -> Handlers {
    vec![
        (RouteId::CreateUsccClaim, post(create)),
        (RouteId::GetUsccClaim, get(read)),
    ]
}

async fn create(
    State(s): State<AppState>,
    Caller(c): Caller,
    JsonBody(body): JsonBody<UsccClaimRequest>,
) -> ApiResult<(StatusCode, Json<FiledClaim>)> {
    let claim = uscc_claims::file(&s, &c, &body).await?;
    let documents_href = format!("/v1/uscc-claims/{}/documents", claim.id);
    Ok((
        StatusCode::CREATED,
        Json(FiledClaim {
            claim,
            message: "认领申请已提交。请上传营业执照扫描件和法定代表人身份证件（经办人非法定代表人时另附加盖公章的授权委托书），平台人工核验后以短信通知结果",
            documents_href,
        }),
    ))
}

async fn read(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<uscc_claims::UsccClaim>> {
    Ok(Json(uscc_claims::get_own(&s, &c, &id).await?))
}
