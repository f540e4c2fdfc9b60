//! The one integration-test binary (one link step). Modules:
//!
//! - `util`: shared helpers (paths to ../shared, the built binary, the default model,
//!   `skip`, which lists a skipped check in target/skipped-tests.txt)
//! - `cli`: runs the built `newsroles` binary: classify, malformed lines, exit codes
//! - `batch`: `classify` as a batch tool: formats, compression, resume after a kill
//! - `hardening`: issue 33's faults (links, resume checks, truncated archives, budgets)
//! - `memory`: peak memory of one long document against its size (issue 33 item 8)
//! - `grpc`: the real server on a loopback port, called by a real tonic client
//! - `python_client`: the Python grpcio client tests, against the built binary
//! - `eval`: `newsroles eval` figures agree with ../shared/tools/score.py
//! - `entities`: the entity layer with the shipped pronoun resolver (issue 32's misses)
//! - `web`: `classify` on WARC archives (one written by warcio) and HTML pages
//! - `view`: the HTML view in headless Chromium, and `serve --http-addr`

mod batch;
mod cli;
mod entities;
mod eval;
mod grpc;
mod hardening;
mod memory;
mod python_client;
mod util;
mod view;
mod web;
