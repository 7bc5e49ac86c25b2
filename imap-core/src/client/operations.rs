//! Every operation a client offers, listed once: its documentation and
//! its signature. Each front generates its methods from this list (the
//! blocking [`Client`](super::Client), and the async `AsyncClient` of the
//! `tokio` feature), and every generated method runs the one body the
//! engine has for it: an operation is written once, whichever front drives it.
//!
//! A front is a macro taking three lists: `shared` (no I/O, `&self`),
//! `exclusive` (no I/O, `&mut self`) and `io` (commands on the wire). The
//! names the signatures use come from [`names`], which a front imports.

/// Calls `$front!` with every operation; see the module docs.
macro_rules! for_each_operation {
    ($front:ident) => {
        $front! {
            shared {
                /// The session underneath (state, capabilities, selected mailbox).
                fn session(&self) -> &Session;

                /// How many extension values were dropped, oldest first, because more
                /// than [`ClientOptions::max_unsolicited`](crate::client::ClientOptions::max_unsolicited) were waiting for
                /// `take_extension_values`.
                fn extension_values_dropped(&self) -> u64;

                /// How many unsolicited responses were dropped, oldest first, because
                /// more than [`ClientOptions::max_unsolicited`](crate::client::ClientOptions::max_unsolicited) were waiting.
                fn unsolicited_dropped(&self) -> u64;
            }
            exclusive {
                /// Adds a parser for a server extension imap-core does not know (see
                /// [`Extension`]): its values come in [`Completion::extensions`] of the
                /// command they answer, or from `take_extension_values`.
                fn add_extension(&mut self, extension: Box<dyn Extension>);

                /// Extension values that no command was waiting for (during IDLE, say,
                /// or after the last completion), oldest first. Values that answer a
                /// command come in its [`Completion::extensions`] instead.
                ///
                /// At most [`ClientOptions::max_unsolicited`](crate::client::ClientOptions::max_unsolicited) are kept between two calls:
                /// beyond that the oldest are dropped and counted
                /// (`extension_values_dropped`), so that a server sending such
                /// responses without end cannot grow the list without end.
                fn take_extension_values(&mut self) -> Vec<ExtensionValue>;

                /// Untagged responses that no command asked for, oldest first.
                fn take_unsolicited(&mut self) -> Vec<Response<'static>>;

                /// Whether message numbers are UIDs (the default) or sequence numbers,
                /// for every method of this module.
                fn set_use_uid(&mut self, use_uid: bool);
            }
            io {
                // The connection: capabilities, commands as such, logins, NOOP.
                /// Submits a command without waiting: the way to pipeline. Collect the
                /// result with `wait`. (It may first ask for the capabilities, to check
                /// the command against them.)
                fn send(&mut self, command: Command) -> Result<Tag, Error>;

                /// Waits for the command tagged `tag` to complete.
                fn wait(&mut self, tag: &Tag) -> Result<Completion, Error>;

                /// Sends a command and waits for its completion.
                fn run(&mut self, command: Command) -> Result<Completion, Error>;

                /// Sends all commands at once (pipelined) and waits for every result, in
                /// the order given.
                fn pipeline(&mut self, commands: Vec<Command>) -> Vec<Result<Completion, Error>>;

                /// Turns on COMPRESS=DEFLATE (RFC 4978): from the server's OK on, both
                /// directions are compressed (inside TLS when TLS is on). Needs the
                /// `COMPRESS=DEFLATE` capability (servers usually offer it after login),
                /// else [`Error::MissingCapability`]. Compressing twice is refused by the
                /// server (`[COMPRESSIONACTIVE]`).
                fn compress(&mut self) -> Result<(), Error>;

                /// The server's capabilities (asked for if not known).
                fn capabilities(&mut self) -> Result<Vec<Capability<'static>>, Error>;

                /// Whether the server advertises `name`, or has it as part of IMAP4rev2
                /// ([`Session::has_capability`]).
                fn has_capability(&mut self, name: &str) -> Result<bool, Error>;

                /// `Ok` when the server advertises `name`; otherwise
                /// [`Error::MissingCapability`] for `command`. Every command is checked
                /// against the capability its [`Command::spec`] names before it is sent;
                /// this is for what the table does not know (a `SEARCH RETURN` option,
                /// a command of an extension sent as `Command::Other`).
                ///
                /// ```no_run
                /// # use imap_core::client::{Client, ClientOptions, TlsMode};
                /// # let mut client = Client::connect("imap.example.com", 993, TlsMode::Implicit, &ClientOptions::default())?;
                /// client.ensure_capability("ESEARCH", "SEARCH RETURN")?;
                /// # Ok::<(), imap_core::session::Error>(())
                /// ```
                fn ensure_capability(&mut self, name: &'static str, command: &'static str) -> Result<(), Error>;

                /// LOGIN with a user name and password. Refused over a connection without
                /// TLS unless [`ClientOptions::allow_plaintext_login`](crate::client::ClientOptions::allow_plaintext_login).
                fn login(&mut self, user: &str, password: &str) -> Result<(), Error>;

                /// AUTHENTICATE with a SASL mechanism: [`Sasl`](crate::session::Sasl)
                /// (PLAIN, XOAUTH2, OAUTHBEARER), [`ScramSha256`](crate::session::ScramSha256),
                /// or one of your own ([`Mechanism`]). One that reveals its secret (all but
                /// SCRAM) is refused over a connection without TLS unless
                /// [`ClientOptions::allow_plaintext_login`](crate::client::ClientOptions::allow_plaintext_login).
                fn authenticate(&mut self, mechanism: impl Mechanism + 'static) -> Result<(), Error>;

                /// AUTHENTICATE SCRAM-SHA-256 (RFC 7677): the password does not travel,
                /// and the server must prove it knows it (else [`Error::Sasl`] and the
                /// connection is closed).
                fn scram_login(&mut self, user: &str, password: &str) -> Result<(), Error>;

                /// AUTHENTICATE XOAUTH2 with an OAuth 2 access token.
                fn oauth2_login(&mut self, user: &str, token: &str) -> Result<(), Error>;

                /// AUTHENTICATE OAUTHBEARER (RFC 7628) with an OAuth 2 access token.
                fn oauthbearer_login(&mut self, user: &str, token: &str) -> Result<(), Error>;

                /// NOOP: returns what the server had to say meanwhile (also kept for
                /// `take_unsolicited`).
                fn noop(&mut self) -> Result<Vec<Response<'static>>, Error>;

                // Mailboxes: list, select, create, rename, delete, subscribe, status.
                /// LIST: mailboxes matching `pattern` (`*` all, `%` one level) under `reference`.
                fn list_folders(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListEntry<'static>>, Error>;

                /// LSUB: subscribed mailboxes matching `pattern`.
                fn list_subscribed_folders(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListEntry<'static>>, Error>;

                /// The mailbox with a special use (`\Sent`, `\Trash`, ...; RFC 6154), if
                /// any: asks with LIST RETURN (SPECIAL-USE) when offered, else looks at
                /// every mailbox's attributes.
                fn find_special_folder(&mut self, attribute: MailboxAttr<'_>) -> Result<Option<String>, Error>;

                /// Whether a mailbox of that exact name exists.
                fn folder_exists(&mut self, name: &str) -> Result<bool, Error>;

                /// CREATE.
                fn create_folder(&mut self, name: &str) -> Result<(), Error>;

                /// RENAME.
                fn rename_folder(&mut self, from: &str, to: &str) -> Result<(), Error>;

                /// DELETE.
                fn delete_folder(&mut self, name: &str) -> Result<(), Error>;

                /// SUBSCRIBE.
                fn subscribe_folder(&mut self, name: &str) -> Result<(), Error>;

                /// UNSUBSCRIBE.
                fn unsubscribe_folder(&mut self, name: &str) -> Result<(), Error>;

                /// SELECT (or EXAMINE when `read_only`): returns the mailbox's state.
                fn select_folder(&mut self, name: &str, read_only: bool) -> Result<SelectedMailbox, Error>;

                /// Selects a mailbox and learns what changed since a state kept from
                /// an earlier session (QRESYNC, RFC 7162 section 3.2.5): ENABLE QRESYNC
                /// if not done yet, then `SELECT name (QRESYNC (uidvalidity modseq
                /// [known-uids]))` (EXAMINE when `read_only`). The result holds the
                /// expunged UIDs, the changed messages with their flags and MODSEQ, the
                /// new HIGHESTMODSEQ, and whether UIDVALIDITY changed (then nothing
                /// else applies: resync fully).
                ///
                /// ```no_run
                /// use imap_core::command::QResync;
                /// # fn demo(client: &mut imap_core::client::Client) -> Result<(), imap_core::session::Error> {
                /// let known = QResync { uid_validity: 67890007, modseq: 90060115194045000, known_uids: None, seq_match: None };
                /// let resync = client.resync_folder("INBOX", &known, false)?;
                /// if resync.uid_validity_changed {
                ///     // forget the cache, fetch everything again
                /// }
                /// for uid in resync.vanished.iter() { /* drop uid from the cache */ }
                /// for message in &resync.changed { /* update flags of message.uid() */ }
                /// # Ok(()) }
                /// ```
                fn resync_folder(&mut self, name: &str, known: &QResync, read_only: bool) -> Result<Resync, Error>;

                /// UNSELECT (RFC 3691): leaves the mailbox without expunging.
                ///
                /// Needs the server capability `UNSELECT`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn unselect_folder(&mut self) -> Result<(), Error>;

                /// CLOSE: leaves the mailbox, expunging `\Deleted` messages.
                fn close_folder(&mut self) -> Result<(), Error>;

                /// STATUS: counters of a mailbox without selecting it.
                fn folder_status(&mut self, name: &str, atts: &[StatusAtt<'static>]) -> Result<Vec<StatusItem<'static>>, Error>;

                // Messages: search, sort, thread, fetch, store, copy, move, append, expunge.
                /// UID SEARCH (or SEARCH): the messages matching `criteria`.
                fn search(&mut self, criteria: SearchKey) -> Result<Vec<u32>, Error>;

                /// UID SEARCH (or SEARCH), with the highest mod-sequence of the matches
                /// that a CONDSTORE server adds when `criteria` holds a
                /// [`SearchKey::ModSeq`] (`* SEARCH 2 5 (MODSEQ 917162500)`, RFC 7162
                /// section 3.1.5). An ESEARCH-shaped answer (IMAP4rev2 servers send
                /// one to a plain SEARCH) gives its `ALL` and `MODSEQ`.
                fn search_with_modseq(&mut self, criteria: SearchKey) -> Result<Search, Error>;

                /// UID SORT (RFC 5256): matching UIDs in the order of `criteria`.
                ///
                /// Needs the server capability `SORT`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn sort(&mut self, criteria: Vec<SortCriterion>, search: SearchKey) -> Result<Vec<u32>, Error>;

                /// UID THREAD (RFC 5256): the matching messages as threads of UIDs.
                /// ORDEREDSUBJECT threads come back as that algorithm defines them: the
                /// first message with all the others as its children
                /// ([`ThreadNode::without_grandchildren`]), whatever nesting the server sent.
                ///
                /// Needs the server capability `THREAD=<algorithm>`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn thread(&mut self, algorithm: ThreadAlgorithm, search: SearchKey) -> Result<Vec<ThreadNode>, Error>;

                /// UID FETCH: typed results, one per message, in the server's order.
                fn fetch(&mut self, uids: impl Into<SeqSet>, items: impl Into<FetchItems>) -> Result<Vec<Fetch<'static>>, Error>;

                /// `UID FETCH BINARY.PEEK[part]` (RFC 3516): a part's content with its
                /// content-transfer-encoding (base64, quoted-printable) undone by the
                /// server, without setting `\Seen`; `part` empty for the whole message.
                /// `None` when the server sent no such item (no such message).
                ///
                /// ```no_run
                /// # fn demo(client: &mut imap_core::client::Client) -> Result<(), imap_core::session::Error> {
                /// let attachment: Option<Vec<u8>> = client.fetch_binary(42, &[2])?;
                /// # Ok(()) }
                /// ```
                fn fetch_binary(&mut self, uid: u32, part: &[u32]) -> Result<Option<Vec<u8>>, Error>;

                /// UID FETCH (or FETCH) without keeping the results: `each` gets every
                /// message as it arrives, borrowed from the read buffer. Nothing is
                /// copied, and memory stays bounded by one read however large the result;
                /// returns how many messages came.
                fn fetch_each(&mut self, uids: impl Into<SeqSet>, items: impl Into<FetchItems>, each: impl FnMut(&Fetch<'_>)) -> Result<usize, Error>;

                /// UID FETCH of a large set in chunks of `chunk` UIDs with up to
                /// `in_flight` commands pipelined: the way to read a big mailbox fast.
                fn fetch_pipelined(&mut self, uids: &[u32], items: FetchItems, chunk: usize, in_flight: usize) -> Result<Vec<Fetch<'static>>, Error>;

                /// UID STORE +FLAGS: returns the messages' flags afterwards.
                fn add_flags(&mut self, uids: impl Into<SeqSet>, flags: &[Flag<'static>]) -> Result<Vec<Fetch<'static>>, Error>;

                /// UID STORE -FLAGS: returns the messages' flags afterwards.
                fn remove_flags(&mut self, uids: impl Into<SeqSet>, flags: &[Flag<'static>]) -> Result<Vec<Fetch<'static>>, Error>;

                /// UID STORE FLAGS: replaces the flags; returns them afterwards.
                fn set_flags(&mut self, uids: impl Into<SeqSet>, flags: &[Flag<'static>]) -> Result<Vec<Fetch<'static>>, Error>;

                /// Marks messages `\Deleted` (EXPUNGE removes them).
                fn delete_messages(&mut self, uids: impl Into<SeqSet>) -> Result<(), Error>;

                /// EXPUNGE: removes every `\Deleted` message; returns the sequence
                /// numbers the server reported, in order.
                fn expunge(&mut self) -> Result<Vec<u32>, Error>;

                /// UID EXPUNGE (UIDPLUS): removes only these `\Deleted` messages.
                ///
                /// Needs the server capability `UIDPLUS`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn uid_expunge(&mut self, uids: impl Into<SeqSet>) -> Result<Vec<u32>, Error>;

                /// UID COPY: returns COPYUID when the server has UIDPLUS.
                fn copy(&mut self, uids: impl Into<SeqSet>, folder: &str) -> Result<Option<CopyUid>, Error>;

                /// UID MOVE (RFC 6851), or when the server lacks MOVE,
                /// [`move_by_copy`](Client::move_by_copy).
                fn move_messages(&mut self, uids: impl Into<SeqSet>, folder: &str) -> Result<Option<CopyUid>, Error>;

                /// A move without MOVE: UID COPY, then `\Deleted` and UID EXPUNGE of the
                /// same UIDs (UIDPLUS, so that no other deleted message is expunged).
                fn move_by_copy(&mut self, uids: impl Into<SeqSet>, folder: &str) -> Result<Option<CopyUid>, Error>;

                /// APPEND one message with flags and an internal date; returns APPENDUID
                /// when the server has UIDPLUS.
                fn append(&mut self, folder: &str, message: &[u8], flags: &[Flag<'static>], date: Option<DateTime>) -> Result<Option<AppendUid>, Error>;

                /// APPEND several messages in one command (MULTIAPPEND, RFC 3502), or
                /// pipelined APPENDs when the server lacks it.
                fn append_many(&mut self, folder: &str, messages: Vec<AppendMessage>) -> Result<(), Error>;

                // Extensions: IDLE, NAMESPACE, ID, ENABLE, METADATA, Gmail labels, QUOTA, ACL.
                /// Starts IDLE (RFC 2177): returns once the server accepted it.
                ///
                /// Needs the server capability `IDLE`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn idle(&mut self) -> Result<(), Error>;

                /// While idling: waits up to `timeout` for the server to say something,
                /// and returns what it said (possibly nothing). The session renews the
                /// IDLE every [`IDLE_RENEW`](crate::client::IDLE_RENEW) by itself, so any timeout is fine.
                fn idle_wait(&mut self, timeout: Duration) -> Result<Vec<Response<'static>>, Error>;

                /// Ends IDLE (DONE) and returns what the server said until it completed.
                fn idle_done(&mut self) -> Result<Vec<Response<'static>>, Error>;

                /// NAMESPACE (RFC 2342).
                ///
                /// Needs the server capability `NAMESPACE`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn namespace(&mut self) -> Result<Namespace<'static>, Error>;

                /// ID (RFC 2971): sends the client's fields (or NIL) and returns the server's.
                ///
                /// Needs the server capability `ID`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn id(&mut self, fields: Option<Vec<(String, Option<String>)>>) -> Result<Vec<(String, Option<String>)>, Error>;

                /// ENABLE (RFC 5161): returns the capabilities the server enabled.
                ///
                /// Needs the server capability `ENABLE`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn enable(&mut self, capabilities: &[&str]) -> Result<Vec<String>, Error>;

                /// ENABLE UTF8=ACCEPT (RFC 6855) if the server offers it: from then on
                /// mailbox names go out as UTF-8 quoted strings and come back read as
                /// UTF-8, not modified UTF-7 (the session does both). Returns whether
                /// UTF-8 names are on (already, or now).
                ///
                /// ```no_run
                /// # fn demo(client: &mut imap_core::client::Client) -> Result<(), imap_core::session::Error> {
                /// if client.enable_utf8_accept()? {
                ///     client.create_folder("Entwürfe")?; // sent as "Entwürfe", not Entw&APw-rfe
                /// }
                /// # Ok(()) }
                /// ```
                fn enable_utf8_accept(&mut self) -> Result<bool, Error>;

                /// ENABLE IMAP4rev2 (RFC 9051) if the server offers it, and returns
                /// whether it is on. Then the Client handles rev2's differences:
                /// mailbox names are UTF-8 both ways (as with UTF8=ACCEPT), SEARCH
                /// answers come ESEARCH-shaped and [`search`](Client::search) reads
                /// them, STATUS has `DELETED` and no `RECENT`, LIST may mark names
                /// `\NonExistent`.
                fn enable_imap4rev2(&mut self) -> Result<bool, Error>;

                /// GETMETADATA (RFC 5464): the values of `entries` of `mailbox` (`""`
                /// for the server's own entries), in the server's order; an entry that
                /// is not set has `None`.
                ///
                /// ```no_run
                /// # fn demo(client: &mut imap_core::client::Client) -> Result<(), imap_core::session::Error> {
                /// client.set_metadata("INBOX", &[("/private/comment", Some(b"my inbox"))])?;
                /// let values = client.get_metadata("INBOX", &["/private/comment"])?;
                /// assert_eq!(values, vec![("/private/comment".to_owned(), Some(b"my inbox".to_vec()))]);
                /// # Ok(()) }
                /// ```
                fn get_metadata(&mut self, mailbox: &str, entries: &[&str]) -> Result<Vec<(String, Option<Vec<u8>>)>, Error>;

                /// GETMETADATA with its options (RFC 5464 section 4.2): values longer
                /// than `max_size` are left out, and the second part of the result is
                /// then the size of the longest left out (`[METADATA LONGENTRIES n]`);
                /// `depth` takes the entries' children too.
                fn get_metadata_with(&mut self, mailbox: &str, entries: &[&str], max_size: Option<u64>, depth: MetadataDepth) -> Result<(Vec<(String, Option<Vec<u8>>)>, Option<u64>), Error>;

                /// SETMETADATA (RFC 5464 section 4.3): sets entries of `mailbox` (`""`
                /// for the server); `None` removes one. A refusal is
                /// [`Error::No`] with `Code::Metadata` (`MAXSIZE`, `TOOMANY`,
                /// `NOPRIVATE`) when the server says why.
                fn set_metadata(&mut self, mailbox: &str, entries: &[(&str, Option<&[u8]>)]) -> Result<(), Error>;

                /// UID STORE +X-GM-LABELS (Gmail's X-GM-EXT-1): adds labels; returns
                /// the messages' labels afterwards (read them with
                /// [`Fetch::gm_labels`](crate::types::Fetch::gm_labels)). `\\Inbox`,
                /// `\\Important`, ... are system labels; other labels are names (sent
                /// in modified UTF-7).
                ///
                /// ```no_run
                /// # fn demo(client: &mut imap_core::client::Client) -> Result<(), imap_core::session::Error> {
                /// client.add_gm_labels(42, &["Muy Importante", "\\Starred"])?;
                /// # Ok(()) }
                /// ```
                ///
                /// Needs the server capability `X-GM-EXT-1`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn add_gm_labels(&mut self, uids: impl Into<SeqSet>, labels: &[&str]) -> Result<Vec<Fetch<'static>>, Error>;

                /// UID STORE -X-GM-LABELS (Gmail): removes labels; returns the labels
                /// afterwards.
                ///
                /// Needs the server capability `X-GM-EXT-1`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn remove_gm_labels(&mut self, uids: impl Into<SeqSet>, labels: &[&str]) -> Result<Vec<Fetch<'static>>, Error>;

                /// UID STORE X-GM-LABELS (Gmail): replaces the labels; returns them
                /// afterwards.
                ///
                /// Needs the server capability `X-GM-EXT-1`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn set_gm_labels(&mut self, uids: impl Into<SeqSet>, labels: &[&str]) -> Result<Vec<Fetch<'static>>, Error>;

                /// GETQUOTAROOT (RFC 9208): the quota roots of a mailbox and their quotas.
                ///
                /// Needs the server capability `QUOTA`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn get_quota_root(&mut self, mailbox: &str) -> Result<(Vec<String>, Vec<Quota>), Error>;

                /// GETQUOTA (RFC 9208): the resources of a quota root.
                ///
                /// Needs the server capability `QUOTA`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn get_quota(&mut self, root: &str) -> Result<Vec<Quota>, Error>;

                /// GETACL (RFC 4314): `(identifier, rights)` pairs of a mailbox.
                ///
                /// Needs the server capability `ACL`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn get_acl(&mut self, mailbox: &str) -> Result<Vec<(String, String)>, Error>;

                /// SETACL (RFC 4314).
                ///
                /// Needs the server capability `ACL`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn set_acl(&mut self, mailbox: &str, identifier: &str, rights: &str) -> Result<(), Error>;

                /// DELETEACL (RFC 4314).
                ///
                /// Needs the server capability `ACL`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn delete_acl(&mut self, mailbox: &str, identifier: &str) -> Result<(), Error>;

                /// MYRIGHTS (RFC 4314): the rights the user has on a mailbox.
                ///
                /// Needs the server capability `ACL`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn my_rights(&mut self, mailbox: &str) -> Result<String, Error>;

                /// LISTRIGHTS (RFC 4314): rights always granted, then the optional groups.
                ///
                /// Needs the server capability `ACL`; without it, nothing is sent
                /// ([`Error::MissingCapability`]).
                fn list_rights(&mut self, mailbox: &str, identifier: &str) -> Result<Vec<String>, Error>;

                // Streaming fetches.
                /// UID FETCH (or FETCH) whose large literals are streamed: every literal
                /// of at least `threshold` bytes goes to `each` in [`FetchPart::Literal`]
                /// chunks as it arrives (never buffered whole), then its message's
                /// [`FetchPart::Fetch`]. Memory stays bounded by one reactor read (about
                /// 1 MiB) however large the messages; returns how many FETCH responses
                /// came. Literals must still be within [`Limits::max_literal`](crate::wire::Limits::max_literal).
                ///
                /// ```no_run
                /// use imap_core::client::{Client, ClientOptions, FetchPart, TlsMode};
                /// use imap_core::command::{FetchAttr, Section};
                ///
                /// let mut client = Client::connect("imap.example.com", 993, TlsMode::Implicit, &ClientOptions::default())?;
                /// client.login("user", "password")?;
                /// client.select_folder("INBOX", true)?;
                /// let items = vec![FetchAttr::Uid, FetchAttr::BodySection { section: Section::full(), partial: None, peek: true }];
                /// let mut bytes = 0;
                /// client.fetch_streamed(1..=100, items, 64 << 10, |part| match part {
                ///     FetchPart::Literal(chunk) => bytes += chunk.bytes.len(),
                ///     FetchPart::Fetch { fetch, .. } => println!("UID {:?} done, {bytes} bytes so far", fetch.uid()),
                ///     _ => {}
                /// })?;
                /// # Ok::<(), imap_core::session::Error>(())
                /// ```
                fn fetch_streamed(&mut self, uids: impl Into<SeqSet>, items: impl Into<FetchItems>, threshold: u64, each: impl FnMut(FetchPart<'_>)) -> Result<usize, Error>;
            }
        }
    };
}

pub(crate) use for_each_operation;

/// The types the signatures of [`for_each_operation!`] name, for a front to import.
pub(crate) mod names {
    pub(crate) use super::super::{AppendUid, CopyUid, FetchPart, Quota, Resync, ThreadNode};
    pub(crate) use crate::command::{
        AppendMessage, Command, FetchItems, MetadataDepth, QResync, SearchKey, SeqSet, SortCriterion, ThreadAlgorithm,
    };
    pub(crate) use crate::session::{
        Completion, Error, Extension, ExtensionValue, Mechanism, SelectedMailbox, Session, Tag,
    };
    pub(crate) use crate::types::{
        Capability, DateTime, Fetch, Flag, ListEntry, MailboxAttr, Namespace, Response, Search, StatusAtt, StatusItem,
    };
    pub(crate) use std::time::Duration;
}
