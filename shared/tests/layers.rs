//! The layers hold: the use-case modules import each other without a cycle, and the domain crate depends on no
//! HTTP, AWS SDK or database crate (its `Cargo.toml` is read, so a new dependency fails here first).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A source file without its comments (`//`, `///`, `//!` to the end of the line).
fn code_of(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn services_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/services")
}

/// Each use-case module and the other use-case modules its code names (`crate::services::x`, `super::x`,
/// `crate::services::{x, …}`); comments are left out.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for entry in std::fs::read_dir(services_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut text = String::new();
            for file in std::fs::read_dir(&path).unwrap() {
                text.push_str(&code_of(
                    &std::fs::read_to_string(file.unwrap().path()).unwrap(),
                ));
            }
            sources.insert(name, text);
        } else if name != "mod" {
            sources.insert(name, code_of(&std::fs::read_to_string(&path).unwrap()));
        }
    }
    let names: Vec<String> = sources.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, text) in &sources {
        // Lines of `use` statements and paths: every identifier following `services::` or `super::`, and every
        // identifier inside a `services::{…}` group.
        let mut named = BTreeSet::new();
        for prefix in ["services::", "super::"] {
            for (at, _) in text.match_indices(prefix) {
                let rest = &text[at + prefix.len()..];
                let group = if let Some(inner) = rest.strip_prefix('{') {
                    &inner[..inner.find('}').unwrap_or(0)]
                } else {
                    &rest[..rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len())]
                };
                for word in group.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    if word != module && names.iter().any(|n| n == word) {
                        named.insert(word.to_owned());
                    }
                }
            }
        }
        graph.insert(module.clone(), named);
    }
    graph
}

#[test]
fn the_use_case_modules_import_each_other_without_a_cycle() {
    let graph = module_graph();
    assert!(graph.len() > 15, "the services folder was read: {graph:?}");
    // Depth-first search with colours; a grey node met again closes a cycle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) {
        state.insert(node.to_owned(), 1);
        path.push(node.to_owned());
        for next in &graph[node] {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                0 => visit(next, graph, state, path),
                1 => {
                    let from = path.iter().position(|p| p == next).unwrap();
                    panic!("import cycle: {} -> {next}", path[from..].join(" -> "));
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(node.to_owned(), 2);
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            visit(node, &graph, &mut state, &mut Vec::new());
        }
    }
}

#[test]
fn the_openapi_schemas_are_an_optional_feature_of_the_domain_crate() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let utoipa = manifest
        .lines()
        .find(|l| l.starts_with("utoipa"))
        .expect("utoipa is a dependency of shared (for the openapi feature)");
    assert!(
        utoipa.contains("optional = true"),
        "utoipa must stay optional in shared: {utoipa}"
    );
    assert!(manifest.contains(r#"openapi = ["dep:utoipa"]"#));
}

#[test]
fn the_domain_crate_depends_on_no_http_aws_or_database_crate() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [dependencies] table");
    for forbidden in [
        "axum",
        "tower",
        "hyper",
        "http",
        "lambda_http",
        "aws-",
        "rusqlite",
        "jsonwebtoken",
        "reqwest",
    ] {
        for line in dependencies.lines() {
            let name = line.split(['.', ' ', '=']).next().unwrap_or("");
            assert!(
                !name.starts_with(forbidden),
                "shared depends on {name}: I/O crates belong in sme-http, sme-aws or sme-embedded"
            );
        }
    }
}
