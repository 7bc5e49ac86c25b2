//! Facts about the grammar that the emitted code relies on, computed once:
//! which bytes each expression can start with (so a choice skips the
//! alternatives that cannot match), which expressions match exactly one
//! character of a set (a byte test instead of a call), and which rules are
//! recursive (only those count nesting).

use pest_meta::ast::RuleType;
use pest_meta::optimizer::{OptimizedExpr, OptimizedRule};
use std::collections::{HashMap, HashSet};

/// A set of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bytes([u64; 4]);

impl Bytes {
    pub const ALL: Bytes = Bytes([u64::MAX; 4]);

    pub fn add(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    pub fn add_range(&mut self, lo: u8, hi: u8) {
        for b in lo..=hi {
            self.add(b);
        }
    }

    pub fn has(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    pub fn union(self, other: Bytes) -> Bytes {
        Bytes(std::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    pub fn is_all(&self) -> bool {
        *self == Bytes::ALL
    }

    /// The set as inclusive ranges, in order.
    pub fn ranges(&self) -> Vec<(u8, u8)> {
        let mut out = Vec::new();
        let mut start: Option<u8> = None;
        for b in 0..=255u8 {
            match (self.has(b), start) {
                (true, None) => start = Some(b),
                (false, Some(s)) => {
                    out.push((s, b - 1));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, 255));
        }
        out
    }
}

/// What an expression can start with: the bytes of its first character
/// when it consumes one, and whether it can succeed consuming nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct First {
    pub bytes: Bytes,
    pub nullable: bool,
}

impl First {
    const EMPTY: First = First { bytes: Bytes([0; 4]), nullable: true };
    const ANY_CHAR: First = First { bytes: Bytes::ALL, nullable: false };

    fn then(self, next: First) -> First {
        if self.nullable {
            First { bytes: self.bytes.union(next.bytes), nullable: next.nullable }
        } else {
            self
        }
    }

    fn or(self, other: First) -> First {
        First { bytes: self.bytes.union(other.bytes), nullable: self.nullable || other.nullable }
    }

    fn optional(self) -> First {
        First { nullable: true, ..self }
    }
}

/// One character out of a set: ASCII bytes, and either every non-ASCII
/// character or none (the grammar's only non-ASCII range is `\u{80}..`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Class {
    pub ascii: Bytes,
    pub non_ascii: bool,
}

impl Class {
    fn any() -> Class {
        let mut ascii = Bytes::default();
        ascii.add_range(0, 0x7F);
        Class { ascii, non_ascii: true }
    }

    /// The bytes a character of the class can start with; in a run of the
    /// class, every byte it contains (continuation bytes are 0x80.., which a
    /// class with all non-ASCII characters holds).
    pub fn bytes(&self) -> Bytes {
        let mut b = self.ascii;
        if self.non_ascii {
            b.add_range(0x80, 0xFF);
        }
        b
    }

    fn union(self, other: Class) -> Class {
        Class { ascii: self.ascii.union(other.ascii), non_ascii: self.non_ascii || other.non_ascii }
    }

    fn minus(self, other: Class) -> Class {
        Class {
            ascii: Bytes(std::array::from_fn(|i| self.ascii.0[i] & !other.ascii.0[i])),
            non_ascii: self.non_ascii && !other.non_ascii,
        }
    }
}

/// The builtin rules the generator knows, with the class they match (None
/// for SOI, EOI and ANY, which are written out).
pub fn builtin_class(name: &str) -> Option<Class> {
    let mut ascii = Bytes::default();
    match name {
        "ASCII_DIGIT" => ascii.add_range(b'0', b'9'),
        "ASCII_NONZERO_DIGIT" => ascii.add_range(b'1', b'9'),
        "ASCII_BIN_DIGIT" => ascii.add_range(b'0', b'1'),
        "ASCII_OCT_DIGIT" => ascii.add_range(b'0', b'7'),
        "ASCII_HEX_DIGIT" => {
            ascii.add_range(b'0', b'9');
            ascii.add_range(b'a', b'f');
            ascii.add_range(b'A', b'F');
        }
        "ASCII_ALPHA_LOWER" => ascii.add_range(b'a', b'z'),
        "ASCII_ALPHA_UPPER" => ascii.add_range(b'A', b'Z'),
        "ASCII_ALPHA" => {
            ascii.add_range(b'a', b'z');
            ascii.add_range(b'A', b'Z');
        }
        "ASCII_ALPHANUMERIC" => {
            ascii.add_range(b'a', b'z');
            ascii.add_range(b'A', b'Z');
            ascii.add_range(b'0', b'9');
        }
        "ASCII" => ascii.add_range(0, 0x7F),
        _ => return None,
    }
    Some(Class { ascii, non_ascii: false })
}

/// Builtins written out by the emitter rather than as a class.
pub const SPECIAL_BUILTINS: &[&str] = &["ANY", "SOI", "EOI"];

/// The facts, by rule name.
pub struct Facts<'g> {
    pub rules: HashMap<&'g str, &'g OptimizedRule>,
    first: HashMap<&'g str, First>,
    /// Rules that can call themselves (directly or not).
    pub recursive: HashSet<&'g str>,
    /// Rules from whose body a `$` or `!@` rule can be reached: inside an
    /// atomic rule, those produce nodes again.
    pub reaches_compound: HashSet<&'g str>,
}

impl<'g> Facts<'g> {
    pub fn new(rules: &'g [OptimizedRule]) -> Self {
        let by_name: HashMap<&str, &OptimizedRule> = rules.iter().map(|r| (r.name.as_str(), r)).collect();
        let calls: HashMap<&str, HashSet<&str>> =
            rules.iter().map(|r| (r.name.as_str(), called(&r.expr).into_iter().collect())).collect();
        let reach = |start: &str| -> HashSet<&str> {
            let mut seen = HashSet::new();
            let mut todo: Vec<&str> = calls.get(start).into_iter().flatten().copied().collect();
            while let Some(r) = todo.pop() {
                if seen.insert(r) {
                    todo.extend(calls.get(r).into_iter().flatten().copied());
                }
            }
            seen
        };
        let mut recursive = HashSet::new();
        let mut reaches_compound = HashSet::new();
        for r in rules {
            let reached = reach(&r.name);
            if reached.contains(r.name.as_str()) {
                recursive.insert(r.name.as_str());
            }
            let compound = |n: &&str| {
                by_name.get(n).is_some_and(|x| matches!(x.ty, RuleType::CompoundAtomic | RuleType::NonAtomic))
            };
            if reached.iter().any(compound) {
                reaches_compound.insert(r.name.as_str());
            }
        }
        let mut facts = Facts { rules: by_name, first: HashMap::new(), recursive, reaches_compound };
        // FIRST sets grow monotonically from nothing to their fixed point.
        loop {
            let mut changed = false;
            for r in rules {
                let f = facts.first_of(&r.expr);
                if facts.first.get(r.name.as_str()) != Some(&f) {
                    facts.first.insert(r.name.as_str(), f);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        facts
    }

    /// What `expr` can start with.
    pub fn first_of(&self, expr: &OptimizedExpr) -> First {
        match expr {
            OptimizedExpr::Str(s) | OptimizedExpr::Insens(s) => match s.as_bytes().first() {
                None => First::EMPTY,
                Some(&b) => {
                    let mut bytes = Bytes::default();
                    bytes.add(b);
                    if matches!(expr, OptimizedExpr::Insens(_)) {
                        bytes.add(b.to_ascii_lowercase());
                        bytes.add(b.to_ascii_uppercase());
                    }
                    First { bytes, nullable: false }
                }
            },
            OptimizedExpr::Range(lo, hi) => {
                let (lo, hi) = (first_char(lo), first_char(hi));
                let mut bytes = Bytes::default();
                if lo <= '\u{7F}' {
                    bytes.add_range(lo as u8, hi.min('\u{7F}') as u8);
                }
                if hi >= '\u{80}' {
                    bytes.add_range(0x80, 0xFF);
                }
                First { bytes, nullable: false }
            }
            OptimizedExpr::Ident(name) => match name.as_str() {
                "ANY" => First::ANY_CHAR,
                "SOI" | "EOI" => First::EMPTY,
                other => match builtin_class(other) {
                    Some(c) => First { bytes: c.bytes(), nullable: false },
                    None => self.first.get(other).copied().unwrap_or_default(),
                },
            },
            OptimizedExpr::PosPred(_) | OptimizedExpr::NegPred(_) => First::EMPTY,
            OptimizedExpr::Seq(a, b) => self.first_of(a).then(self.first_of(b)),
            OptimizedExpr::Choice(a, b) => self.first_of(a).or(self.first_of(b)),
            OptimizedExpr::Opt(a) | OptimizedExpr::Rep(a) => self.first_of(a).optional(),
            OptimizedExpr::RestoreOnErr(a) => self.first_of(a),
            OptimizedExpr::Skip(_) => First { bytes: Bytes::ALL, nullable: true },
            // Refused before analysis (see `check`); any answer is safe here.
            _ => First { bytes: Bytes::ALL, nullable: true },
        }
    }

    /// The class of characters `expr` matches, if it matches exactly one
    /// character of a set and writes no node.
    pub fn class_of(&self, expr: &OptimizedExpr) -> Option<Class> {
        self.class_in(expr, &mut Vec::new())
    }

    fn class_in<'e>(&'e self, expr: &'e OptimizedExpr, seen: &mut Vec<&'e str>) -> Option<Class> {
        match expr {
            OptimizedExpr::Str(s) | OptimizedExpr::Insens(s) if s.len() == 1 && s.is_ascii() => {
                let b = s.as_bytes()[0];
                let mut ascii = Bytes::default();
                ascii.add(b);
                if matches!(expr, OptimizedExpr::Insens(_)) {
                    ascii.add(b.to_ascii_lowercase());
                    ascii.add(b.to_ascii_uppercase());
                }
                Some(Class { ascii, non_ascii: false })
            }
            OptimizedExpr::Range(lo, hi) => {
                let (lo, hi) = (first_char(lo), first_char(hi));
                let mut ascii = Bytes::default();
                if hi <= '\u{7F}' {
                    if lo <= hi {
                        ascii.add_range(lo as u8, hi as u8);
                    }
                    Some(Class { ascii, non_ascii: false })
                } else if lo <= '\u{80}' && hi == char::MAX {
                    if lo <= '\u{7F}' {
                        ascii.add_range(lo as u8, 0x7F);
                    }
                    Some(Class { ascii, non_ascii: true })
                } else {
                    None
                }
            }
            OptimizedExpr::Ident(name) if name == "ANY" => Some(Class::any()),
            OptimizedExpr::Ident(name) => {
                if let Some(c) = builtin_class(name) {
                    return Some(c);
                }
                let rule = self.rules.get(name.as_str())?;
                if rule.ty != RuleType::Silent || seen.contains(&name.as_str()) {
                    return None;
                }
                seen.push(name);
                let class = self.class_in(&rule.expr, seen);
                seen.pop();
                class
            }
            OptimizedExpr::Choice(a, b) => Some(self.class_in(a, seen)?.union(self.class_in(b, seen)?)),
            OptimizedExpr::Seq(a, b) => match &**a {
                // `!(x | y) ~ c`: a character of c that is none of x, y.
                OptimizedExpr::NegPred(not) => Some(self.class_in(b, seen)?.minus(self.class_in(not, seen)?)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The rules an expression calls by name.
pub fn called(expr: &OptimizedExpr) -> Vec<&str> {
    let mut out = Vec::new();
    walk(expr, &mut |e| {
        if let OptimizedExpr::Ident(n) = e {
            out.push(n.as_str());
        }
    });
    out
}

/// Visits `expr` and every expression inside it.
pub fn walk<'e>(expr: &'e OptimizedExpr, f: &mut impl FnMut(&'e OptimizedExpr)) {
    f(expr);
    match expr {
        OptimizedExpr::PosPred(a)
        | OptimizedExpr::NegPred(a)
        | OptimizedExpr::Opt(a)
        | OptimizedExpr::Rep(a)
        | OptimizedExpr::RestoreOnErr(a)
        | OptimizedExpr::Push(a) => walk(a, f),
        OptimizedExpr::Seq(a, b) | OptimizedExpr::Choice(a, b) => {
            walk(a, f);
            walk(b, f);
        }
        _ => {}
    }
}

/// A range bound's character (pest_meta keeps it as a string).
pub fn first_char(s: &str) -> char {
    s.chars().next().unwrap_or('\0')
}
