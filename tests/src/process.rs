//! aimsbot as a process of its own, for what only a process shows: being killed with SIGKILL
//! in the middle of its work, or two processes sharing one database. The binary is
//! `aimsbot-under-test` (the same `aimsbot::cli::main`), whose path an integration test gets
//! from `env!("CARGO_BIN_EXE_aimsbot-under-test")`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test support: a failed unwrap is a failed test

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running aimsbot process.
#[derive(Debug)]
pub struct BotProcess {
    child: Child,
    /// Where its HTTP server listens (`127.0.0.1:PORT`).
    pub addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl BotProcess {
    /// Starts `binary run --config CONFIG` with `config_toml` written into `dir`, and returns
    /// once it says it is listening. Nothing of the caller's `AIMSBOT_*` environment leaks in.
    pub fn spawn(binary: &str, config_toml: &str, dir: &Path, name: &str) -> BotProcess {
        let config = dir.join(format!("{name}.toml"));
        std::fs::write(&config, config_toml).unwrap();
        let mut command = Command::new(binary);
        command
            .arg("run")
            .arg("--config")
            .arg(&config)
            .current_dir(dir)
            .env("HOSTNAME", name)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (var, _) in std::env::vars() {
            if var.starts_with("AIMSBOT_") {
                command.env_remove(var);
            }
        }
        let mut child = command.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let mut process = BotProcess {
            child,
            addr: String::new(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while process.addr.is_empty() {
            let found = process
                .log
                .lock()
                .unwrap()
                .iter()
                .find_map(|l| l.split("listening on http://").nth(1).map(str::to_owned));
            match found {
                Some(addr) => process.addr = addr.trim().to_owned(),
                None if Instant::now() > deadline => {
                    panic!("{name} never said it was listening:\n{}", process.log())
                }
                None => {
                    if let Ok(Some(status)) = process.child.try_wait() {
                        panic!("{name} exited with {status}:\n{}", process.log());
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        process
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Kills it with SIGKILL: no shutdown, no cleanup, leases left held.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
