//! Both parsers of a grammar on one input: the check behind the
//! differential tests and fuzz target, public so that a crate with its own
//! grammar (see [`imap_parser!`](crate::imap_parser)) can test it the same way.

use super::{Grammar, Node, Rejected, Tree};
use std::fmt;

/// What both parsers said, when they agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Both accepted, with the same pairs (rules, spans, nesting).
    Accepted,
    /// Both refused.
    Rejected,
    /// The recognizer hit its nesting limit; pest was not asked.
    TooDeep,
}

/// How the two parsers disagreed: a bug in the generator (or in pest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement(String);

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Disagreement {}

/// Parses `input` with `rule` by the generated recognizer and by pest, and
/// compares accept/reject and, when both accept, every pair.
///
/// ```
/// use imap_core::grammar::{agree, Agreement, ImapParser, Rule};
///
/// let ok = agree::<ImapParser>(Rule::response, "* 1 FETCH (UID 7 FLAGS (\\Seen))\r\n", 64);
/// assert_eq!(ok, Ok(Agreement::Accepted));
/// assert_eq!(agree::<ImapParser>(Rule::response, "* 1 FETCH (UID)\r\n", 64), Ok(Agreement::Rejected));
/// ```
pub fn agree<G>(rule: G::Rule, input: &str, max_depth: u32) -> Result<Agreement, Disagreement>
where
    G: Grammar + pest::Parser<<G as Grammar>::Rule>,
{
    let ours = Tree::recognize::<G>(rule, input, Vec::new(), max_depth);
    if ours.as_ref().err() == Some(&Rejected::TooDeep) {
        return Ok(Agreement::TooDeep);
    }
    // pest refuses what nests deeper than its stack allows: give it room
    // for as deep as the input can nest (a parenthesis a level), so that
    // its answer depends on the grammar alone.
    let room = (256 << 10) + input.bytes().filter(|&b| b == b'(').count() * (8 << 10);
    let reference = stacker::maybe_grow(room, room, || G::parse(rule, input));
    match (ours, reference) {
        (Err(_), Err(_)) => Ok(Agreement::Rejected),
        (Ok(_), Err(e)) => Err(Disagreement(format!("the recognizer accepted {input:?}; pest refused it: {e}"))),
        (Err(_), Ok(_)) => Err(Disagreement(format!("pest accepted {input:?}; the recognizer refused it"))),
        (Ok(tree), Ok(pairs)) => {
            let reference = Tree::new(pairs);
            match first_difference(tree.nodes(), reference.nodes()) {
                None => Ok(Agreement::Accepted),
                Some(i) => Err(Disagreement(format!(
                    "the pairs of {input:?} differ at node {i}: recognizer {:?}, pest {:?}",
                    tree.nodes().get(i),
                    reference.nodes().get(i)
                ))),
            }
        }
    }
}

fn first_difference<R: PartialEq>(a: &[Node<R>], b: &[Node<R>]) -> Option<usize> {
    (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))
}
