//! The grammar the derived types are built from, read at compile time so a
//! type that cannot fit its rule is a compile error, not a runtime one.
//!
//! It is imap-core's grammar (module `files`), or, for a crate that extends
//! it, RFC 3501's grammar joined with the crate's own `src/*.pest` files (as
//! its `imap_core::imap_parser!` compiles them).

use crate::files;
use pest_meta::ast::{Expr, Rule, RuleType};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// How many child pairs something produces: at least `min`, at most `max`
/// (`None`: no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub min: u32,
    pub max: Option<u32>,
}

impl Count {
    pub const ZERO: Count = Count { min: 0, max: Some(0) };
    pub const ONE: Count = Count { min: 1, max: Some(1) };
    pub const ANY: Count = Count { min: 0, max: None };

    pub fn then(self, other: Count) -> Count {
        Count { min: self.min + other.min, max: self.max.zip(other.max).map(|(a, b)| a + b) }
    }

    fn or(self, other: Count) -> Count {
        Count { min: self.min.min(other.min), max: self.max.zip(other.max).map(|(a, b)| a.max(b)) }
    }

    fn optional(self) -> Count {
        Count { min: 0, max: self.max }
    }

    fn repeated(self, at_least_once: bool) -> Count {
        let max = if self.max == Some(0) { Some(0) } else { None };
        Count { min: if at_least_once { self.min } else { 0 }, max }
    }

    /// Whether a type taking `self` children can take what a rule producing
    /// `rule` children gives.
    pub fn fits(self, rule: Count) -> bool {
        let too_few_fields = matches!(self.max, Some(max) if rule.min > max);
        let too_many_fields = matches!(rule.max, Some(max) if self.min > max);
        !too_few_fields && !too_many_fields
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.max {
            Some(max) if max == self.min => write!(f, "exactly {max}"),
            Some(max) => write!(f, "{} to {max}", self.min),
            None => write!(f, "at least {}", self.min),
        }
    }
}

/// The rules of a grammar, by name.
pub struct Grammar {
    /// What the grammar is, for messages.
    pub name: String,
    rules: HashMap<String, Rule>,
}

impl Grammar {
    /// The grammar of the crate being compiled (read once per compilation);
    /// `None` only when a file of it cannot be read or does not parse, which
    /// its parser's compilation reports.
    pub fn current() -> Option<&'static Grammar> {
        static GRAMMAR: OnceLock<Option<Grammar>> = OnceLock::new();
        GRAMMAR.get_or_init(|| Grammar::find(Path::new(&std::env::var("CARGO_MANIFEST_DIR").ok()?))).as_ref()
    }

    fn find(crate_root: &Path) -> Option<Grammar> {
        let mut own: Vec<PathBuf> = std::fs::read_dir(crate_root.join("src"))
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "pest"))
                    .collect()
            })
            .unwrap_or_default();
        own.sort();
        let text = if own.is_empty() {
            files::imap_core()
        } else {
            let mut text = String::from(files::CORE.text);
            for path in &own {
                text.push('\n');
                text.push_str(&std::fs::read_to_string(path).ok()?);
            }
            text
        };
        let pairs = pest_meta::parser::parse(pest_meta::parser::Rule::grammar_rules, &text).ok()?;
        let rules = pest_meta::parser::consume_rules(pairs).ok()?;
        let name = if own.is_empty() {
            "imap-core's grammar (grammar/*.pest)".to_owned()
        } else {
            "RFC 3501's grammar and src/*.pest".to_owned()
        };
        Some(Grammar { name, rules: rules.into_iter().map(|r| (r.name.clone(), r)).collect() })
    }

    /// Whether rule `name` can contain a pair of itself (its conversion
    /// then recurses as deep as the input nests).
    pub fn is_recursive(&self, name: &str) -> bool {
        let mut seen = HashSet::new();
        let mut todo = vec![name.to_owned()];
        while let Some(rule) = todo.pop() {
            let Some(rule) = self.rules.get(&rule) else { continue };
            let mut called = Vec::new();
            calls(&rule.expr, &mut called);
            for c in called {
                if c == name {
                    return true;
                }
                if seen.insert(c.clone()) {
                    todo.push(c);
                }
            }
        }
        false
    }

    pub fn has(&self, name: &str) -> bool {
        self.rules.contains_key(name)
    }

    /// The rule name closest to `name`, for "did you mean".
    pub fn closest(&self, name: &str) -> Option<&str> {
        self.rules
            .keys()
            .map(String::as_str)
            .min_by_key(|candidate| edit_distance(name, candidate))
            .filter(|c| edit_distance(name, c) <= 3)
    }

    /// How many child pairs a pair of rule `name` has.
    pub fn children(&self, name: &str) -> Count {
        match self.rules.get(name) {
            Some(rule) if rule.ty == RuleType::Atomic => Count::ZERO,
            Some(rule) => self.count(&rule.expr, &mut HashSet::from([name.to_owned()])),
            None => Count::ANY,
        }
    }

    fn count(&self, expr: &Expr, silent_seen: &mut HashSet<String>) -> Count {
        match expr {
            Expr::Str(_) | Expr::Insens(_) | Expr::Range(..) | Expr::PeekSlice(..) | Expr::Skip(_) => Count::ZERO,
            Expr::PosPred(_) | Expr::NegPred(_) => Count::ZERO,
            Expr::Ident(name) => match self.rules.get(name) {
                Some(rule) if rule.ty == RuleType::Silent => {
                    if !silent_seen.insert(name.clone()) {
                        return Count::ANY; // recursion through silent rules
                    }
                    let count = self.count(&rule.expr, silent_seen);
                    silent_seen.remove(name);
                    count
                }
                Some(_) => Count::ONE,
                None if name == "EOI" => Count::ONE,
                None => Count::ZERO, // SOI, ANY, ASCII_DIGIT, ...
            },
            Expr::Seq(a, b) => self.count(a, silent_seen).then(self.count(b, silent_seen)),
            Expr::Choice(a, b) => self.count(a, silent_seen).or(self.count(b, silent_seen)),
            Expr::Opt(a) => self.count(a, silent_seen).optional(),
            Expr::Rep(a) => self.count(a, silent_seen).repeated(false),
            Expr::RepOnce(a) => self.count(a, silent_seen).repeated(true),
            Expr::RepExact(a, n) => {
                let c = self.count(a, silent_seen);
                Count { min: c.min * n, max: c.max.map(|m| m * n) }
            }
            Expr::RepMin(a, n) => {
                let c = self.count(a, silent_seen);
                Count { min: c.min * n, max: if c.max == Some(0) { Some(0) } else { None } }
            }
            Expr::RepMax(a, n) => {
                let c = self.count(a, silent_seen);
                Count { min: 0, max: c.max.map(|m| m * n) }
            }
            Expr::RepMinMax(a, lo, hi) => {
                let c = self.count(a, silent_seen);
                Count { min: c.min * lo, max: c.max.map(|m| m * hi) }
            }
            Expr::Push(a) => self.count(a, silent_seen),
            // pest_meta's `grammar-extras` (node tags), if another crate
            // turns it on: no claim about the count.
            #[allow(unreachable_patterns)]
            _ => Count::ANY,
        }
    }
}

/// The rule names `expr` calls.
fn calls(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Ident(name) => out.push(name.clone()),
        Expr::PosPred(e)
        | Expr::NegPred(e)
        | Expr::Opt(e)
        | Expr::Rep(e)
        | Expr::RepOnce(e)
        | Expr::RepExact(e, _)
        | Expr::RepMin(e, _)
        | Expr::RepMax(e, _)
        | Expr::RepMinMax(e, _, _)
        | Expr::Push(e) => calls(e, out),
        Expr::Seq(a, b) | Expr::Choice(a, b) => {
            calls(a, out);
            calls(b, out);
        }
        _ => {}
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}
