//! The built web app (`frontend/dist`), served at `/` the way CloudFront serves it from S3:
//! a file when one exists, otherwise `index.html`, so that the app's own routes
//! (`/workspace/visits`, `/auth/activate/<token>`) load the app on a reload or from an e-mailed link.
//!
//! The backend's paths never fall back to the app: an unknown `/api/...` is the API's JSON 404,
//! and `/ws` or `/@connections` without their routes is a 404 too. A missing file under
//! `/assets/` (a stale hashed bundle) is a 404, never `index.html` served as JavaScript.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qhealth::ApiError;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// The setting that points at the built app.
pub const SPA_DIR_SETTING: &str = "SPA_DIR";

/// Where Vite puts its hashed bundles: immutable, cached for a year, never a fallback.
const ASSETS_PREFIX: &str = "/assets/";

/// Path prefixes that belong to the backend, never to the app.
const BACKEND_PREFIXES: [&str; 3] = ["/api", "/ws", "/@connections"];

/// The built app's directory and how to answer from it.
#[derive(Clone, Debug)]
pub struct Spa {
    dir: Arc<PathBuf>,
}

impl Spa {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: Arc::new(dir.into()) }
    }

    /// `SPA_DIR` if set, else `frontend/dist` in this repository (wherever the binary is started).
    pub fn from_env() -> Self {
        match std::env::var_os(SPA_DIR_SETTING) {
            Some(dir) if !dir.is_empty() => Self::new(dir),
            _ => Self::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist")),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The answer to a request no API route took.
    pub async fn answer(&self, request: Request) -> Response {
        let path = request.uri().path();
        if is_backend_path(path) {
            return ApiError::NotFound.into_response();
        }
        let index = self.dir.join("index.html");
        if !tokio::fs::metadata(&index).await.is_ok_and(|meta| meta.is_file()) {
            return self.not_built();
        }
        let is_asset = path.starts_with(ASSETS_PREFIX);
        let files = ServeDir::new(self.dir.as_path());
        let served = if is_asset {
            files.oneshot(request).await
        } else {
            files.fallback(ServeFile::new(index)).oneshot(request).await
        };
        let mut response = match served {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        };
        let cache = if is_asset && response.status().is_success() {
            "public, max-age=31536000, immutable"
        } else {
            // index.html names the current bundles: always ask whether it changed.
            "no-cache"
        };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        response
    }

    /// A 404 that says how to build the app, instead of an empty page.
    fn not_built(&self) -> Response {
        let hint = format!(
            "The web app is not built: run `npm ci && npm run build` in frontend/ \
             (or set {SPA_DIR_SETTING}; looked in {}).",
            self.dir.display()
        );
        (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], hint)
            .into_response()
    }
}

/// `/api`, `/api/...`, `/ws`, `/ws?...`, `/@connections/...`; not `/apiary` or `/wsx`.
fn is_backend_path(path: &str) -> bool {
    BACKEND_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// `router` with the app answering whatever its routes do not.
pub fn serve_app(router: Router, spa: Spa) -> Router {
    router.fallback(move |request: Request| {
        let spa = spa.clone();
        async move { spa.answer(request).await }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    /// A built app in a fresh directory: index.html, one bundle, one public file.
    fn built_app(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("qhealth-spa-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html><title>QHealth</title>").unwrap();
        std::fs::write(dir.join("assets/index-abc123.js"), "console.log(1)").unwrap();
        std::fs::write(dir.join("favicon.svg"), "<svg/>").unwrap();
        dir
    }

    async fn get(spa: &Spa, path: &str) -> (StatusCode, String, String) {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let response = spa.answer(request).await;
        let status = response.status();
        let cache = response
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap(), cache)
    }

    #[tokio::test]
    async fn files_are_served_and_app_routes_fall_back_to_index_html() {
        let spa = Spa::new(built_app("routes"));
        let (status, body, cache) = get(&spa, "/").await;
        assert_eq!((status, cache.as_str()), (StatusCode::OK, "no-cache"));
        assert!(body.contains("<title>QHealth</title>"));
        assert_eq!(get(&spa, "/favicon.svg").await.1, "<svg/>");
        for route in ["/workspace/visits", "/auth/activate/eyJ0.eyJ1.c2ln", "/apiary"] {
            let (status, body, _) = get(&spa, route).await;
            assert_eq!(status, StatusCode::OK, "{route}");
            assert!(body.contains("<title>QHealth</title>"), "{route}");
        }
    }

    #[tokio::test]
    async fn bundles_are_immutable_and_a_missing_one_is_not_index_html() {
        let spa = Spa::new(built_app("assets"));
        let (status, body, cache) = get(&spa, "/assets/index-abc123.js").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "console.log(1)"));
        assert!(cache.contains("immutable"));
        let (status, body, _) = get(&spa, "/assets/index-old999.js").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.contains("QHealth"));
    }

    #[tokio::test]
    async fn backend_paths_never_fall_back_to_the_app() {
        let spa = Spa::new(built_app("backend"));
        for path in ["/api", "/api/nothing/here", "/ws", "/ws/x", "/@connections/abc"] {
            let (status, body, _) = get(&spa, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(body, r#"{"detail":"Not found."}"#, "{path}");
        }
    }

    #[tokio::test]
    async fn a_missing_build_is_a_404_that_says_how_to_build_it() {
        let spa = Spa::new(std::env::temp_dir().join("qhealth-spa-never-built"));
        let (status, body, _) = get(&spa, "/workspace").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("npm run build"), "{body}");
    }
}
