//! Responses: tagged completions, untagged data, continuation requests.

use super::token_leaf;
use crate::types::{
    AclEntry, Capability, ESearch, ErrorCode, Fetch, Flag, IString, IdParam, ListEntry, ListExtended, Mailbox,
    MalformedItem, MetadataCode, MetadataEntry, Namespace, QuotaResource, Search, Sort, StatusItem, Thread, UidSet,
    Value,
};
use imap_derive::{FromPair, IntoStatic};
use std::borrow::Cow;

/// One server response.
///
/// A greeting is the first untagged `OK`, `PREAUTH` or `BYE` of a connection:
/// a [`Data::Condition`] here, since only the session knows it came first.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Response<'a> {
    /// `A1 OK ...`: the completion of the command tagged `A1`.
    Tagged(Tagged<'a>),
    /// `* ...`: untagged data or status.
    Data(Data<'a>),
    /// `+ ...`: the server waits for more of the command.
    Continue(Continue<'a>),
}

impl Response<'_> {
    /// Whether the grammar kept part of this response as generic values:
    /// unknown untagged data, a FETCH item or a response code it does not
    /// name (which an extension may understand).
    pub fn has_unknown(&self) -> bool {
        let unknown_code = |c: &Option<Code<'_>>| matches!(c, Some(Code::Other { .. }));
        match self {
            Response::Data(Data::Other(_)) => true,
            Response::Data(Data::Fetch(fetch)) => {
                fetch.items.iter().any(|i| matches!(i, crate::types::FetchItem::Other { .. }))
            }
            Response::Data(Data::Condition(c)) => unknown_code(&c.code),
            Response::Tagged(t) => unknown_code(&t.condition.code),
            Response::Continue(c) => unknown_code(&c.code),
            _ => false,
        }
    }

    /// Whether this is an untagged `BYE`: the server is closing the connection.
    pub fn is_bye(&self) -> bool {
        matches!(self, Response::Data(Data::Condition(c)) if c.status == Status::Bye)
    }
}

/// A tagged status response: `tag OK/NO/BAD [code] text`.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "response_tagged")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Tagged<'a> {
    /// The tag of the command this completes.
    pub tag: Cow<'a, str>,
    /// The outcome.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub condition: Condition<'a>,
}

/// A status: `OK`, `NO`, `BAD`, `PREAUTH` or `BYE`, an optional response
/// code, and human-readable text.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "resp_cond_state", rule = "resp_cond_auth", rule = "resp_cond_bye")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Condition<'a> {
    /// The status word.
    pub status: Status,
    /// The response code in brackets, if any.
    pub code: Option<Code<'a>>,
    /// The text (may be empty).
    pub text: IString<'a>,
}

/// The status word of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "UPPERCASE"))]
pub enum Status {
    /// Success, or information.
    Ok,
    /// The command failed.
    No,
    /// The command was not understood.
    Bad,
    /// Greeting: already authenticated.
    PreAuth,
    /// The server is closing the connection.
    Bye,
}

token_leaf!(
    Status,
    "OK, NO, BAD, PREAUTH or BYE",
    resp_cond_state_word | resp_cond_auth_word | resp_cond_bye_word,
    |s| match s.to_ascii_uppercase().as_str() {
        "OK" => Some(Status::Ok),
        "NO" => Some(Status::No),
        "BAD" => Some(Status::Bad),
        "PREAUTH" => Some(Status::PreAuth),
        "BYE" => Some(Status::Bye),
        _ => None,
    }
);

/// A response code: the bracketed part of a status (RFC 3501 7.1).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Code<'a> {
    /// `ALERT`: the text must be shown to the user.
    #[imap(rule = "resp_text_code_alert")]
    Alert,
    /// `BADCHARSET`, with the charsets the server supports.
    #[imap(rule = "resp_text_code_badcharset")]
    BadCharset(Vec<IString<'a>>),
    /// `CAPABILITY`: the capabilities, sent along with a status.
    #[imap(rule = "capability_data")]
    Capability(Vec<Capability<'a>>),
    /// `PARSE`: a message's headers could not be parsed.
    #[imap(rule = "resp_text_code_parse")]
    Parse,
    /// `PERMANENTFLAGS`: flags the client can change permanently.
    #[imap(rule = "resp_text_code_permanentflags")]
    PermanentFlags(#[imap(list)] Vec<Flag<'a>>),
    /// `READ-ONLY`: the mailbox is selected read-only.
    #[imap(rule = "resp_text_code_read_only")]
    ReadOnly,
    /// `READ-WRITE`: the mailbox is selected read-write.
    #[imap(rule = "resp_text_code_read_write")]
    ReadWrite,
    /// `TRYCREATE`: the target mailbox does not exist but can be created.
    #[imap(rule = "resp_text_code_trycreate")]
    TryCreate,
    /// `UIDNEXT`: the next UID.
    #[imap(rule = "resp_text_code_uidnext")]
    UidNext(u32),
    /// `UIDVALIDITY`.
    #[imap(rule = "resp_text_code_uidvalidity")]
    UidValidity(u32),
    /// `UNSEEN`: the first unseen message's sequence number.
    #[imap(rule = "resp_text_code_unseen")]
    Unseen(u32),
    /// `APPENDUID` (UIDPLUS, RFC 4315): the appended messages' UIDs (one,
    /// or a set after MULTIAPPEND) in a mailbox of this UIDVALIDITY.
    #[imap(rule = "resp_text_code_appenduid")]
    AppendUid {
        /// The target mailbox's UIDVALIDITY.
        uid_validity: u32,
        /// The new messages' UIDs.
        uids: UidSet,
    },
    /// `COPYUID` (UIDPLUS, RFC 4315): copied or moved messages' UIDs.
    #[imap(rule = "resp_text_code_copyuid")]
    CopyUid {
        /// The target mailbox's UIDVALIDITY.
        uid_validity: u32,
        /// The source messages' UIDs.
        source: UidSet,
        /// Their UIDs in the target mailbox, element by element.
        target: UidSet,
    },
    /// `UIDNOTSTICKY` (UIDPLUS): the mailbox does not keep UIDs.
    #[imap(rule = "resp_text_code_uidnotsticky")]
    UidNotSticky,
    /// `HIGHESTMODSEQ` (CONDSTORE, RFC 7162).
    #[imap(rule = "resp_text_code_highestmodseq")]
    HighestModSeq(u64),
    /// `NOMODSEQ` (CONDSTORE): the mailbox has no mod-sequences.
    #[imap(rule = "resp_text_code_nomodseq")]
    NoModSeq,
    /// `MODIFIED` (CONDSTORE): messages a conditional STORE left alone
    /// (UIDs for UID STORE, sequence numbers otherwise).
    #[imap(rule = "resp_text_code_modified")]
    Modified(UidSet),
    /// `CLOSED` (QRESYNC): the previous mailbox is closed.
    #[imap(rule = "resp_text_code_closed")]
    Closed,
    /// `MAILBOXID` (OBJECTID, RFC 8474): the mailbox's unique id.
    #[imap(rule = "resp_text_code_mailboxid")]
    MailboxId(Cow<'a, str>),
    /// `METADATA ...` (RFC 5464): why GETMETADATA left entries out or
    /// SETMETADATA failed.
    #[imap(rule = "resp_text_code_metadata")]
    Metadata(MetadataCode),
    /// Why a command failed, as RFC 5530 (and IMAP4rev2) name it:
    /// `ALREADYEXISTS`, `NONEXISTENT`, `NOPERM`, `OVERQUOTA`, ...
    #[imap(rule = "resp_text_code_error")]
    Error(ErrorCode),
    /// Any other code, with its text after the name, if any.
    #[imap(rule = "resp_text_code_other")]
    Other {
        /// The code's name (`HIGHESTMODSEQ`, `CLOSED`, ...).
        name: Cow<'a, str>,
        /// Everything after the name and its space, up to `]`.
        text: Option<IString<'a>>,
    },
    /// A known code whose value could not be read (`UIDNEXT 99999999999`),
    /// kept raw; the response around it is read as usual.
    #[imap(malformed)]
    Malformed(MalformedItem<'a>),
}

/// A continuation request: `+ text`, or `+ base64` during AUTHENTICATE.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "continue_req")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Continue<'a> {
    /// A response code, if any.
    pub code: Option<Code<'a>>,
    /// The text, or a SASL challenge in base64.
    pub text: IString<'a>,
}

/// Untagged data: everything a `* ` response carries.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "type", content = "data", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Data<'a> {
    /// `* n FETCH (...)`.
    Fetch(Fetch<'a>),
    /// `* n EXPUNGE`: message n was removed.
    #[imap(rule = "message_data_expunge")]
    Expunge(u32),
    /// `* n EXISTS`: the mailbox has n messages.
    #[imap(rule = "mailbox_data_exists")]
    Exists(u32),
    /// `* n RECENT`.
    #[imap(rule = "mailbox_data_recent")]
    Recent(u32),
    /// `* OK/NO/BAD/PREAUTH/BYE ...`.
    Condition(Condition<'a>),
    /// `* CAPABILITY ...`.
    #[imap(rule = "capability_data")]
    Capability(Vec<Capability<'a>>),
    /// `* FLAGS (...)`: the flags defined in the mailbox.
    #[imap(rule = "mailbox_data_flags")]
    Flags(#[imap(list)] Vec<Flag<'a>>),
    /// `* LIST ...` (or the same as `* XLIST ...`, Gmail's and Yandex's older form).
    #[imap(rule = "mailbox_data_list")]
    List(ListEntry<'a>),
    /// `* LSUB ...`.
    #[imap(rule = "mailbox_data_lsub")]
    Lsub(ListEntry<'a>),
    /// `* SEARCH n...`, with `(MODSEQ n)` (CONDSTORE, RFC 7162) if sent.
    Search(Search),
    /// `* STATUS mailbox (...)`.
    #[imap(rule = "mailbox_data_status")]
    Status {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Its counters.
        items: Vec<StatusItem<'a>>,
    },
    /// `* ESEARCH ...` (RFC 4731).
    ESearch(ESearch<'a>),
    /// `* VANISHED [(EARLIER)] uids` (QRESYNC, RFC 7162): expunged UIDs.
    #[imap(rule = "expunged_resp")]
    Vanished {
        /// `(EARLIER)`: an answer to a FETCH or SELECT with QRESYNC, not
        /// news of expunges just now.
        #[imap(present = "expunged_resp_earlier")]
        earlier: bool,
        /// The UIDs.
        uids: UidSet,
    },
    /// `* SORT n...` (RFC 5256).
    Sort(Sort),
    /// `* THREAD (...)...` (RFC 5256): the threads.
    #[imap(rule = "thread_data")]
    Thread(Vec<Thread>),
    /// `* NAMESPACE ...` (RFC 2342).
    Namespace(Namespace<'a>),
    /// `* QUOTA root (...)` (RFC 9208).
    #[imap(rule = "quota_response")]
    Quota {
        /// The quota root.
        root: IString<'a>,
        /// Its resources.
        resources: Vec<QuotaResource<'a>>,
    },
    /// `* QUOTAROOT mailbox roots...` (RFC 9208).
    #[imap(rule = "quotaroot_response")]
    QuotaRoot {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Its quota roots.
        roots: Vec<IString<'a>>,
    },
    /// `* ACL mailbox identifier rights ...` (RFC 4314).
    #[imap(rule = "acl_data")]
    Acl {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Who has which rights.
        entries: Vec<AclEntry<'a>>,
    },
    /// `* LISTRIGHTS mailbox identifier required optional...` (RFC 4314).
    #[imap(rule = "listrights_data")]
    ListRights {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Whom the rights are for.
        identifier: IString<'a>,
        /// Rights always granted (possibly empty).
        required: IString<'a>,
        /// Rights that can be granted, each group all or none.
        optional: Vec<IString<'a>>,
    },
    /// `* MYRIGHTS mailbox rights` (RFC 4314).
    #[imap(rule = "myrights_data")]
    MyRights {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// The user's rights on it.
        rights: IString<'a>,
    },
    /// `* ID (...)` (RFC 2971): the server's fields; empty for `ID NIL`.
    #[imap(rule = "id_response")]
    Id(#[imap(list)] Vec<IdParam<'a>>),
    /// `* ENABLED ...` (RFC 5161): the capabilities just enabled.
    #[imap(rule = "enable_data")]
    Enabled(Vec<Capability<'a>>),
    /// `* METADATA mailbox ...` (RFC 5464 section 4.4): entry values
    /// answering GETMETADATA, or (unsolicited) names of entries that
    /// changed. The mailbox is `""` for server entries.
    #[imap(rule = "metadata_response")]
    Metadata {
        /// The mailbox, `""` for the server.
        mailbox: Mailbox<'a>,
        /// `(entry value ...)`: the entries and their values.
        values: Vec<MetadataEntry<'a>>,
        /// `entry ...` without values: entries that changed.
        #[imap(list)]
        changed: Vec<IString<'a>>,
    },
    /// Untagged data this crate does not know: its values, kept whole.
    #[imap(rule = "response_data_other")]
    Other(Vec<Value<'a>>),
}

impl<'a> Data<'a> {
    /// The same data with every mailbox name read as UTF-8 rather than
    /// modified UTF-7 ([`Mailbox::into_utf8`]): what names mean once
    /// UTF8=ACCEPT (RFC 6855) or IMAP4rev2 (RFC 9051) is enabled. The
    /// session does this by itself after such an ENABLE.
    pub fn names_as_utf8(self) -> Data<'a> {
        let entry = |mut e: ListEntry<'a>| {
            e.mailbox = e.mailbox.into_utf8();
            for item in &mut e.extended {
                if let ListExtended::OldName(old) = item {
                    *old = old.clone().into_utf8();
                }
            }
            e
        };
        match self {
            Data::List(e) => Data::List(entry(e)),
            Data::Lsub(e) => Data::Lsub(entry(e)),
            Data::Status { mailbox, items } => Data::Status { mailbox: mailbox.into_utf8(), items },
            Data::QuotaRoot { mailbox, roots } => Data::QuotaRoot { mailbox: mailbox.into_utf8(), roots },
            Data::Acl { mailbox, entries } => Data::Acl { mailbox: mailbox.into_utf8(), entries },
            Data::ListRights { mailbox, identifier, required, optional } => {
                Data::ListRights { mailbox: mailbox.into_utf8(), identifier, required, optional }
            }
            Data::MyRights { mailbox, rights } => Data::MyRights { mailbox: mailbox.into_utf8(), rights },
            Data::Metadata { mailbox, values, changed } => {
                Data::Metadata { mailbox: mailbox.into_utf8(), values, changed }
            }
            other => other,
        }
    }
}

/// The code as written inside `[...]` on the wire.
impl std::fmt::Display for Code<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |f: &mut std::fmt::Formatter<'_>, items: Vec<String>| write!(f, "({})", items.join(" "));
        match self {
            Code::Alert => f.write_str("ALERT"),
            Code::BadCharset(charsets) if charsets.is_empty() => f.write_str("BADCHARSET"),
            Code::BadCharset(charsets) => {
                f.write_str("BADCHARSET ")?;
                list(f, charsets.iter().map(|c| c.to_string()).collect())
            }
            Code::Capability(caps) => {
                f.write_str("CAPABILITY")?;
                caps.iter().try_for_each(|c| write!(f, " {c}"))
            }
            Code::Parse => f.write_str("PARSE"),
            Code::PermanentFlags(flags) => {
                f.write_str("PERMANENTFLAGS ")?;
                list(f, flags.iter().map(|c| c.to_string()).collect())
            }
            Code::ReadOnly => f.write_str("READ-ONLY"),
            Code::ReadWrite => f.write_str("READ-WRITE"),
            Code::TryCreate => f.write_str("TRYCREATE"),
            Code::UidNext(n) => write!(f, "UIDNEXT {n}"),
            Code::UidValidity(n) => write!(f, "UIDVALIDITY {n}"),
            Code::Unseen(n) => write!(f, "UNSEEN {n}"),
            Code::AppendUid { uid_validity, uids } => write!(f, "APPENDUID {uid_validity} {uids}"),
            Code::CopyUid { uid_validity, source, target } => write!(f, "COPYUID {uid_validity} {source} {target}"),
            Code::UidNotSticky => f.write_str("UIDNOTSTICKY"),
            Code::HighestModSeq(n) => write!(f, "HIGHESTMODSEQ {n}"),
            Code::NoModSeq => f.write_str("NOMODSEQ"),
            Code::Modified(set) => write!(f, "MODIFIED {set}"),
            Code::Closed => f.write_str("CLOSED"),
            Code::MailboxId(id) => write!(f, "MAILBOXID ({id})"),
            Code::Metadata(code) => write!(f, "METADATA {code}"),
            Code::Error(code) => write!(f, "{code}"),
            Code::Other { name, text: None } => f.write_str(name),
            Code::Other { name, text: Some(text) } => write!(f, "{name} {text}"),
            Code::Malformed(m) => write!(f, "{} {}", m.name, m.raw),
        }
    }
}
