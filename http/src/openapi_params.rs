//! What the OpenAPI document says about each route's parameters and error statuses: a schema for every path
//! parameter, every query parameter the handlers read, the success status where it is not a body-carrying 2XX,
//! and the problem statuses each route can answer. `openapi.rs` builds the operations from these tables.

use serde_json::{Value, json};

use crate::routes::{Access, Route, RouteId};

/// The schema of a path parameter.
pub fn path_schema(name: &str) -> Value {
    match name {
        "uscc" => json!({"type": "string", "minLength": 1, "maxLength": 64,
                          "description": "统一社会信用代码（18 位）"}),
        _ => json!({"type": "string", "minLength": 1, "maxLength": 64,
                     "description": "记录编号（26 位 ULID）"}),
    }
}

fn s(description: &str) -> (Value, &str) {
    (json!({"type": "string"}), description)
}

/// One query parameter: name, schema, description.
pub type QueryParam = (&'static str, Value, &'static str);

fn paging() -> Vec<QueryParam> {
    vec![
        (
            "limit",
            json!({"type": "string", "description": "1–100 的整数，默认 20"}),
            "每页条数（1–100，默认 20；其他值 422 VALIDATION_FAILED）",
        ),
        (
            "cursor",
            json!({"type": "string"}),
            "上一页的 next_cursor（平台签发；伪造或篡改 422 VALIDATION_FAILED）",
        ),
    ]
}

fn one(name: &'static str, description: &'static str) -> QueryParam {
    let (schema, _) = s(description);
    (name, schema, description)
}

/// The query parameters a route reads.
pub fn query_params(id: RouteId) -> Vec<QueryParam> {
    use RouteId::*;
    let mut out = match id {
        ListDeclarations | GetHistory | ListInfoUpdates | ListReReviews | ListChangeReports
        | ListMessages | ListPhoneChanges | ListRealNameReviews | ListUsccClaims => paging(),
        ListWindows => {
            let mut v = vec![
                one("tier", "梯度：innovative | specialized | little_giant"),
                one("year", "年度（四位数字）"),
            ];
            v.extend(paging());
            v
        }
        PublicRecognitions => {
            let mut v = vec![one("tier", "梯度：innovative | specialized | little_giant")];
            v.extend(paging());
            v
        }
        Queue => {
            let mut v = vec![
                one(
                    "kind",
                    "declaration | re_review | info_update | change_report",
                ),
                one("tier", "梯度：innovative | specialized | little_giant"),
                one("status", "submitted | under_review | publicity"),
                one(
                    "region",
                    "辖区内的下级行政区划代码（6 位），只看该地区的企业",
                ),
                one(
                    "industry",
                    "国民经济行业分类：门类字母（C）或 2–4 位代码（37、3741）",
                ),
            ];
            v.extend(paging());
            v
        }
        ListPublicity => {
            let mut v = vec![one(
                "status",
                "open（公示中）| closed（已办结）；不填为全部",
            )];
            v.extend(paging());
            v
        }
        Statistics => vec![
            one("format", "json（默认）| csv"),
            one("year", "只统计该年度的申报"),
            one("kind", "declaration | re_review"),
        ],
        CatalogRegions | CatalogIndustries => vec![one("parent", "上级代码；省略时为第一级")],
        GetApplication => vec![one(
            "format",
            "html | pdf（优先于 Accept 请求头；其他值 422 VALIDATION_FAILED）",
        )],
        VerifyApplication => vec![one(
            "digest",
            "申请书上印的快照校验值（SHA-256，64 位十六进制）",
        )],
        GetPhoneChange
        | CreatePhoneChangeDocument
        | CompletePhoneChangeDocument
        | ListPhoneChangeDocuments => vec![one(
            "code",
            "申请时返回的查询码 query_code（错误或缺失时按不存在处理，404）",
        )],
        _ => Vec::new(),
    };
    out.shrink_to_fit();
    out
}

/// The success status when it is not a JSON 2XX: `204` (no body).
pub fn no_content(id: RouteId) -> bool {
    use RouteId::*;
    matches!(
        id,
        ConfirmPasswordReset | DeleteCurrentSession | DeleteEvidence | DeleteUpdateEvidence
    )
}

/// Routes that can answer 409: every write (versions, states, domain rules with a 409 code) and the reads of a
/// state-bound record (an e-mail phone change has no documents).
fn may_conflict(route: &Route) -> bool {
    route.method != "GET" || route.id == RouteId::ListPhoneChangeDocuments
}

/// The problem statuses a route can answer, with their descriptions.
pub fn error_statuses(route: &Route) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let has_body = crate::openapi::has_body(route.id);
    let public = route.access == Access::Public;
    if !public || route.id == RouteId::ConfirmPasswordReset || route.id == RouteId::CreateSession {
        out.push((
            "401",
            "未登录、令牌无效或已失效，或登录凭据错误（UNAUTHENTICATED / BAD_CREDENTIALS）",
        ));
    }
    if !public || route.id == RouteId::CreateSession {
        out.push((
            "403",
            "无权操作（FORBIDDEN、NOT_VERIFIED、NATURAL_PERSON_NOT_ALLOWED）",
        ));
    }
    if route.path.contains('{') || route.id == RouteId::GetLatestDigitalAssessment {
        out.push(("404", "未找到，或不属于当前账户（NOT_FOUND）"));
    }
    if may_conflict(route) {
        out.push((
            "409",
            "状态或版本冲突（VERSION_CONFLICT、INVALID_STATE，或该操作的业务规则代码）",
        ));
    }
    if has_body {
        out.push(("413", "请求内容过大（PAYLOAD_TOO_LARGE）"));
        out.push((
            "415",
            "请求内容须为 application/json（UNSUPPORTED_MEDIA_TYPE）",
        ));
    }
    out.push((
        "422",
        "请求内容有误（VALIDATION_FAILED 等，errors 列出各字段）",
    ));
    out.push((
        "429",
        "操作过于频繁（RATE_LIMITED / ACCOUNT_LOCKED，附 Retry-After）",
    ));
    out.push(("503", "服务暂时不可用（UNAVAILABLE，附 Retry-After）"));
    out
}

#[cfg(test)]
mod tests {
    use crate::openapi::document;
    use crate::routes::{Access, ROUTES};

    #[test]
    fn every_parameter_has_a_schema_and_every_route_its_error_statuses() {
        let doc = document();
        for route in ROUTES {
            let op = &doc["paths"][route.path][route.method.to_ascii_lowercase()];
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                assert!(
                    p["schema"].is_object(),
                    "{} {}: parameter {} has no schema",
                    route.method,
                    route.path,
                    p["name"]
                );
            }
            let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
            for segment in route.path.split('/') {
                if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    assert!(
                        names.contains(&name),
                        "{} {}: {name}",
                        route.method,
                        route.path
                    );
                }
            }
            let responses = &op["responses"];
            for status in ["422", "429", "503"] {
                assert!(
                    responses[status].is_object(),
                    "{} {}: {status}",
                    route.method,
                    route.path
                );
            }
            if route.access != Access::Public {
                assert!(responses["401"].is_object() && responses["403"].is_object());
            }
            if route.path.contains('{') {
                assert!(
                    responses["404"].is_object(),
                    "{} {}",
                    route.method,
                    route.path
                );
            }
            if route.method != "GET" {
                assert!(
                    responses["409"].is_object(),
                    "{} {}",
                    route.method,
                    route.path
                );
            }
            let success = responses["2XX"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .map(str::to_owned);
            assert!(
                responses["204"].is_object()
                    || success.is_some()
                    || responses["2XX"]["content"]["text/html"].is_object(),
                "{} {}: the success answer has no schema",
                route.method,
                route.path
            );
        }
    }

    #[test]
    fn list_routes_document_limit_and_cursor_and_filters_their_values() {
        let doc = document();
        let names = |path: &str| -> Vec<String> {
            doc["paths"][path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect()
        };
        for path in ["/v1/declarations", "/v1/messages", "/v1/admin/uscc-claims"] {
            let n = names(path);
            assert!(
                n.contains(&"limit".into()) && n.contains(&"cursor".into()),
                "{path}"
            );
        }
        let queue = names("/v1/admin/queue");
        for q in ["kind", "tier", "status"] {
            assert!(queue.contains(&q.into()));
        }
        assert!(names("/v1/admin/statistics").contains(&"format".into()));
        assert!(names("/v1/phone-changes/{id}").contains(&"code".into()));
    }
}
