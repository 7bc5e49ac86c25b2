//! What a `#[derive(FromPair)]` declaration says, checked and read out of syn's tree.

use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, GenericArgument, Ident, LitStr, PathArguments, Type};

/// The type being derived.
pub struct Container<'i> {
    pub input: &'i DeriveInput,
    /// The grammar's rule enum (`#[imap(grammar = path::Rule)]`).
    pub grammar: syn::Path,
    /// Grammar rules a pair may have to become this type (structs only).
    pub rules: Vec<Ident>,
    pub body: Body<'i>,
}

pub enum Body<'i> {
    Struct(Shape<'i>),
    Enum(Vec<Variant<'i>>),
}

/// Fields of a struct or of one enum variant.
pub struct Shape<'i> {
    pub fields: Vec<Field<'i>>,
    pub style: Style,
}

#[derive(Clone, Copy, PartialEq)]
pub enum Style {
    Named,
    Tuple,
    Unit,
}

pub struct Variant<'i> {
    pub ident: &'i Ident,
    /// `#[imap(malformed)]`: the variant for a value of the enum's rules
    /// that did not convert (its one field implements `convert::Refused`).
    pub malformed: bool,
    /// `Some` when the variant is built from the children of a rule of its own.
    pub rule: Option<Ident>,
    pub shape: Shape<'i>,
}

pub struct Field<'i> {
    pub ident: Option<&'i Ident>,
    pub ty: &'i Type,
    pub kind: FieldKind<'i>,
}

/// How a field takes its value from the children of its pair.
pub enum FieldKind<'i> {
    Required,
    Optional(&'i Type),
    Repeated(&'i Type),
    List(&'i Type),
    /// `#[imap(present = "rule")] bool`: whether the next child is a pair of
    /// that rule (a keyword that is there or not, such as `(EARLIER)`).
    Present(Ident),
    Skip,
}

/// `#[imap(...)]` keys found on one item.
#[derive(Default)]
struct Attrs {
    rules: Vec<Ident>,
    grammar: Option<syn::Path>,
    malformed: bool,
    list: bool,
    skip: bool,
    present: Option<Ident>,
}

impl<'i> Container<'i> {
    pub fn from_input(input: &'i DeriveInput) -> syn::Result<Self> {
        let attrs = Attrs::parse(&input.attrs)?;
        let Some(grammar) = attrs.grammar else {
            return Err(syn::Error::new(
                input.ident.span(),
                "#[derive(FromPair)] needs the grammar's rule enum: #[imap(grammar = path::to::Rule, ...)]",
            ));
        };
        let body = match &input.data {
            Data::Struct(data) => {
                if attrs.rules.is_empty() {
                    return Err(syn::Error::new(
                        input.ident.span(),
                        "#[derive(FromPair)] on a struct needs #[imap(rule = \"grammar_rule\")]",
                    ));
                }
                Body::Struct(Shape::from_fields(&data.fields)?)
            }
            Data::Enum(data) => {
                if let Some(rule) = attrs.rules.first() {
                    return Err(syn::Error::new(
                        rule.span(),
                        "an enum takes its rules from its variants: put #[imap(rule = ...)] on each variant",
                    ));
                }
                let variants = data.variants.iter().map(Variant::from_variant).collect::<syn::Result<Vec<_>>>()?;
                if let Some(second) = variants.iter().filter(|v| v.malformed).nth(1) {
                    return Err(syn::Error::new(second.ident.span(), "only one variant can be #[imap(malformed)]"));
                }
                if variants.is_empty() {
                    return Err(syn::Error::new(input.ident.span(), "#[derive(FromPair)] needs at least one variant"));
                }
                Body::Enum(variants)
            }
            Data::Union(data) => {
                return Err(syn::Error::new(data.union_token.span, "#[derive(FromPair)] does not support unions"))
            }
        };
        Ok(Container { input, grammar, rules: attrs.rules, body })
    }
}

impl<'i> Variant<'i> {
    fn from_variant(variant: &'i syn::Variant) -> syn::Result<Self> {
        let attrs = Attrs::parse(&variant.attrs)?;
        if let Some(grammar) = &attrs.grammar {
            return Err(syn::Error::new_spanned(grammar, "`grammar` goes on the enum, not on a variant"));
        }
        if attrs.rules.len() > 1 {
            return Err(syn::Error::new(attrs.rules[1].span(), "a variant is built from one rule"));
        }
        let shape = Shape::from_fields(&variant.fields)?;
        let rule = attrs.rules.into_iter().next();
        if rule.is_none() && (shape.fields.len() != 1 || !matches!(shape.fields[0].kind, FieldKind::Required)) {
            return Err(syn::Error::new(
                variant.ident.span(),
                "a variant without #[imap(rule = ...)] must have exactly one field, whose type picks the pairs it accepts",
            ));
        }
        if attrs.malformed && (rule.is_some() || shape.fields.len() != 1) {
            return Err(syn::Error::new(
                variant.ident.span(),
                "#[imap(malformed)] goes on a variant without a rule and with one field",
            ));
        }
        Ok(Variant { ident: &variant.ident, malformed: attrs.malformed, rule, shape })
    }
}

impl<'i> Shape<'i> {
    fn from_fields(fields: &'i Fields) -> syn::Result<Self> {
        let style = match fields {
            Fields::Named(_) => Style::Named,
            Fields::Unnamed(_) => Style::Tuple,
            Fields::Unit => Style::Unit,
        };
        let fields = fields.iter().map(Field::from_field).collect::<syn::Result<_>>()?;
        Ok(Shape { fields, style })
    }
}

impl<'i> Field<'i> {
    fn from_field(field: &'i syn::Field) -> syn::Result<Self> {
        let attrs = Attrs::parse(&field.attrs)?;
        if let Some(grammar) = &attrs.grammar {
            return Err(syn::Error::new_spanned(grammar, "`grammar` goes on the type, not on a field"));
        }
        if let Some(rule) = attrs.rules.first() {
            return Err(syn::Error::new(
                rule.span(),
                "a field takes its rule from its type; `rule` is not allowed here",
            ));
        }
        let kind = if attrs.skip {
            FieldKind::Skip
        } else if let Some(rule) = attrs.present {
            match &field.ty {
                Type::Path(p) if p.path.is_ident("bool") => FieldKind::Present(rule),
                _ => return Err(syn::Error::new(field.ty.span(), "#[imap(present = ...)] needs a bool field")),
            }
        } else if attrs.list {
            match generic_arg(&field.ty, "Vec") {
                Some(inner) => FieldKind::List(inner),
                None => return Err(syn::Error::new(field.ty.span(), "#[imap(list)] needs a Vec<T> field")),
            }
        } else if let Some(inner) = generic_arg(&field.ty, "Option") {
            FieldKind::Optional(inner)
        } else if let Some(inner) = generic_arg(&field.ty, "Vec") {
            FieldKind::Repeated(inner)
        } else {
            FieldKind::Required
        };
        Ok(Field { ident: field.ident.as_ref(), ty: &field.ty, kind })
    }
}

impl Attrs {
    fn parse(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = Attrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("imap")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rule") {
                    let name: LitStr = meta.value()?.parse()?;
                    out.rules.push(rule_ident(&name)?);
                } else if meta.path.is_ident("grammar") {
                    out.grammar = Some(meta.value()?.parse()?);
                } else if meta.path.is_ident("malformed") {
                    out.malformed = true;
                } else if meta.path.is_ident("list") {
                    out.list = true;
                } else if meta.path.is_ident("skip") {
                    out.skip = true;
                } else if meta.path.is_ident("present") {
                    let name: LitStr = meta.value()?.parse()?;
                    out.present = Some(rule_ident(&name)?);
                } else {
                    return Err(meta.error(
                        "unknown imap attribute; expected `grammar`, `rule`, `malformed`, `list`, `present` or `skip`",
                    ));
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

/// The rule name as an identifier spanned at the string, so that a rule the
/// grammar lacks is reported by rustc right there.
fn rule_ident(name: &LitStr) -> syn::Result<Ident> {
    let value = name.value();
    let valid = !value.is_empty()
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !value.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return Err(syn::Error::new(name.span(), format!("`{value}` is not a grammar rule name")));
    }
    Ok(Ident::new(&value, name.span()))
}

/// `T` when `ty` is `Wrapper<T>` (by the last path segment, so `std::vec::Vec<T>` counts).
fn generic_arg<'t>(ty: &'t Type, wrapper: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else { return None };
    args.args.iter().find_map(|arg| match arg {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    })
}
