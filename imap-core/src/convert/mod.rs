//! From pest pairs (copied into a [`Tree`]) to typed values: the runtime
//! behind `#[derive(FromPair)]`.
//!
//! The derive (crate `imap-derive`) writes, for each model type, a sequence of
//! calls on [`Children`]; the decisions (is this child mine, is it NIL, where
//! does a list end) are all made here, once. Leaf tokens (strings, numbers,
//! atoms) are decoded by the [`FromPair`] impls at the bottom of this file;
//! the model's own leaves (flags, dates, ...) sit next to their types.
//!
//! The trait is generic over the grammar's rule type so that a grammar which
//! extends `grammar/imap.pest` can reuse the leaves: it implements
//! [`ImapRule`] to say which of its rules are which kind of token.

pub use crate::grammar::{Pair, Pairs, Tree};

use crate::wire::Frame;
use pest::RuleType;
use std::borrow::Cow;
use std::fmt;

#[doc(hidden)]
pub use crate::grammar::deep;

/// A type built from a pair of the grammar (`R` is the grammar's rule type).
///
/// Derive it with `#[derive(FromPair)]`; implement it by hand only for tokens.
pub trait FromPair<'a, R: RuleType>: Sized {
    /// Whether a pair of `rule` can become this type. Used to decide whether
    /// an optional or repeated field takes the next child.
    fn accepts(rule: R) -> bool;

    /// Builds the value from a pair whose rule it [accepts](Self::accepts).
    fn from_pair(pair: Pair<'_, 'a, R>, cx: &Cx<'a>) -> Result<Self, ConvError>;
}

/// A value kept in place of one that did not convert (a FETCH item, a
/// response code or a STATUS value whose text the typed model refused): the
/// field of an enum's `#[imap(malformed)]` variant.
pub trait Refused<'a, R: RuleType>: Sized {
    /// The stand-in for `pair`, which failed to convert with `error`.
    fn refused(pair: Pair<'_, 'a, R>, cx: &Cx<'a>, error: ConvError) -> Self;
}

/// The kind of token a grammar rule stands for, as far as the leaf
/// conversions care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Token {
    /// `NIL`.
    Nil,
    /// A quoted string, quotes included.
    Quoted,
    /// A literal's `{N}` header; the payload is in the frame.
    Literal,
    /// An astring's atom form (a string without quotes).
    AstringAtom,
    /// An atom that is a name rather than a string (capability, keyword, tag).
    Atom,
    /// An unsigned number; body sizes some servers send as `-1` or `NIL`
    /// read as 0.
    Number,
    /// Human-readable text up to the end of the line.
    Text,
    /// A mailbox name (an astring inside).
    Mailbox,
    /// Any other rule.
    Other,
}

/// Tells the leaf conversions which rules of a grammar are which token.
#[doc(hidden)]
pub trait ImapRule: RuleType {
    /// The token kind of `self`.
    fn token(self) -> Token;
}

/// What a conversion needs besides the pair: where literal payloads are, and
/// whether the text was remapped from non-UTF-8 bytes.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    source: Source<'a>,
}

#[derive(Clone, Copy)]
enum Source<'a> {
    /// Text with no literals, valid UTF-8 as received.
    Plain,
    /// One frame's skeleton.
    Frame(&'a Frame<'a>),
}

impl<'a> Cx<'a> {
    /// A context for pairs parsed from `frame`'s skeleton.
    pub fn new(frame: &'a Frame<'a>) -> Self {
        Cx { source: Source::Frame(frame) }
    }

    /// A context for text that has no literals and was valid UTF-8 as received.
    pub fn plain() -> Self {
        Cx { source: Source::Plain }
    }

    /// The payload of the literal whose header is `pair`.
    pub fn literal<R: RuleType>(&self, pair: &Pair<'_, 'a, R>) -> Result<&'a [u8], ConvError> {
        let end = pair.end();
        let payload = match self.source {
            Source::Plain => None,
            Source::Frame(frame) => frame.literal_at(end),
        };
        payload.ok_or_else(|| ConvError::new(pair.start(), "a literal the framer did not see"))
    }

    /// The bytes `pair` matched as they were received: mapped back from the
    /// skeleton's text, with the payloads of the literals inside it.
    pub fn raw<R: RuleType>(&self, pair: &Pair<'_, 'a, R>) -> Cow<'a, [u8]> {
        let text = pair.as_str();
        let (start, end) = (pair.start(), pair.end());
        let inside: Vec<(usize, &'a [u8])> = match self.source {
            Source::Plain => Vec::new(),
            Source::Frame(frame) => frame
                .literals()
                .iter()
                .filter(|l| l.header_end > start && l.header_end <= end)
                .map(|l| (l.header_end, frame.payload(l)))
                .collect(),
        };
        if inside.is_empty() {
            return self.bytes(text);
        }
        let mut out = Vec::with_capacity(text.len() + inside.iter().map(|(_, p)| p.len()).sum::<usize>());
        let mut from = 0;
        for (header_end, payload) in inside {
            out.extend_from_slice(&self.bytes(&text[from..header_end - start]));
            out.extend_from_slice(payload);
            from = header_end - start;
        }
        out.extend_from_slice(&self.bytes(&text[from..]));
        Cow::Owned(out)
    }

    /// Bytes of a token of the skeleton: as is, or mapped back to the
    /// original bytes when the frame held bytes that are not UTF-8.
    pub fn bytes(&self, s: &'a str) -> Cow<'a, [u8]> {
        match self.source {
            Source::Frame(frame) if frame.is_remapped() => crate::wire::unmap(s),
            _ => Cow::Borrowed(s.as_bytes()),
        }
    }
}

/// A pair's children, taken in order by the fields of the type built from it.
#[doc(hidden)]
pub struct Children<'t, 'a, 'c, R: RuleType> {
    pairs: Pairs<'t, 'a, R>,
    /// Where the parent pair ends: the position reported for a missing child.
    end: usize,
    cx: &'c Cx<'a>,
}

impl<'t, 'a, 'c, R: ImapRule> Children<'t, 'a, 'c, R> {
    /// The children of `pair`.
    #[inline]
    pub fn new(pair: Pair<'t, 'a, R>, cx: &'c Cx<'a>) -> Self {
        let end = pair.end();
        Children { pairs: pair.into_inner(), end, cx }
    }

    /// The next child, which `T` must accept.
    pub fn required<T: FromPair<'a, R>>(&mut self, field: &'static str) -> Result<T, ConvError> {
        match self.pairs.next() {
            Some(pair) if T::accepts(pair.as_rule()) => T::from_pair(pair, self.cx),
            Some(pair) => Err(ConvError::unexpected(&pair, field)),
            None => Err(ConvError::new(self.end, field)),
        }
    }

    /// The next child if `T` accepts it; `None` (consuming it) for NIL, and
    /// `None` (leaving it) for anything else.
    pub fn optional<T: FromPair<'a, R>>(&mut self, _field: &'static str) -> Result<Option<T>, ConvError> {
        let Some(rule) = self.pairs.peek().map(|p| p.as_rule()) else { return Ok(None) };
        if T::accepts(rule) {
            let pair = self.pairs.next().expect("peeked");
            T::from_pair(pair, self.cx).map(Some)
        } else {
            if rule.token() == Token::Nil {
                self.pairs.next();
            }
            Ok(None)
        }
    }

    /// Every following child that `T` accepts.
    pub fn repeated<T: FromPair<'a, R>>(&mut self, _field: &'static str) -> Result<Vec<T>, ConvError> {
        // Counting first (a walk over the siblings) spares the reallocations.
        let count = self.pairs.count_while(T::accepts);
        let mut out = Vec::with_capacity(count);
        for pair in self.pairs.by_ref().take(count) {
            out.push(T::from_pair(pair, self.cx)?);
        }
        Ok(out)
    }

    /// Whether the next child is a pair of `rule` (taken if so): a keyword
    /// that is there or not, such as VANISHED's `(EARLIER)`.
    pub fn present(&mut self, rule: R) -> bool {
        let here = self.pairs.peek().is_some_and(|p| p.as_rule() == rule);
        if here {
            self.pairs.next();
        }
        here
    }

    /// The next child is a list (of any rule, NIL included): all its
    /// children become `T`. No next child is an empty list.
    pub fn list<T: FromPair<'a, R>>(&mut self, field: &'static str) -> Result<Vec<T>, ConvError> {
        let Some(list) = self.pairs.next() else { return Ok(Vec::new()) };
        let mut items = Children::new(list, self.cx);
        let out = items.repeated(field)?;
        items.finish(field)?;
        Ok(out)
    }

    /// Checks that every child was taken: a child left over means the type
    /// does not fit the rule.
    pub fn finish(mut self, what: &'static str) -> Result<(), ConvError> {
        match self.pairs.next() {
            None => Ok(()),
            Some(pair) => Err(ConvError::unexpected(&pair, what)),
        }
    }
}

/// A pair that does not fit the type it was meant to become.
///
/// This means the grammar accepted something the typed model cannot hold
/// (a number too large for its field, a date that does not exist, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvError {
    /// Byte offset in the response skeleton where the problem starts.
    pub position: usize,
    /// What was expected there.
    pub expected: Cow<'static, str>,
}

impl ConvError {
    /// An error at `position` in the skeleton.
    pub fn new(position: usize, expected: impl Into<Cow<'static, str>>) -> Self {
        ConvError { position, expected: expected.into() }
    }

    /// `pair` is not what `expected` needs.
    pub fn unexpected<R: RuleType>(pair: &Pair<'_, '_, R>, expected: &'static str) -> Self {
        ConvError::new(pair.start(), format!("{expected} (found {:?} `{}`)", pair.as_rule(), clip(pair.as_str())))
    }
}

impl fmt::Display for ConvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: expected {}", self.position, self.expected)
    }
}

impl std::error::Error for ConvError {}

/// The start of `s`, short enough for an error message.
fn clip(s: &str) -> &str {
    let end = s.char_indices().nth(40).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

// ------------------------------------------------------------------ leaves

/// Rejects a pair whose rule does not fit a leaf type, with the leaf's name.
fn expect_token<R: ImapRule>(pair: &Pair<'_, '_, R>, ok: bool, what: &'static str) -> Result<(), ConvError> {
    if ok {
        Ok(())
    } else {
        Err(ConvError::unexpected(pair, what))
    }
}

macro_rules! number_leaf {
    ($($ty:ty),*) => {$(
        impl<'a, R: ImapRule> FromPair<'a, R> for $ty {
            #[inline]
            fn accepts(rule: R) -> bool {
                rule.token() == Token::Number
            }

            fn from_pair(pair: Pair<'_, 'a, R>, _cx: &Cx<'a>) -> Result<Self, ConvError> {
                expect_token(&pair, Self::accepts(pair.as_rule()), "a number")?;
                let digits = pair.as_str();
                if !digits.starts_with(|c: char| c.is_ascii_digit()) {
                    return Ok(0); // `-1` or `NIL` for a body size (quirk)
                }
                digits.parse().map_err(|_| {
                    ConvError::new(pair.start(), concat!("a number that fits ", stringify!($ty)))
                })
            }
        }
    )*};
}
number_leaf!(u32, u64);

impl<'a, R: ImapRule> FromPair<'a, R> for Cow<'a, str> {
    #[inline]
    fn accepts(rule: R) -> bool {
        rule.token() == Token::Atom
    }

    fn from_pair(pair: Pair<'_, 'a, R>, _cx: &Cx<'a>) -> Result<Self, ConvError> {
        expect_token(&pair, Self::accepts(pair.as_rule()), "an atom")?;
        Ok(Cow::Borrowed(pair.as_str()))
    }
}

impl<'a, R: RuleType, T: FromPair<'a, R>> FromPair<'a, R> for Box<T> {
    #[inline]
    fn accepts(rule: R) -> bool {
        T::accepts(rule)
    }

    fn from_pair(pair: Pair<'_, 'a, R>, cx: &Cx<'a>) -> Result<Self, ConvError> {
        T::from_pair(pair, cx).map(Box::new)
    }
}

/// Implements [`ImapRule`] for the `Rule` enum of a parser built on the core
/// grammar, so that the leaf conversions ([`IString`], numbers, atoms) work
/// on its pairs. [`imap_parser!`](crate::imap_parser) runs it on the `Rule`
/// it declares.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_imap_rule {
    ($rule:ident) => {
        impl $crate::convert::ImapRule for $rule {
            // Always: every leaf conversion asks, and inlined the match
            // folds into the caller's test (`#[inline]` alone was not taken).
            #[inline(always)]
            fn token(self) -> $crate::convert::Token {
                use $crate::convert::Token;
                match self {
                    $rule::nil => Token::Nil,
                    $rule::quoted => Token::Quoted,
                    $rule::literal => Token::Literal,
                    $rule::astring_atom => Token::AstringAtom,
                    $rule::atom | $rule::tag | $rule::value_atom | $rule::msg_att_other_name => Token::Atom,
                    $rule::number
                    | $rule::nz_number
                    | $rule::value_number
                    | $rule::body_fld_octets
                    | $rule::body_fld_lines => Token::Number,
                    $rule::text | $rule::resp_text_code_text => Token::Text,
                    $rule::mailbox => Token::Mailbox,
                    _ => Token::Other,
                }
            }
        }
    };
}
