//! Runs the Python grpcio client tests (tests/python) against the built binary, so
//! `cargo test` proves the contract works from another language; among them the
//! tests of the pip-installed client package, clients/python (test_package.py).
//!
//! Skips with a printed reason where python3 or the grpc packages are missing,
//! unless NEWSROLES_REQUIRE_PYTHON is set (CI sets it after installing them); the
//! package's tests skip without it the same way (and fail in CI).

use crate::util;
use std::process::Command;

#[test]
fn python_grpcio_client() {
    let required = std::env::var_os("NEWSROLES_REQUIRE_PYTHON").is_some();
    let probe = Command::new("python3")
        .args([
            "-c",
            "import grpc, grpc_tools, grpc_health, grpc_reflection, pytest, yaml",
        ])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        _ => {
            assert!(!required, "python3 with grpcio, grpcio-tools, grpcio-health-checking, grpcio-reflection and pytest is required (pip install -r tests/python/requirements.txt)");
            crate::util::skip(
                "python3 with the packages of tests/python/requirements.txt is not installed",
            );
            return;
        }
    }
    let out = Command::new("python3")
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/python",
        ])
        .current_dir(util::root())
        .env("NEWSROLES_BIN", env!("CARGO_BIN_EXE_newsroles"))
        .env("NEWSROLES_MODEL", util::default_model())
        .output()
        .expect("run pytest");
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "python client tests failed:\n{report}"
    );
    // pytest's summary line ("8 passed in 1.2s") proves tests actually ran.
    assert!(report.contains(" passed"), "{report}");
}
