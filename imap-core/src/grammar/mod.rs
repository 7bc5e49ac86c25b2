//! The grammar layer: RFC 3501's grammar and imap-core's extensions
//! (`grammar/*.pest`), compiled by imap-derive into a recognizer that writes
//! the parse as a flat [`Tree`], with pest's parser of the same text beside
//! it as the reference.
//!
//! The recognizer is what runs: plain generated Rust over bytes, no pest
//! call. When it rejects a response, pest parses it again to say where and
//! what was expected; tests and a fuzz target check that both accept the
//! same inputs and give the same trees.
//!
//! ```
//! use imap_core::grammar::{Grammar, ImapParser, Rule, Tree};
//!
//! let input = "* 3 EXISTS\r\n";
//! let tree = Tree::recognize::<ImapParser>(Rule::response, input, Vec::new(), 64).unwrap();
//! let exists = tree.pairs().next().unwrap();
//! assert_eq!(exists.as_rule(), Rule::mailbox_data_exists);
//! assert_eq!(exists.into_inner().next().unwrap().as_str(), "3");
//! ```

mod compare;
#[doc(hidden)]
pub mod runtime;
mod shape;
mod stack;
mod tree;

pub use compare::{agree, Agreement, Disagreement};
#[doc(hidden)]
pub use shape::{Message, RuleShape};
#[doc(hidden)]
pub use stack::deep;
pub use tree::{Node, Pair, Pairs, Tree};

use std::fmt;

mod generated {
    // pest writes the rule enum undocumented; each rule is documented in
    // grammar/imap.pest with the ABNF it transcribes.
    #![allow(missing_docs)]

    imap_derive::parser! {
        crate = crate;
        /// The parser of imap-core's grammar: `grammar/imap.pest`, the hooks
        /// and every extension grammar of `grammar/ext/`. It implements
        /// [`pest::Parser`] (the reference) and [`Grammar`](super::Grammar)
        /// (the generated recognizer).
        pub struct ImapParser;
    }
}

pub use generated::ImapParser;
/// The grammar's rules, named after RFC 3501's ABNF rules (see grammar/imap.pest).
pub use generated::Rule;

/// A grammar compiled by `imap_derive::parser!` (or [`imap_parser!`](crate::imap_parser)):
/// the generated recognizer; the type also implements [`pest::Parser`].
pub trait Grammar {
    /// The grammar's rule enum (pest's).
    type Rule: pest::RuleType;

    /// Recognizes `input` from its start with `rule`, writing the pairs pest
    /// would produce into `nodes` (emptied first), in pre-order. Rules that
    /// recurse nest at most `max_depth` deep. Returns where the match ends.
    fn recognize(
        rule: Self::Rule,
        input: &str,
        nodes: &mut Vec<Node<Self::Rule>>,
        max_depth: u32,
    ) -> Result<usize, Rejected>;
}

/// Why the recognizer refused an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// The rule does not match.
    NoMatch,
    /// Recursive rules nested deeper than allowed.
    TooDeep,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rejected::NoMatch => "the input does not match the grammar",
            Rejected::TooDeep => "the input nests deeper than the limit",
        })
    }
}

impl std::error::Error for Rejected {}
