//! The runner's HTTP server: hyper's HTTP/1 connection builder with a header-read timeout (hyper), a body-read
//! timeout (tower-http's `TimeoutBody`), an inactivity timeout per connection, a connection limit that makes room
//! by closing the longest-silent connection, and a graceful shutdown that gives in-flight requests a bounded time
//! and then closes whatever is left — so no client, however slow or stalled, can keep the process from stopping or
//! hold every connection.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::{AbortHandle, JoinSet};
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

/// What one client may hold, and how long a shutdown may take (README "Local mode": the `SME_*_SECS` and
/// `SME_MAX_CONNECTIONS` settings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeLimits {
    /// A request's line and headers must arrive within this time, counted from the connection's opening or the end
    /// of the previous response (so it also closes a kept-alive connection that sends no new request: the idle
    /// keep-alive timeout).
    pub header_timeout: Duration,
    /// The longest pause while a request body is arriving; the request then fails and the connection is closed.
    pub body_timeout: Duration,
    /// A connection on which nothing is read or written for this long is closed, whatever state it is in (e.g. a
    /// client that stops reading a response).
    pub idle_timeout: Duration,
    /// Connections served at once. At the limit a new connection replaces the one silent for longest (at least
    /// [`EVICT_AFTER`]); when none is, it waits in the listen backlog until one closes.
    pub max_connections: usize,
    /// After SIGTERM / Ctrl-C: how long in-flight requests may still take before every connection is closed.
    pub shutdown_grace: Duration,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 512,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

impl ServeLimits {
    /// From `SME_HEADER_TIMEOUT_SECS`, `SME_BODY_TIMEOUT_SECS`, `SME_IDLE_TIMEOUT_SECS`, `SME_MAX_CONNECTIONS` and
    /// `SME_SHUTDOWN_GRACE_SECS` in named settings (the environment, read by `main`); the defaults when unset; each
    /// must be a whole number of at least 1.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match lookup(name).filter(|v| !v.trim().is_empty()) {
                None => Ok(default),
                Some(raw) => match raw.trim().parse::<u64>() {
                    Ok(n) if (1..=86_400 * 365).contains(&n) => Ok(n),
                    _ => Err(format!(
                        "{name}={raw:?}: expected a whole number of at least 1"
                    )),
                },
            }
        };
        let d = ServeLimits::default();
        let secs = |name: &str, default: Duration| {
            number(name, default.as_secs()).map(Duration::from_secs)
        };
        Ok(ServeLimits {
            header_timeout: secs("SME_HEADER_TIMEOUT_SECS", d.header_timeout)?,
            body_timeout: secs("SME_BODY_TIMEOUT_SECS", d.body_timeout)?,
            idle_timeout: secs("SME_IDLE_TIMEOUT_SECS", d.idle_timeout)?,
            max_connections: usize::try_from(number(
                "SME_MAX_CONNECTIONS",
                d.max_connections as u64,
            )?)
            .map_err(|_| "SME_MAX_CONNECTIONS is too large".to_owned())?,
            shutdown_grace: secs("SME_SHUTDOWN_GRACE_SECS", d.shutdown_grace)?,
        })
    }
}

/// Serve `router` on `listener` until `shutdown` completes, then stop within `limits.shutdown_grace` (plus the
/// time to close the sockets).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let open = Arc::new(Mutex::new(HashMap::<u64, Open>::new()));
    let mut next_id: u64 = 0;
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: wait a little, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // At the limit, the connection that has been silent longest (at least EVICT_AFTER) makes room; when every
        // connection is busy, this one waits (and no other is accepted) until one closes.
        let permit = loop {
            if let Ok(permit) = permits.clone().try_acquire_owned() {
                break Some(permit);
            }
            if evict_quietest(&open) {
                tracing::info!("connection limit reached: closed the longest-silent connection");
            }
            tokio::select! {
                () = &mut shutdown => break None,
                permit = permits.clone().acquire_owned() => break permit.ok(),
                () = tokio::time::sleep(EVICT_AFTER / 4) => {}
            }
        };
        let Some(permit) = permit else { break };
        // Reap finished connection tasks so the set does not grow.
        while connections.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let connection = connection(
            stream,
            addr,
            activity.clone(),
            router.clone(),
            builder.clone(),
            &graceful,
            limits.clone(),
        );
        let id = next_id;
        next_id += 1;
        let registry = open.clone();
        // Registered under the lock, so the task cannot deregister before it is registered.
        let mut registered = lock(&open);
        let handle = connections.spawn(async move {
            let _entry = Deregister { open: registry, id };
            connection.await;
            drop(permit);
        });
        registered.insert(id, Open { activity, handle });
        drop(registered);
    }
    drop(listener);
    let open = graceful.count();
    tracing::info!(open, "shutting down: no new connections");
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            grace_secs = limits.shutdown_grace.as_secs(),
            "connections still open after the shutdown grace period: closing them"
        );
    }
    connections.shutdown().await;
}

/// One connection: hyper's HTTP/1 state machine over a socket whose every read and write is recorded, raced
/// against the inactivity timeout.
fn connection(
    stream: TcpStream,
    addr: SocketAddr,
    activity: Arc<Activity>,
    router: Router,
    builder: Arc<http1::Builder>,
    graceful: &GracefulShutdown,
    limits: ServeLimits,
) -> impl Future<Output = ()> + Send + 'static {
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let body_timeout = limits.body_timeout;
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(addr));
        let request = request.map(|body| Body::new(TimeoutBody::new(body_timeout, body)));
        let router = router.clone();
        async move {
            match router.oneshot(request).await {
                Ok(response) => Ok::<_, Infallible>(response),
                Err(never) => match never {},
            }
        }
    });
    let conn = graceful.watch(builder.serve_connection(io, service));
    let idle = limits.idle_timeout;
    async move {
        tokio::pin!(conn);
        loop {
            let quiet = activity.quiet_for();
            if quiet >= idle {
                tracing::debug!(%addr, "closing an inactive connection");
                return;
            }
            tokio::select! {
                result = &mut conn => {
                    if let Err(e) = result {
                        tracing::debug!(%addr, error = %e, "connection ended with an error");
                    }
                    return;
                }
                () = tokio::time::sleep(idle - quiet) => {}
            }
        }
    }
}

/// How long a connection must have been silent before it may be closed to make room for a new one at the limit.
pub const EVICT_AFTER: Duration = Duration::from_secs(1);

/// A connection being served.
struct Open {
    activity: Arc<Activity>,
    handle: AbortHandle,
}

/// Removes a connection from the registry when its task ends (or is aborted).
struct Deregister {
    open: Arc<Mutex<HashMap<u64, Open>>>,
    id: u64,
}

impl Drop for Deregister {
    fn drop(&mut self) {
        lock(&self.open).remove(&self.id);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Abort the connection silent for longest, if it has been silent for at least [`EVICT_AFTER`].
fn evict_quietest(open: &Mutex<HashMap<u64, Open>>) -> bool {
    let open = lock(open);
    let quietest = open
        .values()
        .map(|o| (o.activity.quiet_for(), o))
        .filter(|(quiet, _)| *quiet >= EVICT_AFTER)
        .max_by_key(|(quiet, _)| *quiet);
    match quietest {
        Some((_, o)) => {
            o.handle.abort();
            true
        }
        None => false,
    }
}

/// When a connection last moved a byte.
struct Activity {
    start: Instant,
    /// Milliseconds after `start`.
    last: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity {
            start: Instant::now(),
            last: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    fn quiet_for(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// A socket that records each successful read and write in its [`Activity`].
struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_come_from_the_settings_with_defaults() {
        let limits = ServeLimits::from_lookup(|name| match name {
            "SME_HEADER_TIMEOUT_SECS" => Some("3".into()),
            "SME_MAX_CONNECTIONS" => Some(" 64 ".into()),
            "SME_IDLE_TIMEOUT_SECS" => Some("".into()),
            _ => None,
        })
        .expect("limits");
        assert_eq!(limits.header_timeout, Duration::from_secs(3));
        assert_eq!(limits.max_connections, 64);
        assert_eq!(limits.idle_timeout, ServeLimits::default().idle_timeout);
        assert_eq!(limits.body_timeout, ServeLimits::default().body_timeout);
        for bad in ["0", "-1", "ten", "1.5"] {
            let error = ServeLimits::from_lookup(|name| {
                (name == "SME_SHUTDOWN_GRACE_SECS").then(|| bad.to_owned())
            })
            .expect_err(bad);
            assert!(error.contains("SME_SHUTDOWN_GRACE_SECS"), "{error}");
        }
    }
}
