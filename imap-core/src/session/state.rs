//! Connection states (RFC 3501 section 3) and the selected mailbox.

use crate::types::{Code, Data, Flag, IntoStatic, Response};

/// The state of an IMAP connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Connected, waiting for the server's greeting.
    Greeting,
    /// Greeted; LOGIN, AUTHENTICATE or STARTTLS come next.
    NotAuthenticated,
    /// Logged in; no mailbox selected.
    Authenticated,
    /// A mailbox is selected.
    Selected(Box<SelectedMailbox>),
    /// LOGOUT sent or BYE received: the connection is ending.
    Logout,
}

impl State {
    /// The state's name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            State::Greeting => "waiting for the greeting",
            State::NotAuthenticated => "not authenticated",
            State::Authenticated => "authenticated",
            State::Selected(_) => "selected",
            State::Logout => "logging out",
        }
    }
}

/// What the session knows about the selected mailbox, kept current by the
/// server's untagged data (EXISTS, EXPUNGE, FLAGS, response codes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SelectedMailbox {
    /// The mailbox name, as the user gave it.
    pub name: String,
    /// Selected with EXAMINE, or the server said READ-ONLY.
    pub read_only: bool,
    /// Number of messages (EXISTS, minus EXPUNGEs since).
    pub exists: u32,
    /// Number of messages with `\Recent`.
    pub recent: u32,
    /// Flags defined in the mailbox (FLAGS).
    pub flags: Vec<Flag<'static>>,
    /// Flags the client can change permanently (PERMANENTFLAGS).
    pub permanent_flags: Vec<Flag<'static>>,
    /// UIDVALIDITY.
    pub uid_validity: Option<u32>,
    /// UIDNEXT.
    pub uid_next: Option<u32>,
    /// The first unseen message's sequence number (UNSEEN).
    pub unseen: Option<u32>,
    /// HIGHESTMODSEQ (CONDSTORE), when the server sends it.
    pub highest_modseq: Option<u64>,
}

impl SelectedMailbox {
    /// Folds one untagged response into the mailbox's state.
    pub(crate) fn apply(&mut self, response: &Response<'_>) {
        let Response::Data(data) = response else { return };
        match data {
            Data::Exists(n) => self.exists = *n,
            Data::Recent(n) => self.recent = *n,
            Data::Expunge(_) => self.exists = self.exists.saturating_sub(1),
            // QRESYNC's EXPUNGE (RFC 7162 3.2.10); `(EARLIER)` reports
            // messages gone before, already not counted in EXISTS.
            Data::Vanished { earlier: false, uids } => {
                self.exists = self.exists.saturating_sub(u32::try_from(uids.len()).unwrap_or(u32::MAX))
            }
            Data::Flags(flags) => self.flags = flags.clone().into_static(),
            Data::Condition(c) => match &c.code {
                Some(Code::PermanentFlags(flags)) => self.permanent_flags = flags.clone().into_static(),
                Some(Code::UidValidity(n)) => self.uid_validity = Some(*n),
                Some(Code::UidNext(n)) => self.uid_next = Some(*n),
                Some(Code::Unseen(n)) => self.unseen = Some(*n),
                Some(Code::ReadOnly) => self.read_only = true,
                Some(Code::ReadWrite) => self.read_only = false,
                Some(Code::HighestModSeq(n)) => self.highest_modseq = Some(*n),
                Some(Code::NoModSeq) => self.highest_modseq = None,
                // HIGHESTMODSEQ that did not fit its typed form.
                Some(Code::Other { name, text: Some(value) }) if name.eq_ignore_ascii_case("HIGHESTMODSEQ") => {
                    self.highest_modseq = value.to_str_lossy().trim().parse().ok();
                }
                _ => {}
            },
            _ => {}
        }
    }
}
