//! NAMESPACE (RFC 2342): `grammar/ext/namespace.pest`.

use crate::types::IString;
use imap_derive::{FromPair, IntoStatic};

/// `* NAMESPACE personal other shared` (RFC 2342): each a list of
/// namespaces, empty for NIL.
///
/// ```
/// use imap_core::types::{Data, Response};
///
/// let input = b"* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) NIL\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Data(Data::Namespace(ns))) = imap_core::parse(&frame) else { panic!() };
/// assert_eq!(ns.personal[0].prefix, "");
/// assert_eq!(ns.other[0].delimiter, Some('/'));
/// assert!(ns.shared.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "namespace_response")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Namespace<'a> {
    /// The user's own namespaces.
    #[imap(list)]
    pub personal: Vec<NamespaceDescr<'a>>,
    /// Other users' namespaces.
    #[imap(list)]
    pub other: Vec<NamespaceDescr<'a>>,
    /// Shared namespaces.
    #[imap(list)]
    pub shared: Vec<NamespaceDescr<'a>>,
}

/// One namespace: `("#news." "." "X-PARAM" ("FLAG1"))`.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "namespace_descr")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NamespaceDescr<'a> {
    /// The prefix as sent (modified UTF-7, like mailbox names).
    pub prefix: IString<'a>,
    /// The hierarchy delimiter; `None` for NIL (a flat namespace).
    pub delimiter: Option<char>,
    /// Extension data (RFC 2342 `Namespace_Response_Extension`).
    pub extensions: Vec<NamespaceExtension<'a>>,
}

impl NamespaceDescr<'_> {
    /// The prefix decoded from modified UTF-7 (as mailbox names are):
    /// `"Entw&APw-rfe/"` is `"Entwürfe/"`.
    pub fn prefix_text(&self) -> String {
        crate::utf7::decode_lossy(self.prefix.as_bytes()).into_owned()
    }
}

/// A namespace's extension: a name and its values.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "namespace_response_extension")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NamespaceExtension<'a> {
    /// The extension's name.
    pub name: IString<'a>,
    /// Its values.
    pub values: Vec<IString<'a>>,
}
