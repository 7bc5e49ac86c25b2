//! Typed data of the server extensions whose grammars are in `grammar/ext/`,
//! one file per grammar file (the response codes and FETCH items sit with
//! [`Code`](super::Code) and [`FetchItem`](super::FetchItem)).

mod acl;
mod esearch;
mod id;
mod list_extended;
mod metadata;
mod namespace;
mod quota;
mod sort;

pub use acl::*;
pub use esearch::*;
pub use id::*;
pub use list_extended::*;
pub use metadata::*;
pub use namespace::*;
pub use quota::*;
pub use sort::*;
