//! Compile-time checks of a declaration against the grammar: the rule
//! exists, and the fields can take the number of children it produces.

use crate::grammar::{Count, Grammar};
use crate::model::{Body, Container, FieldKind, Shape};
use syn::Ident;

/// Checks every rule named by `container`; `Ok` when no grammar is found.
pub fn fits_grammar(container: &Container) -> syn::Result<()> {
    let Some(grammar) = Grammar::current() else { return Ok(()) };
    match &container.body {
        Body::Struct(shape) => {
            for rule in &container.rules {
                check(grammar, rule, shape, &container.input.ident.to_string())?;
            }
        }
        Body::Enum(variants) => {
            for variant in variants {
                if let Some(rule) = &variant.rule {
                    check(grammar, rule, &variant.shape, &format!("{}::{}", container.input.ident, variant.ident))?;
                }
            }
        }
    }
    Ok(())
}

fn check(grammar: &Grammar, rule: &Ident, shape: &Shape, what: &str) -> syn::Result<()> {
    let name = rule.to_string();
    if !grammar.has(&name) {
        let hint = grammar.closest(&name).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
        return Err(syn::Error::new(rule.span(), format!("no rule `{name}` in {}{hint}", grammar.name)));
    }
    for field in &shape.fields {
        if let FieldKind::Present(present) = &field.kind {
            if !grammar.has(&present.to_string()) {
                return Err(syn::Error::new(present.span(), format!("no rule `{present}` in {}", grammar.name)));
            }
        }
    }
    let produced = grammar.children(&name);
    let taken = shape.fields.iter().map(|f| taken(&f.kind)).fold(Count::ZERO, Count::then);
    if taken.fits(produced) {
        Ok(())
    } else {
        Err(syn::Error::new(
            rule.span(),
            format!(
                "`{what}` cannot fit rule `{name}`: the rule produces {produced} child pairs, the fields take {taken}"
            ),
        ))
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
