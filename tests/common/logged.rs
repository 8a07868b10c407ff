//! The natter binary with its log collected, for tests of what it says.

use super::TempDir;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running natter binary and everything it has logged so far.
pub struct Logged {
    pub child: Child,
    /// `host:port`
    pub addr: String,
    log: Arc<Mutex<String>>,
}

impl Logged {
    /// Starts `natter serve` on port 0 in `dir`, with `toml` as its
    /// `natter.toml`, as [`super::spawn_binary`] starts it.
    pub fn start(dir: &TempDir, toml: &str) -> Logged {
        std::fs::write(dir.path("natter.toml"), toml).unwrap();
        let (mut child, base) = super::spawn_binary_logging(dir, &[], Stdio::piped());
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let addr = base.trim_start_matches("http://").to_string();
        Logged { child, addr, log }
    }

    /// The log so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits up to five seconds for `needle` to appear in the log.
    pub async fn logged(&self, needle: &str) -> bool {
        for _ in 0..100 {
            if self.log().contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
