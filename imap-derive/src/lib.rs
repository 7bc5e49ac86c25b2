//! `#[derive(FromPair)]`: the typed IMAP model declared next to its grammar rule.
//!
//! A type names its grammar's rule enum (`grammar = path`: the generated code
//! names nothing it is not given) and, for a struct, the rule it is built
//! from, then lists its fields in the order the rule produces them; an enum
//! lists one variant per alternative rule.
//! The macro reads that declaration into a small model (module `model`) and writes
//! the conversion from a pest pair (module `expand`); the walking itself lives in
//! `imap_core::convert`, so the generated code stays a list of calls.
//!
//! ```ignore
//! #[derive(FromPair)]
//! #[imap(grammar = crate::grammar::Rule, rule = "address")]
//! pub struct Address<'a> {
//!     pub name: Option<IString<'a>>,   // nstring: NIL becomes None
//!     pub adl: Option<IString<'a>>,
//!     pub mailbox: Option<IString<'a>>,
//!     pub host: Option<IString<'a>>,
//! }
//! ```
//!
//! Field kinds, chosen by the field's type and attributes:
//! - `T`: the next child pair, which must be accepted by `T`;
//! - `Option<T>`: the next child if `T` accepts it, `None` for a `nil` child
//!   or when the next child is something else (an absent optional part);
//! - `Vec<T>`: every following child that `T` accepts (a repetition);
//! - `#[imap(list)] Vec<T>`: the next child is a list rule; all its children
//!   become `T` (a `NIL` list is empty);
//! - `#[imap(present = "r")] bool`: `true`, taking it, when the next child
//!   is a pair of rule `r` (a keyword that may be absent, like `(EARLIER)`);
//! - `#[imap(skip)]`: not from the grammar, `Default::default()`.
//!
//! Enum variants: `#[imap(rule = "r")]` builds the variant's fields from the
//! children of a pair of rule `r` (a unit variant takes none); a variant
//! without a rule has one field whose type decides which pairs it accepts.
//! One variant may be `#[imap(malformed)]`: a pair the enum accepts but
//! cannot convert (a number too large, a date that is no date) becomes that
//! variant, its field built by `imap_core::convert::Refused`, instead of an
//! error that would fail everything around it.
//!
//! A rule the grammar lacks, or fields that cannot take the number of
//! children the rule produces, are compile errors pointing at the
//! declaration. The grammar is the one the rule enum was compiled from:
//! `parser!` writes each rule's shape onto the enum and the derive's output
//! checks against it in constants (module `check`), so the enum must come
//! from `parser!` (imap-core's, or `imap_core::imap_parser!`'s). The
//! conversion of a rule that can nest in itself runs on a new stack segment
//! when the stack is low.
#![forbid(unsafe_code)]

mod check;
mod expand;
mod files;
mod grammar;
mod into_static;
mod model;
mod parser;
mod recognizer;

use proc_macro::TokenStream;

/// Derives `imap_core::convert::FromPair` for a struct or enum; see the crate docs.
#[proc_macro_derive(FromPair, attributes(imap))]
pub fn derive_from_pair(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match model::Container::from_input(&input) {
        Ok(container) => {
            let checks = check::fits_grammar(&container);
            let conversion = expand::from_pair(&container);
            quote::quote!(#checks #conversion).into()
        }
        Err(error) => error.into_compile_error().into(),
    }
}

/// Compiles an IMAP grammar into a parser: pest's, the reference that
/// explains rejections, and a generated recognizer for the hot path, over
/// the same text. See module `parser` for the input; imap-core wraps it as
/// `imap_core::imap_parser!`.
#[proc_macro]
pub fn parser(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as parser::Input);
    parser::expand(input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Derives `imap_core::types::IntoStatic`: the same value with every borrow
/// turned into an owned copy, so it outlives the response it came from.
#[proc_macro_derive(IntoStatic)]
pub fn derive_into_static(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    into_static::expand(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}
