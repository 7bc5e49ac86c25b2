//! Extension commands: IDLE, NAMESPACE, ID, ENABLE, QUOTA, ACL, METADATA,
//! Gmail's labels.

use super::{Client, Quota};
use crate::command::{Command, MetadataDepth, Requires, SeqSet, StoreMode};
use crate::session::{Error, Event};
use crate::types::{Code, Data, Fetch, IString, MetadataCode, Namespace, Response};
use std::time::{Duration, Instant};

pub use crate::session::{IDLE_ANSWER, IDLE_RENEW};

impl Client {
    /// Starts IDLE (RFC 2177): returns once the server accepted it.
    ///
    /// Needs the server capability `IDLE`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn idle(&mut self) -> Result<(), Error> {
        let tag = self.send(Command::Idle)?;
        let deadline = super::deadline_after(self.options.command_timeout);
        loop {
            while let Some(event) = self.session_mut().poll_event() {
                match event {
                    Event::Idling(t) if t == tag => {
                        self.idle_tag = Some(tag);
                        return Ok(());
                    }
                    Event::Completed { tag: t, result } if t == tag => {
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
            self.turn(deadline)?;
        }
    }

    /// While idling: waits up to `timeout` for the server to say something,
    /// and returns what it said (possibly nothing). The session renews the
    /// IDLE every [`IDLE_RENEW`] by itself, so any timeout is fine.
    pub fn idle_wait(&mut self, timeout: Duration) -> Result<Vec<Response<'static>>, Error> {
        if self.idle_tag.is_none() {
            return Err(self.not_idling("idle_wait"));
        }
        let deadline = super::deadline_after(timeout);
        loop {
            self.drain_events();
            if !self.unsolicited.is_empty() {
                return Ok(self.unsolicited.drain(..).collect());
            }
            if let Some(error) = self.closed_error() {
                return Err(error);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(Vec::new());
            }
            self.reactor.turn(Some(deadline - now)).map_err(|e| Error::Io(e.into()))?;
        }
    }

    fn not_idling(&self, command: &'static str) -> Error {
        Error::WrongState { command, needs: Requires::Idling, state: self.session().phase() }
    }

    /// Ends IDLE (DONE) and returns what the server said until it completed.
    pub fn idle_done(&mut self) -> Result<Vec<Response<'static>>, Error> {
        let Some(tag) = self.idle_tag.take() else { return Err(self.not_idling("idle_done")) };
        self.session_mut().idle_done()?;
        self.wait(&tag)?;
        Ok(self.unsolicited.drain(..).collect())
    }

    /// NAMESPACE (RFC 2342).
    ///
    /// Needs the server capability `NAMESPACE`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn namespace(&mut self) -> Result<Namespace<'static>, Error> {
        let done = self.run(Command::Namespace)?;
        typed(&done.data, |d| match d {
            Data::Namespace(ns) => Some(ns.clone()),
            _ => None,
        })
        .into_iter()
        .next()
        .ok_or_else(|| Error::Protocol("NAMESPACE response of an unknown shape".into()))
    }

    /// ID (RFC 2971): sends the client's fields (or NIL) and returns the server's.
    ///
    /// Needs the server capability `ID`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn id(
        &mut self,
        fields: Option<Vec<(String, Option<String>)>>,
    ) -> Result<Vec<(String, Option<String>)>, Error> {
        let done = self.run(Command::Id(fields))?;
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

    /// ENABLE (RFC 5161): returns the capabilities the server enabled.
    ///
    /// Needs the server capability `ENABLE`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn enable(&mut self, capabilities: &[&str]) -> Result<Vec<String>, Error> {
        let done = self.run(Command::Enable(capabilities.iter().map(|c| c.to_string()).collect()))?;
        Ok(typed(&done.data, |d| match d {
            Data::Enabled(caps) => Some(caps.iter().map(|c| c.to_string())),
            _ => None,
        })
        .into_iter()
        .flatten()
        .collect())
    }

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
    pub fn enable_utf8_accept(&mut self) -> Result<bool, Error> {
        if !self.session().utf8_enabled() && self.has_capability("UTF8=ACCEPT")? {
            self.enable(&["UTF8=ACCEPT"])?;
        }
        Ok(self.session().utf8_enabled())
    }

    /// ENABLE IMAP4rev2 (RFC 9051) if the server offers it, and returns
    /// whether it is on. Then the Client handles rev2's differences:
    /// mailbox names are UTF-8 both ways (as with UTF8=ACCEPT), SEARCH
    /// answers come ESEARCH-shaped and [`search`](Client::search) reads
    /// them, STATUS has `DELETED` and no `RECENT`, LIST may mark names
    /// `\NonExistent`.
    pub fn enable_imap4rev2(&mut self) -> Result<bool, Error> {
        if !self.session().is_enabled("IMAP4rev2") && self.has_capability("IMAP4rev2")? {
            self.enable(&["IMAP4rev2"])?;
        }
        Ok(self.session().is_enabled("IMAP4rev2"))
    }

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
    #[allow(clippy::type_complexity)] // (name, value) pairs read plainly here
    pub fn get_metadata(&mut self, mailbox: &str, entries: &[&str]) -> Result<Vec<(String, Option<Vec<u8>>)>, Error> {
        self.get_metadata_with(mailbox, entries, None, MetadataDepth::Zero).map(|(values, _)| values)
    }

    /// GETMETADATA with its options (RFC 5464 section 4.2): values longer
    /// than `max_size` are left out, and the second part of the result is
    /// then the size of the longest left out (`[METADATA LONGENTRIES n]`);
    /// `depth` takes the entries' children too.
    #[allow(clippy::type_complexity)]
    pub fn get_metadata_with(
        &mut self,
        mailbox: &str,
        entries: &[&str],
        max_size: Option<u64>,
        depth: MetadataDepth,
    ) -> Result<(Vec<(String, Option<Vec<u8>>)>, Option<u64>), Error> {
        let done = self.run(Command::GetMetadata {
            mailbox: mailbox.into(),
            entries: entries.iter().map(|e| e.to_string()).collect(),
            max_size,
            depth,
        })?;
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

    /// SETMETADATA (RFC 5464 section 4.3): sets entries of `mailbox` (`""`
    /// for the server); `None` removes one. A refusal is
    /// [`Error::No`] with `Code::Metadata` (`MAXSIZE`, `TOOMANY`,
    /// `NOPRIVATE`) when the server says why.
    pub fn set_metadata(&mut self, mailbox: &str, entries: &[(&str, Option<&[u8]>)]) -> Result<(), Error> {
        let entries = entries.iter().map(|(name, value)| (name.to_string(), value.map(<[u8]>::to_vec))).collect();
        self.run(Command::SetMetadata { mailbox: mailbox.into(), entries }).map(drop)
    }

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
    pub fn add_gm_labels(&mut self, uids: impl Into<SeqSet>, labels: &[&str]) -> Result<Vec<Fetch<'static>>, Error> {
        self.store_gm_labels(uids.into(), StoreMode::Add, labels)
    }

    /// UID STORE -X-GM-LABELS (Gmail): removes labels; returns the labels
    /// afterwards.
    ///
    /// Needs the server capability `X-GM-EXT-1`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn remove_gm_labels(&mut self, uids: impl Into<SeqSet>, labels: &[&str]) -> Result<Vec<Fetch<'static>>, Error> {
        self.store_gm_labels(uids.into(), StoreMode::Remove, labels)
    }

    /// UID STORE X-GM-LABELS (Gmail): replaces the labels; returns them
    /// afterwards.
    ///
    /// Needs the server capability `X-GM-EXT-1`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn set_gm_labels(&mut self, uids: impl Into<SeqSet>, labels: &[&str]) -> Result<Vec<Fetch<'static>>, Error> {
        self.store_gm_labels(uids.into(), StoreMode::Replace, labels)
    }

    fn store_gm_labels(&mut self, set: SeqSet, mode: StoreMode, labels: &[&str]) -> Result<Vec<Fetch<'static>>, Error> {
        let labels = labels.iter().map(|l| l.to_string()).collect();
        let done = self.run(Command::StoreGmLabels { set, mode, silent: false, labels, uid: self.use_uid })?;
        Ok(done
            .data
            .into_iter()
            .filter_map(|r| match r {
                Response::Data(Data::Fetch(fetch)) => Some(fetch),
                _ => None,
            })
            .collect())
    }

    /// GETQUOTAROOT (RFC 9208): the quota roots of a mailbox and their quotas.
    ///
    /// Needs the server capability `QUOTA`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn get_quota_root(&mut self, mailbox: &str) -> Result<(Vec<String>, Vec<Quota>), Error> {
        let done = self.run(Command::GetQuotaRoot { mailbox: mailbox.into() })?;
        let roots = typed(&done.data, |d| match d {
            Data::QuotaRoot { roots, .. } => Some(roots.iter().map(text).collect()),
            _ => None,
        })
        .into_iter()
        .next()
        .unwrap_or_default();
        Ok((roots, quotas(&done.data)))
    }

    /// GETQUOTA (RFC 9208): the resources of a quota root.
    ///
    /// Needs the server capability `QUOTA`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn get_quota(&mut self, root: &str) -> Result<Vec<Quota>, Error> {
        let done = self.run(Command::GetQuota { root: root.into() })?;
        Ok(quotas(&done.data))
    }

    /// GETACL (RFC 4314): `(identifier, rights)` pairs of a mailbox.
    ///
    /// Needs the server capability `ACL`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn get_acl(&mut self, mailbox: &str) -> Result<Vec<(String, String)>, Error> {
        let done = self.run(Command::GetAcl { mailbox: mailbox.into() })?;
        Ok(typed(&done.data, |d| match d {
            Data::Acl { entries, .. } => Some(entries.iter().map(|e| (text(&e.identifier), text(&e.rights)))),
            _ => None,
        })
        .into_iter()
        .next()
        .map(Iterator::collect)
        .unwrap_or_default())
    }

    /// SETACL (RFC 4314).
    ///
    /// Needs the server capability `ACL`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn set_acl(&mut self, mailbox: &str, identifier: &str, rights: &str) -> Result<(), Error> {
        self.run(Command::SetAcl { mailbox: mailbox.into(), identifier: identifier.into(), rights: rights.into() })
            .map(drop)
    }

    /// DELETEACL (RFC 4314).
    ///
    /// Needs the server capability `ACL`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn delete_acl(&mut self, mailbox: &str, identifier: &str) -> Result<(), Error> {
        self.run(Command::DeleteAcl { mailbox: mailbox.into(), identifier: identifier.into() }).map(drop)
    }

    /// MYRIGHTS (RFC 4314): the rights the user has on a mailbox.
    ///
    /// Needs the server capability `ACL`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn my_rights(&mut self, mailbox: &str) -> Result<String, Error> {
        let done = self.run(Command::MyRights { mailbox: mailbox.into() })?;
        typed(&done.data, |d| match d {
            Data::MyRights { rights, .. } => Some(text(rights)),
            _ => None,
        })
        .into_iter()
        .next()
        .ok_or_else(|| Error::Protocol("MYRIGHTS response of an unknown shape".into()))
    }

    /// LISTRIGHTS (RFC 4314): rights always granted, then the optional groups.
    ///
    /// Needs the server capability `ACL`; without it, nothing is sent
    /// ([`Error::MissingCapability`]).
    pub fn list_rights(&mut self, mailbox: &str, identifier: &str) -> Result<Vec<String>, Error> {
        let done = self.run(Command::ListRights { mailbox: mailbox.into(), identifier: identifier.into() })?;
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
