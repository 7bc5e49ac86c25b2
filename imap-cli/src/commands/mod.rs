//! The subcommands, one module each.

pub mod connect;
pub mod parse;
pub mod server;
