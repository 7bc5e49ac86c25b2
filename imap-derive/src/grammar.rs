//! The grammar the derived types are built from, read at compile time so a
//! type that cannot fit its rule is a compile error, not a runtime one.
//!
//! `parser!` reads it from the same text it compiles and writes what the
//! derive needs to know onto the rule enum (`Rule::__imap_shape`), so a
//! type is checked against exactly the grammar its parser was built from.

use pest_meta::ast::{Expr, Rule, RuleType};
use std::collections::{HashMap, HashSet};

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
    rules: HashMap<String, Rule>,
}

impl Grammar {
    /// The rules of grammar `text` (all its files joined), or pest_meta's
    /// complaint.
    pub fn from_text(text: &str) -> Result<Grammar, String> {
        let pairs =
            pest_meta::parser::parse(pest_meta::parser::Rule::grammar_rules, text).map_err(|e| e.to_string())?;
        let rules = pest_meta::parser::consume_rules(pairs)
            .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
        Ok(Grammar { rules: rules.into_iter().map(|r| (r.name.clone(), r)).collect() })
    }

    /// The rules that are variants of the grammar's rule enum (pest makes
    /// none for silent rules), sorted by name.
    pub fn pair_rules(&self) -> Vec<&str> {
        let mut names: Vec<&str> =
            self.rules.values().filter(|r| r.ty != RuleType::Silent).map(|r| r.name.as_str()).collect();
        names.sort_unstable();
        names
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
