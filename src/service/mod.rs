//! The gRPC face of the pipeline: `newsroles.v1.NewsRoles` plus health and reflection.
//!
//! - [`pb`]: generated protobuf code and the domain ⇄ prost conversions (the only place
//!   prost types meet domain types)
//! - `server`: handlers, per-call logs, model reload (RPC and SIGHUP), TLS, [`serve`],
//!   [`serve_with_metrics`] and [`run`]
//! - `limits`: document, text and message limits
//! - `conn`: connection slots and the handshake timeout
//! - `pool`: the analysis threads and their bounded wait line (push-back)
//! - `auth`: the client bearer token and the admin token
//! - [`metrics`]: Prometheus counters and the `GET /metrics` listener
//! - `view`: the HTML view (`serve --http-addr`): paste a text, see it rendered
//! - `status`: [`crate::Error`] → `tonic::Status`, in one exhaustive match

mod auth;
mod conn;
mod limits;
pub mod metrics;
pub mod pb;
mod pool;
mod server;
mod status;
mod view;

pub use server::{
    run, serve, serve_with_metrics, NewsRolesService, ServeOptions, ServiceConfig, TlsIdentity,
};
pub use status::code_name;
