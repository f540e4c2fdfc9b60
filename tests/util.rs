//! Shared test helpers.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared`, or `None` (with a printed reason) where it is absent.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("..").join("shared");
    if p.join("corpora").is_dir() {
        Some(p)
    } else {
        skip("../shared/corpora is absent on this machine");
        None
    }
}

/// The file that lists the tests skipped in this build's runs, one `test: reason` a
/// line: `cargo test` counts a skipped test as passed, so the reasons are kept here for
/// a person (and `.ci/run`, which empties it first and prints it last) to read.
pub fn skipped_list() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `target/tmp`; the list sits beside it in `target/`.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("skipped-tests.txt")
}

/// Reports that the running test skips (some or all of) its checks, and why: printed,
/// and appended to [`skipped_list`] under the test's name.
pub fn skip(reason: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("?");
    eprintln!("skipped: {reason}");
    // One write per line, in append mode: lines from parallel tests do not interleave.
    let line = format!("{test}: {reason}\n");
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(skipped_list())
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = appended {
        eprintln!(
            "cannot record the skip in {}: {e}",
            skipped_list().display()
        );
    }
}

/// The shipped default model.
pub fn default_model() -> PathBuf {
    root()
        .join("models")
        .join("default")
        .join("newsroles.model")
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests").join("fixtures").join(name)
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// The built `newsroles` binary, quiet logs.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsroles"));
    c.env("NEWSROLES_LOG", "warn");
    c
}

/// Runs the binary with `args` and optional standard input, to completion.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = bin();
    c.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn newsroles");
    if let Some(input) = stdin {
        // A process that fails early (a missing model) exits without reading its
        // input; the broken pipe that causes is expected, not a test failure.
        match child.stdin.take().expect("stdin").write_all(input) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.expect("write stdin"),
        }
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait newsroles")
}

/// Runs and expects exit status `code`, with stderr in the message otherwise.
pub fn run_ok(args: &[&str], stdin: Option<&[u8]>, code: i32) -> Output {
    let out = run(args, stdin);
    assert_eq!(
        out.status.code(),
        Some(code),
        "newsroles {args:?}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Output lines as JSON values (a line that is not JSON fails the test).
pub fn lines(bytes: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A temporary path as `&str` for command arguments.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}
