//! The test harness, the one way to run the built `livesched`: a [`Test`] owns a temp dir,
//! the files written into it, the "now" of its runs and, when asked, a simulator on
//! loopback port 0 whose address and credentials each run is given.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use livesched::ledger::LedgerState;
use livesched::sim::{SimConfig, SimServer};
use livesched::wecom::{Client, ClientConfig};

/// The repository root, where `schedules/` and `tests/data/` live.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A term header for small test schedules.
pub const TERM: &str = "version: 1\nterm:\n  start: 2027-02-22\n  end: 2027-06-27\n";

/// The file [`Test::schedule`] writes and [`Test::apply`] applies; its ledger is beside it.
const SCHEDULE: &str = "t.yaml";
const LEDGER: &str = "t.ledger.jsonl";

/// A temp dir to run the binary in, and what every run there shares.
///
/// Set up by chaining (`Test::new().schedule(…).now(…).simulator(…)`), then run as often as
/// the test needs: [`Test::run`], [`Test::run_at`], [`Test::apply`], or [`Test::command`]
/// for a run with its own environment or one to signal. Tests that run the binary are plain
/// `#[test]`s: the simulator has a runtime of its own, so a run may block the test thread.
#[must_use]
pub struct Test {
    dir: tempfile::TempDir,
    current_dir: PathBuf,
    now: Option<String>,
    sim: Option<Sim>,
}

/// A simulator and the runtime it serves on; the server is dropped first.
struct Sim {
    server: SimServer,
    runtime: tokio::runtime::Runtime,
    corpid: String,
    secret: String,
}

impl Test {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self {
            current_dir: dir.path().to_path_buf(),
            dir,
            now: None,
            sim: None,
        }
    }

    /// Runs in `dir` (e.g. [`repo`]) instead of the temp dir; a relative `dir` is inside it.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.current_dir = self.dir.path().join(dir);
        self
    }

    /// Writes `name` (directories made as needed) before any run; see [`Test::write`].
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Self {
        self.write(name, contents);
        self
    }

    /// The schedule `t.yaml`: what [`Test::apply`] applies, with its ledger `t.ledger.jsonl`.
    pub fn schedule(self, yaml: impl AsRef<[u8]>) -> Self {
        self.file(SCHEDULE, yaml)
    }

    /// Copies a file, or the files of a directory, from the repository to `to`.
    pub fn copy(self, from: &str, to: &str) -> Self {
        let from = repo().join(from);
        if from.is_dir() {
            for entry in std::fs::read_dir(&from).expect("read the directory") {
                let entry = entry.expect("a directory entry");
                let name = Path::new(to).join(entry.file_name());
                self.write(name.to_str().unwrap(), read(&entry.path()));
            }
        } else {
            self.write(to, read(&from));
        }
        self
    }

    /// Every run gets `--now=NOW` (so not for commands without it, such as `validate`), and
    /// the simulator's clock is set there.
    pub fn now(mut self, now: &str) -> Self {
        if let Some(sim) = &self.sim {
            sim.server.set_now(parse_now(now));
        }
        self.now = Some(now.to_owned());
        self
    }

    /// Starts a simulator, its clock at the test's now unless `config` sets one; every run is
    /// given its credentials and its address (`WECOM_API_BASE`).
    pub fn simulator(mut self, config: SimConfig) -> Self {
        let now = self.now.as_deref().expect(
            "`now` comes before `simulator`: neither the runs nor the simulator may depend on today's date",
        );
        let config = SimConfig {
            now: config.now.or(Some(parse_now(now))),
            ..config
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the simulator");
        let (corpid, secret) = (config.corpid.clone(), config.secret.clone());
        let server = runtime.block_on(start_sim(config));
        self.sim = Some(Sim {
            server,
            runtime,
            corpid,
            secret,
        });
        self
    }
}

impl Test {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `name` in the temp dir, making directories as needed.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, contents).expect("write");
        path
    }

    /// The text of `name` in the temp dir.
    pub fn read(&self, name: &str) -> String {
        String::from_utf8(read(&self.path(name))).expect("UTF-8")
    }

    pub fn ledger_path(&self) -> PathBuf {
        self.path(LEDGER)
    }

    /// Writes the ledger of `t.yaml`: one JSON line per record.
    pub fn write_ledger<T: serde::Serialize>(&self, records: &[T]) {
        let mut text = String::new();
        for record in records {
            text += &serde_json::to_string(record).expect("a record as JSON");
            text.push('\n');
        }
        self.write(LEDGER, text);
    }

    /// What the ledger of `t.yaml` holds now.
    pub fn ledger(&self) -> LedgerState {
        LedgerState::read(&self.ledger_path()).expect("the ledger reads")
    }

    /// The simulator of [`Test::simulator`].
    pub fn sim(&self) -> &SimServer {
        &self.started().server
    }

    /// Runs `future` on the simulator's runtime, e.g. a [`client_for`] call.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.started().runtime.block_on(future)
    }

    fn started(&self) -> &Sim {
        self.sim.as_ref().expect("the test started no simulator")
    }
}

impl Test {
    /// `livesched ARGS`, at the test's now.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output()
    }

    /// `livesched ARGS` at another now, with the simulator's clock moved there first.
    pub fn run_at(&self, now: &str, args: &[&str]) -> Output {
        if let Some(sim) = &self.sim {
            sim.server.set_now(parse_now(now));
        }
        self.command_at(Some(now), args).output()
    }

    /// `livesched apply t.yaml --yes EXTRA`, with `--rate 0` unless EXTRA sets a rate.
    pub fn apply(&self, extra: &[&str]) -> Output {
        self.apply_command(extra).output()
    }

    /// The run of [`Test::apply`], to change its environment or to signal it.
    pub fn apply_command(&self, extra: &[&str]) -> Run {
        let mut args = vec!["apply", SCHEDULE, "--yes"];
        if !extra.contains(&"--rate") {
            args.extend(["--rate", "0"]);
        }
        args.extend(extra);
        self.command(&args)
    }

    /// A run of `livesched ARGS` at the test's now, not started yet.
    pub fn command(&self, args: &[&str]) -> Run {
        self.command_at(self.now.as_deref(), args)
    }

    /// A run at another now (the simulator's clock is left where it is), not started
    /// yet. Every run: no colour, no terminal, no log filter, and no WeCom settings but
    /// the simulator's.
    pub fn command_at(&self, now: Option<&str>, args: &[&str]) -> Run {
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.extend(now.map(|now| format!("--now={now}")));
        let mut command = Command::new(env!("CARGO_BIN_EXE_livesched"));
        command
            .args(&args)
            .current_dir(&self.current_dir)
            .stdin(Stdio::null())
            .env("NO_COLOR", "1")
            .env_remove("LIVESCHED_LOG")
            .env_remove("WECOM_CORPID")
            .env_remove("WECOM_CORPSECRET")
            .env_remove("WECOM_API_BASE");
        if let Some(sim) = &self.sim {
            command
                .env("WECOM_CORPID", &sim.corpid)
                .env("WECOM_CORPSECRET", &sim.secret)
                .env("WECOM_API_BASE", sim.server.base_url());
        }
        Run {
            command,
            shown: format!("livesched {}", args.join(" ")),
        }
    }
}

fn parse_now(now: &str) -> jiff::Timestamp {
    now.parse()
        .unwrap_or_else(|e| panic!("`{now}` is not an RFC 3339 now: {e}"))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("failed to read `{}`: {e}", path.display()))
}

/// One run of the binary, from [`Test::command`].
#[must_use]
pub struct Run {
    command: Command,
    shown: String,
}

impl Run {
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.command.env_remove(key);
        self
    }

    /// Runs to the end.
    pub fn output(mut self) -> Output {
        let out = self.command.output().expect("run livesched");
        Output {
            command: self.shown,
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Starts the run as a child with stdout and stderr piped, for tests that signal it.
    pub fn spawn(mut self) -> Child {
        self.command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn livesched")
    }
}

/// What a finished run printed, and how it exited (-1 if by a signal).
pub struct Output {
    command: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "`{}` exited {}{self}",
            self.command, self.code
        );
        self
    }

    #[track_caller]
    pub fn assert_stdout_contains(&self, text: &str) -> &Self {
        let has = self.stdout.contains(text);
        assert!(has, "stdout of `{}` lacks `{text}`{self}", self.command);
        self
    }

    #[track_caller]
    pub fn assert_stderr_contains(&self, text: &str) -> &Self {
        let has = self.stderr.contains(text);
        assert!(has, "stderr of `{}` lacks `{text}`{self}", self.command);
        self
    }

    /// stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout of `{}` is not JSON: {e}{self}", self.command))
    }
}

/// Both streams, for failure messages.
impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (stdout, stderr) = (&self.stdout, &self.stderr);
        write!(f, "\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}")
    }
}

/// Starts a simulator on the current runtime. Only on loopback port 0: a test reaches
/// nothing beyond this machine, and never waits for a port another test holds.
pub async fn start_sim(config: SimConfig) -> SimServer {
    let listen = config.listen;
    assert!(
        listen.ip().is_loopback() && listen.port() == 0,
        "a test simulator listens on loopback port 0, not {listen}"
    );
    livesched::sim::start(config)
        .await
        .expect("simulator starts")
}

/// The configuration of a client of `sim`, with the default simulator's credentials.
pub fn client_config_for(sim: &SimServer) -> ClientConfig {
    ClientConfig {
        api_base: sim.base_url(),
        ..ClientConfig::new("sim-corp", "sim-secret")
    }
}

pub fn client_for(sim: &SimServer) -> Client {
    Client::new(client_config_for(sim)).expect("loopback http is allowed")
}

/// How long a test waits for a state it is sure to reach: far longer than it takes even
/// on a slow and loaded machine, so that only something stuck makes the test fail.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Waits for a state the simulator reaches on its own, without guessing a duration;
/// fails if it is not reached within [`PATIENCE`].
#[track_caller]
pub fn wait_for(mut condition: impl FnMut() -> bool) -> impl Future<Output = ()> {
    let caller = std::panic::Location::caller();
    async move {
        let deadline = Instant::now() + PATIENCE;
        while !condition() {
            assert!(
                Instant::now() < deadline,
                "the condition waited for at {caller} did not hold within {PATIENCE:?}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// [`wait_for`] from a test thread: waits until `condition` holds, failing with `what`
/// if it does not within [`PATIENCE`].
#[track_caller]
pub fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !condition() {
        assert!(
            Instant::now() < deadline,
            "{what}: not so within {PATIENCE:?}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Neither the secret nor any token the simulator issued appears in any of `texts`.
#[track_caller]
pub fn assert_nothing_leaks(texts: &[String], secret: &str, tokens: &[String]) {
    for text in texts {
        assert!(!text.contains(secret), "secret leaked in:\n{text}");
        for token in tokens {
            assert!(!text.contains(token.as_str()), "token leaked in:\n{text}");
        }
    }
}
