//! Writes the `FromPair` impl for a checked [`Container`].
//!
//! The generated code only sequences calls into `imap_core::convert`; every
//! decision about pairs (optional, repeated, NIL) is made there, once.

use crate::model::{Body, Container, Field, FieldKind, Shape, Style, Variant};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, Lifetime};

pub fn from_pair(container: &Container) -> TokenStream {
    let input = container.input;
    if let Some(param) = input.generics.type_params().next() {
        return syn::Error::new(param.span(), "#[derive(FromPair)] supports lifetime parameters only")
            .into_compile_error();
    }
    let name = &input.ident;
    // The input lifetime: the type's own first lifetime, or a fresh one.
    let own = input.generics.lifetimes().next().map(|l| l.lifetime.clone());
    let input_lt = own.clone().unwrap_or_else(|| Lifetime::new("'__input", name.span()));
    let mut impl_generics = input.generics.clone();
    if own.is_none() {
        impl_generics.params.insert(0, GenericParam::Lifetime(syn::LifetimeParam::new(input_lt.clone())));
    }
    let (impl_generics, _, _) = impl_generics.split_for_impl();
    let (_, ty_generics, where_clause) = input.generics.split_for_impl();
    let convert = quote!(::imap_core::convert);
    let rule_ty = &container.grammar;
    let trait_path = quote!(#convert::FromPair<#input_lt, #rule_ty>);

    let (accepts, body) = match &container.body {
        Body::Struct(shape) => {
            let rules = &container.rules;
            let build = build_shape(shape, quote!(Self), &name.to_string(), rule_ty);
            let build = quote! {
                let mut children = #convert::Children::new(pair, cx);
                #build
            };
            let recursive = quote!(false #(|| #rule_ty::#rules.__imap_shape().recursive)*);
            (quote!(matches!(rule, #(#rule_ty::#rules)|*)), deep(recursive, build))
        }
        Body::Enum(variants) => enum_body(name, variants, &trait_path, rule_ty),
    };

    quote! {
        impl #impl_generics #trait_path for #name #ty_generics #where_clause {
            #[inline]
            fn accepts(rule: #rule_ty) -> bool {
                #accepts
            }

            fn from_pair(
                pair: #convert::Pair<'_, #input_lt, #rule_ty>,
                cx: &#convert::Cx<#input_lt>,
            ) -> ::core::result::Result<Self, #convert::ConvError> {
                #body
            }
        }
    }
}

/// `accepts` and `from_pair` of an enum: dispatch on the pair's rule.
fn enum_body(
    name: &syn::Ident,
    variants: &[Variant],
    trait_path: &TokenStream,
    rule_ty: &syn::Path,
) -> (TokenStream, TokenStream) {
    let convert = quote!(::imap_core::convert);
    let mut accepts = Vec::new();
    let mut arms = Vec::new();
    for variant in variants {
        let ident = variant.ident;
        let what = format!("{name}::{ident}");
        match &variant.rule {
            Some(rule) => {
                accepts.push(quote!(matches!(rule, #rule_ty::#rule)));
                let build = build_shape(&variant.shape, quote!(Self::#ident), &what, rule_ty);
                let build = quote! {
                    let mut children = #convert::Children::new(pair, cx);
                    #build
                };
                let build = deep(quote!(#rule_ty::#rule.__imap_shape().recursive), build);
                arms.push(quote!(#rule_ty::#rule => { #build }));
            }
            None => {
                // Delegating variant: its one field's type decides.
                let ty = variant.shape.fields[0].ty;
                let inner = quote_spanned!(ty.span()=> <#ty as #trait_path>);
                accepts.push(quote!(#inner::accepts(rule)));
                let construct = match variant.shape.style {
                    Style::Named => {
                        let field = variant.shape.fields[0].ident;
                        quote!(Self::#ident { #field: #inner::from_pair(pair, cx)? })
                    }
                    _ => quote!(Self::#ident(#inner::from_pair(pair, cx)?)),
                };
                arms.push(quote! {
                    rule if #inner::accepts(rule) => ::core::result::Result::Ok(#construct),
                });
            }
        }
    }
    let name_str = name.to_string();
    let body = quote! {
        match pair.as_rule() {
            #(#arms)*
            _ => ::core::result::Result::Err(#convert::ConvError::unexpected(&pair, #name_str)),
        }
    };
    let body = match variants.iter().find(|v| v.malformed) {
        // A value of one of the enum's rules that does not convert is kept
        // as the malformed variant, instead of failing what contains it.
        Some(malformed) => {
            let ident = malformed.ident;
            quote! {
                if !<Self as #trait_path>::accepts(pair.as_rule()) {
                    return ::core::result::Result::Err(#convert::ConvError::unexpected(&pair, #name_str));
                }
                let converted = (|| -> ::core::result::Result<Self, #convert::ConvError> { #body })();
                ::core::result::Result::Ok(converted.unwrap_or_else(|error| {
                    Self::#ident(#convert::Refused::refused(pair, cx, error))
                }))
            }
        }
        None => body,
    };
    (quote!(#(#accepts)||*), body)
}

/// `build`, on a new stack segment when the thread's stack runs low if the
/// rule can nest in itself (`recursive`, a constant expression: the
/// conversion then recurses as deep as the input nests).
fn deep(recursive: TokenStream, build: TokenStream) -> TokenStream {
    quote!(::imap_core::convert::deep(const { #recursive }, move || { #build }))
}

/// Statements that take each field from `children`, check nothing is left
/// over, and build `path` (a struct or a variant) from the fields.
fn build_shape(shape: &Shape, path: TokenStream, what: &str, rule_ty: &syn::Path) -> TokenStream {
    let bindings: Vec<_> = (0..shape.fields.len()).map(|i| format_ident!("__field{}", i)).collect();
    let takes = shape.fields.iter().zip(&bindings).map(|(field, binding)| take_field(field, binding, rule_ty));
    let construct = match shape.style {
        Style::Named => {
            let names = shape.fields.iter().map(|f| f.ident);
            quote!(#path { #(#names: #bindings),* })
        }
        Style::Tuple => quote!(#path(#(#bindings),*)),
        Style::Unit => path,
    };
    quote! {
        #(#takes)*
        children.finish(#what)?;
        ::core::result::Result::Ok(#construct)
    }
}

fn take_field(field: &Field, binding: &syn::Ident, rule_ty: &syn::Path) -> TokenStream {
    let label = field.ident.map(|i| i.to_string()).unwrap_or_else(|| "value".to_owned());
    let span = field.ty.span();
    let call = match field.kind {
        FieldKind::Required => {
            let ty = field.ty;
            quote_spanned!(span=> children.required::<#ty>(#label)?)
        }
        FieldKind::Optional(inner) => quote_spanned!(span=> children.optional::<#inner>(#label)?),
        FieldKind::Repeated(inner) => quote_spanned!(span=> children.repeated::<#inner>(#label)?),
        FieldKind::List(inner) => quote_spanned!(span=> children.list::<#inner>(#label)?),
        FieldKind::Present(ref rule) => quote_spanned!(span=> children.present(#rule_ty::#rule)),
        FieldKind::Skip => quote_spanned!(span=> ::core::default::Default::default()),
    };
    quote!(let #binding = #call;)
}
