//! Extension commands: IDLE, NAMESPACE, ID, ENABLE, QUOTA, ACL, METADATA,
//! Gmail's labels.

use super::engine::{deadline_after, Engine};
use super::link::Link;
use super::Quota;
use crate::command::{Command, MetadataDepth, Requires, SeqSet, StoreMode};
use crate::session::{Error, Event};
use crate::types::{Code, Data, Fetch, IString, MetadataCode, Namespace, Response};
use std::time::{Duration, Instant};

pub use crate::session::{IDLE_ANSWER, IDLE_RENEW};

impl<L: Link> Engine<L> {
    pub(crate) async fn idle(&mut self) -> Result<(), Error> {
        let tag = self.send(Command::Idle).await?;
        // Set before the server answers: if this wait is dropped, the
        // IDLE it started is still known (and ended by `idle_done`).
        self.idle_tag = Some(tag.clone());
        let deadline = deadline_after(self.options.command_timeout);
        loop {
            while let Some(event) = self.session_mut().poll_event() {
                match event {
                    Event::Idling(t) if t == tag => return Ok(()),
                    Event::Completed { tag: t, result } if t == tag => {
                        self.idle_tag = None;
                        // The server refused IDLE (or the connection ended).
                        result?;
                        return Err(Error::Protocol("IDLE completed without starting".into()));
                    }
                    other => self.keep(other),
                }
            }
            if let Some(error) = self.closed_error() {
                return Err(error);
            }
            self.turn(deadline).await?;
        }
    }

    pub(crate) async fn idle_wait(&mut self, timeout: Duration) -> Result<Vec<Response<'static>>, Error> {
        if self.idle_tag.is_none() {
            return Err(self.not_idling("idle_wait"));
        }
        let deadline = deadline_after(timeout);
        loop {
            self.drain_events();
            if !self.unsolicited.is_empty() {
                return Ok(self.unsolicited.drain(..).collect());
            }
            if let Some(error) = self.closed_error() {
                return Err(error);
            }
            if Instant::now() >= deadline {
                return Ok(Vec::new());
            }
            self.link.turn(deadline).await?;
        }
    }

    fn not_idling(&self, command: &'static str) -> Error {
        Error::WrongState { command, needs: Requires::Idling, state: self.session().phase() }
    }

    pub(crate) async fn idle_done(&mut self) -> Result<Vec<Response<'static>>, Error> {
        let Some(tag) = self.idle_tag.take() else { return Err(self.not_idling("idle_done")) };
        self.session_mut().idle_done()?;
        // The session may have renewed the IDLE meanwhile: its own IDLE,
        // under a new tag, is the one that ends.
        let tag = self.session().idle_in_flight().unwrap_or(tag);
        self.wait(&tag).await?;
        Ok(self.unsolicited.drain(..).collect())
    }

    pub(crate) async fn namespace(&mut self) -> Result<Namespace<'static>, Error> {
        let done = self.run(Command::Namespace).await?;
        typed(&done.data, |d| match d {
            Data::Namespace(ns) => Some(ns.clone()),
            _ => None,
        })
        .into_iter()
        .next()
        .ok_or_else(|| Error::Protocol("NAMESPACE response of an unknown shape".into()))
    }

    pub(crate) async fn id(
        &mut self,
        fields: Option<Vec<(String, Option<String>)>>,
    ) -> Result<Vec<(String, Option<String>)>, Error> {
        let done = self.run(Command::Id(fields)).await?;
        // `* ID NIL` or `* ID ("name" "value" ...)`.
        Ok(typed(&done.data, |d| match d {
            Data::Id(params) => Some(params),
            _ => None,
        })
        .into_iter()
        .next()
        .map(|params| params.iter().map(|p| (text(&p.name), p.value.as_ref().map(text))).collect())
        .unwrap_or_default())
    }

    pub(crate) async fn enable(&mut self, capabilities: &[&str]) -> Result<Vec<String>, Error> {
        let done = self.run(Command::Enable(capabilities.iter().map(|c| c.to_string()).collect())).await?;
        Ok(typed(&done.data, |d| match d {
            Data::Enabled(caps) => Some(caps.iter().map(|c| c.to_string())),
            _ => None,
        })
        .into_iter()
        .flatten()
        .collect())
    }

    pub(crate) async fn enable_utf8_accept(&mut self) -> Result<bool, Error> {
        if !self.session().utf8_enabled() && self.has_capability("UTF8=ACCEPT").await? {
            self.enable(&["UTF8=ACCEPT"]).await?;
        }
        Ok(self.session().utf8_enabled())
    }

    pub(crate) async fn enable_imap4rev2(&mut self) -> Result<bool, Error> {
        if !self.session().is_enabled("IMAP4rev2") && self.has_capability("IMAP4rev2").await? {
            self.enable(&["IMAP4rev2"]).await?;
        }
        Ok(self.session().is_enabled("IMAP4rev2"))
    }

    #[allow(clippy::type_complexity)] // (name, value) pairs read plainly here
    pub(crate) async fn get_metadata(
        &mut self,
        mailbox: &str,
        entries: &[&str],
    ) -> Result<Vec<(String, Option<Vec<u8>>)>, Error> {
        self.get_metadata_with(mailbox, entries, None, MetadataDepth::Zero).await.map(|(values, _)| values)
    }

    #[allow(clippy::type_complexity)]
    pub(crate) async fn get_metadata_with(
        &mut self,
        mailbox: &str,
        entries: &[&str],
        max_size: Option<u64>,
        depth: MetadataDepth,
    ) -> Result<(Vec<(String, Option<Vec<u8>>)>, Option<u64>), Error> {
        let done = self
            .run(Command::GetMetadata {
                mailbox: mailbox.into(),
                entries: entries.iter().map(|e| e.to_string()).collect(),
                max_size,
                depth,
            })
            .await?;
        let values = typed(&done.data, |d| match d {
            Data::Metadata { values, .. } => {
                Some(values.iter().map(|v| (text(&v.name), v.value.as_ref().map(|v| v.as_bytes().to_vec()))))
            }
            _ => None,
        })
        .into_iter()
        .flatten()
        .collect();
        let long = match done.code {
            Some(Code::Metadata(MetadataCode::LongEntries(n))) => Some(n),
            _ => None,
        };
        Ok((values, long))
    }

    pub(crate) async fn set_metadata(&mut self, mailbox: &str, entries: &[(&str, Option<&[u8]>)]) -> Result<(), Error> {
        let entries = entries.iter().map(|(name, value)| (name.to_string(), value.map(<[u8]>::to_vec))).collect();
        self.run(Command::SetMetadata { mailbox: mailbox.into(), entries }).await.map(drop)
    }

    pub(crate) async fn add_gm_labels(
        &mut self,
        uids: impl Into<SeqSet>,
        labels: &[&str],
    ) -> Result<Vec<Fetch<'static>>, Error> {
        self.store_gm_labels(uids.into(), StoreMode::Add, labels).await
    }

    pub(crate) async fn remove_gm_labels(
        &mut self,
        uids: impl Into<SeqSet>,
        labels: &[&str],
    ) -> Result<Vec<Fetch<'static>>, Error> {
        self.store_gm_labels(uids.into(), StoreMode::Remove, labels).await
    }

    pub(crate) async fn set_gm_labels(
        &mut self,
        uids: impl Into<SeqSet>,
        labels: &[&str],
    ) -> Result<Vec<Fetch<'static>>, Error> {
        self.store_gm_labels(uids.into(), StoreMode::Replace, labels).await
    }

    async fn store_gm_labels(
        &mut self,
        set: SeqSet,
        mode: StoreMode,
        labels: &[&str],
    ) -> Result<Vec<Fetch<'static>>, Error> {
        let labels = labels.iter().map(|l| l.to_string()).collect();
        let done = self.run(Command::StoreGmLabels { set, mode, silent: false, labels, uid: self.use_uid }).await?;
        Ok(done
            .data
            .into_iter()
            .filter_map(|r| match r {
                Response::Data(Data::Fetch(fetch)) => Some(fetch),
                _ => None,
            })
            .collect())
    }

    pub(crate) async fn get_quota_root(&mut self, mailbox: &str) -> Result<(Vec<String>, Vec<Quota>), Error> {
        let done = self.run(Command::GetQuotaRoot { mailbox: mailbox.into() }).await?;
        let roots = typed(&done.data, |d| match d {
            Data::QuotaRoot { roots, .. } => Some(roots.iter().map(text).collect()),
            _ => None,
        })
        .into_iter()
        .next()
        .unwrap_or_default();
        Ok((roots, quotas(&done.data)))
    }

    pub(crate) async fn get_quota(&mut self, root: &str) -> Result<Vec<Quota>, Error> {
        let done = self.run(Command::GetQuota { root: root.into() }).await?;
        Ok(quotas(&done.data))
    }

    pub(crate) async fn get_acl(&mut self, mailbox: &str) -> Result<Vec<(String, String)>, Error> {
        let done = self.run(Command::GetAcl { mailbox: mailbox.into() }).await?;
        Ok(typed(&done.data, |d| match d {
            Data::Acl { entries, .. } => Some(entries.iter().map(|e| (text(&e.identifier), text(&e.rights)))),
            _ => None,
        })
        .into_iter()
        .next()
        .map(Iterator::collect)
        .unwrap_or_default())
    }

    pub(crate) async fn set_acl(&mut self, mailbox: &str, identifier: &str, rights: &str) -> Result<(), Error> {
        self.run(Command::SetAcl { mailbox: mailbox.into(), identifier: identifier.into(), rights: rights.into() })
            .await
            .map(drop)
    }

    pub(crate) async fn delete_acl(&mut self, mailbox: &str, identifier: &str) -> Result<(), Error> {
        self.run(Command::DeleteAcl { mailbox: mailbox.into(), identifier: identifier.into() }).await.map(drop)
    }

    pub(crate) async fn my_rights(&mut self, mailbox: &str) -> Result<String, Error> {
        let done = self.run(Command::MyRights { mailbox: mailbox.into() }).await?;
        typed(&done.data, |d| match d {
            Data::MyRights { rights, .. } => Some(text(rights)),
            _ => None,
        })
        .into_iter()
        .next()
        .ok_or_else(|| Error::Protocol("MYRIGHTS response of an unknown shape".into()))
    }

    pub(crate) async fn list_rights(&mut self, mailbox: &str, identifier: &str) -> Result<Vec<String>, Error> {
        let done = self.run(Command::ListRights { mailbox: mailbox.into(), identifier: identifier.into() }).await?;
        Ok(typed(&done.data, |d| match d {
            Data::ListRights { required, optional, .. } => {
                Some(std::iter::once(required).chain(optional).map(text).collect())
            }
            _ => None,
        })
        .into_iter()
        .next()
        .unwrap_or_default())
    }
}

/// What `pick` makes of each untagged response among `data`, in order.
fn typed<'d, T>(data: &'d [Response<'static>], mut pick: impl FnMut(&'d Data<'static>) -> Option<T>) -> Vec<T> {
    data.iter()
        .filter_map(|r| match r {
            Response::Data(d) => pick(d),
            _ => None,
        })
        .collect()
}

fn text(s: &IString<'_>) -> String {
    s.to_str_lossy().into_owned()
}

fn quotas(data: &[Response<'static>]) -> Vec<Quota> {
    typed(data, |d| match d {
        Data::Quota { root, resources } => Some(Quota::from_data(root, resources)),
        _ => None,
    })
}
