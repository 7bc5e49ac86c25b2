//! What the integration tests share: parsing helpers, a private Dovecot,
//! and scripted servers.
#![allow(dead_code)] // each test binary uses its own subset

pub mod common;
pub mod dovecot;
pub mod scripted;
