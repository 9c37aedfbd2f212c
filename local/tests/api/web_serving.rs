//! The web front end served next to the API: SPA fallback, cache headers, precompressed files, the API left
//! alone, and the notice page when the front end has not been built.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use sme_local::LocalConfig;

struct Served {
    base: String,
    http: reqwest::Client,
    _task: tokio::task::JoinHandle<()>,
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sme-web-{name}-{}-{}",
        std::process::id(),
        ulid::Ulid::new()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A built front end as Vite writes it, with the `.gz` / `.br` files the build adds.
fn fake_build(dir: &Path) {
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><html lang=\"zh-CN\"><title>平台</title><div id=\"app\"></div></html>",
    )
    .unwrap();
    std::fs::write(dir.join("assets/index-AbC123.js"), "console.log('app')").unwrap();
    std::fs::write(dir.join("assets/index-AbC123.js.gz"), b"gzipped-bytes").unwrap();
    std::fs::write(dir.join("assets/index-AbC123.js.br"), b"brotli-bytes").unwrap();
}

async fn serve(web_dir: PathBuf) -> Served {
    let data_dir = fresh_dir("data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let config = LocalConfig {
        listen: addr.to_string(),
        data_dir,
        dev: false,
        bootstrap_operator: None,
        settings: Default::default(),
        limits: Default::default(),
        web_dir,
    };
    let local = sme_local::build(&config, &base).await.unwrap();
    let router = local.router;
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    Served {
        base,
        // No automatic decompression: the test reads the encoding the server chose.
        http: reqwest::Client::new(),
        _task: task,
    }
}

impl Served {
    async fn get(&self, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(enc) = accept_encoding {
            req = req.header("accept-encoding", enc);
        }
        req.send().await.unwrap()
    }
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_app_is_served_at_the_root_with_no_cache_and_unknown_pages_fall_back_to_it() {
    let web = fresh_dir("dist");
    fake_build(&web);
    let s = serve(web).await;
    for path in ["/", "/index.html", "/login", "/declarations/01ABC/edit"] {
        let res = s.get(path, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, "cache-control"), "no-cache", "{path}");
        assert!(
            header(&res, "content-type").starts_with("text/html"),
            "{path}"
        );
        assert!(res.text().await.unwrap().contains("id=\"app\""), "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_sent_precompressed_to_clients_that_accept_it() {
    let web = fresh_dir("dist");
    fake_build(&web);
    let s = serve(web).await;

    let br = s.get("/assets/index-AbC123.js", Some("gzip, br")).await;
    assert_eq!(br.status(), StatusCode::OK);
    assert_eq!(
        header(&br, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&br, "content-encoding"), "br");
    assert!(
        header(&br, "vary")
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert!(header(&br, "content-type").contains("javascript"));
    assert_eq!(br.text().await.unwrap(), "brotli-bytes");

    let gz = s.get("/assets/index-AbC123.js", Some("gzip")).await;
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    assert_eq!(gz.text().await.unwrap(), "gzipped-bytes");

    let plain = s.get("/assets/index-AbC123.js", None).await;
    assert_eq!(header(&plain, "content-encoding"), "");
    assert_eq!(plain.text().await.unwrap(), "console.log('app')");
}

#[tokio::test]
async fn a_missing_asset_is_a_404_not_the_app_page() {
    let web = fresh_dir("dist");
    fake_build(&web);
    let s = serve(web).await;
    let res = s.get("/assets/gone-999.js", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_ne!(
        header(&res, "cache-control"),
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn the_api_keeps_its_own_answers_under_v1() {
    let web = fresh_dir("dist");
    fake_build(&web);
    let s = serve(web).await;
    let doc = s.get("/v1/openapi.json", None).await;
    assert_eq!(doc.status(), StatusCode::OK);
    assert!(header(&doc, "content-type").starts_with("application/json"));
    let missing = s.get("/v1/no-such-route", None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, "content-type"), "application/problem+json");
    let health = s.get("/healthz", None).await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(header(&health, "content-type").starts_with("application/json"));
}

#[tokio::test]
async fn without_a_build_the_root_explains_in_chinese_that_the_front_end_is_not_built() {
    let s = serve(fresh_dir("empty")).await;
    let res = s.get("/", None).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(header(&res, "content-type").starts_with("text/html"));
    let text = res.text().await.unwrap();
    assert!(text.contains("网页前端尚未构建"), "{text}");
    assert!(text.contains("npm run build"));
    // The API still works.
    assert_eq!(
        s.get("/v1/openapi.json", None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_app_is_served_with_a_content_security_policy_hsts_and_no_framing() {
    let web = fresh_dir("dist");
    fake_build(&web);
    let s = serve(web).await;
    let res = s.get("/", None).await;
    let csp = header(&res, "content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        !csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"),
        "{csp}"
    );
    assert!(header(&res, "strict-transport-security").starts_with("max-age="));
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    assert_eq!(header(&res, "x-frame-options"), "DENY");
}
