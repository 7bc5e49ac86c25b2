//! Mailbox operations: list, select, create, rename, delete, subscribe, status.

use super::engine::Engine;
use super::link::Link;
use super::Resync;
use crate::command::{Command, ListReturn, QResync};
use crate::session::{Error, SelectedMailbox};
use crate::types::{Data, ListEntry, MailboxAttr, Response, StatusAtt, StatusItem, UidSet};

impl<L: Link> Engine<L> {
    pub(crate) async fn list_folders(
        &mut self,
        reference: &str,
        pattern: &str,
    ) -> Result<Vec<ListEntry<'static>>, Error> {
        let done = self
            .run(Command::List {
                reference: reference.into(),
                pattern: pattern.into(),
                select: Vec::new(),
                returns: Vec::new(),
            })
            .await?;
        Ok(list_entries(done.data, false))
    }

    pub(crate) async fn list_subscribed_folders(
        &mut self,
        reference: &str,
        pattern: &str,
    ) -> Result<Vec<ListEntry<'static>>, Error> {
        let done = self.run(Command::Lsub { reference: reference.into(), pattern: pattern.into() }).await?;
        Ok(list_entries(done.data, true))
    }

    pub(crate) async fn find_special_folder(&mut self, attribute: MailboxAttr<'_>) -> Result<Option<String>, Error> {
        let returns = if self.has_capability("SPECIAL-USE").await? { vec![ListReturn::SpecialUse] } else { Vec::new() };
        let done = self
            .run(Command::List { reference: String::new(), pattern: "*".into(), select: Vec::new(), returns })
            .await?;
        Ok(list_entries(done.data, false)
            .into_iter()
            .find(|e| e.attributes.contains(&attribute))
            .map(|e| e.mailbox.name().to_owned()))
    }

    pub(crate) async fn folder_exists(&mut self, name: &str) -> Result<bool, Error> {
        Ok(!self.list_folders("", name).await?.is_empty())
    }

    pub(crate) async fn create_folder(&mut self, name: &str) -> Result<(), Error> {
        self.run(Command::Create { mailbox: name.into(), special_use: Vec::new() }).await.map(drop)
    }

    pub(crate) async fn rename_folder(&mut self, from: &str, to: &str) -> Result<(), Error> {
        self.run(Command::Rename { from: from.into(), to: to.into() }).await.map(drop)
    }

    pub(crate) async fn delete_folder(&mut self, name: &str) -> Result<(), Error> {
        self.run(Command::Delete { mailbox: name.into() }).await.map(drop)
    }

    pub(crate) async fn subscribe_folder(&mut self, name: &str) -> Result<(), Error> {
        self.run(Command::Subscribe { mailbox: name.into() }).await.map(drop)
    }

    pub(crate) async fn unsubscribe_folder(&mut self, name: &str) -> Result<(), Error> {
        self.run(Command::Unsubscribe { mailbox: name.into() }).await.map(drop)
    }

    pub(crate) async fn select_folder(&mut self, name: &str, read_only: bool) -> Result<SelectedMailbox, Error> {
        let command = if read_only {
            Command::Examine { mailbox: name.into(), condstore: false }
        } else {
            Command::Select { mailbox: name.into(), condstore: false }
        };
        self.run(command).await?;
        self.session().mailbox().cloned().ok_or_else(|| Error::Protocol("SELECT completed without a mailbox".into()))
    }

    pub(crate) async fn resync_folder(
        &mut self,
        name: &str,
        known: &QResync,
        read_only: bool,
    ) -> Result<Resync, Error> {
        if !self.session().is_enabled("QRESYNC") {
            if !self.has_capability("QRESYNC").await? {
                return Err(Error::MissingCapability { command: "SELECT (QRESYNC)", capability: "QRESYNC" });
            }
            self.enable(&["QRESYNC"]).await?;
            if !self.session().is_enabled("QRESYNC") {
                return Err(Error::Protocol("ENABLE QRESYNC was not acknowledged".into()));
            }
        }
        let done = self.run(Command::SelectQResync { mailbox: name.into(), read_only, qresync: known.clone() }).await?;
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

    pub(crate) async fn unselect_folder(&mut self) -> Result<(), Error> {
        self.run(Command::Unselect).await.map(drop)
    }

    pub(crate) async fn close_folder(&mut self) -> Result<(), Error> {
        self.run(Command::Close).await.map(drop)
    }

    pub(crate) async fn folder_status(
        &mut self,
        name: &str,
        atts: &[StatusAtt<'static>],
    ) -> Result<Vec<StatusItem<'static>>, Error> {
        let done = self.run(Command::Status { mailbox: name.into(), atts: atts.to_vec() }).await?;
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
