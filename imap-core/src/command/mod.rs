//! Typed commands and their encoding to bytes (RFC 3501 section 6, and the
//! extensions a client commonly needs).
//!
//! A [`Command`] is plain data; [`Command::encode`] turns it into the bytes
//! to send, split at synchronizing literals ([`Encoded`]). Every user string
//! (mailbox names, credentials, search text, ID parameters, header names)
//! goes through one writer, [`encode::Encoder`], which picks an atom, a
//! quoted string or a literal ([`encode::choose_form`]): a CR or LF can only
//! reach the wire inside a literal, and a NUL only inside a literal8.
//! Values that must be atoms (flags, keywords, charsets, capabilities,
//! status attributes) are checked and rejected with an [`EncodeError`]
//! naming the value instead of being quoted.
//!
//! ```
//! use imap_core::command::{Command, EncodeOptions, StoreMode};
//! use imap_core::types::Flag;
//!
//! let cmd = Command::Store {
//!     set: (2..=4).into(),
//!     mode: StoreMode::Add,
//!     silent: false,
//!     flags: vec![Flag::Deleted],
//!     unchanged_since: None,
//!     uid: false,
//! };
//! let encoded = cmd.encode("A003", &EncodeOptions::default()).unwrap();
//! assert_eq!(encoded.chunks, vec![b"A003 STORE 2:4 +FLAGS (\\Deleted)\r\n".to_vec()]);
//! ```

pub mod encode;
mod fetch;
mod search;
mod seqset;
mod spec;
#[cfg(test)]
mod tests;
mod write;

/// The one section type, shared with the responses.
pub use crate::types::{Section, SectionPart, SectionText};
pub use encode::{EncodeError, Encoded};
pub use fetch::{FetchAttr, FetchItems, Partial, StoreMode};
pub use search::{Date, SearchKey};
pub use seqset::{ParseSeqSetError, SeqNumber, SeqRange, SeqSet};
pub use spec::{Collects, Needs, Phase, Requires, Spec, Transition};

use crate::types::{DateTime, Flag, StatusAtt};
use encode::{is_astring_char, Encoder};

/// What the server has announced or the client has enabled, which changes
/// how strings and literals are written. The default (all off) is plain
/// RFC 3501.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EncodeOptions {
    /// LITERAL+ (RFC 7888): every literal is non-synchronizing `{N+}`.
    pub literal_plus: bool,
    /// LITERAL- (RFC 7888): literals of at most 4096 bytes are `{N+}`.
    pub literal_minus: bool,
    /// UTF8=ACCEPT is enabled (RFC 6855): mailbox names go as UTF-8 rather
    /// than modified UTF-7, quoted strings may hold UTF-8, and SEARCH does
    /// not add `CHARSET UTF-8`.
    pub utf8_accept: bool,
}

/// One message of an APPEND (several make a MULTIAPPEND, RFC 3502).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppendMessage {
    /// Flags to set; none writes no flag list.
    pub flags: Vec<Flag<'static>>,
    /// The internal date; none lets the server use the current time.
    pub date: Option<DateTime>,
    /// The message (RFC 5322, CRLF line ends).
    pub data: Vec<u8>,
    /// Send as a literal8 `~{N}` (RFC 3516 BINARY; the server must
    /// announce BINARY). Needed when `data` holds NUL bytes.
    pub binary: bool,
    /// Send as `UTF8 (~{N})` (RFC 6855 section 4): a message whose header
    /// fields hold raw UTF-8. Only once UTF8=ACCEPT (or IMAP4rev2) is
    /// enabled; the encoder refuses it otherwise.
    pub utf8: bool,
}

impl AppendMessage {
    /// A message with no flags and no date.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        AppendMessage { flags: Vec::new(), date: None, data: data.into(), binary: false, utf8: false }
    }
}

/// A LIST selection option (RFC 5258, RFC 6154).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListSelect {
    /// `SUBSCRIBED`.
    Subscribed,
    /// `REMOTE`.
    Remote,
    /// `RECURSIVEMATCH`.
    RecursiveMatch,
    /// `SPECIAL-USE`.
    SpecialUse,
}

/// A LIST return option (RFC 5258, RFC 6154, RFC 5819).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListReturn {
    /// `SUBSCRIBED`.
    Subscribed,
    /// `CHILDREN`.
    Children,
    /// `SPECIAL-USE`.
    SpecialUse,
    /// `STATUS (atts)` (LIST-STATUS).
    Status(Vec<StatusAtt<'static>>),
}

/// A SORT key (RFC 5256, RFC 5957).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// `ARRIVAL`.
    Arrival,
    /// `CC`.
    Cc,
    /// `DATE`.
    Date,
    /// `FROM`.
    From,
    /// `SIZE`.
    Size,
    /// `SUBJECT`.
    Subject,
    /// `TO`.
    To,
    /// `DISPLAYFROM` (SORT=DISPLAY).
    DisplayFrom,
    /// `DISPLAYTO` (SORT=DISPLAY).
    DisplayTo,
}

/// One SORT criterion: a key, possibly reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SortCriterion {
    /// Sort descending.
    pub reverse: bool,
    /// What to sort by.
    pub key: SortKey,
}

impl From<SortKey> for SortCriterion {
    fn from(key: SortKey) -> Self {
        SortCriterion { reverse: false, key }
    }
}

/// A THREAD algorithm (RFC 5256).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThreadAlgorithm {
    /// `ORDEREDSUBJECT`.
    OrderedSubject,
    /// `REFERENCES`.
    References,
    /// Another algorithm the server announced (`THREAD=name`), an atom.
    Other(String),
}

/// A client command (RFC 3501 section 6, and extensions).
///
/// Mailbox names are Rust strings, encoded to modified UTF-7 (or sent as
/// UTF-8 under UTF8=ACCEPT). Commands that exist in a UID form carry `uid`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// `CAPABILITY`.
    Capability,
    /// `NOOP`.
    Noop,
    /// `LOGOUT`.
    Logout,
    /// `STARTTLS`.
    StartTls,
    /// `AUTHENTICATE mechanism [initial-response]`. The initial response
    /// (SASL-IR, RFC 4959) is given raw and sent in base64 (`=` when empty);
    /// the continuation exchange is the session's job.
    Authenticate {
        /// The SASL mechanism, an atom (`PLAIN`, `XOAUTH2`, ...).
        mechanism: String,
        /// The initial response, raw.
        initial_response: Option<Vec<u8>>,
    },
    /// `LOGIN user password`, both as astrings.
    Login {
        /// User name.
        user: Vec<u8>,
        /// Password.
        password: Vec<u8>,
    },
    /// `SELECT mailbox [(CONDSTORE)]`.
    Select {
        /// The mailbox.
        mailbox: String,
        /// Enable CONDSTORE for this mailbox (RFC 7162).
        condstore: bool,
    },
    /// `EXAMINE mailbox [(CONDSTORE)]`: SELECT read-only.
    Examine {
        /// The mailbox.
        mailbox: String,
        /// Enable CONDSTORE for this mailbox (RFC 7162).
        condstore: bool,
    },
    /// `SELECT mailbox (QRESYNC (uidvalidity modseq [known-uids]
    /// [(seq-set uid-set)]))`, or `EXAMINE` when `read_only` (RFC 7162
    /// section 3.2.5): select and learn what changed since a known state, as
    /// `VANISHED (EARLIER)` and FETCH responses. QRESYNC must be enabled
    /// first (ENABLE QRESYNC).
    SelectQResync {
        /// The mailbox.
        mailbox: String,
        /// EXAMINE rather than SELECT.
        read_only: bool,
        /// The state the client knows.
        qresync: QResync,
    },
    /// `CREATE mailbox [(USE (attrs))]`.
    Create {
        /// The mailbox.
        mailbox: String,
        /// Special-use attributes (RFC 6154 CREATE-SPECIAL-USE), `\` + atom
        /// each (`\Drafts`, `\Sent`, ...); empty for none.
        special_use: Vec<String>,
    },
    /// `DELETE mailbox`.
    Delete {
        /// The mailbox.
        mailbox: String,
    },
    /// `RENAME from to`.
    Rename {
        /// The existing name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `SUBSCRIBE mailbox`.
    Subscribe {
        /// The mailbox.
        mailbox: String,
    },
    /// `UNSUBSCRIBE mailbox`.
    Unsubscribe {
        /// The mailbox.
        mailbox: String,
    },
    /// `LIST [(select)] reference pattern [RETURN (options)]` (RFC 3501, RFC 5258).
    List {
        /// The reference name (usually empty).
        reference: String,
        /// The mailbox pattern with `%` and `*` wildcards.
        pattern: String,
        /// Selection options; empty for none.
        select: Vec<ListSelect>,
        /// Return options; empty for none.
        returns: Vec<ListReturn>,
    },
    /// `LSUB reference pattern`.
    Lsub {
        /// The reference name.
        reference: String,
        /// The mailbox pattern.
        pattern: String,
    },
    /// `STATUS mailbox (atts)`.
    Status {
        /// The mailbox.
        mailbox: String,
        /// The attributes wanted; not empty. `Other` must be an atom.
        atts: Vec<StatusAtt<'static>>,
    },
    /// `APPEND mailbox [flags] [date] literal`, or MULTIAPPEND with several.
    Append {
        /// The mailbox.
        mailbox: String,
        /// The messages; at least one.
        messages: Vec<AppendMessage>,
    },
    /// `CHECK`.
    Check,
    /// `CLOSE`.
    Close,
    /// `EXPUNGE`.
    Expunge,
    /// `UNSELECT` (RFC 3691).
    Unselect,
    /// `UID EXPUNGE set` (UIDPLUS, RFC 4315).
    UidExpunge(SeqSet),
    /// `[UID] SEARCH [CHARSET c] keys`. Without a charset, keys with non-ASCII
    /// strings get `CHARSET UTF-8` (unless UTF8=ACCEPT is on).
    Search {
        /// The charset, an atom.
        charset: Option<String>,
        /// The criteria (an AND-list goes without parentheses).
        criteria: SearchKey,
        /// `UID SEARCH`.
        uid: bool,
    },
    /// `[UID] FETCH set items [(CHANGEDSINCE n)]`.
    Fetch {
        /// The messages.
        set: SeqSet,
        /// What to fetch.
        items: FetchItems,
        /// Only messages changed after this mod-sequence (RFC 7162).
        changed_since: Option<u64>,
        /// `UID FETCH`.
        uid: bool,
    },
    /// `[UID] STORE set [(UNCHANGEDSINCE n)] mode (flags)`.
    Store {
        /// The messages.
        set: SeqSet,
        /// Add, remove or replace.
        mode: StoreMode,
        /// `.SILENT`.
        silent: bool,
        /// The flags (each validated).
        flags: Vec<Flag<'static>>,
        /// Conditional store (RFC 7162).
        unchanged_since: Option<u64>,
        /// `UID STORE`.
        uid: bool,
    },
    /// `[UID] COPY set mailbox`.
    Copy {
        /// The messages.
        set: SeqSet,
        /// The destination.
        mailbox: String,
        /// `UID COPY`.
        uid: bool,
    },
    /// `[UID] MOVE set mailbox` (RFC 6851).
    Move {
        /// The messages.
        set: SeqSet,
        /// The destination.
        mailbox: String,
        /// `UID MOVE`.
        uid: bool,
    },
    /// `IDLE` (RFC 2177); the session sends `DONE`.
    Idle,
    /// `NAMESPACE` (RFC 2342).
    Namespace,
    /// `ID NIL` or `ID (key value ...)` (RFC 2971); values may be NIL.
    Id(Option<Vec<(String, Option<String>)>>),
    /// `ENABLE cap ...` (RFC 5161); at least one capability atom.
    Enable(Vec<String>),
    /// `GETQUOTA root` (RFC 2087/9208).
    GetQuota {
        /// The quota root name.
        root: String,
    },
    /// `GETQUOTAROOT mailbox`.
    GetQuotaRoot {
        /// The mailbox.
        mailbox: String,
    },
    /// `SETQUOTA root (resource limit ...)`.
    SetQuota {
        /// The quota root name.
        root: String,
        /// Resource names (atoms such as `STORAGE`) and limits.
        limits: Vec<(String, u64)>,
    },
    /// `GETACL mailbox` (RFC 4314).
    GetAcl {
        /// The mailbox.
        mailbox: String,
    },
    /// `SETACL mailbox identifier rights`.
    SetAcl {
        /// The mailbox.
        mailbox: String,
        /// Who.
        identifier: String,
        /// The rights, optionally prefixed `+` or `-`.
        rights: String,
    },
    /// `DELETEACL mailbox identifier`.
    DeleteAcl {
        /// The mailbox.
        mailbox: String,
        /// Who.
        identifier: String,
    },
    /// `LISTRIGHTS mailbox identifier`.
    ListRights {
        /// The mailbox.
        mailbox: String,
        /// Who.
        identifier: String,
    },
    /// `MYRIGHTS mailbox`.
    MyRights {
        /// The mailbox.
        mailbox: String,
    },
    /// `[UID] STORE set [+|-]X-GM-LABELS[.SILENT] (labels)` (Gmail's
    /// X-GM-EXT-1): adds, removes or replaces labels. A label written
    /// `\\Name` (backslash and atom characters) is a system label and goes
    /// bare (`\\Inbox`); any other is a name, sent in modified UTF-7 as an
    /// astring like a mailbox name.
    StoreGmLabels {
        /// The messages.
        set: SeqSet,
        /// Add, remove or replace.
        mode: StoreMode,
        /// `.SILENT`: no FETCH answer with the labels afterwards.
        silent: bool,
        /// The labels.
        labels: Vec<String>,
        /// `UID STORE`.
        uid: bool,
    },
    /// `GETMETADATA [(MAXSIZE n DEPTH d)] mailbox (entries)` (RFC 5464
    /// section 4.2): entry values of a mailbox, or of the server when
    /// `mailbox` is empty.
    GetMetadata {
        /// The mailbox; `""` for server entries (METADATA-SERVER).
        mailbox: String,
        /// Entry names (`/private/comment`, `/shared/vendor/x`); at least one.
        entries: Vec<String>,
        /// `MAXSIZE`: leave out values longer than this (the OK then has
        /// `[METADATA LONGENTRIES n]`).
        max_size: Option<u64>,
        /// `DEPTH`: the entries themselves, or their children too.
        depth: MetadataDepth,
    },
    /// `SETMETADATA mailbox (entry value ...)` (RFC 5464 section 4.3): a
    /// `None` value removes the entry (NIL). Values holding NUL go as a
    /// literal8.
    SetMetadata {
        /// The mailbox; `""` for server entries.
        mailbox: String,
        /// The entries and their new values; at least one.
        entries: Vec<(String, Option<Vec<u8>>)>,
    },
    /// `[UID] SORT (criteria) charset keys` (RFC 5256).
    Sort {
        /// The sort criteria; at least one.
        criteria: Vec<SortCriterion>,
        /// The charset, an atom; `UTF-8` when none.
        charset: Option<String>,
        /// Which messages.
        search: SearchKey,
        /// `UID SORT`.
        uid: bool,
    },
    /// `[UID] THREAD algorithm charset keys` (RFC 5256).
    Thread {
        /// The threading algorithm.
        algorithm: ThreadAlgorithm,
        /// The charset, an atom; `UTF-8` when none.
        charset: Option<String>,
        /// Which messages.
        search: SearchKey,
        /// `UID THREAD`.
        uid: bool,
    },
    /// `COMPRESS DEFLATE` (RFC 4978).
    Compress,
    /// A command of an extension this crate does not name (`GETMETADATA`,
    /// `XLIST`, ...): its name, an atom, and its arguments, each written by
    /// the one string encoder, so user data cannot break out of them.
    Other {
        /// The command's name, an atom.
        name: String,
        /// Its arguments, separated by spaces.
        args: Vec<Arg>,
    },
}

/// One argument of a [`Command::Other`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// An atom (checked).
    Atom(String),
    /// An astring: atom, quoted or literal as needed.
    AString(Vec<u8>),
    /// A string: quoted or literal.
    String(Vec<u8>),
    /// NIL or a string.
    NString(Option<Vec<u8>>),
    /// A number.
    Number(u64),
    /// A mailbox name (modified UTF-7 unless UTF8=ACCEPT).
    Mailbox(String),
    /// A sequence set.
    SeqSet(SeqSet),
    /// A parenthesised list.
    List(Vec<Arg>),
}

impl Command {
    /// The command's name as sent (`"UID FETCH"` for a UID fetch).
    pub fn name(&self) -> &'static str {
        use Command::*;
        let pick = |uid: bool, yes: &'static str, no: &'static str| if uid { yes } else { no };
        match self {
            Capability => "CAPABILITY",
            Noop => "NOOP",
            Logout => "LOGOUT",
            StartTls => "STARTTLS",
            Authenticate { .. } => "AUTHENTICATE",
            Login { .. } => "LOGIN",
            Select { .. } | SelectQResync { read_only: false, .. } => "SELECT",
            Examine { .. } | SelectQResync { read_only: true, .. } => "EXAMINE",
            Create { .. } => "CREATE",
            Delete { .. } => "DELETE",
            Rename { .. } => "RENAME",
            Subscribe { .. } => "SUBSCRIBE",
            Unsubscribe { .. } => "UNSUBSCRIBE",
            List { .. } => "LIST",
            Lsub { .. } => "LSUB",
            Status { .. } => "STATUS",
            Append { .. } => "APPEND",
            Check => "CHECK",
            Close => "CLOSE",
            Expunge => "EXPUNGE",
            Unselect => "UNSELECT",
            UidExpunge(_) => "UID EXPUNGE",
            Search { uid, .. } => pick(*uid, "UID SEARCH", "SEARCH"),
            Fetch { uid, .. } => pick(*uid, "UID FETCH", "FETCH"),
            Store { uid, .. } | StoreGmLabels { uid, .. } => pick(*uid, "UID STORE", "STORE"),
            Copy { uid, .. } => pick(*uid, "UID COPY", "COPY"),
            Move { uid, .. } => pick(*uid, "UID MOVE", "MOVE"),
            Idle => "IDLE",
            Namespace => "NAMESPACE",
            Id(_) => "ID",
            Enable(_) => "ENABLE",
            GetQuota { .. } => "GETQUOTA",
            GetQuotaRoot { .. } => "GETQUOTAROOT",
            SetQuota { .. } => "SETQUOTA",
            GetAcl { .. } => "GETACL",
            SetAcl { .. } => "SETACL",
            DeleteAcl { .. } => "DELETEACL",
            ListRights { .. } => "LISTRIGHTS",
            MyRights { .. } => "MYRIGHTS",
            GetMetadata { .. } => "GETMETADATA",
            SetMetadata { .. } => "SETMETADATA",
            Sort { uid, .. } => pick(*uid, "UID SORT", "SORT"),
            Thread { uid, .. } => pick(*uid, "UID THREAD", "THREAD"),
            Compress => "COMPRESS",
            Other { .. } => "EXTENSION",
        }
    }

    /// Whether this is a `UID ...` command (its numbers are UIDs).
    pub fn is_uid(&self) -> bool {
        use Command::*;
        match self {
            UidExpunge(_) => true,
            Search { uid, .. }
            | Fetch { uid, .. }
            | Store { uid, .. }
            | StoreGmLabels { uid, .. }
            | Copy { uid, .. }
            | Move { uid, .. }
            | Sort { uid, .. }
            | Thread { uid, .. } => *uid,
            _ => false,
        }
    }

    /// A hint for pipelining (RFC 3501 5.5): whether this command may be
    /// sent while other commands that also answer `true` are in progress,
    /// and they after it, without waiting.
    ///
    /// The rule chosen: `true` unless the command
    /// - uses message sequence numbers (FETCH, STORE, SEARCH, COPY, MOVE,
    ///   SORT, THREAD without UID): an EXPUNGE caused by another command
    ///   could shift them; or
    /// - changes the connection's state (LOGIN, AUTHENTICATE, STARTTLS,
    ///   SELECT, EXAMINE, CLOSE, UNSELECT, LOGOUT, IDLE, ENABLE, COMPRESS):
    ///   later commands depend on its outcome.
    ///
    /// Ordering between commands that touch the same data (a UID STORE then
    /// a UID FETCH of the same flags) is kept by the server, which runs
    /// commands in the order sent when it detects such a dependency; a
    /// caller that needs one command's result to build the next must wait.
    /// A pipelined command with a synchronizing literal still waits for its
    /// `+` continuation before anything else is sent.
    pub fn may_pipeline(&self) -> bool {
        self.spec().pipelines
    }

    /// The command's bytes with this tag, split at synchronizing literals.
    ///
    /// The tag must be a non-empty run of ASTRING-CHARs other than `+`.
    ///
    /// ```
    /// use imap_core::command::{AppendMessage, Command, EncodeOptions, FetchAttr, SeqSet};
    /// use imap_core::types::Flag;
    ///
    /// let opts = EncodeOptions::default();
    /// let fetch = Command::Fetch {
    ///     set: SeqSet::from(4827313..=4828442),
    ///     items: FetchAttr::Flags.into(),
    ///     changed_since: None,
    ///     uid: true,
    /// };
    /// assert_eq!(fetch.encode("A999", &opts).unwrap().to_bytes(), b"A999 UID FETCH 4827313:4828442 FLAGS\r\n");
    ///
    /// // A synchronizing literal splits the command: wait for "+" after the first chunk.
    /// let message = b"Subject: hi\r\n\r\nhello\r\n".to_vec();
    /// let append = Command::Append {
    ///     mailbox: "saved-messages".into(),
    ///     messages: vec![AppendMessage { flags: vec![Flag::Seen], ..AppendMessage::new(message.clone()) }],
    /// };
    /// let encoded = append.encode("A003", &opts).unwrap();
    /// assert_eq!(encoded.chunks[0], b"A003 APPEND saved-messages (\\Seen) {22}\r\n");
    /// assert_eq!(encoded.chunks[1], [&message[..], b"\r\n"].concat());
    ///
    /// // Mailbox names travel in modified UTF-7; CR and LF never leave a literal.
    /// let select = Command::Select { mailbox: "Entwürfe".into(), condstore: true };
    /// assert_eq!(select.encode("a1", &opts).unwrap().to_bytes(), b"a1 SELECT Entw&APw-rfe (CONDSTORE)\r\n");
    /// ```
    pub fn encode(&self, tag: &str, opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        if tag.is_empty() || !tag.bytes().all(|b| is_astring_char(b) && b != b'+') {
            return Err(EncodeError::InvalidAtom(tag.to_owned()));
        }
        let mut e = Encoder::new(opts);
        e.token(tag)?.sp();
        self.encode_body(&mut e)?;
        Ok(e.finish())
    }
}

/// How deep GETMETADATA goes below each entry named (RFC 5464 section 4.2.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum MetadataDepth {
    /// The entries only (`DEPTH 0`, the default, not sent).
    #[default]
    Zero,
    /// The entries and their children (`DEPTH 1`).
    One,
    /// The entries and every descendant (`DEPTH infinity`).
    Infinity,
}

/// What a client knows of a mailbox, for `SELECT ... (QRESYNC (...))`
/// (RFC 7162 section 3.2.5): [`Command::SelectQResync`].
///
/// ```
/// use imap_core::command::{Command, EncodeOptions, QResync, SeqSet};
///
/// let qresync = QResync { uid_validity: 67890007, modseq: 90060115194045000, known_uids: Some(SeqSet::from(41..=211)), seq_match: None };
/// let select = Command::SelectQResync { mailbox: "INBOX".into(), read_only: false, qresync };
/// let bytes = select.encode("A02", &EncodeOptions::default()).unwrap().to_bytes();
/// assert_eq!(bytes, b"A02 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211))\r\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QResync {
    /// The UIDVALIDITY the client's state is for; if the mailbox's differs,
    /// the server sends no changes and the client must start over.
    pub uid_validity: u32,
    /// The last HIGHESTMODSEQ the client saw (`mod-sequence-value`).
    pub modseq: u64,
    /// The UIDs the client knows (`known-uids`): expunges are reported only
    /// among these. `None`: all of them.
    pub known_uids: Option<SeqSet>,
    /// Message sequence numbers and their UIDs as last known
    /// (`seq-match-data`), which helps the server find expunges.
    pub seq_match: Option<(SeqSet, SeqSet)>,
}

with_setters!(EncodeOptions {
    literal_plus: bool => with_literal_plus,
    literal_minus: bool => with_literal_minus,
    utf8_accept: bool => with_utf8_accept,
});
