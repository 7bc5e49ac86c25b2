//! The subcommands, one module each, and how their results are printed.

pub mod backup;
pub mod config;
pub mod connect;
pub mod extensions;
pub mod messages;
pub mod output;
pub mod parse;
pub mod server;
pub mod transfer;
