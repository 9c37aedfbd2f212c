//! The built browser front end (`web/dist`), served at `/` next to the API (`/v1/…` stays the API's).
//!
//! - Hashed build assets (`/assets/…`) are cached for a year (`Cache-Control: public, max-age=31536000,
//!   immutable`); everything else, `index.html` first, is `no-cache` so a new build is seen at once.
//! - Any other path that is not a file answers `index.html` (the single-page app routes in the browser), except
//!   under `/assets/`, where a missing file is a plain 404 (never an HTML page cached as a script).
//! - Responses are compressed: the build writes `.br` and `.gz` next to each file and they are sent to clients
//!   that accept them (`Vary: Accept-Encoding`).
//! - When the folder has no `index.html`, every page answers a short Chinese page saying the front end is not
//!   built and how to build it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Where hashed, immutable build assets live (Vite's `build.assetsDir`).
const ASSETS_PREFIX: &str = "/assets/";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

/// The page sent when the front end has not been built.
const NOT_BUILT: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>网页前端尚未构建 — 优质中小企业梯度培育平台</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.7">
<h1>网页前端尚未构建</h1>
<p>服务已启动，接口可用（<a href="/v1/openapi.json">/v1/openapi.json</a>），但没有找到构建好的网页前端。</p>
<p>请在项目根目录运行 <code>./scripts/run-local</code>（会自动构建网页并启动服务），或在 <code>web/</code> 目录中运行
<code>npm ci &amp;&amp; npm run build</code>，然后重启 <code>sme-local</code>；也可用 <code>SME_WEB_DIR</code> /
<code>--web-dir</code> 指定构建目录。</p>
</body></html>"#;

/// The front end's files, or the knowledge that there are none.
#[derive(Clone)]
pub struct WebFiles {
    dir: Option<PathBuf>,
}

impl WebFiles {
    /// Serve `dir` when it holds an `index.html`; otherwise answer the "not built" page.
    pub fn new(dir: &Path) -> WebFiles {
        let built = dir.join("index.html").is_file();
        if !built {
            tracing::warn!(dir = %dir.display(), "web front end not built; / answers a notice page");
        }
        WebFiles {
            dir: built.then(|| dir.to_path_buf()),
        }
    }

    /// Whether the front end was found.
    pub fn is_built(&self) -> bool {
        self.dir.is_some()
    }

    async fn serve(&self, req: Request) -> Response {
        let Some(dir) = &self.dir else {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CACHE_CONTROL, NO_CACHE)],
                Html(NOT_BUILT),
            )
                .into_response();
        };
        let is_asset = req.uri().path().starts_with(ASSETS_PREFIX);
        let files = ServeDir::new(dir)
            .precompressed_br()
            .precompressed_gzip()
            .append_index_html_on_directories(true);
        let result = if is_asset {
            files.oneshot(req).await.map(|r| r.map(Body::new))
        } else {
            let index = ServeFile::new(dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip();
            files
                .fallback(index)
                .oneshot(req)
                .await
                .map(|r| r.map(Body::new))
        };
        let mut response = match result {
            Ok(response) => response,
            Err(e) => {
                tracing::error!(error = %e, "cannot read a web front-end file");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let policy = if is_asset && response_is_cacheable(response.status()) {
            IMMUTABLE
        } else {
            NO_CACHE
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        sme_http::app::insert_transport_headers(headers);
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(WEB_CSP),
        );
        response
    }
}

/// The front end's content security policy: scripts, styles, fonts and connections from this origin only (local
/// evidence uploads go to the runner itself); inline style attributes are allowed (the component library sets them).
const WEB_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'self'; form-action 'self'";

fn response_is_cacheable(status: StatusCode) -> bool {
    status.is_success() || status == StatusCode::NOT_MODIFIED
}

/// Whether a request is for the front end rather than the API: a GET or HEAD outside `/v1/` and `/healthz`.
fn is_web_request(req: &Request) -> bool {
    let path = req.uri().path();
    matches!(*req.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/v1/")
        && path != "/v1"
        && path != "/healthz"
}

/// Middleware on the runner's router: front-end requests go to the files, everything else to the API.
pub async fn web_or_api(State(web): State<Arc<WebFiles>>, req: Request, next: Next) -> Response {
    if is_web_request(&req) {
        web.serve(req).await
    } else {
        next.run(req).await
    }
}
