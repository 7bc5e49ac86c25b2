//! Extensions outside imap-core: parsers for responses the core grammar does
//! not type, plugged into a session.

use crate::wire::Frame;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// Parses responses of a server extension that imap-core does not know.
///
/// The session offers it every response that the core grammar kept as
/// generic values (unknown untagged data, FETCH items or response codes) or
/// could not parse at all. An extension typically parses the frame's skeleton
/// with a parser declared by [`imap_parser!`](crate::imap_parser) (the core
/// grammar plus its own rules) and builds its typed value with
/// `#[derive(FromPair)]` types. See "Extending the grammar" in the crate docs.
pub trait Extension: Send {
    /// This extension's typed value for the response, if it understands it.
    fn parse(&self, frame: &Frame<'_>) -> Option<ExtensionValue>;
}

/// A typed value made by an [`Extension`], to be downcast by the caller.
#[derive(Clone)]
pub struct ExtensionValue(Arc<dyn Any + Send + Sync>);

impl ExtensionValue {
    /// Wraps a value.
    pub fn new<T: Any + Send + Sync>(value: T) -> ExtensionValue {
        ExtensionValue(Arc::new(value))
    }

    /// The value, if it is a `T`.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.0.downcast_ref()
    }
}

/// Values are equal when they are the same value (not compared by content).
impl PartialEq for ExtensionValue {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for ExtensionValue {}

impl fmt::Debug for ExtensionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExtensionValue(..)")
    }
}
