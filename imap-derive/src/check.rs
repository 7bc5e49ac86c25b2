//! Compile-time checks of a declaration against the grammar: the rule
//! exists, and the fields can take the number of children it produces.
//!
//! The derive does not read the grammar: it writes constants that ask the
//! rule enum (`Rule::__imap_shape`, written by `parser!` from the text it
//! compiles), so a type is checked against the grammar its parser was built
//! from. A rule the enum lacks is rustc's error at the attribute; fields
//! that cannot fit fail the constant's evaluation with a message naming both
//! counts.

use crate::grammar::Count;
use crate::model::{Body, Container, FieldKind, Shape};
use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::Ident;

/// A constant per rule named by `container` that fails to compile unless
/// the declaration fits the rule.
pub fn fits_grammar(container: &Container) -> TokenStream {
    let rule_ty = &container.grammar;
    match &container.body {
        Body::Struct(shape) => {
            let what = container.input.ident.to_string();
            container.rules.iter().map(|rule| check(rule_ty, rule, shape, &what)).collect()
        }
        Body::Enum(variants) => variants
            .iter()
            .filter_map(|variant| {
                let what = format!("{}::{}", container.input.ident, variant.ident);
                variant.rule.as_ref().map(|rule| check(rule_ty, rule, &variant.shape, &what))
            })
            .collect(),
    }
}

fn check(rule_ty: &syn::Path, rule: &Ident, shape: &Shape, what: &str) -> TokenStream {
    let taken = shape.fields.iter().map(|f| taken(&f.kind)).fold(Count::ZERO, Count::then);
    let (min, max, in_words) = (taken.min, taken.max.unwrap_or(u32::MAX), taken.to_string());
    let name = rule.to_string();
    let present = shape.fields.iter().filter_map(|field| match &field.kind {
        FieldKind::Present(present) => Some(quote_spanned!(present.span()=> let _ = #rule_ty::#present;)),
        _ => None,
    });
    quote_spanned! {rule.span()=>
        const _: () = {
            #(#present)*
            if let ::core::option::Option::Some(message) = #rule_ty::#rule.__imap_shape().mismatch(#min, #max, #what, #name, #in_words) {
                ::core::panic!("{}", message.as_str())
            }
        };
    }
}

/// How many children a field takes.
fn taken(kind: &FieldKind) -> Count {
    match kind {
        FieldKind::Required => Count::ONE,
        FieldKind::Optional(_) | FieldKind::List(_) | FieldKind::Present(_) => Count { min: 0, max: Some(1) },
        FieldKind::Repeated(_) => Count::ANY,
        FieldKind::Skip => Count::ZERO,
    }
}
