//! The test harness: a temp dir, files written into it, the built binary run inside it.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Env {
    pub dir: tempfile::TempDir,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Env {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, contents).expect("write");
        p
    }

    /// Runs `livesched ARGS` in the temp dir, without colour.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.dir.path(), args)
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_livesched"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("WECOM_CORPID")
        .env_remove("WECOM_CORPSECRET")
        .output()
        .expect("run livesched");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The repository root, where `schedules/` and `tests/data/` live.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A term header for small test schedules.
pub const TERM: &str = "version: 1\nterm:\n  start: 2027-02-22\n  end: 2027-06-27\n";

/// `livesched ARGS` in `dir` with extra environment variables (credentials, say), without colour.
///
/// stdin is closed, so the binary never has a terminal to ask on.
pub fn run_with_env(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let out = command_in(dir, args, vars)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run livesched");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `livesched ARGS` in `dir` started as a child (stdin closed, stdout and stderr piped),
/// for tests that signal it while it runs.
pub fn spawn_with_env(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> std::process::Child {
    command_in(dir, args, vars)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn livesched")
}

/// The environment of every run: no colour, and no WeCom settings but those given.
fn command_in(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_livesched"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("WECOM_CORPID")
        .env_remove("WECOM_CORPSECRET")
        .env_remove("WECOM_API_BASE")
        .envs(vars.iter().copied());
    command
}
