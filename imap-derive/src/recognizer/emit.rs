//! Writes one Rust function per (rule, mode) pair: a plain recognizer over
//! bytes that returns the position after its match, writing the nodes pest
//! would have produced.
//!
//! pest produces a node for a rule unless it runs inside a lookahead or an
//! atomic (`@`) rule; a `$` or `!@` rule called from an atomic one produces
//! nodes again. So each rule is written for the modes it is reached in:
//! `Emit` (nodes), `Atomic` (none, but `$` rules turn them back on) and
//! `Look` (none at all). Expressions fail cleanly: a failed expression
//! leaves the position and the node list as they were.

use super::analysis::{builtin_class, first_char, Bytes, Class, Facts, SPECIAL_BUILTINS};
use pest_meta::ast::RuleType;
use pest_meta::optimizer::OptimizedExpr;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::{HashSet, VecDeque};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Emit,
    Atomic,
    Look,
}

impl Mode {
    fn prefix(self) -> &'static str {
        match self {
            Mode::Emit => "e",
            Mode::Atomic => "a",
            Mode::Look => "l",
        }
    }
}

/// Writes the functions reached from every rule's `Emit` variant (the
/// entry points), on demand.
pub struct Emitter<'g> {
    facts: &'g Facts<'g>,
    rule_ty: TokenStream,
    todo: VecDeque<(&'g str, Mode)>,
    queued: HashSet<(&'g str, Mode)>,
    counter: usize,
}

impl<'g> Emitter<'g> {
    pub fn new(facts: &'g Facts<'g>, rule_ty: TokenStream) -> Self {
        Emitter { facts, rule_ty, todo: VecDeque::new(), queued: HashSet::new(), counter: 0 }
    }

    /// Every function, starting from the `Emit` variants of `entries`.
    pub fn functions(&mut self, entries: &[&'g str]) -> Vec<TokenStream> {
        for e in entries {
            self.function_name(e, Mode::Emit);
        }
        let mut out = Vec::new();
        while let Some((rule, mode)) = self.todo.pop_front() {
            out.push(self.function(rule, mode));
        }
        out
    }

    /// The name of `rule` called in `mode`, queued for writing.
    pub fn function_name(&mut self, rule: &'g str, mode: Mode) -> Ident {
        let mode = self.canonical(rule, mode);
        if self.queued.insert((rule, mode)) {
            self.todo.push_back((rule, mode));
        }
        format_ident!("{}_{}", mode.prefix(), rule)
    }

    /// In `Atomic` mode, a rule from which no `$` rule is reached behaves
    /// as in `Look` mode: one function serves both.
    fn canonical(&self, rule: &str, mode: Mode) -> Mode {
        let compound = self.facts.rules.get(rule).is_some_and(|r| is_compound(r.ty));
        if mode == Mode::Atomic && !compound && !self.facts.reaches_compound.contains(rule) {
            Mode::Look
        } else {
            mode
        }
    }

    fn function(&mut self, name: &'g str, mode: Mode) -> TokenStream {
        let rule = self.facts.rules[name];
        let fn_name = format_ident!("{}_{}", mode.prefix(), name);
        let (node, body_mode) = call(rule.ty, mode);
        let p = format_ident!("p");
        let body = self.expr(&rule.expr, body_mode, &p);
        let rule_ty = &self.rule_ty;
        let variant = format_ident!("r#{}", name);
        let recursive = self.facts.recursive.contains(name);
        let enter = recursive.then(|| {
            quote!(if !s.enter() {
                return None;
            })
        });
        let leave = recursive.then(|| quote!(s.leave();));
        let inline = (!recursive).then(|| quote!(#[inline]));
        let body = if recursive { quote!(s.deep(|s| #body)) } else { body };
        let run = if node {
            quote! {
                let i = s.open(#rule_ty::#variant, p);
                let r = #body;
                match r {
                    Some(q) => s.close(i, q),
                    None => s.truncate(i),
                }
            }
        } else {
            quote!(let r = #body;)
        };
        quote! {
            #inline
            fn #fn_name(s: &mut S<'_, '_>, p: usize) -> Option<usize> {
                #enter
                #run
                #leave
                r
            }
        }
    }

    fn fresh(&mut self, what: &str) -> Ident {
        self.counter += 1;
        format_ident!("{}{}", what, self.counter)
    }

    /// An expression of type `Option<usize>`: the position after `expr`
    /// matched at `p`, in `mode`.
    fn expr(&mut self, expr: &'g OptimizedExpr, mode: Mode, p: &Ident) -> TokenStream {
        if let Some(class) = self.simple_class(expr) {
            return one_of(&class, p);
        }
        match expr {
            OptimizedExpr::Str(s) => literal(s.as_bytes(), false, p),
            OptimizedExpr::Insens(s) => literal(s.as_bytes(), true, p),
            OptimizedExpr::Range(lo, hi) => {
                let (lo, hi) = (first_char(lo), first_char(hi));
                quote!(s.char_in(#p, #lo, #hi))
            }
            OptimizedExpr::Ident(name) => self.call(name, mode, p),
            OptimizedExpr::PosPred(inner) => {
                let inner = self.expr(inner, Mode::Look, p);
                quote!(match #inner { Some(_) => Some(#p), None => None })
            }
            OptimizedExpr::NegPred(inner) => {
                let inner = self.expr(inner, Mode::Look, p);
                quote!(match #inner { Some(_) => None, None => Some(#p) })
            }
            OptimizedExpr::Seq(..) => self.sequence(expr, mode, p),
            OptimizedExpr::Choice(..) => self.choice(expr, mode, p),
            OptimizedExpr::Opt(inner) => {
                let inner = self.expr(inner, mode, p);
                quote!(Some(match #inner { Some(q) => q, None => #p }))
            }
            OptimizedExpr::Rep(inner) => self.repeat(inner, mode, p),
            OptimizedExpr::Skip(needles) => {
                let needles = needles.iter().map(|n| Literal::byte_string(n.as_bytes()));
                quote!(Some(s.skip_until(#p, &[#(#needles),*])))
            }
            OptimizedExpr::RestoreOnErr(inner) => self.expr(inner, mode, p),
            // `check` refuses the rest before any code is written.
            _ => quote!(None),
        }
    }

    /// A class for `expr` when a byte test is better than what `expr`
    /// would otherwise become (not for a plain one-byte string).
    fn simple_class(&self, expr: &OptimizedExpr) -> Option<Class> {
        match expr {
            OptimizedExpr::Str(_) => None,
            OptimizedExpr::Ident(n) if SPECIAL_BUILTINS.contains(&n.as_str()) => None,
            _ => self.facts.class_of(expr),
        }
    }

    fn call(&mut self, name: &'g str, mode: Mode, p: &Ident) -> TokenStream {
        match name {
            "ANY" => quote!(s.any(#p)),
            "SOI" => quote!(if #p == 0 { Some(#p) } else { None }),
            "EOI" if mode == Mode::Emit => {
                let rule_ty = &self.rule_ty;
                quote!(if #p == s.len() { s.leaf(#rule_ty::EOI, #p); Some(#p) } else { None })
            }
            "EOI" => quote!(if #p == s.len() { Some(#p) } else { None }),
            _ => match builtin_class(name) {
                Some(class) => one_of(&class, p),
                None => {
                    let f = self.function_name(name, mode);
                    quote!(#f(s, #p))
                }
            },
        }
    }

    fn sequence(&mut self, expr: &'g OptimizedExpr, mode: Mode, p: &Ident) -> TokenStream {
        let mut parts = Vec::new();
        operands(expr, seq, &mut parts);
        let label = self.fresh_label();
        let mark = self.fresh("m");
        let emits = mode != Mode::Look && parts.iter().any(|e| self.may_emit(e, mode));
        let mut steps = Vec::new();
        let mut at = p.clone();
        for (i, part) in parts.iter().enumerate() {
            let next = self.fresh("p");
            let e = self.expr(part, mode, &at);
            let undo = (emits && i > 0).then(|| quote!(s.truncate(#mark);));
            steps.push(quote!(let Some(#next) = (#e) else { #undo break #label None; };));
            at = next;
        }
        let save = emits.then(|| quote!(let #mark = s.mark();));
        quote!(#label: { #save #(#steps)* Some(#at) })
    }

    fn choice(&mut self, expr: &'g OptimizedExpr, mode: Mode, p: &Ident) -> TokenStream {
        let mut alternatives = Vec::new();
        operands(expr, choice, &mut alternatives);
        let label = self.fresh_label();
        let c = self.fresh("c");
        let mut arms = Vec::new();
        let mut uses_byte = false;
        for alt in alternatives {
            let first = self.facts.first_of(alt);
            let e = self.expr(alt, mode, p);
            let q = self.fresh("q");
            let attempt = quote!(if let Some(#q) = (#e) { break #label Some(#q); });
            if first.nullable || first.bytes.is_all() {
                arms.push(attempt);
            } else if first.bytes.ranges().is_empty() {
                // Can never match: nothing to try.
            } else {
                uses_byte = true;
                let pattern = byte_pattern(&first.bytes);
                arms.push(quote!(if matches!(#c, Some(#pattern)) { #attempt }));
            }
        }
        let peek = uses_byte.then(|| quote!(let #c = s.byte(#p);));
        quote!(#label: { #peek #(#arms)* None })
    }

    fn repeat(&mut self, inner: &'g OptimizedExpr, mode: Mode, p: &Ident) -> TokenStream {
        let q = self.fresh("q");
        if let Some(class) = self.facts.class_of(inner) {
            // A run of one class: continuation bytes of a non-ASCII
            // character belong to a class that holds all of them.
            if class.bytes().ranges().is_empty() {
                return quote!(Some(#p));
            }
            let pattern = byte_pattern(&class.bytes());
            return quote!({
                let mut #q = #p;
                while let Some(#pattern) = s.byte(#q) {
                    #q += 1;
                }
                Some(#q)
            });
        }
        let next = self.fresh("n");
        let e = self.expr(inner, mode, &q);
        quote!({
            let mut #q = #p;
            loop {
                match (#e) {
                    Some(#next) if #next > #q => #q = #next,
                    _ => break,
                }
            }
            Some(#q)
        })
    }

    fn fresh_label(&mut self) -> syn::Lifetime {
        self.counter += 1;
        syn::Lifetime::new(&format!("'l{}", self.counter), Span::call_site())
    }

    /// Whether `expr` may write nodes in `mode` (when unsure: yes).
    fn may_emit(&self, expr: &OptimizedExpr, mode: Mode) -> bool {
        let mut emits = false;
        super::analysis::walk(expr, &mut |e| {
            if let OptimizedExpr::Ident(name) = e {
                let rule = self.facts.rules.get(name.as_str());
                emits |= match mode {
                    Mode::Look => false,
                    Mode::Emit => rule.is_some() || name == "EOI",
                    Mode::Atomic => {
                        rule.is_some_and(|r| is_compound(r.ty) || self.facts.reaches_compound.contains(name.as_str()))
                    }
                };
            }
        });
        emits
    }
}

/// Whether a call of a rule of type `ty` in `mode` writes the rule's node,
/// and the mode its body runs in (pest's `rule` and `atomic`).
fn call(ty: RuleType, mode: Mode) -> (bool, Mode) {
    match (mode, ty) {
        (Mode::Look, _) => (false, Mode::Look),
        (Mode::Emit, RuleType::Normal) => (true, Mode::Emit),
        (Mode::Emit, RuleType::Silent) => (false, Mode::Emit),
        (Mode::Emit, RuleType::Atomic) => (true, Mode::Atomic),
        (_, RuleType::CompoundAtomic | RuleType::NonAtomic) => (true, Mode::Emit),
        (Mode::Atomic, _) => (false, Mode::Atomic),
    }
}

fn is_compound(ty: RuleType) -> bool {
    matches!(ty, RuleType::CompoundAtomic | RuleType::NonAtomic)
}

/// The operands of a chain of one binary operator (`a ~ b ~ c` or
/// `a | b | c`, nested either way), in order.
fn operands<'e>(expr: &'e OptimizedExpr, split: Split<'e>, out: &mut Vec<&'e OptimizedExpr>) {
    match split(expr) {
        Some((a, b)) => {
            operands(a, split, out);
            operands(b, split, out);
        }
        None => out.push(expr),
    }
}

type Split<'e> = fn(&'e OptimizedExpr) -> Option<(&'e OptimizedExpr, &'e OptimizedExpr)>;

fn seq(expr: &OptimizedExpr) -> Option<(&OptimizedExpr, &OptimizedExpr)> {
    match expr {
        OptimizedExpr::Seq(a, b) => Some((a, b)),
        _ => None,
    }
}

fn choice(expr: &OptimizedExpr) -> Option<(&OptimizedExpr, &OptimizedExpr)> {
    match expr {
        OptimizedExpr::Choice(a, b) => Some((a, b)),
        _ => None,
    }
}

/// A string, exact or in any ASCII case.
fn literal(bytes: &[u8], insensitive: bool, p: &Ident) -> TokenStream {
    let insensitive = insensitive && bytes.iter().any(u8::is_ascii_alphabetic);
    match bytes {
        [] => quote!(Some(#p)),
        [b] if !insensitive => {
            let b = Literal::u8_suffixed(*b);
            quote!(if s.byte(#p) == Some(#b) { Some(#p + 1) } else { None })
        }
        _ if insensitive => {
            let lit = Literal::byte_string(bytes);
            quote!(s.insens(#p, #lit))
        }
        _ => {
            let lit = Literal::byte_string(bytes);
            quote!(s.lit(#p, #lit))
        }
    }
}

/// One character of `class` at `p`.
fn one_of(class: &Class, p: &Ident) -> TokenStream {
    let ascii = byte_pattern(&class.ascii);
    let ascii_arm = (!class.ascii.ranges().is_empty()).then(|| quote!(Some(#ascii) => Some(#p + 1),));
    let other = class.non_ascii.then(|| quote!(Some(b @ 0x80u8..=0xFFu8) => Some(#p + rt::char_len(b)),));
    quote!(match s.byte(#p) { #ascii_arm #other _ => None })
}

/// A pattern that matches the bytes of `set` (not empty: callers check).
fn byte_pattern(set: &Bytes) -> TokenStream {
    let ranges = set.ranges();
    let alternatives = ranges.into_iter().map(|(lo, hi)| {
        let (l, h) = (Literal::u8_suffixed(lo), Literal::u8_suffixed(hi));
        if lo == hi {
            quote!(#l)
        } else {
            quote!(#l..=#h)
        }
    });
    quote!(#(#alternatives)|*)
}
