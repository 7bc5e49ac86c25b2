//! What the recognizers that imap-derive generates call: the input, the node
//! list they write, and the nesting count.
//!
//! Generated code only: the names here are not a stable API. Each helper is a
//! few instructions and always inlined; the generated rule functions are
//! plain Rust over bytes, with no allocation per node (the list is reused)
//! and no error tracking (pest's reference parser explains a rejection).

use super::tree::Node;

/// The state of one recognition.
pub struct Recognition<'i, 'n, R> {
    text: &'i str,
    bytes: &'i [u8],
    nodes: &'n mut Vec<Node<R>>,
    depth: u32,
    max_depth: u32,
    too_deep: bool,
}

impl<'i, 'n, R: Copy> Recognition<'i, 'n, R> {
    /// A recognition of `text` that writes into `nodes` (emptied first) and
    /// lets recursive rules nest `max_depth` deep.
    pub fn new(text: &'i str, nodes: &'n mut Vec<Node<R>>, max_depth: u32) -> Self {
        nodes.clear();
        Recognition { text, bytes: text.as_bytes(), nodes, depth: 0, max_depth, too_deep: false }
    }

    /// Whether a recursive rule hit the nesting limit: then the whole
    /// recognition failed, whatever other alternatives matched.
    pub fn too_deep(&self) -> bool {
        self.too_deep
    }

    /// The input's length.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the input is empty.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The byte at `p`, if any.
    #[inline(always)]
    pub fn byte(&self, p: usize) -> Option<u8> {
        self.bytes.get(p).copied()
    }

    /// `p` after `s`, if the input has `s` at `p`.
    #[inline(always)]
    pub fn lit(&self, p: usize, s: &[u8]) -> Option<usize> {
        match self.bytes.get(p..p + s.len()) {
            Some(x) if x == s => Some(p + s.len()),
            _ => None,
        }
    }

    /// `p` after `s`, if the input has `s` at `p` in any ASCII case.
    #[inline(always)]
    pub fn insens(&self, p: usize, s: &[u8]) -> Option<usize> {
        match self.bytes.get(p..p + s.len()) {
            Some(x) if x.eq_ignore_ascii_case(s) => Some(p + s.len()),
            _ => None,
        }
    }

    /// `p` after one character, if there is one.
    #[inline(always)]
    pub fn any(&self, p: usize) -> Option<usize> {
        self.byte(p).map(|b| p + char_len(b))
    }

    /// `p` after the character at `p`, if it lies in `lo..=hi`.
    #[inline(always)]
    pub fn char_in(&self, p: usize, lo: char, hi: char) -> Option<usize> {
        let c = self.text.get(p..)?.chars().next()?;
        (lo <= c && c <= hi).then(|| p + c.len_utf8())
    }

    /// The first position from `p` on where one of `needles` starts, or the
    /// input's end (pest's `skip_until`).
    #[inline]
    pub fn skip_until(&self, p: usize, needles: &[&[u8]]) -> usize {
        let rest = self.bytes.get(p..).unwrap_or_default();
        let found = match needles {
            [] => None,
            [one] if one.len() == 1 => memchr::memchr(one[0], rest),
            [a, b] if a.len() == 1 && b.len() == 1 => memchr::memchr2(a[0], b[0], rest),
            [a, b, c] if a.len() == 1 && b.len() == 1 && c.len() == 1 => memchr::memchr3(a[0], b[0], c[0], rest),
            _ => {
                let starts_one = |i: usize| needles.iter().any(|n| rest[i..].starts_with(n));
                match firsts(needles) {
                    Some([a, b, c]) => memchr::memchr3_iter(a, b, c, rest).find(|&i| starts_one(i)),
                    None => (0..rest.len()).find(|&i| starts_one(i)),
                }
            }
        };
        found.map_or(self.bytes.len(), |i| p + i)
    }

    /// Starts a node of `rule` at `p`; returns its index.
    #[inline(always)]
    pub fn open(&mut self, rule: R, p: usize) -> usize {
        let index = self.nodes.len();
        self.nodes.push(Node::new(rule, p));
        index
    }

    /// Ends the node at `index` at `p`: its subtree is every node since.
    #[inline(always)]
    pub fn close(&mut self, index: usize, p: usize) {
        let after = self.nodes.len();
        if let Some(node) = self.nodes.get_mut(index) {
            node.close(p, after);
        }
    }

    /// A node with no children, from `p` to `p` (EOI).
    #[inline(always)]
    pub fn leaf(&mut self, rule: R, p: usize) {
        let index = self.open(rule, p);
        self.close(index, p);
    }

    /// How many nodes there are: a mark to [`truncate`](Self::truncate) to.
    #[inline(always)]
    pub fn mark(&self) -> usize {
        self.nodes.len()
    }

    /// Drops the nodes written since `mark` (a failed sequence or rule).
    #[inline(always)]
    pub fn truncate(&mut self, mark: usize) {
        self.nodes.truncate(mark);
    }

    /// Enters a recursive rule: false (and the recognition fails) when that
    /// nests deeper than the limit.
    #[inline(always)]
    pub fn enter(&mut self) -> bool {
        if self.depth >= self.max_depth || self.too_deep {
            self.too_deep = true;
            return false;
        }
        self.depth += 1;
        true
    }

    /// Runs a recursive rule's body, on a new stack segment when this
    /// thread's stack runs low. Checked every 16 levels: fewer levels than
    /// that cannot use up the margin left by the last check.
    #[inline(always)]
    pub fn deep<T>(&mut self, body: impl FnOnce(&mut Self) -> T) -> T {
        if self.depth % 16 == 0 {
            super::deep(true, || body(self))
        } else {
            body(self)
        }
    }

    /// Leaves a recursive rule.
    #[inline(always)]
    pub fn leave(&mut self) {
        self.depth -= 1;
    }
}

/// The length of the UTF-8 character that starts with `lead` (the input is
/// a `str`, so a position is always at a character's start).
#[inline(always)]
pub fn char_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xE0..=0xEF => 3,
        0xF0..=0xFF => 4,
        _ => 2,
    }
}

/// The distinct first bytes of the needles, if there are at most three
/// (padded by repetition for memchr3), without allocating: this runs for
/// every `text` token.
fn firsts(needles: &[&[u8]]) -> Option<[u8; 3]> {
    let mut out = [0u8; 3];
    let mut n = 0;
    for needle in needles {
        let b = *needle.first()?;
        if !out[..n].contains(&b) {
            if n == 3 {
                return None;
            }
            out[n] = b;
            n += 1;
        }
    }
    match n {
        0 => None,
        1 => Some([out[0]; 3]),
        2 => Some([out[0], out[1], out[1]]),
        _ => Some(out),
    }
}

#[cfg(test)]
mod tests {
    use super::Recognition;

    #[test]
    fn skip_until_finds_the_earliest_needle_or_the_end() {
        let mut nodes: Vec<super::Node<u8>> = Vec::new();
        let s = Recognition::new("ab\ncd\r\nef", &mut nodes, 8);
        assert_eq!(s.skip_until(0, &[b"\r\n", b"\n"]), 2);
        assert_eq!(s.skip_until(3, &[b"\r\n", b"\n"]), 5);
        assert_eq!(s.skip_until(3, &[b"\r\n"]), 5);
        assert_eq!(s.skip_until(7, &[b"\r\n", b"\n"]), 9);
        assert_eq!(s.skip_until(0, &[b"x", b"y", b"z", b"w"]), 9);
        assert_eq!(s.skip_until(0, &[b"cd", b"ef", b"zz"]), 3);
    }

    #[test]
    fn nesting_past_the_limit_is_sticky() {
        let mut nodes: Vec<super::Node<u8>> = Vec::new();
        let mut s = Recognition::new("", &mut nodes, 2);
        assert!(s.enter() && s.enter());
        assert!(!s.enter());
        s.leave();
        assert!(!s.enter(), "once too deep, every recursive rule fails");
        assert!(s.too_deep());
    }
}
