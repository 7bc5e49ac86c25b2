//! Streaming large message data: literal payloads go to the caller as they
//! arrive instead of being held in memory (issue 5, item 4).

use super::engine::{deadline_after, Engine};
use super::link::Link;
use crate::command::{Command, FetchAttr, FetchItems, Section, SeqSet};
use crate::session::{Error, Streamed, Tag};
use crate::types::{Data, Fetch, FetchItem, Response};
use crate::wire::{Frame, LiteralChunk};
use std::future::Future;
use std::io::Write;

#[cfg(doc)]
use super::Client;

/// What [`Client::fetch_streamed`] hands out, in the order it arrives.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum FetchPart<'r> {
    /// The next bytes of a streamed literal (a `BODY[...]`, `RFC822`,
    /// `BINARY[...]` of at least the threshold's size). Chunks of one literal
    /// come in order, with the same [`LiteralChunk::response`]; the last has
    /// `left == 0`.
    Literal(&'r LiteralChunk<'r>),
    /// A message's FETCH response, complete once its literals have gone out.
    /// A streamed item is there with an empty value; `frame.literals()` says
    /// which ones were streamed ([`LiteralRef::streamed`](crate::wire::LiteralRef::streamed))
    /// and `frame.offset()` matches their chunks' `response`.
    Fetch {
        /// The typed response, borrowed from the read buffer.
        fetch: &'r Fetch<'r>,
        /// The frame it was parsed from.
        frame: &'r Frame<'r>,
    },
}

impl<L: Link> Engine<L> {
    /// Submits a FETCH whose literals of at least `threshold` bytes are streamed.
    async fn submit_streamed(&mut self, set: SeqSet, items: FetchItems, threshold: u64) -> Result<Tag, Error> {
        let command = Command::Fetch { set, items, changed_since: None, uid: self.use_uid };
        self.learn_capabilities_for(&command).await?;
        self.session_mut().submit_streaming_literals(command, threshold)
    }

    pub(crate) async fn fetch_streamed(
        &mut self,
        uids: impl Into<SeqSet>,
        items: impl Into<FetchItems>,
        threshold: u64,
        mut each: impl FnMut(FetchPart<'_>),
    ) -> Result<usize, Error> {
        let tag = self.submit_streamed(uids.into(), items.into(), threshold).await?;
        let mut count = 0;
        let result = self
            .wait_streaming(&tag, &mut |streamed| match streamed {
                Streamed::Literal(chunk) => each(FetchPart::Literal(chunk)),
                Streamed::Response { response: Response::Data(Data::Fetch(fetch)), frame } => {
                    count += 1;
                    each(FetchPart::Fetch { fetch, frame });
                }
                _ => {}
            })
            .await;
        result.map(|_| count)
    }

    /// The body of `fetch_body_to`, over either front's writer. What one
    /// round of the session hands out is gathered, then written while no
    /// read is in progress, so an async writer can be awaited; memory stays
    /// bounded by one round's data.
    pub(crate) async fn fetch_body_to(
        &mut self,
        uid: u32,
        section: Section<'static>,
        out: &mut impl BodySink,
    ) -> Result<u64, Error> {
        let items = vec![FetchAttr::Uid, FetchAttr::BodySection { section, partial: None, peek: true }];
        let tag = self.submit_streamed(uid.into(), items.into(), 1).await?;
        self.begin_wait(&tag);
        let mut body = Body::default();
        let (mut written, mut failed) = (0u64, None);
        let mut deadline = deadline_after(self.options.command_timeout);
        let result = loop {
            let done = self.stream_round(&tag, &mut |streamed| body.take(streamed), &mut deadline);
            if !body.pending.is_empty() {
                if failed.is_none() {
                    // After a failed write the rest is read and dropped, so the session goes on.
                    match out.write_all(&body.pending).await {
                        Ok(()) => written += body.pending.len() as u64,
                        Err(e) => failed = Some(e),
                    }
                }
                body.pending.clear();
            }
            if let Some(result) = done {
                break result;
            }
            self.turn(deadline).await?;
        };
        result?;
        if let Some(e) = failed {
            return Err(Error::Sink(e.to_string()));
        }
        body.check(uid)?;
        out.flush().await.map_err(|e| Error::Sink(e.to_string()))?;
        Ok(written)
    }
}

/// Where `fetch_body_to` writes: a `std::io::Write` on the blocking front,
/// a tokio `AsyncWrite` on the async one.
pub(crate) trait BodySink {
    fn write_all<'a>(&'a mut self, bytes: &'a [u8]) -> impl Future<Output = std::io::Result<()>> + Send + 'a;

    fn flush(&mut self) -> impl Future<Output = std::io::Result<()>> + Send;
}

/// A blocking writer as a [`BodySink`] (its futures are ready at once).
pub(crate) struct WriteSink<'w, W>(pub(crate) &'w mut W);

impl<W: Write> BodySink for WriteSink<'_, W> {
    fn write_all<'a>(&'a mut self, bytes: &'a [u8]) -> impl Future<Output = std::io::Result<()>> + Send + 'a {
        std::future::ready(self.0.write_all(bytes))
    }

    fn flush(&mut self) -> impl Future<Output = std::io::Result<()>> + Send {
        std::future::ready(self.0.flush())
    }
}

/// What `fetch_body_to` has seen of its one message.
#[derive(Default)]
struct Body {
    /// Bytes of the section not yet written.
    pending: Vec<u8>,
    /// Responses whose literals were streamed out.
    streamed_from: Vec<u64>,
    /// Streamed literals that turned out to be in FETCH responses.
    matched: usize,
    fetches: usize,
}

impl Body {
    fn take(&mut self, streamed: Streamed<'_>) {
        match streamed {
            Streamed::Literal(chunk) => {
                if chunk.left + chunk.bytes.len() as u64 == chunk.size {
                    // The first chunk of a literal.
                    self.streamed_from.push(chunk.response);
                }
                self.pending.extend_from_slice(chunk.bytes);
            }
            Streamed::Response { response: Response::Data(Data::Fetch(fetch)), frame } => {
                self.fetches += 1;
                let streamed = frame.literals().iter().filter(|l| l.streamed.is_some()).count();
                self.matched += streamed;
                if streamed == 0 {
                    // Small enough to come as a quoted string, or NIL.
                    if let Some(data) = fetch.items.iter().find_map(|i| match i {
                        FetchItem::BodySection { data, .. } => Some(data.as_ref().map_or(&[][..], |d| d.as_bytes())),
                        _ => None,
                    }) {
                        self.pending.extend_from_slice(data);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether what came was the section of message `uid`, and it alone.
    fn check(&self, uid: u32) -> Result<(), Error> {
        if self.fetches == 0 {
            return Err(Error::Protocol(format!("the server sent no FETCH response for message {uid}")));
        }
        if self.streamed_from.len() > 1 || self.matched != self.streamed_from.len() {
            return Err(Error::Protocol(format!(
                "{} literals were streamed for message {uid}, {} of them in its FETCH responses",
                self.streamed_from.len(),
                self.matched
            )));
        }
        Ok(())
    }
}
