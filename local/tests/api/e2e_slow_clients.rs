//! Issue 11, item 4, through real sockets on the real `sme-local` binary: half-sent requests cannot keep the runner
//! from stopping, stalled connections beyond the connection limit do not make `/healthz` time out, idle kept-alive
//! connections and stalled bodies are closed, and the dev clock refuses instants its date arithmetic cannot handle.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::runner::fresh_dir;

/// The binary with the given settings (on top of a free port, a fresh data folder and development mode).
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(name: &str, settings: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sme-local"));
        command
            .env("SME_LISTEN", "127.0.0.1:0")
            .env("SME_DATA_DIR", fresh_dir(name))
            .env("SME_DEV", "1")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (name, value) in settings {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start sme-local");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the listening line");
        let addr = line
            .trim()
            .strip_prefix("sme-local listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .expect("address");
        Server { child, addr }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("read timeout");
        stream
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Wait up to `limit` for the process to end; its exit status, or `None` if it is still running.
    fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headers announcing a 1,000-byte JSON body, then only 9 bytes of it.
fn half_sent_request(stream: &mut TcpStream) {
    stream
        .write_all(
            b"POST /v1/sessions HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n\
              content-length: 1000\r\n\r\n{\"login\":",
        )
        .expect("send the first 9 body bytes");
}

/// One `GET` on a fresh connection within `limit`: the status line and the whole response text.
fn get(server: &Server, path: &str, limit: Duration) -> (u16, String) {
    let mut stream = server.connect();
    stream.set_read_timeout(Some(limit)).expect("read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n"
    )
    .expect("send");
    let mut text = String::new();
    stream
        .read_to_string(&mut text)
        .expect("a response in time");
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (status, text)
}

/// Read until the server closes the connection; the bytes read and how long it took.
fn read_until_closed(stream: &mut TcpStream) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (all, started.elapsed()),
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (all, started.elapsed());
            }
            Err(e) => panic!("the server kept the connection open: {e}"),
        }
    }
}

#[test]
fn a_half_sent_request_does_not_keep_the_runner_from_stopping() {
    // Body and inactivity timeouts far beyond the grace period: only the bounded shutdown can end the request.
    let mut server = Server::start(
        "slow-shutdown",
        &[
            ("SME_BODY_TIMEOUT_SECS", "600"),
            ("SME_IDLE_TIMEOUT_SECS", "600"),
            ("SME_SHUTDOWN_GRACE_SECS", "2"),
        ],
    );
    let mut stalled = server.connect();
    half_sent_request(&mut stalled);
    std::thread::sleep(Duration::from_millis(300));
    let (status, _) = get(&server, "/healthz", Duration::from_secs(5));
    assert_eq!(status, 200);

    let started = Instant::now();
    server.terminate();
    let status = server
        .wait_for_exit(Duration::from_secs(8))
        .expect("sme-local still running 8 s after SIGTERM with a half-sent request open");
    assert!(status.success(), "exit status {status}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1500),
        "the in-flight request got no grace ({took:?})"
    );
    assert!(took < Duration::from_secs(6), "shutdown took {took:?}");
}

/// Twice the connection limit of stalled connections: half stop inside their headers, half after 9 body bytes.
fn stall(server: &Server, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|i| {
            let mut stream = TcpStream::connect(server.addr).expect("connect");
            if i % 2 == 0 {
                stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nhost: loc")
                    .expect("part of the headers");
            } else {
                half_sent_request(&mut stream);
            }
            stream
        })
        .collect()
}

#[test]
fn stalled_connections_beyond_the_limit_do_not_make_healthz_time_out() {
    // Timeouts far beyond the test: only the limit's eviction of silent connections can make room.
    let server = Server::start(
        "slow-many",
        &[
            ("SME_MAX_CONNECTIONS", "16"),
            ("SME_HEADER_TIMEOUT_SECS", "600"),
            ("SME_BODY_TIMEOUT_SECS", "600"),
            ("SME_IDLE_TIMEOUT_SECS", "600"),
        ],
    );
    let _stalled = stall(&server, 32);
    std::thread::sleep(Duration::from_millis(1500));
    for _ in 0..3 {
        let started = Instant::now();
        let (status, _) = get(&server, "/healthz", Duration::from_secs(10));
        assert_eq!(status, 200);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "healthz took {:?} behind the stalled connections",
            started.elapsed()
        );
    }
}

#[test]
fn stalled_connections_are_closed_by_the_header_and_body_timeouts() {
    let server = Server::start(
        "slow-timeouts",
        &[
            ("SME_HEADER_TIMEOUT_SECS", "1"),
            ("SME_BODY_TIMEOUT_SECS", "1"),
        ],
    );
    for mut stream in stall(&server, 8) {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("read timeout");
        let (_, took) = read_until_closed(&mut stream);
        assert!(took < Duration::from_secs(4), "held for {took:?}");
    }
}

#[test]
fn an_idle_kept_alive_connection_is_closed() {
    let server = Server::start("slow-idle", &[("SME_HEADER_TIMEOUT_SECS", "1")]);
    let mut stream = server.connect();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .expect("send");
    let mut first = [0u8; 12];
    stream.read_exact(&mut first).expect("a response");
    assert_eq!(&first, b"HTTP/1.1 200");
    // Kept alive (no `connection: close`): the server closes it once no new request comes.
    let (_, took) = read_until_closed(&mut stream);
    assert!(
        took < Duration::from_secs(4),
        "idle connection open for {took:?}"
    );
}

#[test]
fn a_connection_on_which_nothing_moves_is_closed_by_the_inactivity_timeout() {
    // Header and body timeouts far away: only the inactivity timeout can close these.
    let server = Server::start(
        "slow-inactive",
        &[
            ("SME_HEADER_TIMEOUT_SECS", "600"),
            ("SME_BODY_TIMEOUT_SECS", "600"),
            ("SME_IDLE_TIMEOUT_SECS", "1"),
        ],
    );
    let mut silent = server.connect();
    let mut half = server.connect();
    half_sent_request(&mut half);
    for stream in [&mut silent, &mut half] {
        let (_, took) = read_until_closed(stream);
        assert!(
            took < Duration::from_secs(4),
            "inactive connection open for {took:?}"
        );
    }
}

#[test]
fn a_stalled_body_is_given_up_and_its_connection_closed() {
    let server = Server::start("slow-body", &[("SME_BODY_TIMEOUT_SECS", "1")]);
    let mut stream = server.connect();
    half_sent_request(&mut stream);
    let (response, took) = read_until_closed(&mut stream);
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 4"), "{text}");
    assert!(
        took < Duration::from_secs(5),
        "stalled body held for {took:?}"
    );
}

#[test]
fn invalid_connection_settings_stop_the_runner_with_a_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_sme-local"))
        .env("SME_LISTEN", "127.0.0.1:0")
        .env("SME_DATA_DIR", fresh_dir("slow-bad-setting"))
        .env("SME_MAX_CONNECTIONS", "0")
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SME_MAX_CONNECTIONS"), "{stderr}");
}

#[test]
fn the_dev_clock_refuses_instants_beyond_the_supported_range() {
    let server = Server::start("slow-clock", &[]);
    for now in ["9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z"] {
        let body = format!("{{\"now\":\"{now}\"}}");
        let mut stream = server.connect();
        write!(
            stream,
            "POST /v1/dev/clock HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\
             content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        let mut text = String::new();
        stream.read_to_string(&mut text).expect("response");
        assert!(text.starts_with("HTTP/1.1 422"), "{now}: {text}");
        assert!(text.contains("VALIDATION_FAILED"), "{text}");
        assert!(text.contains("OUT_OF_RANGE"), "{text}");
        assert!(text.contains("超出支持的时间范围"), "{text}");
    }
    let (status, _) = get(&server, "/healthz", Duration::from_secs(5));
    assert_eq!(status, 200);
}
