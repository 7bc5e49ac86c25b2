//! Mailbox operations: list, select, create, rename, delete, subscribe, status.

use super::{Client, Resync};
use crate::command::{Command, ListReturn, QResync};
use crate::session::{Error, SelectedMailbox};
use crate::types::{Data, ListEntry, MailboxAttr, Response, StatusAtt, StatusItem, UidSet};

impl Client {
    /// LIST: mailboxes matching `pattern` (`*` all, `%` one level) under `reference`.
    pub fn list_folders(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListEntry<'static>>, Error> {
        let done = self.run(Command::List {
            reference: reference.into(),
            pattern: pattern.into(),
            select: Vec::new(),
            returns: Vec::new(),
        })?;
        Ok(list_entries(done.data, false))
    }

    /// LSUB: subscribed mailboxes matching `pattern`.
    pub fn list_subscribed_folders(
        &mut self,
        reference: &str,
        pattern: &str,
    ) -> Result<Vec<ListEntry<'static>>, Error> {
        let done = self.run(Command::Lsub { reference: reference.into(), pattern: pattern.into() })?;
        Ok(list_entries(done.data, true))
    }

    /// The mailbox with a special use (`\Sent`, `\Trash`, ...; RFC 6154), if
    /// any: asks with LIST RETURN (SPECIAL-USE) when offered, else looks at
    /// every mailbox's attributes.
    pub fn find_special_folder(&mut self, attribute: MailboxAttr<'_>) -> Result<Option<String>, Error> {
        let returns = if self.has_capability("SPECIAL-USE")? { vec![ListReturn::SpecialUse] } else { Vec::new() };
        let done =
            self.run(Command::List { reference: String::new(), pattern: "*".into(), select: Vec::new(), returns })?;
        Ok(list_entries(done.data, false)
            .into_iter()
            .find(|e| e.attributes.contains(&attribute))
            .map(|e| e.mailbox.name().to_owned()))
    }

    /// Whether a mailbox of that exact name exists.
    pub fn folder_exists(&mut self, name: &str) -> Result<bool, Error> {
        Ok(!self.list_folders("", name)?.is_empty())
    }

    /// CREATE.
    pub fn create_folder(&mut self, name: &str) -> Result<(), Error> {
        self.run(Command::Create { mailbox: name.into(), special_use: Vec::new() }).map(drop)
    }

    /// RENAME.
    pub fn rename_folder(&mut self, from: &str, to: &str) -> Result<(), Error> {
        self.run(Command::Rename { from: from.into(), to: to.into() }).map(drop)
    }

    /// DELETE.
    pub fn delete_folder(&mut self, name: &str) -> Result<(), Error> {
        self.run(Command::Delete { mailbox: name.into() }).map(drop)
    }

    /// SUBSCRIBE.
    pub fn subscribe_folder(&mut self, name: &str) -> Result<(), Error> {
        self.run(Command::Subscribe { mailbox: name.into() }).map(drop)
    }

    /// UNSUBSCRIBE.
    pub fn unsubscribe_folder(&mut self, name: &str) -> Result<(), Error> {
        self.run(Command::Unsubscribe { mailbox: name.into() }).map(drop)
    }

    /// SELECT (or EXAMINE when `read_only`): returns the mailbox's state.
    pub fn select_folder(&mut self, name: &str, read_only: bool) -> Result<SelectedMailbox, Error> {
        let command = if read_only {
            Command::Examine { mailbox: name.into(), condstore: false }
        } else {
            Command::Select { mailbox: name.into(), condstore: false }
        };
        self.run(command)?;
        self.session().mailbox().cloned().ok_or_else(|| Error::Protocol("SELECT completed without a mailbox".into()))
    }

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
    pub fn resync_folder(&mut self, name: &str, known: &QResync, read_only: bool) -> Result<Resync, Error> {
        if !self.session().is_enabled("QRESYNC") {
            if !self.has_capability("QRESYNC")? {
                return Err(Error::MissingCapability { command: "SELECT (QRESYNC)", capability: "QRESYNC" });
            }
            self.enable(&["QRESYNC"])?;
            if !self.session().is_enabled("QRESYNC") {
                return Err(Error::Protocol("ENABLE QRESYNC was not acknowledged".into()));
            }
        }
        let done = self.run(Command::SelectQResync { mailbox: name.into(), read_only, qresync: known.clone() })?;
        let mailbox = self
            .session()
            .mailbox()
            .cloned()
            .ok_or_else(|| Error::Protocol("SELECT completed without a mailbox".into()))?;
        let mut vanished = UidSet(Vec::new());
        let mut changed = Vec::new();
        for response in done.data {
            match response {
                Response::Data(Data::Vanished { earlier: true, uids }) => vanished.0.extend(uids.0),
                Response::Data(Data::Fetch(fetch)) => changed.push(fetch),
                _ => {}
            }
        }
        Ok(Resync {
            uid_validity_changed: mailbox.uid_validity != Some(known.uid_validity),
            highest_modseq: mailbox.highest_modseq,
            mailbox,
            vanished,
            changed,
        })
    }

    /// UNSELECT (RFC 3691): leaves the mailbox without expunging.
    ///
    /// Needs the server capability `UNSELECT`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn unselect_folder(&mut self) -> Result<(), Error> {
        self.run(Command::Unselect).map(drop)
    }

    /// CLOSE: leaves the mailbox, expunging `\Deleted` messages.
    pub fn close_folder(&mut self) -> Result<(), Error> {
        self.run(Command::Close).map(drop)
    }

    /// STATUS: counters of a mailbox without selecting it.
    pub fn folder_status(
        &mut self,
        name: &str,
        atts: &[StatusAtt<'static>],
    ) -> Result<Vec<StatusItem<'static>>, Error> {
        let done = self.run(Command::Status { mailbox: name.into(), atts: atts.to_vec() })?;
        Ok(done
            .data
            .into_iter()
            .filter_map(|r| match r {
                Response::Data(Data::Status { items, .. }) => Some(items),
                _ => None,
            })
            .flatten()
            .collect())
    }
}

fn list_entries(data: Vec<Response<'static>>, lsub: bool) -> Vec<ListEntry<'static>> {
    data.into_iter()
        .filter_map(|r| match r {
            Response::Data(Data::List(entry)) if !lsub => Some(entry),
            Response::Data(Data::Lsub(entry)) if lsub => Some(entry),
            _ => None,
        })
        .collect()
}
