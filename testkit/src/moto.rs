//! A local [moto](https://github.com/getmoto/moto) server for tests: one per test process, shared by every
//! test (DynamoDB and S3 alike), bound to 127.0.0.1 only.
//!
//! [`moto_endpoint`] returns `SME_TEST_MOTO_ENDPOINT` when it is set (CI may run one server for everything);
//! otherwise it starts moto's server (`moto.server.main`, see [`SERIALIZED_MOTO_SERVER`]) on 127.0.0.1 and a
//! free port the first time it is called, and waits until the server answers HTTP. Tests isolate themselves with unique table and bucket names, so they
//! can run in parallel against the one server.
//!
//! Lifetime of the server: moto runs under a small `sh` supervisor whose standard input is a pipe held by this
//! process. When the test process ends — normally, by panic, or even by `SIGKILL` — the kernel closes the
//! pipe, the supervisor's `cat` sees end-of-file and it kills moto. This needs no `prctl`, no signal handlers
//! and no destructor on a `static` (which Rust never runs at exit).
//!
//! If moto cannot be started, every caller panics with the same clear message (tests fail; they never skip).

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

/// Environment variable naming an already running moto server (e.g. `http://127.0.0.1:5000`). Start it as
/// `python3 testkit/moto_serialized.py -H 127.0.0.1 -p 5000` (see [`SERIALIZED_MOTO_SERVER`]): a plain
/// threaded `moto_server` lets concurrent conditional writes race, which the store suite's race cases detect.
pub const MOTO_ENDPOINT_ENV: &str = "SME_TEST_MOTO_ENDPOINT";

/// How long a freshly started moto may take to answer (importing moto takes a few seconds on a busy machine).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// Attempts with a new port when moto dies at start-up (e.g. the free port was taken in between).
const START_ATTEMPTS: usize = 3;

/// `python3 -m moto.server`, with every request applied under one lock.
///
/// moto evaluates DynamoDB conditions and transactions without any isolation, and its server is threaded:
/// two concurrent `TransactWriteItems` conditioned on the same item version could both apply (seen in about
/// one run in five of the conformance suite's race cases). DynamoDB serialises writes per item, so the test
/// server wraps moto's WSGI application in a lock: requests are handled one at a time (the response body
/// included), while connections stay threaded, so an idle keep-alive connection blocks nobody.
pub const SERIALIZED_MOTO_SERVER: &str = include_str!("../moto_serialized.py");

/// The endpoint, or why moto could not be started (cached so every caller fails the same way, fast).
static ENDPOINT: OnceCell<Result<String, String>> = OnceCell::const_new();

/// The supervisor process and the write end of its stdin pipe; kept alive for the life of the test process.
static SUPERVISOR: Mutex<Option<(Child, ChildStdin)>> = Mutex::new(None);

/// The base URL (`http://127.0.0.1:PORT`) of the moto server for this test process.
///
/// Safe to call from many tests (and many tokio runtimes) at once: the server is started only once.
///
/// # Panics
/// When `SME_TEST_MOTO_ENDPOINT` is unset and moto cannot be started or does not answer in time.
pub async fn moto_endpoint() -> String {
    let result = ENDPOINT
        .get_or_init(|| async {
            if let Ok(endpoint) = std::env::var(MOTO_ENDPOINT_ENV) {
                let endpoint = endpoint.trim().trim_end_matches('/').to_owned();
                if !endpoint.is_empty() {
                    return Ok(endpoint);
                }
            }
            // Starting and polling blocks (process spawn, short sleeps): keep it off the async workers.
            tokio::task::spawn_blocking(start_moto)
                .await
                .unwrap_or_else(|e| Err(format!("the moto start-up task failed: {e}")))
        })
        .await;
    match result {
        Ok(endpoint) => endpoint.clone(),
        Err(why) => panic!(
            "cannot start a moto server for the tests: {why}\n\
             Install it with `pip install 'moto[server]'` (the project's .ci/run does), or point \
             {MOTO_ENDPOINT_ENV} at a running server (e.g. http://127.0.0.1:5000)."
        ),
    }
}

/// Start moto on a free loopback port and wait until it answers; retried on a new port if it dies early.
fn start_moto() -> Result<String, String> {
    let mut last_error = String::from("no attempt made");
    for _ in 0..START_ATTEMPTS {
        match start_once() {
            Ok(endpoint) => return Ok(endpoint),
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

fn start_once() -> Result<String, String> {
    let port = free_port().map_err(|e| format!("no free loopback port: {e}"))?;
    let log = log_path(port);
    let log_file =
        File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let log_err = log_file
        .try_clone()
        .map_err(|e| format!("cannot duplicate the log handle: {e}"))?;

    // `sh` runs moto in the background and a watchdog that kills it once our end of the stdin pipe closes
    // (that is, when this process exits in any way). `sh` itself exits when moto does, so an early death is
    // visible through `try_wait`. The pipe is moved to fd 3 first because a non-interactive shell gives
    // background jobs /dev/null as their standard input.
    let script = format!(
        "exec 3<&0\n\
         python3 -c \"$SME_MOTO_PY\" -H 127.0.0.1 -p {port} </dev/null 3<&- & moto=$!\n\
         ( cat <&3 >/dev/null; kill \"$moto\" 2>/dev/null; rm -f \"$1\" ) &\n\
         exec 3<&-\n\
         wait \"$moto\""
    );
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh") // $0
        .arg(&log) // $1: the log, removed by the watchdog with moto
        .env("SME_MOTO_PY", SERIALIZED_MOTO_SERVER)
        .stdin(Stdio::piped())
        .stdout(Stdio::from(log_file))
        .stderr(Stdio::from(log_err))
        .spawn()
        .map_err(|e| format!("cannot run `sh`: {e}"))?;
    let stdin = child
        .stdin
        .take()
        .ok_or("the supervisor has no stdin pipe")?;

    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if answers_http(address) {
            let mut supervisor = SUPERVISOR
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            *supervisor = Some((child, stdin));
            return Ok(format!("http://{address}"));
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "moto's server exited ({status}) before answering; its output: {}",
                log_tail(&log)
            ));
        }
        if Instant::now() >= deadline {
            let output = log_tail(&log);
            drop(stdin); // the watchdog kills moto and removes the log
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "moto did not answer on {address} within {STARTUP_TIMEOUT:?}; its output: {output}"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A port the kernel just handed out on 127.0.0.1 (released again for moto to bind).
fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

fn log_path(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("sme-moto-{}-{port}.log", std::process::id()))
}

/// Whether something at `address` answers an HTTP request with an HTTP status line.
fn answers_http(address: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0_u8; 5];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/"
}

/// The last part of moto's output, for failure messages (the watchdog deletes the log once moto is gone).
fn log_tail(log: &PathBuf) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let text = text.trim();
    if text.is_empty() {
        return "(nothing)".to_owned();
    }
    let start = text.char_indices().rev().nth(1500).map_or(0, |(i, _)| i);
    text[start..].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parallel_callers_share_one_answering_server() {
        let calls: Vec<_> = (0..8).map(|_| tokio::spawn(moto_endpoint())).collect();
        let mut endpoints = Vec::new();
        for call in calls {
            endpoints.push(call.await.expect("moto_endpoint task"));
        }
        endpoints.dedup();
        assert_eq!(endpoints.len(), 1, "every caller gets the same server");
        if let Ok(address) = endpoints[0]
            .trim_start_matches("http://")
            .parse::<SocketAddr>()
        {
            assert!(answers_http(address), "{address} answers HTTP");
        }
    }
}
