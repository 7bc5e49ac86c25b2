//! The response codes that say why a command failed (RFC 5530, and those
//! IMAP4rev2 takes over), typed so that a caller can act on the reason
//! rather than on the human-readable text.

use std::fmt;

use imap_derive::IntoStatic;

/// A response code of RFC 5530, or one of the argument-less codes RFC 9051
/// (IMAP4rev2) section 7.1 lists: why a NO or BAD happened (and, for
/// [`ExpungeIssued`](ErrorCode::ExpungeIssued), that another session
/// expunged messages meanwhile).
///
/// Found in [`Code::Error`](super::Code::Error); a session error carries it
/// in its code:
///
/// ```
/// use imap_core::types::{Code, ErrorCode, Response};
///
/// let input = b"A1 NO [ALREADYEXISTS] Mailbox already exists\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Tagged(tagged)) = imap_core::parse(&frame) else { panic!() };
/// assert_eq!(tagged.condition.code, Some(Code::Error(ErrorCode::AlreadyExists)));
/// assert_eq!(ErrorCode::AlreadyExists.to_string(), "ALREADYEXISTS");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ErrorCode {
    /// `ALREADYEXISTS`: the mailbox to create or rename to exists.
    AlreadyExists,
    /// `AUTHENTICATIONFAILED`: wrong credentials (or the server will not tell).
    AuthenticationFailed,
    /// `AUTHORIZATIONFAILED`: authenticated, but not allowed to act as the
    /// requested authorization identity.
    AuthorizationFailed,
    /// `CANNOT`: the server can never do this (e.g. delete INBOX).
    Cannot,
    /// `CLIENTBUG`: the command was wrong in a way the client should fix.
    ClientBug,
    /// `COMPRESSIONACTIVE` (RFC 4978): compression is already on.
    CompressionActive,
    /// `CONTACTADMIN`: the user should contact the administrator.
    ContactAdmin,
    /// `CORRUPTION`: the server found corrupt data.
    Corruption,
    /// `EXPIRED`: the credentials or the account have expired.
    Expired,
    /// `EXPUNGEISSUED`: another session expunged messages this command
    /// touched.
    ExpungeIssued,
    /// `HASCHILDREN` (RFC 9051): the mailbox to delete has children.
    HasChildren,
    /// `INUSE`: the resource is in use by another session; try later.
    InUse,
    /// `LIMIT`: a server limit was reached (e.g. too many mailboxes).
    Limit,
    /// `NONEXISTENT`: the mailbox (or other object) does not exist.
    NonExistent,
    /// `NOPERM`: the user lacks the right (ACL) to do this.
    NoPerm,
    /// `NOTSAVED` (RFC 5182): a SEARCH result was not saved.
    NotSaved,
    /// `OVERQUOTA`: the operation would exceed a quota.
    OverQuota,
    /// `PRIVACYREQUIRED`: the command needs an encrypted connection.
    PrivacyRequired,
    /// `SERVERBUG`: the server failed internally.
    ServerBug,
    /// `UNAVAILABLE`: a subsystem is down; try later.
    Unavailable,
    /// `UNKNOWN-CTE` (RFC 3516): the server cannot decode the part's
    /// Content-Transfer-Encoding.
    UnknownCte,
    /// `USEATTR` (RFC 6154): the special-use attribute given to CREATE is not
    /// supported (or already taken).
    UseAttr,
}

/// Every code with its name on the wire.
const NAMES: [(ErrorCode, &str); 22] = [
    (ErrorCode::AlreadyExists, "ALREADYEXISTS"),
    (ErrorCode::AuthenticationFailed, "AUTHENTICATIONFAILED"),
    (ErrorCode::AuthorizationFailed, "AUTHORIZATIONFAILED"),
    (ErrorCode::Cannot, "CANNOT"),
    (ErrorCode::ClientBug, "CLIENTBUG"),
    (ErrorCode::CompressionActive, "COMPRESSIONACTIVE"),
    (ErrorCode::ContactAdmin, "CONTACTADMIN"),
    (ErrorCode::Corruption, "CORRUPTION"),
    (ErrorCode::Expired, "EXPIRED"),
    (ErrorCode::ExpungeIssued, "EXPUNGEISSUED"),
    (ErrorCode::HasChildren, "HASCHILDREN"),
    (ErrorCode::InUse, "INUSE"),
    (ErrorCode::Limit, "LIMIT"),
    (ErrorCode::NonExistent, "NONEXISTENT"),
    (ErrorCode::NoPerm, "NOPERM"),
    (ErrorCode::NotSaved, "NOTSAVED"),
    (ErrorCode::OverQuota, "OVERQUOTA"),
    (ErrorCode::PrivacyRequired, "PRIVACYREQUIRED"),
    (ErrorCode::ServerBug, "SERVERBUG"),
    (ErrorCode::Unavailable, "UNAVAILABLE"),
    (ErrorCode::UnknownCte, "UNKNOWN-CTE"),
    (ErrorCode::UseAttr, "USEATTR"),
];

impl ErrorCode {
    /// The code of this name (case-insensitive), if it is one of these.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        NAMES.iter().find(|(_, n)| n.eq_ignore_ascii_case(name)).map(|&(code, _)| code)
    }

    /// The code's name as servers send it (`ALREADYEXISTS`).
    pub fn as_str(self) -> &'static str {
        NAMES.iter().find(|(code, _)| *code == self).map_or("", |(_, name)| name)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

super::token_leaf!(ErrorCode, "a response code", error_code, |s| ErrorCode::from_name(s));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_in_any_case() {
        for (code, name) in NAMES {
            assert_eq!(code.as_str(), name);
            assert_eq!(ErrorCode::from_name(name), Some(code));
            assert_eq!(ErrorCode::from_name(&name.to_ascii_lowercase()), Some(code));
        }
        assert_eq!(ErrorCode::from_name("ALREADYEXIST"), None);
    }
}
