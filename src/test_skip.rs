//! Test-only: the record of skipped checks for the library's unit tests, as
//! `tests/util.rs` keeps it for the integration tests (`cargo test` counts a skipped
//! test as passed, so each skip is printed and listed with its reason).

use std::io::Write;

/// Prints that the running test skips (some of) its checks and why, and appends
/// `test: reason` to `target/skipped-tests.txt`.
pub(crate) fn skip(reason: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("?");
    eprintln!("skipped: {reason}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/skipped-tests.txt");
    // One write per line, in append mode: lines from parallel tests do not interleave.
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(format!("{test}: {reason}\n").as_bytes()));
    if let Err(e) = appended {
        eprintln!("cannot record the skip in {}: {e}", path.display());
    }
}
