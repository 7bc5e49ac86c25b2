//! What a real server will not do on request, from scripted servers: garbage, stalls, dropped connections, hostile literal sizes, and exact command sequences.

#[path = "../support/mod.rs"]
mod support;

mod async_scripted;
mod client_scripted;
mod extensions_scripted;
mod faults;
mod liveness;
mod streaming_faults;
