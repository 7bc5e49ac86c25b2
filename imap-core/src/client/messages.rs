//! Message operations: search, sort, thread, fetch, store, copy, move,
//! append, expunge. Message numbers are UIDs (the `UID` form of each command)
//! unless [`Client::set_use_uid`] turned that off, as in IMAPClient.

use super::engine::Engine;
use super::link::Link;
use super::results::ThreadNode;
use super::{AppendUid, CopyUid};
use crate::command::{
    AppendMessage, Command, FetchAttr, FetchItems, SearchKey, SeqSet, SortCriterion, StoreMode, ThreadAlgorithm,
};
use crate::session::{Error, Streamed};
use crate::types::{Data, DateTime, Fetch, Flag, Response, Search};

impl<L: Link> Engine<L> {
    pub(crate) fn set_use_uid(&mut self, use_uid: bool) {
        self.use_uid = use_uid;
    }

    pub(crate) async fn search(&mut self, criteria: SearchKey) -> Result<Vec<u32>, Error> {
        self.search_with_modseq(criteria).await.map(|found| found.ids)
    }

    pub(crate) async fn search_with_modseq(&mut self, criteria: SearchKey) -> Result<Search, Error> {
        let done = self.run(Command::Search { charset: None, criteria, uid: self.use_uid }).await?;
        // An ALL set names at most every message of the mailbox: a few bytes
        // of `1:4294967295` must not become 16 GiB of numbers.
        let most = u64::from(self.session().mailbox().map_or(0, |m| m.exists)).max(1 << 20);
        let mut found = Search::default();
        for response in done.data {
            let (ids, modseq) = match response {
                Response::Data(Data::Search(search)) => (search.ids, search.modseq),
                Response::Data(Data::ESearch(e)) => match e.all {
                    Some(all) if all.len() > most => {
                        return Err(Error::Protocol(format!("ESEARCH ALL of {} messages", all.len())))
                    }
                    Some(all) => (all.iter().collect(), e.modseq),
                    None => (Vec::new(), e.modseq),
                },
                _ => continue,
            };
            found.ids.extend(ids);
            found.modseq = found.modseq.max(modseq);
        }
        Ok(found)
    }

    pub(crate) async fn sort(&mut self, criteria: Vec<SortCriterion>, search: SearchKey) -> Result<Vec<u32>, Error> {
        let done = self.run(Command::Sort { criteria, charset: None, search, uid: self.use_uid }).await?;
        Ok(done
            .data
            .into_iter()
            .filter_map(|r| match r {
                Response::Data(Data::Sort(sort)) => Some(sort.ids),
                _ => None,
            })
            .flatten()
            .collect())
    }

    pub(crate) async fn thread(
        &mut self,
        algorithm: ThreadAlgorithm,
        search: SearchKey,
    ) -> Result<Vec<ThreadNode>, Error> {
        let ordered_subject = algorithm == ThreadAlgorithm::OrderedSubject;
        let done = self.run(Command::Thread { algorithm, charset: None, search, uid: self.use_uid }).await?;
        let mut threads = Vec::new();
        for response in &done.data {
            if let Response::Data(Data::Thread(list)) = response {
                threads.extend(ThreadNode::from_threads(list).ok_or_else(|| {
                    Error::Protocol(format!("THREAD tree deeper than {}", super::results::MAX_THREAD_DEPTH))
                })?);
            }
        }
        if ordered_subject {
            threads = threads.into_iter().map(ThreadNode::without_grandchildren).collect();
        }
        Ok(threads)
    }

    pub(crate) async fn fetch(
        &mut self,
        uids: impl Into<SeqSet>,
        items: impl Into<FetchItems>,
    ) -> Result<Vec<Fetch<'static>>, Error> {
        let done = self
            .run(Command::Fetch { set: uids.into(), items: items.into(), changed_since: None, uid: self.use_uid })
            .await?;
        Ok(fetches(done.data))
    }

    pub(crate) async fn fetch_binary(&mut self, uid: u32, part: &[u32]) -> Result<Option<Vec<u8>>, Error> {
        let attr = FetchAttr::Binary { part: part.to_vec(), partial: None, peek: true };
        let fetched = self.fetch(uid, vec![attr]).await?;
        Ok(fetched.iter().find_map(|f| f.binary(part).map(<[u8]>::to_vec)))
    }

    pub(crate) async fn fetch_each(
        &mut self,
        uids: impl Into<SeqSet>,
        items: impl Into<FetchItems>,
        mut each: impl FnMut(&Fetch<'_>),
    ) -> Result<usize, Error> {
        let command = Command::Fetch { set: uids.into(), items: items.into(), changed_since: None, uid: self.use_uid };
        self.learn_capabilities_for(&command).await?;
        let tag = self.session_mut().submit_streaming(command)?;
        let mut count = 0;
        let result = self
            .wait_streaming(&tag, &mut |streamed| {
                if let Streamed::Response { response: Response::Data(Data::Fetch(fetch)), .. } = streamed {
                    count += 1;
                    each(fetch);
                }
            })
            .await;
        result.map(|_| count)
    }

    pub(crate) async fn fetch_pipelined(
        &mut self,
        uids: &[u32],
        items: FetchItems,
        chunk: usize,
        in_flight: usize,
    ) -> Result<Vec<Fetch<'static>>, Error> {
        let mut chunks = uids.chunks(chunk.max(1)).map(|c| c.iter().copied().collect::<SeqSet>());
        let mut pending = std::collections::VecDeque::new();
        let mut out = Vec::new();
        loop {
            while pending.len() < in_flight.max(1) {
                let Some(set) = chunks.next() else { break };
                pending.push_back(
                    self.send(Command::Fetch { set, items: items.clone(), changed_since: None, uid: self.use_uid })
                        .await?,
                );
            }
            let Some(tag) = pending.pop_front() else { return Ok(out) };
            out.extend(fetches(self.wait(&tag).await?.data));
        }
    }

    pub(crate) async fn add_flags(
        &mut self,
        uids: impl Into<SeqSet>,
        flags: &[Flag<'static>],
    ) -> Result<Vec<Fetch<'static>>, Error> {
        self.store(uids.into(), StoreMode::Add, flags).await
    }

    pub(crate) async fn remove_flags(
        &mut self,
        uids: impl Into<SeqSet>,
        flags: &[Flag<'static>],
    ) -> Result<Vec<Fetch<'static>>, Error> {
        self.store(uids.into(), StoreMode::Remove, flags).await
    }

    pub(crate) async fn set_flags(
        &mut self,
        uids: impl Into<SeqSet>,
        flags: &[Flag<'static>],
    ) -> Result<Vec<Fetch<'static>>, Error> {
        self.store(uids.into(), StoreMode::Replace, flags).await
    }

    async fn store(
        &mut self,
        set: SeqSet,
        mode: StoreMode,
        flags: &[Flag<'static>],
    ) -> Result<Vec<Fetch<'static>>, Error> {
        let done = self
            .run(Command::Store {
                set,
                mode,
                silent: false,
                flags: flags.to_vec(),
                unchanged_since: None,
                uid: self.use_uid,
            })
            .await?;
        Ok(fetches(done.data))
    }

    pub(crate) async fn delete_messages(&mut self, uids: impl Into<SeqSet>) -> Result<(), Error> {
        self.add_flags(uids, &[Flag::Deleted]).await.map(drop)
    }

    pub(crate) async fn expunge(&mut self) -> Result<Vec<u32>, Error> {
        let done = self.run(Command::Expunge).await?;
        Ok(expunged(&done.data))
    }

    pub(crate) async fn uid_expunge(&mut self, uids: impl Into<SeqSet>) -> Result<Vec<u32>, Error> {
        let done = self.run(Command::UidExpunge(uids.into())).await?;
        Ok(expunged(&done.data))
    }

    pub(crate) async fn copy(&mut self, uids: impl Into<SeqSet>, folder: &str) -> Result<Option<CopyUid>, Error> {
        let done = self.run(Command::Copy { set: uids.into(), mailbox: folder.into(), uid: self.use_uid }).await?;
        Ok(CopyUid::from_code(done.code.as_ref()))
    }

    pub(crate) async fn move_messages(
        &mut self,
        uids: impl Into<SeqSet>,
        folder: &str,
    ) -> Result<Option<CopyUid>, Error> {
        let set = uids.into();
        if !self.has_capability("MOVE").await? {
            return self.move_by_copy(set, folder).await;
        }
        let done = self.run(Command::Move { set, mailbox: folder.into(), uid: self.use_uid }).await?;
        // COPYUID comes in an untagged OK before the EXPUNGEs (RFC 6851 4.3).
        let from_untagged = done.data.iter().find_map(|r| match r {
            Response::Data(Data::Condition(c)) => CopyUid::from_code(c.code.as_ref()),
            _ => None,
        });
        let unsolicited_code = self.unsolicited.iter().rev().find_map(|r| match r {
            Response::Data(Data::Condition(c)) => CopyUid::from_code(c.code.as_ref()),
            _ => None,
        });
        Ok(CopyUid::from_code(done.code.as_ref()).or(from_untagged).or(unsolicited_code))
    }

    pub(crate) async fn move_by_copy(
        &mut self,
        uids: impl Into<SeqSet>,
        folder: &str,
    ) -> Result<Option<CopyUid>, Error> {
        if !self.use_uid || !self.has_capability("UIDPLUS").await? {
            return Err(Error::MissingCapability { command: "MOVE", capability: "MOVE or UIDPLUS (with UIDs)" });
        }
        let set = uids.into();
        let copied = self.copy(set.clone(), folder).await?;
        self.add_flags(set.clone(), &[Flag::Deleted]).await?;
        self.uid_expunge(set).await?;
        Ok(copied)
    }

    pub(crate) async fn append(
        &mut self,
        folder: &str,
        message: &[u8],
        flags: &[Flag<'static>],
        date: Option<DateTime>,
    ) -> Result<Option<AppendUid>, Error> {
        let message = AppendMessage { flags: flags.to_vec(), date, ..AppendMessage::new(message.to_vec()) };
        let done = self.run(Command::Append { mailbox: folder.into(), messages: vec![message] }).await?;
        Ok(AppendUid::from_code(done.code.as_ref()))
    }

    pub(crate) async fn append_many(&mut self, folder: &str, messages: Vec<AppendMessage>) -> Result<(), Error> {
        if self.has_capability("MULTIAPPEND").await? {
            return self.run(Command::Append { mailbox: folder.into(), messages }).await.map(drop);
        }
        let commands = messages.into_iter().map(|m| Command::Append { mailbox: folder.into(), messages: vec![m] });
        self.pipeline(commands.collect()).await.into_iter().try_for_each(|r| r.map(drop))
    }
}

fn fetches(data: Vec<Response<'static>>) -> Vec<Fetch<'static>> {
    data.into_iter()
        .filter_map(|r| match r {
            Response::Data(Data::Fetch(fetch)) => Some(fetch),
            _ => None,
        })
        .collect()
}

fn expunged(data: &[Response<'static>]) -> Vec<u32> {
    data.iter()
        .filter_map(|r| match r {
            Response::Data(Data::Expunge(n)) => Some(*n),
            _ => None,
        })
        .collect()
}
