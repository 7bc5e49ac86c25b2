//! `#[derive(IntoStatic)]`: detach a borrowed value from the response it was
//! parsed from, field by field.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields};

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    if let Some(param) = input.generics.type_params().next() {
        return Err(syn::Error::new_spanned(param, "#[derive(IntoStatic)] supports lifetime parameters only"));
    }
    let name = &input.ident;
    let trait_path = quote!(::imap_core::types::IntoStatic);
    let lifetimes: Vec<_> = input.generics.lifetimes().map(|l| &l.lifetime).collect();
    let statics = lifetimes.iter().map(|_| quote!('static));
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let body = match &input.data {
        Data::Struct(data) => {
            let (pattern, build) = rebuild(quote!(#name), &data.fields);
            quote! { let #pattern = self; #build }
        }
        Data::Enum(data) => {
            let arms = data.variants.iter().map(|v| {
                let ident = &v.ident;
                let (pattern, build) = rebuild(quote!(#name::#ident), &v.fields);
                quote!(#pattern => #build,)
            });
            quote! { match self { #(#arms)* } }
        }
        Data::Union(u) => {
            return Err(syn::Error::new(u.union_token.span, "#[derive(IntoStatic)] does not support unions"))
        }
    };
    Ok(quote! {
        impl #impl_generics #trait_path for #name #ty_generics {
            type Static = #name<#(#statics),*>;

            fn into_static(self) -> Self::Static {
                #body
            }
        }
    })
}

/// A pattern binding every field of `path`, and the expression that builds
/// it again from each field's `into_static()`.
fn rebuild(path: TokenStream, fields: &Fields) -> (TokenStream, TokenStream) {
    let trait_path = quote!(::imap_core::types::IntoStatic);
    match fields {
        Fields::Named(named) => {
            let names: Vec<_> = named.named.iter().map(|f| f.ident.as_ref().expect("named")).collect();
            (quote!(#path { #(#names),* }), quote!(#path { #(#names: #trait_path::into_static(#names)),* }))
        }
        Fields::Unnamed(unnamed) => {
            let names: Vec<_> = (0..unnamed.unnamed.len()).map(|i| format_ident!("__f{}", i)).collect();
            (quote!(#path(#(#names),*)), quote!(#path(#(#trait_path::into_static(#names)),*)))
        }
        Fields::Unit => (quote!(#path), quote!(#path)),
    }
}
