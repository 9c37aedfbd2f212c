//! template.yaml declares exactly the routes of the route table, each on the function that serves it, and every
//! function as the design card fixes it (provided.al2023, arm64, rust-cargolambda with its own binary).

use std::collections::BTreeSet;

use serde_yaml_ng::Value;
use sme_http::routes::{Function, ROUTES};

fn template() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
        .expect("template.yaml");
    serde_yaml_ng::from_str(&text).expect("template.yaml parses")
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

#[test]
fn template_routes_equal_the_route_table() {
    let t = template();
    let resources = t
        .get("Resources")
        .and_then(Value::as_mapping)
        .expect("Resources");
    let mut in_template = BTreeSet::new();
    for (name, resource) in resources {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
            continue;
        }
        let name = name.as_str().unwrap().to_owned();
        if let Some(events) = s(resource, &["Properties", "Events"]).and_then(Value::as_mapping) {
            for (_, event) in events {
                if event.get("Type").and_then(Value::as_str) != Some("HttpApi") {
                    continue;
                }
                let method = s(event, &["Properties", "Method"])
                    .and_then(Value::as_str)
                    .unwrap()
                    .to_ascii_uppercase();
                let path = s(event, &["Properties", "Path"])
                    .and_then(Value::as_str)
                    .unwrap()
                    .to_owned();
                assert!(
                    in_template.insert((name.clone(), method.clone(), path.clone())),
                    "{method} {path} twice"
                );
            }
        }
    }
    let in_table: BTreeSet<_> = ROUTES
        .iter()
        .map(|r| {
            (
                r.function.resource_name().to_owned(),
                r.method.to_owned(),
                r.path.to_owned(),
            )
        })
        .collect();
    let missing: Vec<_> = in_table.difference(&in_template).collect();
    let extra: Vec<_> = in_template.difference(&in_table).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from template: {missing:#?}\nnot in route table: {extra:#?}"
    );
}

#[test]
fn every_function_is_declared_for_arm64_al2023_with_its_own_binary() {
    let t = template();
    let globals = s(&t, &["Globals", "Function"]).expect("Globals.Function");
    assert_eq!(
        globals.get("Runtime").and_then(Value::as_str),
        Some("provided.al2023")
    );
    assert_eq!(
        s(globals, &["Architectures"])
            .and_then(Value::as_sequence)
            .map(|a| a[0].as_str()),
        Some(Some("arm64"))
    );
    for f in Function::ALL {
        let resource = s(&t, &["Resources", f.resource_name()])
            .unwrap_or_else(|| panic!("{} missing", f.resource_name()));
        assert_eq!(
            s(resource, &["Metadata", "BuildMethod"]).and_then(Value::as_str),
            Some("rust-cargolambda")
        );
        assert_eq!(
            s(resource, &["Metadata", "BuildProperties", "Binary"]).and_then(Value::as_str),
            Some(f.name())
        );
        let statements = s(resource, &["Properties", "Policies"])
            .and_then(Value::as_sequence)
            .expect("policies");
        let text = serde_yaml_ng::to_string(statements).unwrap();
        assert!(!text.contains("dynamodb:Scan"), "{} may Scan", f.name());
        assert!(
            !text.contains("dynamodb:*") && !text.contains("s3:*"),
            "{} has a wildcard action",
            f.name()
        );
    }
}

#[test]
fn the_table_has_stream_ttl_gsi_and_point_in_time_recovery() {
    let t = template();
    let table = s(&t, &["Resources", "RecordsTable", "Properties"]).expect("RecordsTable");
    assert_eq!(
        table.get("BillingMode").and_then(Value::as_str),
        Some("PAY_PER_REQUEST")
    );
    assert!(s(table, &["StreamSpecification", "StreamViewType"]).is_some());
    assert_eq!(
        s(table, &["TimeToLiveSpecification", "Enabled"]).and_then(Value::as_bool),
        Some(true)
    );
    assert_eq!(
        s(
            table,
            &[
                "PointInTimeRecoverySpecification",
                "PointInTimeRecoveryEnabled"
            ]
        )
        .and_then(Value::as_bool),
        Some(true)
    );
    assert!(
        table
            .get("GlobalSecondaryIndexes")
            .and_then(Value::as_sequence)
            .is_some_and(|g| !g.is_empty())
    );
    let bucket = s(&t, &["Resources", "EvidenceBucket", "Properties"]).expect("EvidenceBucket");
    let block = bucket
        .get("PublicAccessBlockConfiguration")
        .expect("public access block");
    for k in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block.get(k).and_then(Value::as_bool), Some(true), "{k}");
    }
    assert!(bucket.get("BucketEncryption").is_some());
    assert!(s(bucket, &["CorsConfiguration", "CorsRules"]).is_some());
}
