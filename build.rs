//! Compiles `proto/` to Rust with protox (a pure-Rust protobuf compiler), so a clean
//! `cargo build` needs no system `protoc`, and writes the descriptor set that server
//! reflection serves.
use std::{env, fs, path::PathBuf};

/// `FieldDescriptorProto.Type.TYPE_BYTES` (descriptor.proto).
const TYPE_BYTES: i32 = 12;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto = "proto/newsroles/v1/newsroles.proto";
    println!("cargo:rerun-if-changed={proto}");
    let fds = protox::compile([proto], ["proto"])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out.join("newsroles_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;
    // The Rust types read `Document.text` as bytes (the same wire format as a string):
    // a document whose text is not UTF-8 then gets its own INVALID_ARGUMENT error
    // instead of failing the whole call or stream in the decoder. Reflection and
    // other languages keep the published `string`.
    let mut rust_fds = fds;
    for file in &mut rust_fds.file {
        for msg in file
            .message_type
            .iter_mut()
            .filter(|m| m.name() == "Document")
        {
            for field in msg.field.iter_mut().filter(|f| f.name() == "text") {
                field.r#type = Some(TYPE_BYTES);
            }
        }
    }
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(rust_fds)?;
    Ok(())
}
