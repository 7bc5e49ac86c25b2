//! The code generator: a grammar's rules (as pest_meta optimizes them) in,
//! a recognizer out, one plain Rust function per rule and mode.
//!
//! The recognizer accepts exactly what pest's parser of the same grammar
//! accepts and writes the same pairs (as `imap_core::grammar::Node`s, in
//! pre-order); imap-core's differential tests and fuzz target hold it to
//! that. What it leaves out is what makes pest slow here: no error tracking
//! (pest parses a rejected input again to say why), no stack probe or
//! snapshot per combinator, no allocation per node. Choices skip the
//! alternatives whose first byte cannot match, and runs of one character
//! class are byte loops. Nesting is counted on recursive rules only, and
//! its limit is a hard failure, not a backtrack.

mod analysis;
mod emit;

use analysis::{builtin_class, walk, Facts, SPECIAL_BUILTINS};
use emit::Emitter;
use pest_meta::optimizer::{OptimizedExpr, OptimizedRule};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The recognizer module for `rules`: `recognize(rule, state)` and the rule
/// functions. `rule_ty` names the grammar's rule enum, `runtime` the path of
/// `imap_core::grammar::runtime`. Errors name the rule at fault.
/// The rules that can contain a pair of themselves (directly or not): the
/// recognizer counts nesting on them, and the derive's conversion of them
/// runs on a stack that grows.
pub fn recursive_rules(rules: &[OptimizedRule]) -> std::collections::HashSet<&str> {
    Facts::new(rules).recursive
}

pub fn generate(rules: &[OptimizedRule], rule_ty: TokenStream, runtime: TokenStream) -> Result<TokenStream, String> {
    check(rules)?;
    let facts = Facts::new(rules);
    let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    let mut emitter = Emitter::new(&facts, rule_ty.clone());
    let functions = emitter.functions(&names);
    let arms = names.iter().map(|name| {
        let variant = format_ident!("r#{}", name);
        let f = format_ident!("e_{}", name);
        quote!(#rule_ty::#variant => #f(s, 0),)
    });
    let uses_eoi = rules.iter().any(|r| {
        let mut found = false;
        walk(&r.expr, &mut |e| found |= matches!(e, OptimizedExpr::Ident(n) if n == "EOI"));
        found
    });
    let eoi =
        uses_eoi.then(|| quote!(#rule_ty::EOI => if s.is_empty() { s.leaf(#rule_ty::EOI, 0); Some(0) } else { None },));
    Ok(quote! {
        use #runtime as rt;
        type S<'i, 'n> = rt::Recognition<'i, 'n, #rule_ty>;

        /// Recognizes the input of `s` from its start with `rule`; the
        /// position where the match ends.
        pub fn recognize(rule: #rule_ty, s: &mut S<'_, '_>) -> Option<usize> {
            match rule {
                #(#arms)*
                #eoi
            }
        }

        #(#functions)*
    })
}

/// Refuses what the generator does not compile, naming the rule.
fn check(rules: &[OptimizedRule]) -> Result<(), String> {
    let known = |name: &str| {
        rules.iter().any(|r| r.name == name) || SPECIAL_BUILTINS.contains(&name) || builtin_class(name).is_some()
    };
    for rule in rules {
        if rule.name == "WHITESPACE" || rule.name == "COMMENT" {
            return Err(format!(
                "rule `{}`: implicit whitespace and comments are not supported by the generated recognizer",
                rule.name
            ));
        }
        let mut problem = None;
        walk(&rule.expr, &mut |e| {
            let what = match e {
                OptimizedExpr::PeekSlice(..) => Some("PEEK slices".to_owned()),
                OptimizedExpr::Push(_) => Some("PUSH".to_owned()),
                OptimizedExpr::Ident(name) if !known(name) => Some(format!("the builtin or rule `{name}`")),
                OptimizedExpr::Str(_)
                | OptimizedExpr::Insens(_)
                | OptimizedExpr::Range(..)
                | OptimizedExpr::Ident(_)
                | OptimizedExpr::PosPred(_)
                | OptimizedExpr::NegPred(_)
                | OptimizedExpr::Seq(..)
                | OptimizedExpr::Choice(..)
                | OptimizedExpr::Opt(_)
                | OptimizedExpr::Rep(_)
                | OptimizedExpr::Skip(_)
                | OptimizedExpr::RestoreOnErr(_) => None,
                #[allow(unreachable_patterns)]
                _ => Some("this expression (a pest_meta newer than the generator knows)".to_owned()),
            };
            if problem.is_none() {
                problem = what;
            }
        });
        if let Some(what) = problem {
            return Err(format!("rule `{}`: {what} is not supported by the generated recognizer", rule.name));
        }
    }
    Ok(())
}
