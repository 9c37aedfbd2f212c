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

use crate::dto::*;
use crate::openapi_params;
use crate::response_schemas::{self, response_schema};
use crate::routes::{Access, ROUTES, RouteId};
use shared::domain::enterprise::ProfileInput;
use shared::services::accounts::{PhoneChangeRequest, RealNameRequest};
use shared::services::change_reports::NewChangeReport;
use shared::services::declarations::{NewDeclaration, WithdrawRequest};
use shared::services::evidence::UploadRequest;
use shared::services::publicity::{NewPublicity, Objection};
use shared::services::rereviews::EligibilityRequest;
use shared::services::review::{DecisionRequest, NewOfficial, RevocationRequest};
use shared::services::windows::{NewWindow, WindowChange};

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
        ChangeWindow => "WindowChange",
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
        CreatePhoneChangeDocument | CreateClaimDocument => "UploadRequest",
        CreateUsccClaim => "UsccClaimRequest",
        DecideUsccClaim => "DecisionBody",
        _ => return None,
    })
}

/// Whether the route takes a JSON request body.
pub(crate) fn has_body(id: RouteId) -> bool {
    body_schema(id).is_some()
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
        entry::<WindowChange>(),
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
        entry::<shared::services::imports::ImportRequest>(),
        entry::<shared::services::uscc_claims::UsccClaimRequest>(),
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

/// A schema written as JSON (the parameter tables are data).
fn json_schema(v: serde_json::Value) -> RefOr<Schema> {
    serde_json::from_value(v).expect("parameter schemas are valid")
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
            .tag(route.function.name());
        op = if openapi_params::no_content(route.id) {
            op.response(
                "204",
                ResponseBuilder::new().description("成功（无内容）").build(),
            )
        } else {
            op.response("2XX", success(route.id))
        };
        for (status, description) in openapi_params::error_statuses(route) {
            op = op.response(status, problem(description));
        }
        if route.access != Access::Public {
            op = op.security(SecurityRequirement::new("bearer", Vec::<String>::new()));
        }
        for segment in route.path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(json_schema(openapi_params::path_schema(name))))
                        .build(),
                );
            }
        }
        for (name, schema, description) in openapi_params::query_params(route.id) {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .description(Some(description))
                    .schema(Some(json_schema(schema)))
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
