//! The subcommands, one module each, and how their results are printed.

pub mod backup;
pub mod connect;
pub mod extensions;
pub mod output;
pub mod parse;
pub mod server;
