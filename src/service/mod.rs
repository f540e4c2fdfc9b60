//! The gRPC face of the pipeline: `newsroles.v1.NewsRoles` plus health and reflection.
//!
//! - [`pb`]: generated protobuf code and the domain ⇄ prost conversions (the only place
//!   prost types meet domain types)
//! - `server`: handlers, limits, admin auth, model reload, [`serve`] and [`run`]
//! - `status`: [`crate::Error`] → `tonic::Status`, in one exhaustive match

pub mod pb;
mod server;
mod status;

pub use server::{run, serve, NewsRolesService, ServeOptions, ServiceConfig};
pub use status::code_name;
