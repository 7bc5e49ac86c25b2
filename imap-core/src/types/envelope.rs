//! ENVELOPE: a message's header fields, parsed by the server.

use crate::types::IString;
use imap_derive::{FromPair, IntoStatic};
use std::borrow::Cow;

/// The ENVELOPE of a message (RFC 3501 7.4.2). Strings are as the server
/// sent them: RFC 2047 encoded words are decoded on request by
/// [`subject_text`](Envelope::subject_text) and [`Address::name_text`], the
/// date by `date_time` (in the `dates` module, above this layer).
/// `Default` is the envelope of a message with none of these fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "envelope")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Envelope<'a> {
    /// `Date:` as written in the message.
    pub date: Option<IString<'a>>,
    /// `Subject:`.
    pub subject: Option<IString<'a>>,
    /// `From:`.
    #[imap(list)]
    pub from: Vec<Address<'a>>,
    /// `Sender:` (the server fills it from From: when absent).
    #[imap(list)]
    pub sender: Vec<Address<'a>>,
    /// `Reply-To:` (the server fills it from From: when absent).
    #[imap(list)]
    pub reply_to: Vec<Address<'a>>,
    /// `To:`.
    #[imap(list)]
    pub to: Vec<Address<'a>>,
    /// `Cc:`.
    #[imap(list)]
    pub cc: Vec<Address<'a>>,
    /// `Bcc:`.
    #[imap(list)]
    pub bcc: Vec<Address<'a>>,
    /// `In-Reply-To:`.
    pub in_reply_to: Option<IString<'a>>,
    /// `Message-ID:`.
    pub message_id: Option<IString<'a>>,
}

impl Envelope<'_> {
    /// The subject for a person to read: RFC 2047 encoded words decoded
    /// ([`text::decode_words`](crate::text::decode_words)); [`subject`](Envelope::subject)
    /// keeps the bytes as sent.
    ///
    /// ```
    /// use imap_core::types::{Envelope, IString};
    ///
    /// let envelope = Envelope {
    ///     subject: Some(IString::from("=?GBK?B?xOO6ww==?= =?KOI8-R?Q?=F0=D2=C9=D7=C5=D4?=")),
    ///     ..Envelope::default()
    /// };
    /// assert_eq!(envelope.subject_text().unwrap(), "你好Привет");
    /// ```
    pub fn subject_text(&self) -> Option<Cow<'_, str>> {
        self.subject.as_ref().map(|s| crate::text::decode_words(s.as_bytes()))
    }
}

/// One address of an ENVELOPE address list.
///
/// RFC 2822 groups are flattened in the list as the RFC describes: a group
/// starts with an address whose `host` is NIL and whose `mailbox` is the
/// group's name, and ends with one whose `host` and `mailbox` are both NIL.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "address")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Address<'a> {
    /// The display name (phrase).
    pub name: Option<IString<'a>>,
    /// The source route (obsolete).
    pub adl: Option<IString<'a>>,
    /// The local part, or the group name at the start of a group.
    pub mailbox: Option<IString<'a>>,
    /// The domain; NIL marks group syntax.
    pub host: Option<IString<'a>>,
}

impl Address<'_> {
    /// Whether this entry opens a group (`mailbox` holds the group name).
    pub fn is_group_start(&self) -> bool {
        self.host.is_none() && self.mailbox.is_some()
    }

    /// Whether this entry closes a group.
    pub fn is_group_end(&self) -> bool {
        self.host.is_none() && self.mailbox.is_none()
    }

    /// The display name for a person to read: RFC 2047 encoded words
    /// decoded ([`text::decode_words`](crate::text::decode_words));
    /// [`name`](Address::name) keeps the bytes as sent.
    ///
    /// ```
    /// use imap_core::types::{Address, IString};
    ///
    /// let address = Address {
    ///     name: Some(IString::from("=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?= Taro")),
    ///     adl: None,
    ///     mailbox: Some(IString::from("taro")),
    ///     host: Some(IString::from("example.jp")),
    /// };
    /// assert_eq!(address.name_text().unwrap(), "日本 Taro");
    /// ```
    pub fn name_text(&self) -> Option<Cow<'_, str>> {
        self.name.as_ref().map(|s| crate::text::decode_words(s.as_bytes()))
    }

    /// `mailbox@host`, for an ordinary address.
    pub fn email(&self) -> Option<String> {
        let (mailbox, host) = (self.mailbox.as_ref()?, self.host.as_ref()?);
        Some(format!("{}@{}", mailbox.to_str_lossy(), host.to_str_lossy()))
    }
}
