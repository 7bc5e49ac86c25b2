//! `parser!`: a grammar compiled twice over the same text, by pest (the
//! reference parser, which also explains rejections) and by our generator
//! (the recognizer on the hot path).
//!
//! ```ignore
//! imap_derive::parser! {
//!     crate = crate;                        // where imap-core is (default ::imap_core)
//!     #[grammar = "src/extension.pest"]     // the crate's own files, if any
//!     #[grammar_inline = "..."]             // or text, as for pest_derive
//!     pub struct ExtParser;
//! }
//! ```
//!
//! With no `#[grammar]` or `#[grammar_inline]` the parser is imap-core's
//! whole grammar (module `files`); with some, it is RFC 3501's grammar plus
//! those, which define the hooks themselves.

use crate::files;
use crate::grammar::{Count, Grammar};
use pest_meta::optimizer::OptimizedRule;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitStr, Path, Token, Visibility};

/// What the macro was given.
pub struct Input {
    krate: Path,
    grammar_files: Vec<LitStr>,
    grammar_inline: Vec<LitStr>,
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let krate = if input.peek(Token![crate]) && input.peek2(Token![=]) {
            input.parse::<Token![crate]>()?;
            input.parse::<Token![=]>()?;
            let path = Path::parse_mod_style(input)?;
            input.parse::<Token![;]>()?;
            path
        } else {
            syn::parse_quote!(::imap_core)
        };
        let (mut grammar_files, mut grammar_inline) = (Vec::new(), Vec::new());
        let mut attrs = Vec::new();
        for attr in input.call(Attribute::parse_outer)? {
            let list = if attr.path().is_ident("grammar") {
                Some(&mut grammar_files)
            } else if attr.path().is_ident("grammar_inline") {
                Some(&mut grammar_inline)
            } else {
                None
            };
            if let Some(list) = list {
                let value = &attr.meta.require_name_value()?.value;
                match value {
                    syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => list.push(s.clone()),
                    other => return Err(syn::Error::new_spanned(other, "expected a string")),
                }
            } else {
                attrs.push(attr);
            }
        }
        let vis = input.parse()?;
        input.parse::<Token![struct]>()?;
        let name = input.parse()?;
        input.parse::<Token![;]>()?;
        Ok(Input { krate, grammar_files, grammar_inline, attrs, vis, name })
    }
}

/// The parser struct with pest's derive, the recognizer module, and the
/// `Grammar` impl that ties them together.
pub fn expand(input: Input) -> syn::Result<TokenStream> {
    let (text, tracked) = grammar_text(&input)?;
    let rules = pest_meta::parse_and_optimize(&text).map(|(_, rules)| rules).map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        syn::Error::new(Span::call_site(), format!("the grammar does not compile:\n{}", messages.join("\n")))
    })?;
    let shapes = shapes(&text, &rules, &input.krate)?;
    let Input { krate, attrs, vis, name, .. } = input;
    let rule_ty = quote!(super::Rule);
    let runtime = quote!(#krate::grammar::runtime);
    let module_body =
        crate::recognizer::generate(&rules, rule_ty, runtime).map_err(|e| syn::Error::new(Span::call_site(), e))?;
    let module = format_ident!("__{}_recognizer", name.to_string().to_lowercase());
    let grammar = quote!(#krate::grammar);
    Ok(quote! {
        #[derive(::pest_derive::Parser)]
        #[grammar_inline = #text]
        #(#attrs)*
        #vis struct #name;

        // Rebuilds when a grammar file of this crate changes.
        #(const _: &str = include_str!(#tracked);)*

        #shapes

        // Every parser has RFC 3501's grammar, so its leaves convert.
        #krate::impl_imap_rule!(Rule);

        #[doc(hidden)]
        #[allow(non_snake_case, unused_parens, unused_variables, unreachable_code, clippy::all)]
        mod #module {
            #module_body
        }

        impl #grammar::Grammar for #name {
            type Rule = Rule;

            fn recognize(
                rule: Rule,
                input: &str,
                nodes: &mut ::std::vec::Vec<#grammar::Node<Rule>>,
                max_depth: u32,
            ) -> ::core::result::Result<usize, #grammar::Rejected> {
                let mut state = #grammar::runtime::Recognition::new(input, nodes, max_depth);
                let end = #module::recognize(rule, &mut state);
                match end {
                    _ if state.too_deep() => ::core::result::Result::Err(#grammar::Rejected::TooDeep),
                    ::core::option::Option::Some(end) => ::core::result::Result::Ok(end),
                    ::core::option::Option::None => ::core::result::Result::Err(#grammar::Rejected::NoMatch),
                }
            }
        }
    })
}

/// `Rule::__imap_shape`: for each rule, what `#[derive(FromPair)]` checks
/// a type against (how many children its pairs have, whether it recurses),
/// taken from the text this parser is compiled from, so the checks and the
/// parser can never read different grammars.
fn shapes(text: &str, rules: &[OptimizedRule], krate: &Path) -> syn::Result<TokenStream> {
    let grammar = Grammar::from_text(text).map_err(|e| syn::Error::new(Span::call_site(), e))?;
    let recursive = crate::recognizer::recursive_rules(rules);
    let arms = grammar.pair_rules().into_iter().map(|rule| {
        let variant = format_ident!("r#{}", rule);
        let Count { min, max } = grammar.children(rule);
        let children = Count { min, max }.to_string();
        let max = max.unwrap_or(u32::MAX);
        let recursive = recursive.contains(rule);
        quote!(Rule::#variant => (#min, #max, #recursive, #children),)
    });
    Ok(quote! {
        impl Rule {
            /// What `#[derive(FromPair)]` checks a type declared against
            /// this rule with, at compile time.
            #[doc(hidden)]
            pub const fn __imap_shape(self) -> #krate::grammar::RuleShape {
                let (min, max, recursive, children) = match self {
                    #(#arms)*
                    // EOI: no children.
                    #[allow(unreachable_patterns)]
                    _ => (0, 0, false, "exactly 0"),
                };
                #krate::grammar::RuleShape { min, max, recursive, children }
            }
        }
    })
}

/// The whole grammar text, and the absolute paths of the crate's own files.
fn grammar_text(input: &Input) -> syn::Result<(String, Vec<String>)> {
    if input.grammar_files.is_empty() && input.grammar_inline.is_empty() {
        return Ok((files::imap_core(), Vec::new()));
    }
    let root = std::env::var("CARGO_MANIFEST_DIR")
        .map_err(|_| syn::Error::new(Span::call_site(), "CARGO_MANIFEST_DIR is not set: build with cargo"))?;
    let mut text = String::from(files::CORE.text);
    let mut tracked = Vec::new();
    for file in &input.grammar_files {
        let path = std::path::Path::new(&root).join(file.value());
        let own = std::fs::read_to_string(&path)
            .map_err(|e| syn::Error::new(file.span(), format!("cannot read {}: {e}", path.display())))?;
        text.push('\n');
        text.push_str(&own);
        tracked.push(path.display().to_string());
    }
    for inline in &input.grammar_inline {
        text.push('\n');
        text.push_str(&inline.value());
    }
    Ok((text, tracked))
}
