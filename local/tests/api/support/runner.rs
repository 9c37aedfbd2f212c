//! The real `sme-local` binary on a free port with a fresh data folder, for end-to-end tests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Runner {
    child: Child,
    pub base: String,
}

impl Runner {
    pub fn start(data_dir: &Path) -> Runner {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sme-local"))
            .env("SME_LISTEN", "127.0.0.1:0")
            .env("SME_DATA_DIR", data_dir)
            .env("SME_DEV", "1")
            .env("SME_BOOTSTRAP_OPERATOR", "ops_admin:Operator2026")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start sme-local");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read the listening line");
        let base = line
            .trim()
            .strip_prefix("sme-local listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Runner { child, base }
    }

    pub fn stop(mut self) {
        // Graceful: SIGTERM, then wait.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let status = self.child.wait().expect("wait for sme-local");
        assert!(status.success(), "sme-local exited with {status}");
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sme-e2e-{name}-{}-{}",
        std::process::id(),
        ulid::Ulid::new()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
