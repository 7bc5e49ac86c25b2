//! Mailbox operations: list, select, create, rename, delete, subscribe, status.

use super::Client;
use crate::command::{Command, ListReturn};
use crate::session::{Error, Mailbox};
use crate::types::{Data, ListEntry, MailboxAttr, Response, StatusAtt, StatusItem};

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
    pub fn select_folder(&mut self, name: &str, read_only: bool) -> Result<Mailbox, Error> {
        let command = if read_only {
            Command::Examine { mailbox: name.into(), condstore: false }
        } else {
            Command::Select { mailbox: name.into(), condstore: false }
        };
        self.run(command)?;
        self.session().mailbox().cloned().ok_or_else(|| Error::Protocol("SELECT completed without a mailbox".into()))
    }

    /// UNSELECT (RFC 3691): leaves the mailbox without expunging.
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
