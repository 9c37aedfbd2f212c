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

use crate::described::Components;
use crate::openapi_params;
use crate::route_schemas;
use crate::routes::{Access, ROUTES, RouteId};

/// Whether the route takes a JSON request body.
pub(crate) fn has_body(id: RouteId) -> bool {
    route_schemas::body(id).is_some()
}

/// Every schema the routes' bodies and answers name, with the ones they refer to (each once).
fn schemas() -> Components {
    let mut all = Components::new();
    for route in ROUTES {
        for d in [
            route_schemas::body(route.id),
            route_schemas::response(route.id),
        ]
        .into_iter()
        .flatten()
        {
            d.collect(&mut all);
        }
    }
    let mut seen = std::collections::HashSet::new();
    all.retain(|(name, _)| seen.insert(name.clone()));
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
                    .schema(route_schemas::response(id).map(|d| Ref::from_schema_name(d.name())))
                    .build(),
            ),
        _ => r.content(
            "application/json",
            ContentBuilder::new()
                .schema(route_schemas::response(id).map(|d| Ref::from_schema_name(d.name())))
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
        if let Some(schema) = route_schemas::body(route.id) {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name(schema.name())))
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
            for schema in [
                route_schemas::body(route.id),
                route_schemas::response(route.id),
            ]
            .into_iter()
            .flatten()
            {
                let name = schema.name();
                assert!(
                    doc["components"]["schemas"][&name].is_object(),
                    "schema {name} missing"
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

#[cfg(test)]
mod time_fields {
    use super::*;

    /// Where a schema allows a string, whether it says RFC 3339 (`format: date-time`, directly or through the
    /// `Timestamp` component).
    fn is_instant(schema: &Value) -> bool {
        if schema["$ref"] == "#/components/schemas/Timestamp" || schema["format"] == "date-time" {
            return true;
        }
        ["oneOf", "anyOf", "allOf"].iter().any(|k| {
            schema[*k].as_array().is_some_and(|alts| {
                alts.iter().any(is_instant)
                    && alts.iter().all(|a| is_instant(a) || a["type"] == "null")
            })
        })
    }

    fn walk(name: &str, schema: &Value, bad: &mut Vec<String>) {
        if let Some(props) = schema["properties"].as_object() {
            for (key, prop) in props {
                let timeish = key == "at" || key.ends_with("_at") || key.ends_with("_since");
                if timeish && !is_instant(prop) {
                    bad.push(format!("{name}.{key}: {prop}"));
                }
                walk(&format!("{name}.{key}"), prop, bad);
            }
        }
        for k in ["items", "additionalProperties"] {
            if schema[k].is_object() {
                walk(name, &schema[k], bad);
            }
        }
        for k in ["oneOf", "anyOf", "allOf"] {
            for alt in schema[k].as_array().into_iter().flatten() {
                walk(name, alt, bad);
            }
        }
    }

    #[test]
    fn every_time_field_of_every_schema_is_an_rfc3339_instant() {
        let doc = document();
        let mut bad = Vec::new();
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            walk(name, schema, &mut bad);
        }
        assert!(
            bad.is_empty(),
            "time fields not typed as RFC 3339 instants:\n{}",
            bad.join("\n")
        );
    }
}
