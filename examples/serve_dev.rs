//! Stand-in for `newsroles serve` until the CLI has it: the same flags, calling
//! [`newsroles::service::run`]. Usage:
//! `cargo run --example serve_dev -- serve --addr 127.0.0.1:0 --model models/default/newsroles.model`

use clap::Parser;
use newsroles::service::{run, ServeOptions, ServiceConfig};
use std::{net::SocketAddr, path::PathBuf};

#[derive(Parser)]
struct Args {
    /// Must be `serve`, as for the real binary.
    command: String,
    #[arg(long, default_value = "127.0.0.1:50051")]
    addr: SocketAddr,
    #[arg(long, default_value = "models/default/newsroles.model")]
    model: PathBuf,
    #[arg(long)]
    max_documents: Option<usize>,
    #[arg(long)]
    max_text_bytes: Option<usize>,
    #[arg(long)]
    max_message_bytes: Option<usize>,
    #[arg(long)]
    admin_token_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    let a = Args::parse();
    anyhow::ensure!(a.command == "serve", "unknown command {:?}", a.command);
    let d = ServiceConfig::default();
    let admin_token = match a.admin_token_file {
        Some(p) => Some(std::fs::read_to_string(&p)?.trim().to_string()),
        None => None,
    };
    let config = ServiceConfig {
        max_documents_per_request: a.max_documents.unwrap_or(d.max_documents_per_request),
        max_text_bytes: a.max_text_bytes.unwrap_or(d.max_text_bytes),
        max_message_bytes: a.max_message_bytes.unwrap_or(d.max_message_bytes),
        admin_token,
        ..d
    };
    run(ServeOptions { addr: a.addr, model: a.model, config }).await
}
