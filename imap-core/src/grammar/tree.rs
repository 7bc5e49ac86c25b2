//! The pairs of one parse as a flat vector, in pre-order, for the typed
//! conversion to walk.
//!
//! The generated recognizer writes these nodes directly; a parse by pest's
//! reference parser is copied into the same form ([`Tree::new`]), so the
//! conversion and the differential tests see one shape. A pair is an index
//! and its children are the nodes that follow it, so each step of a walk is
//! a read (pest's own `Pair` clones reference-counted pointers on every step).

use super::{Grammar, Rejected};
use pest::iterators::Pairs as PestPairs;
use pest::{RuleType, Token};
use std::fmt;

/// The pairs of one parse, in pre-order.
///
/// ```
/// use imap_core::grammar::Tree;
/// use imap_core::parse::{ImapParser, Rule};
/// use pest::Parser;
///
/// let pairs = ImapParser::parse(Rule::response, "* 3 EXISTS\r\n").unwrap();
/// let tree = Tree::new(pairs);
/// let exists = tree.pairs().next().unwrap();
/// assert_eq!(exists.as_rule(), Rule::mailbox_data_exists);
/// assert_eq!(exists.into_inner().next().unwrap().as_str(), "3");
/// ```
pub struct Tree<'a, R> {
    input: &'a str,
    nodes: Vec<Node<R>>,
}

/// One pair of a parse: its rule, its span, and where its subtree ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node<R> {
    rule: R,
    start: usize,
    end: usize,
    /// The index of the first node after this one's subtree: its next
    /// sibling, or where its parent's children end.
    after: usize,
}

impl<R> Node<R> {
    /// A node of `rule` that starts at `start` and is not closed yet.
    #[inline(always)]
    pub(crate) fn new(rule: R, start: usize) -> Self {
        Node { rule, start, end: start, after: 0 }
    }

    /// Closes the node: it ends at `end`, its subtree before node `after`.
    #[inline(always)]
    pub(crate) fn close(&mut self, end: usize, after: usize) {
        self.end = end;
        self.after = after;
    }
}

impl<'a, R: RuleType> Tree<'a, R> {
    /// Copies the pairs of a parse (usually all that `Parser::parse` returned).
    pub fn new(pairs: PestPairs<'a, R>) -> Self {
        let input = pairs.get_input();
        let tokens = pairs.tokens();
        let mut nodes = Vec::with_capacity(tokens.len() / 2);
        // Open pairs; as deep as the grammar nested, which the framer bounds.
        let mut open = Vec::new();
        for token in tokens {
            match token {
                Token::Start { rule, pos } => {
                    open.push(nodes.len());
                    nodes.push(Node { rule, start: pos.pos(), end: pos.pos(), after: 0 });
                }
                Token::End { pos, .. } => {
                    if let Some(i) = open.pop() {
                        let after = nodes.len();
                        let node = &mut nodes[i];
                        node.end = pos.pos();
                        node.after = after;
                    }
                }
            }
        }
        Tree { input, nodes }
    }

    /// Recognizes `input` with `rule` of grammar `G` (see
    /// [`Grammar::recognize`]), writing into `nodes` (a vector to reuse, or
    /// `Vec::new()`).
    pub fn recognize<G: Grammar<Rule = R>>(
        rule: R,
        input: &'a str,
        mut nodes: Vec<Node<R>>,
        max_depth: u32,
    ) -> Result<Self, Rejected> {
        G::recognize(rule, input, &mut nodes, max_depth)?;
        Ok(Tree { input, nodes })
    }

    /// Its nodes, to be written again by the next recognition (no allocation).
    pub fn into_nodes(self) -> Vec<Node<R>> {
        self.nodes
    }

    /// Every node, in pre-order (for comparing two parses).
    pub fn nodes(&self) -> &[Node<R>] {
        &self.nodes
    }

    /// The top-level pairs, in order.
    pub fn pairs(&self) -> Pairs<'_, 'a, R> {
        Pairs { tree: self, next: 0, end: self.nodes.len() }
    }
}

/// One pair of a [`Tree`]: a rule and the text it matched.
pub struct Pair<'t, 'a, R> {
    tree: &'t Tree<'a, R>,
    index: usize,
}

impl<R> Clone for Pair<'_, '_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Pair<'_, '_, R> {}

impl<'t, 'a, R: RuleType> Pair<'t, 'a, R> {
    fn node(&self) -> &'t Node<R> {
        &self.tree.nodes[self.index]
    }

    /// The rule that matched.
    #[inline]
    pub fn as_rule(&self) -> R {
        self.node().rule
    }

    /// The text it matched (borrowed from the parsed input).
    #[inline]
    pub fn as_str(&self) -> &'a str {
        let node = self.node();
        &self.tree.input[node.start..node.end]
    }

    /// The parsed input before the match (what a pair that starts after its
    /// keyword was named by).
    #[inline]
    pub fn preceding(&self) -> &'a str {
        &self.tree.input[..self.node().start]
    }

    /// Where the match starts in the parsed input.
    #[inline]
    pub fn start(&self) -> usize {
        self.node().start
    }

    /// Where the match ends in the parsed input.
    #[inline]
    pub fn end(&self) -> usize {
        self.node().end
    }

    /// Its children, in order.
    #[inline]
    pub fn into_inner(self) -> Pairs<'t, 'a, R> {
        Pairs { tree: self.tree, next: self.index + 1, end: self.node().after }
    }
}

impl<R: RuleType> fmt::Debug for Pair<'_, '_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}({}..{}, {:?})", self.as_rule(), self.start(), self.end(), self.as_str())
    }
}

/// Sibling pairs, in order.
pub struct Pairs<'t, 'a, R> {
    tree: &'t Tree<'a, R>,
    next: usize,
    end: usize,
}

impl<'t, 'a, R: RuleType> Pairs<'t, 'a, R> {
    /// The next pair, without taking it.
    #[inline]
    pub fn peek(&self) -> Option<Pair<'t, 'a, R>> {
        (self.next < self.end).then_some(Pair { tree: self.tree, index: self.next })
    }

    /// How many of the pairs left `accept` their rule, counted from the next
    /// one up to the first that does not.
    pub fn count_while(&self, accept: impl Fn(R) -> bool) -> usize {
        let nodes = &self.tree.nodes;
        let (mut i, mut n) = (self.next, 0);
        while i < self.end && accept(nodes[i].rule) {
            i = nodes[i].after;
            n += 1;
        }
        n
    }

    /// These pairs and all their descendants, in pre-order (pest's
    /// `Pairs::flatten`).
    pub fn flatten(self) -> impl Iterator<Item = Pair<'t, 'a, R>> {
        let tree = self.tree;
        (self.next..self.end).map(move |index| Pair { tree, index })
    }
}

impl<'t, 'a, R: RuleType> Iterator for Pairs<'t, 'a, R> {
    type Item = Pair<'t, 'a, R>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let pair = self.peek()?;
        self.next = pair.node().after;
        Some(pair)
    }
}

#[cfg(test)]
mod tests {
    use super::Tree;
    use crate::grammar::{ImapParser, Rule};
    use pest::Parser;

    /// The copy has pest's pairs, spans and nesting, in the same order.
    #[test]
    fn the_tree_matches_pests_pairs() {
        let input = "* 1 FETCH (UID 7 FLAGS (\\Seen x) ENVELOPE (NIL \"s\" ((\"A\" NIL \"a\" \"b\")) NIL NIL NIL NIL NIL NIL NIL))\r\nA1 OK done\r\n";
        let pest_pairs = ImapParser::parse(Rule::responses, input).unwrap();
        let expected: Vec<_> =
            pest_pairs.clone().flatten().map(|p| (p.as_rule(), p.as_span().start(), p.as_span().end())).collect();
        let tree = Tree::new(pest_pairs.clone());
        let got: Vec<_> = tree.pairs().flatten().map(|p| (p.as_rule(), p.start(), p.end())).collect();
        assert_eq!(got, expected);

        fn shape<'a>(pairs: impl Iterator<Item = pest::iterators::Pair<'a, Rule>>) -> String {
            pairs.map(|p| format!("{:?}[{}]", p.as_rule(), shape(p.into_inner()))).collect()
        }
        fn tree_shape(pairs: super::Pairs<'_, '_, Rule>) -> String {
            pairs.map(|p| format!("{:?}[{}]", p.as_rule(), tree_shape(p.into_inner()))).collect()
        }
        assert_eq!(tree_shape(tree.pairs()), shape(pest_pairs));
    }

    #[test]
    fn count_while_stops_at_the_first_refused_sibling() {
        let pairs = ImapParser::parse(Rule::response, "* SEARCH 2 3 5 (MODSEQ 9)\r\n").unwrap();
        let tree = Tree::new(pairs);
        let search = tree.pairs().next().unwrap();
        let children = search.into_inner();
        assert_eq!(children.count_while(|r| r == Rule::nz_number), 3);
        assert_eq!(children.peek().unwrap().as_str(), "2");
    }
}
