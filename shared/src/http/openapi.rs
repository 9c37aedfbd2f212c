//! The OpenAPI 3.1 document (`GET /v1/openapi.json`), generated from the route table and the request types, so
//! every route is described by construction.

use std::sync::OnceLock;

use serde_json::Value;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApiBuilder, Paths, Ref, RefOr, Required,
    ResponseBuilder, Schema,
};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::enterprise::ProfileInput;
use crate::http::dto::*;
use crate::http::response_schemas::{self, response_schema};
use crate::http::routes::{Access, ROUTES, RouteId};
use crate::services::accounts::{PhoneChangeRequest, RealNameRequest};
use crate::services::change_reports::NewChangeReport;
use crate::services::declarations::{NewDeclaration, WithdrawRequest};
use crate::services::evidence::UploadRequest;
use crate::services::publicity::{NewPublicity, Objection};
use crate::services::rereviews::EligibilityRequest;
use crate::services::review::{DecisionRequest, NewOfficial, RevocationRequest};
use crate::services::windows::NewWindow;

fn body_schema(id: RouteId) -> Option<&'static str> {
    use RouteId::*;
    Some(match id {
        CreateAccount => "CreateAccountBody",
        RealName => "RealNameRequest",
        CreateSession => "SessionBody",
        RequestPasswordReset => "ResetRequestBody",
        ConfirmPasswordReset => "ResetConfirmBody",
        RequestPhoneChange => "PhoneChangeRequest",
        ConfirmPhoneChange => "CodeBody",
        DecidePhoneChange | DecideRealNameReview => "DecisionBody",
        PutEnterprise => "ProfileInput",
        CreateDeclaration => "NewDeclaration",
        SaveDeclaration => "SaveDeclarationBody",
        CreateDigitalAssessment => "DigitalAssessmentBody",
        CreateEvidence | CreateUpdateEvidence => "UploadRequest",
        WithdrawDeclaration => "WithdrawRequest",
        CreateWindow => "NewWindow",
        CreateOfficial => "NewOfficial",
        DecideDeclaration | DecideReReview => "DecisionRequest",
        PublishPublicity => "NewPublicity",
        ObjectPublicity => "Objection",
        SaveInfoUpdate => "InfoUpdateBody",
        WithdrawInfoUpdate | WithdrawReReview => "WithdrawRequest",
        DecideInfoUpdate | DecideChangeReport => "AcceptReturnBody",
        CreateReReview => "TierBody",
        SaveReReview => "SaveDeclarationBody",
        ReReviewEligibility => "EligibilityRequest",
        CreateChangeReport => "NewChangeReport",
        Revoke => "RevocationRequest",
        ImportRecognitions => "ImportRequest",
        _ => return None,
    })
}

fn schemas() -> Vec<(String, RefOr<Schema>)> {
    fn entry<T: ToSchema + PartialSchema>() -> (String, RefOr<Schema>) {
        (T::name().into_owned(), T::schema())
    }
    let mut all = vec![
        entry::<CreateAccountBody>(),
        entry::<SessionBody>(),
        entry::<ResetRequestBody>(),
        entry::<ResetConfirmBody>(),
        entry::<CodeBody>(),
        entry::<DecisionBody>(),
        entry::<RealNameRequest>(),
        entry::<PhoneChangeRequest>(),
    ];
    all.extend([
        entry::<ProfileInput>(),
        entry::<NewDeclaration>(),
        entry::<SaveDeclarationBody>(),
        entry::<DigitalAssessmentBody>(),
        entry::<UploadRequest>(),
        entry::<WithdrawRequest>(),
        entry::<NewWindow>(),
        entry::<NewOfficial>(),
        entry::<DecisionRequest>(),
        entry::<NewPublicity>(),
        entry::<Objection>(),
        entry::<InfoUpdateBody>(),
        entry::<AcceptReturnBody>(),
        entry::<TierBody>(),
        entry::<EligibilityRequest>(),
        entry::<NewChangeReport>(),
        entry::<RevocationRequest>(),
        entry::<crate::services::imports::ImportRequest>(),
    ]);
    let mut nested = Vec::new();
    <DecisionBody as ToSchema>::schemas(&mut nested);
    <PhoneChangeRequest as ToSchema>::schemas(&mut nested);
    <ProfileInput as ToSchema>::schemas(&mut nested);
    <WithdrawRequest as ToSchema>::schemas(&mut nested);
    <NewOfficial as ToSchema>::schemas(&mut nested);
    <DecisionRequest as ToSchema>::schemas(&mut nested);
    <InfoUpdateBody as ToSchema>::schemas(&mut nested);
    <NewChangeReport as ToSchema>::schemas(&mut nested);
    all.extend(nested);
    all.extend(response_schemas::schemas());
    all
}

/// The success answer: JSON, except the application document (HTML or PDF, negotiated).
fn success(id: RouteId) -> utoipa::openapi::Response {
    let mut r = ResponseBuilder::new().description("成功");
    r = match id {
        RouteId::GetApplication => r
            .description("申请书：默认 text/html；?format=pdf 或 Accept: application/pdf 时为 A4 PDF（嵌入中文字体子集）")
            .content("text/html", ContentBuilder::new().build())
            .content("application/pdf", ContentBuilder::new().build()),
        RouteId::VerifyApplication => r
            .description("总是 200：result 为“一致”（含企业名称、梯度、年度、提交时间、当前状态与平台签名）或“不一致”（不含任何申报内容，也不表明申报是否存在）")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(response_schema(id).map(Ref::from_schema_name))
                    .build(),
            ),
        _ => r.content(
            "application/json",
            ContentBuilder::new()
                .schema(response_schema(id).map(Ref::from_schema_name))
                .build(),
        ),
    };
    r.build()
}

/// Query parameters a route documents beyond paging.
fn query_params(id: RouteId) -> &'static [(&'static str, &'static str)] {
    match id {
        RouteId::GetApplication => &[(
            "format",
            "html | pdf（优先于 Accept 请求头；其他值 422 VALIDATION_FAILED）",
        )],
        RouteId::VerifyApplication => {
            &[("digest", "申请书上印的快照校验值（SHA-256，64 位十六进制）")]
        }
        RouteId::ListPublicity => &[
            ("status", "open（公示中）| closed（已办结）；不填为全部"),
            ("limit", "每页条数（≤100）"),
            ("cursor", "上一页的 next_cursor"),
        ],
        RouteId::Queue => &[
            (
                "kind",
                "declaration（默认）| info_update | re_review | change_report",
            ),
            ("tier", "innovative | specialized | little_giant"),
            ("status", "submitted | under_review | publicity"),
            (
                "region",
                "辖区内的下级行政区划代码（6 位），只看该地区的企业",
            ),
            (
                "industry",
                "国民经济行业分类：门类字母（C）或 2–4 位代码（37、3741）",
            ),
            ("limit", "每页条数（≤100）"),
            ("cursor", "上一页的 next_cursor"),
        ],
        _ => &[],
    }
}

fn method(m: &str) -> HttpMethod {
    match m {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "DELETE" => HttpMethod::Delete,
        "PATCH" => HttpMethod::Patch,
        other => panic!("route table has an unsupported method {other}"),
    }
}

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

fn build() -> Value {
    let mut paths = Paths::new();
    for route in ROUTES {
        let mut op = OperationBuilder::new()
            .operation_id(Some(format!("{:?}", route.id).replace(['(', ')'], "")))
            .summary(Some(route.summary))
            .tag(route.function.name())
            .response("2XX", success(route.id))
            .response("422", problem("请求内容有误（VALIDATION_FAILED 等）"))
            .response(
                "429",
                problem("操作过于频繁（RATE_LIMITED / ACCOUNT_LOCKED）"),
            );
        if route.access != Access::Public {
            op = op
                .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
                .response("401", problem("未登录或令牌无效（UNAUTHENTICATED）"))
                .response("403", problem("无权操作（FORBIDDEN）"));
        }
        if route.path.contains('{') {
            op = op.response("404", problem("未找到，或不属于当前账户（NOT_FOUND）"));
        }
        for segment in route.path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .build(),
                );
            }
        }
        for (name, description) in query_params(route.id) {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .description(Some(*description))
                    .build(),
            );
        }
        if let Some(schema) = body_schema(route.id) {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name(schema)))
                            .build(),
                    )
                    .build(),
            ));
        }
        paths.add_path_operation(route.path, vec![method(route.method)], op.build());
    }
    let problem_schema: RefOr<Schema> = serde_json::from_value(serde_json::json!({
        "type": "object",
        "description": "RFC 9457 problem document; `code` is stable, texts are Chinese.",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}, "code": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}
        }
    }))
    .expect("problem schema is valid");
    let components = ComponentsBuilder::new()
        .schemas_from_iter(schemas())
        .schema("Problem", problem_schema)
        .security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        )
        .build();
    let doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("优质中小企业梯度培育平台 API")
                .version(env!("CARGO_PKG_VERSION"))
                .build(),
        )
        .paths(paths)
        .components(Some(components))
        .build();
    serde_json::to_value(doc).expect("OpenAPI document serialises")
}

/// The document, built once per process on first request.
pub fn document() -> Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_and_describes_every_route() {
        let doc = document();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        for route in ROUTES {
            let op = &doc["paths"][route.path][route.method.to_ascii_lowercase()];
            assert!(op.is_object(), "{} {} missing", route.method, route.path);
            if let Some(schema) = body_schema(route.id) {
                assert!(
                    doc["components"]["schemas"][schema].is_object(),
                    "schema {schema} missing"
                );
            }
            if let Some(schema) = response_schema(route.id) {
                assert!(
                    doc["components"]["schemas"][schema].is_object(),
                    "response schema {schema} missing"
                );
            }
        }
    }

    #[test]
    fn the_application_document_and_its_verification_are_described() {
        let doc = document();
        let app = &doc["paths"]["/v1/declarations/{id}/application"]["get"];
        let content = &app["responses"]["2XX"]["content"];
        assert!(content["text/html"].is_object() && content["application/pdf"].is_object());
        assert!(
            app["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "format" && p["in"] == "query")
        );
        let verify = &doc["paths"]["/v1/public/verify/{declaration_id}"]["get"];
        assert!(verify["security"].is_null(), "public");
        assert!(
            verify["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "digest" && p["in"] == "query")
        );
        assert!(doc["paths"]["/v1/public/verify-key"]["get"].is_object());
    }

    #[test]
    fn every_schema_reference_resolves() {
        let doc = document();
        let text = doc.to_string();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "dangling reference to {name}"
            );
        }
    }
}
