//! What is kept of a value that could not be read: its name, its bytes and
//! why, so that one broken item never costs the response around it.

use crate::convert::{ConvError, Cx, FromPair, Pair, Refused};
use crate::grammar::Rule;
use crate::types::IString;
use imap_derive::IntoStatic;
use pest::RuleType;
use std::borrow::Cow;

/// A FETCH item, a response code or a STATUS value that could not be read:
/// its name, its raw value and why. Everything around it is read as usual.
///
/// ```
/// use imap_core::types::{Data, FetchItem, Response};
///
/// let input = b"* 1 FETCH (UID 7 INTERNALDATE \"yesterday\" FLAGS (\\Seen))\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Data(Data::Fetch(fetch))) = imap_core::parse(&frame) else { panic!() };
/// assert_eq!(fetch.uid(), Some(7));
/// let FetchItem::Malformed(bad) = &fetch.items[1] else { panic!() };
/// assert_eq!((&*bad.name, bad.raw.as_bytes()), ("INTERNALDATE", &b"\"yesterday\""[..]));
/// assert!(fetch.flags().is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MalformedItem<'a> {
    /// The item's name as sent (`BODYSTRUCTURE`, `INTERNALDATE`, `UIDNEXT`).
    pub name: Cow<'a, str>,
    /// The value's bytes as received, literal payloads included.
    pub raw: IString<'a>,
    /// What was expected instead.
    pub reason: Cow<'a, str>,
}

/// A value the grammar read but the typed model refused. Some rules hold
/// only the value (core FETCH items, whose name is the keyword before
/// them; STATUS values); others start with their name (response codes,
/// extension FETCH items).
impl<'a, R: RuleType> Refused<'a, R> for MalformedItem<'a> {
    fn refused(pair: Pair<'_, 'a, R>, cx: &Cx<'a>, error: ConvError) -> Self {
        let before = pair.preceding().trim_end_matches(' ');
        let outside = before.bytes().rev().take_while(|&b| !matches!(b, b' ' | b'(' | b'[')).count();
        let text = pair.as_str();
        let (name, skip) = if outside > 0 {
            (&before[before.len() - outside..], 0)
        } else {
            let inside = text.bytes().take_while(|&b| !matches!(b, b' ' | b'(' | b'[')).count();
            (&text[..inside], inside)
        };
        // The value starts after the name and the SP that follows it.
        let raw = match cx.raw(&pair) {
            Cow::Borrowed(bytes) => Cow::Borrowed(bytes[skip..].trim_ascii_start()),
            Cow::Owned(bytes) => Cow::Owned(bytes[skip..].trim_ascii_start().to_vec()),
        };
        MalformedItem {
            name: Cow::Borrowed(name),
            raw: IString::from(raw),
            reason: Cow::Owned(format!("expected {}", error.expected)),
        }
    }
}

/// `msg_att_malformed`: a FETCH item the grammar matched no form of.
impl<'a> FromPair<'a, Rule> for MalformedItem<'a> {
    fn accepts(rule: Rule) -> bool {
        rule == Rule::msg_att_malformed
    }

    fn from_pair(pair: Pair<'_, 'a, Rule>, cx: &Cx<'a>) -> Result<Self, ConvError> {
        let mut children = pair.into_inner();
        let (Some(name), Some(value)) = (children.next(), children.next()) else {
            return Err(ConvError::unexpected(&pair, "a FETCH item's name and value"));
        };
        let name = name.as_str();
        Ok(MalformedItem {
            name: Cow::Borrowed(name),
            raw: IString::from(cx.raw(&value)),
            reason: Cow::Owned(format!("a {} value as RFC 3501 or an extension defines it", name.to_ascii_uppercase())),
        })
    }
}
