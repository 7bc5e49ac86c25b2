//! What each command needs and does, in one table ([`Command::spec`]): the
//! connection states it may be sent in, the capability it needs, whether
//! it may be pipelined, which untagged responses are its result, and what
//! its success changes. The session reads these facts; adding a command
//! means one arm here and one in the encoder.

use super::{Command, FetchAttr, FetchItems, ThreadAlgorithm};
use crate::types::{Data, Status, Value};
use std::fmt;

/// The connection's state as far as sending commands goes (RFC 3501
/// section 3), counting the commands in flight as if they succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Before LOGIN or AUTHENTICATE (and before the greeting).
    NotAuthenticated,
    /// Logged in, no mailbox selected.
    Authenticated,
    /// A mailbox is selected.
    Selected,
    /// An IDLE is running: only DONE may be sent.
    Idling,
    /// LOGOUT sent or BYE received.
    Logout,
}

impl Phase {
    /// The phase's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Phase::NotAuthenticated => "not authenticated",
            Phase::Authenticated => "authenticated",
            Phase::Selected => "selected",
            Phase::Idling => "idling",
            Phase::Logout => "logging out",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The phases a command may be sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Requires {
    /// Any, while the connection is open and not idling (CAPABILITY, NOOP,
    /// LOGOUT, ID).
    Open,
    /// Before authentication (LOGIN, AUTHENTICATE, STARTTLS).
    NotAuthenticated,
    /// Authenticated, with or without a mailbox selected.
    Authenticated,
    /// A mailbox selected (FETCH, STORE, SEARCH, ...).
    Selected,
    /// An IDLE running (its DONE).
    Idling,
}

impl Requires {
    /// Whether a command with this requirement may be sent in `phase`.
    pub fn allows(self, phase: Phase) -> bool {
        match self {
            Requires::Open => !matches!(phase, Phase::Logout | Phase::Idling),
            Requires::NotAuthenticated => phase == Phase::NotAuthenticated,
            Requires::Authenticated => matches!(phase, Phase::Authenticated | Phase::Selected),
            Requires::Selected => phase == Phase::Selected,
            Requires::Idling => phase == Phase::Idling,
        }
    }

    /// The requirement in words, for messages ("the selected state").
    pub fn name(self) -> &'static str {
        match self {
            Requires::Open => "an open connection",
            Requires::NotAuthenticated => "the not authenticated state",
            Requires::Authenticated => "the authenticated state",
            Requires::Selected => "the selected state",
            Requires::Idling => "a running IDLE",
        }
    }
}

impl fmt::Display for Requires {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A server capability a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Needs<'c> {
    /// This capability.
    One(&'static str),
    /// Any one of these.
    AnyOf(&'static [&'static str]),
    /// `THREAD=` the algorithm.
    Thread(&'c ThreadAlgorithm),
}

impl Needs<'_> {
    /// Whether a server with capability test `has` offers it.
    pub fn met_by(&self, has: impl Fn(&str) -> bool) -> bool {
        match self {
            Needs::One(name) => has(name),
            Needs::AnyOf(names) => names.iter().any(|n| has(n)),
            Needs::Thread(algorithm) => has(&format!("THREAD={}", thread_name(algorithm))),
        }
    }

    /// The capability in words, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Needs::One(name) => name,
            Needs::AnyOf(&["METADATA", "METADATA-SERVER"]) => "METADATA or METADATA-SERVER",
            Needs::AnyOf(names) => names.first().copied().unwrap_or(""),
            Needs::Thread(ThreadAlgorithm::OrderedSubject) => "THREAD=ORDEREDSUBJECT",
            Needs::Thread(ThreadAlgorithm::References) => "THREAD=REFERENCES",
            Needs::Thread(ThreadAlgorithm::Other(_)) => "THREAD",
        }
    }
}

fn thread_name(algorithm: &ThreadAlgorithm) -> &str {
    match algorithm {
        ThreadAlgorithm::OrderedSubject => "ORDEREDSUBJECT",
        ThreadAlgorithm::References => "REFERENCES",
        ThreadAlgorithm::Other(other) => other,
    }
}

/// What a command's success changes in the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transition {
    /// Nothing beyond the data it returns.
    None,
    /// Now authenticated (LOGIN, AUTHENTICATE).
    Authenticates,
    /// Now a mailbox is selected (SELECT, EXAMINE).
    Selects,
    /// Now no mailbox is selected (CLOSE, UNSELECT).
    Deselects,
    /// The connection is ending (LOGOUT).
    LogsOut,
    /// TLS starts right after the OK (STARTTLS).
    StartsTls,
    /// DEFLATE starts right after the OK (COMPRESS).
    StartsDeflate,
    /// Extensions are enabled (ENABLE).
    Enables,
    /// IDLE: runs until DONE.
    Idles,
}

/// Which untagged responses a command collects as its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Collects {
    /// None: untagged data goes to the unsolicited queue.
    Nothing,
    /// FETCH responses (FETCH, STORE).
    Fetch,
    /// SEARCH or ESEARCH.
    Search,
    /// LIST, and STATUS (LIST-STATUS).
    List,
    /// LSUB.
    Lsub,
    /// STATUS.
    Status,
    /// CAPABILITY.
    Capability,
    /// What SELECT returns: FLAGS, EXISTS, RECENT, OK with a code.
    Select,
    /// SELECT with QRESYNC: the SELECT data, and the changes (FETCH,
    /// VANISHED (EARLIER)) since the state the client gave.
    Resync,
    /// EXPUNGE or VANISHED.
    Expunge,
    /// The typed data of these extension responses, or `Data::Other` whose
    /// first atom is one of these names (a response that did not fit its
    /// typed form).
    Other(&'static [&'static str]),
}

impl Collects {
    /// Whether `data` is part of a result of this kind.
    pub fn wants(self, data: &Data<'_>) -> bool {
        match (self, data) {
            (Collects::Fetch, Data::Fetch(_)) => true,
            (Collects::Search, Data::Search(_) | Data::ESearch(_)) => true,
            (Collects::Search, Data::Other(values)) => first_atom_is(values, &["ESEARCH"]),
            (Collects::List, Data::List(_) | Data::Status { .. }) => true,
            (Collects::Lsub, Data::Lsub(_)) => true,
            (Collects::Status, Data::Status { .. }) => true,
            (Collects::Capability, Data::Capability(_)) => true,
            (Collects::Select, Data::Flags(_) | Data::Exists(_) | Data::Recent(_)) => true,
            (Collects::Select, Data::Condition(c)) => c.status == Status::Ok && c.code.is_some(),
            (Collects::Resync, Data::Fetch(_) | Data::Vanished { earlier: true, .. }) => true,
            (Collects::Resync, data) => Collects::Select.wants(data),
            (Collects::Expunge, Data::Expunge(_) | Data::Vanished { .. }) => true,
            (Collects::Expunge, Data::Other(values)) => first_atom_is(values, &["VANISHED"]),
            (Collects::Other(names), Data::Other(values)) => first_atom_is(values, names),
            (Collects::Other(names), data) => typed_name(data).is_some_and(|n| names.contains(&n)),
            _ => false,
        }
    }
}

/// The keyword of an extension's typed untagged data.
fn typed_name(data: &Data<'_>) -> Option<&'static str> {
    Some(match data {
        Data::Namespace(_) => "NAMESPACE",
        Data::Id(_) => "ID",
        Data::Enabled(_) => "ENABLED",
        Data::Quota { .. } => "QUOTA",
        Data::QuotaRoot { .. } => "QUOTAROOT",
        Data::Acl { .. } => "ACL",
        Data::ListRights { .. } => "LISTRIGHTS",
        Data::MyRights { .. } => "MYRIGHTS",
        Data::Metadata { .. } => "METADATA",
        Data::Sort(_) => "SORT",
        Data::ESearch(_) => "ESEARCH",
        Data::Thread(_) => "THREAD",
        Data::Vanished { .. } => "VANISHED",
        _ => return None,
    })
}

fn first_atom_is(values: &[Value<'_>], names: &[&str]) -> bool {
    matches!(values.first(), Some(Value::Atom(a)) if names.iter().any(|n| a.eq_ignore_ascii_case(n)))
}

/// The facts of one command; see [`Command::spec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Spec<'c> {
    /// The name as sent (`"UID FETCH"` for a UID fetch).
    pub name: &'static str,
    /// The phases it may be sent in.
    pub requires: Requires,
    /// The capability it needs, if any (judged once the server's
    /// capabilities are known).
    pub needs: Option<Needs<'c>>,
    /// A hint for pipelining (RFC 3501 section 5.5); see
    /// [`Command::may_pipeline`].
    pub pipelines: bool,
    /// Holds back every later command until it completes (STARTTLS,
    /// COMPRESS, AUTHENTICATE) or, for IDLE, until DONE.
    pub exclusive: bool,
    /// The untagged responses that are its result.
    pub collects: Collects,
    /// What its success changes.
    pub transition: Transition,
    /// Whether its arguments (and SASL answers) are credentials, never to
    /// be logged or traced (LOGIN, AUTHENTICATE).
    pub secret: bool,
}

impl Command {
    /// What this command needs and does: the one table the session and the
    /// client read.
    ///
    /// ```
    /// use imap_core::command::{Command, Needs, Phase, Requires, SeqSet};
    ///
    /// let command = Command::Move { set: SeqSet::from(1..=3), mailbox: "Archive".into(), uid: true };
    /// let spec = command.spec();
    /// assert_eq!(spec.name, "UID MOVE");
    /// assert_eq!(spec.requires, Requires::Selected);
    /// assert_eq!(spec.needs, Some(Needs::One("MOVE")));
    /// assert!(spec.pipelines);
    /// assert!(!spec.requires.allows(Phase::Authenticated));
    /// ```
    pub fn spec(&self) -> Spec<'_> {
        use Collects as C;
        use Command::*;
        use Requires as R;
        use Transition as T;
        let uid = self.is_uid();
        // (requires, needs, collects, transition)
        let (requires, needs, collects, transition) = match self {
            Capability => (R::Open, None, C::Capability, T::None),
            Noop => (R::Open, None, C::Nothing, T::None),
            Logout => (R::Open, None, C::Nothing, T::LogsOut),
            Id(_) => (R::Open, Some(Needs::One("ID")), C::Other(&["ID"]), T::None),
            StartTls => (R::NotAuthenticated, Some(Needs::One("STARTTLS")), C::Nothing, T::StartsTls),
            Authenticate { .. } | Login { .. } => (R::NotAuthenticated, None, C::Nothing, T::Authenticates),
            Select { .. } | Examine { .. } => (R::Authenticated, None, C::Select, T::Selects),
            SelectQResync { .. } => (R::Authenticated, Some(Needs::One("QRESYNC")), C::Resync, T::Selects),
            Create { .. } | Delete { .. } | Rename { .. } | Subscribe { .. } | Unsubscribe { .. } => {
                (R::Authenticated, None, C::Nothing, T::None)
            }
            List { .. } => (R::Authenticated, None, C::List, T::None),
            Lsub { .. } => (R::Authenticated, None, C::Lsub, T::None),
            Status { .. } => (R::Authenticated, None, C::Status, T::None),
            Append { .. } => (R::Authenticated, None, C::Nothing, T::None),
            Check => (R::Selected, None, C::Nothing, T::None),
            Close => (R::Selected, None, C::Nothing, T::Deselects),
            Unselect => (R::Selected, Some(Needs::One("UNSELECT")), C::Nothing, T::Deselects),
            Expunge => (R::Selected, None, C::Expunge, T::None),
            UidExpunge(_) => (R::Selected, Some(Needs::One("UIDPLUS")), C::Expunge, T::None),
            Search { .. } => (R::Selected, None, C::Search, T::None),
            Fetch { items, .. } => {
                let binary = matches!(items, FetchItems::Attrs(attrs)
                    if attrs.iter().any(|a| matches!(a, FetchAttr::Binary { .. } | FetchAttr::BinarySize(_))));
                (R::Selected, binary.then_some(Needs::One("BINARY")), C::Fetch, T::None)
            }
            Store { .. } => (R::Selected, None, C::Fetch, T::None),
            StoreGmLabels { .. } => (R::Selected, Some(Needs::One("X-GM-EXT-1")), C::Fetch, T::None),
            Copy { .. } => (R::Selected, None, C::Nothing, T::None),
            Move { .. } => (R::Selected, Some(Needs::One("MOVE")), C::Expunge, T::None),
            Sort { .. } => (R::Selected, Some(Needs::One("SORT")), C::Other(&["SORT", "ESEARCH"]), T::None),
            Thread { algorithm, .. } => (R::Selected, Some(Needs::Thread(algorithm)), C::Other(&["THREAD"]), T::None),
            Idle => (R::Authenticated, Some(Needs::One("IDLE")), C::Nothing, T::Idles),
            Namespace => (R::Authenticated, Some(Needs::One("NAMESPACE")), C::Other(&["NAMESPACE"]), T::None),
            Enable(_) => (R::Authenticated, Some(Needs::One("ENABLE")), C::Other(&["ENABLED"]), T::Enables),
            GetQuota { .. } | GetQuotaRoot { .. } => {
                (R::Authenticated, Some(Needs::One("QUOTA")), C::Other(&["QUOTA", "QUOTAROOT"]), T::None)
            }
            SetQuota { .. } => (R::Authenticated, Some(Needs::One("QUOTA")), C::Nothing, T::None),
            GetAcl { .. } => (R::Authenticated, Some(Needs::One("ACL")), C::Other(&["ACL"]), T::None),
            SetAcl { .. } | DeleteAcl { .. } => (R::Authenticated, Some(Needs::One("ACL")), C::Nothing, T::None),
            ListRights { .. } => (R::Authenticated, Some(Needs::One("ACL")), C::Other(&["LISTRIGHTS"]), T::None),
            MyRights { .. } => (R::Authenticated, Some(Needs::One("ACL")), C::Other(&["MYRIGHTS"]), T::None),
            GetMetadata { mailbox, .. } => {
                (R::Authenticated, Some(metadata(mailbox)), C::Other(&["METADATA"]), T::None)
            }
            SetMetadata { mailbox, .. } => (R::Authenticated, Some(metadata(mailbox)), C::Nothing, T::None),
            Compress => (R::Authenticated, Some(Needs::One("COMPRESS=DEFLATE")), C::Nothing, T::StartsDeflate),
            Other { .. } => (R::Authenticated, None, C::Nothing, T::None),
        };
        let exclusive = matches!(self, StartTls | Compress | Authenticate { .. } | Idle);
        // Pipelining (RFC 3501 section 5.5): not a command that changes the
        // state later commands depend on, nor one that names messages by
        // sequence numbers, which an EXPUNGE caused by another could shift.
        let numbers_by_sequence = matches!(
            self,
            Search { .. }
                | Fetch { .. }
                | Store { .. }
                | StoreGmLabels { .. }
                | Copy { .. }
                | Move { .. }
                | Sort { .. }
                | Thread { .. }
        ) && !uid;
        let pipelines = transition == T::None && !numbers_by_sequence;
        let secret = matches!(self, Login { .. } | Authenticate { .. });
        Spec { name: self.name(), requires, needs, pipelines, exclusive, collects, transition, secret }
    }
}

/// Mailbox entries need METADATA; server entries (mailbox `""`) METADATA
/// or METADATA-SERVER (RFC 5464 section 1).
fn metadata(mailbox: &str) -> Needs<'static> {
    if mailbox.is_empty() {
        Needs::AnyOf(&["METADATA", "METADATA-SERVER"])
    } else {
        Needs::One("METADATA")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{SearchKey, SeqSet};

    fn fetch(uid: bool, attr: FetchAttr) -> Command {
        Command::Fetch { set: SeqSet::from(1), items: FetchItems::Attrs(vec![attr]), changed_since: None, uid }
    }

    /// Commands that change the state later commands depend on, or that
    /// name messages by sequence number, are not pipelined.
    #[test]
    fn pipelining_follows_state_changes_and_sequence_numbers() {
        assert!(!Command::Login { user: b"u".to_vec(), password: b"p".to_vec() }.spec().pipelines);
        assert!(!Command::Select { mailbox: "INBOX".into(), condstore: false }.spec().pipelines);
        assert!(!Command::Idle.spec().pipelines);
        assert!(!fetch(false, FetchAttr::Flags).spec().pipelines);
        assert!(fetch(true, FetchAttr::Flags).spec().pipelines);
        assert!(Command::Noop.spec().pipelines);
        assert!(Command::Status { mailbox: "INBOX".into(), atts: Vec::new() }.spec().pipelines);
    }

    #[test]
    fn requirements_follow_rfc_3501_states() {
        let search = Command::Search { charset: None, criteria: SearchKey::All, uid: true };
        assert_eq!(search.spec().requires, Requires::Selected);
        assert_eq!(Command::StartTls.spec().requires, Requires::NotAuthenticated);
        assert_eq!(Command::Noop.spec().requires, Requires::Open);
        assert_eq!(Command::Namespace.spec().requires, Requires::Authenticated);
        assert!(Requires::Authenticated.allows(Phase::Selected));
        assert!(!Requires::Open.allows(Phase::Idling), "only DONE while idling");
        assert!(!Requires::Open.allows(Phase::Logout));
        assert!(Requires::Idling.allows(Phase::Idling));
    }

    /// What a command needs can depend on its arguments.
    #[test]
    fn needs_follow_the_arguments() {
        assert_eq!(fetch(true, FetchAttr::Flags).spec().needs, None);
        let binary = FetchAttr::Binary { part: vec![1], partial: None, peek: true };
        assert_eq!(fetch(true, binary).spec().needs, Some(Needs::One("BINARY")));
        let server = Command::GetMetadata {
            mailbox: String::new(),
            entries: vec!["/shared/comment".into()],
            max_size: None,
            depth: crate::command::MetadataDepth::Zero,
        };
        let needs = server.spec().needs.unwrap();
        assert!(needs.met_by(|c| c == "METADATA-SERVER"));
        assert!(!needs.met_by(|c| c == "QUOTA"));
        assert_eq!(needs.name(), "METADATA or METADATA-SERVER");
        let thread = Command::Thread {
            algorithm: ThreadAlgorithm::References,
            charset: None,
            search: SearchKey::All,
            uid: true,
        };
        let needs = thread.spec().needs.unwrap();
        assert!(needs.met_by(|c| c == "THREAD=REFERENCES"));
        assert!(!needs.met_by(|c| c == "THREAD=ORDEREDSUBJECT"));
    }

    #[test]
    fn collects_keeps_a_commands_own_data_only() {
        let list =
            Command::List { reference: String::new(), pattern: "*".into(), select: Vec::new(), returns: Vec::new() };
        assert_eq!(list.spec().collects, Collects::List);
        assert!(!Collects::List.wants(&Data::Exists(3)));
        assert!(Collects::Select.wants(&Data::Exists(3)));
        assert!(Collects::Other(&["QUOTA"]).wants(&Data::Other(vec![Value::Atom("quota".into())])));
    }
}
