//! Streaming large message data: literal payloads go to the caller as they
//! arrive instead of being held in memory (issue 5, item 4).

use super::Client;
use crate::command::{Command, FetchAttr, FetchItems, Section, SeqSet};
use crate::session::{Error, Streamed};
use crate::types::{Data, Fetch, FetchItem, Response};
use crate::wire::{Frame, LiteralChunk};
use std::io::Write;

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

impl Client {
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
    pub fn fetch_streamed(
        &mut self,
        uids: impl Into<SeqSet>,
        items: impl Into<FetchItems>,
        threshold: u64,
        mut each: impl FnMut(FetchPart<'_>),
    ) -> Result<usize, Error> {
        let command = Command::Fetch { set: uids.into(), items: items.into(), changed_since: None, uid: self.use_uid };
        self.learn_capabilities_for(&command)?;
        let tag = self.session_mut().submit_streaming_literals(command, threshold)?;
        let mut count = 0;
        let result = self.wait_streaming(&tag, &mut |streamed| match streamed {
            Streamed::Literal(chunk) => each(FetchPart::Literal(chunk)),
            Streamed::Response { response: Response::Data(Data::Fetch(fetch)), frame } => {
                count += 1;
                each(FetchPart::Fetch { fetch, frame });
            }
            _ => {}
        });
        result.map(|_| count)
    }

    /// `BODY.PEEK[section]` of one message (a UID, or a sequence number
    /// after [`set_use_uid(false)`](Client::set_use_uid)) written to `out`
    /// as it arrives: a 100 MB message goes to a file with a few MiB of
    /// memory. Returns the bytes written.
    ///
    /// Fails with [`Error::Sink`] if writing fails (the rest of the data is
    /// read and dropped, so the session goes on), and with
    /// [`Error::Protocol`] if the server sent no such message or streamed
    /// more than one literal for it (the bytes already written are then not
    /// the section alone).
    ///
    /// ```no_run
    /// use imap_core::client::{Client, ClientOptions, TlsMode};
    /// use imap_core::command::Section;
    ///
    /// let mut client = Client::connect("imap.example.com", 993, TlsMode::Implicit, &ClientOptions::default())?;
    /// client.login("user", "password")?;
    /// client.select_folder("INBOX", true)?;
    /// let mut file = std::io::BufWriter::new(std::fs::File::create("message.eml").unwrap());
    /// let written = client.fetch_body_to(42, Section::full(), &mut file)?;
    /// println!("{written} bytes");
    /// # Ok::<(), imap_core::session::Error>(())
    /// ```
    pub fn fetch_body_to(&mut self, uid: u32, section: Section<'static>, out: &mut impl Write) -> Result<u64, Error> {
        let items = vec![FetchAttr::Uid, FetchAttr::BodySection { section, partial: None, peek: true }];
        let mut written = 0u64;
        let mut failed: Option<std::io::Error> = None;
        // Responses whose literals went to `out`, and the ones that then
        // turned out to be this message's.
        let (mut streamed_from, mut matched) = (Vec::new(), 0usize);
        let mut write = |bytes: &[u8], written: &mut u64| {
            if failed.is_none() {
                match out.write_all(bytes) {
                    Ok(()) => *written += bytes.len() as u64,
                    Err(e) => failed = Some(e),
                }
            }
        };
        let mut fetches = 0;
        self.fetch_streamed(uid, items, 1, |part| match part {
            FetchPart::Literal(chunk) => {
                if chunk.left + chunk.bytes.len() as u64 == chunk.size {
                    // The first chunk of a literal.
                    streamed_from.push(chunk.response);
                }
                write(chunk.bytes, &mut written);
            }
            FetchPart::Fetch { fetch, frame } => {
                fetches += 1;
                let streamed = frame.literals().iter().filter(|l| l.streamed.is_some()).count();
                matched += streamed;
                if streamed == 0 {
                    // Small enough to come as a quoted string, or NIL.
                    if let Some(data) = fetch.items.iter().find_map(|i| match i {
                        FetchItem::BodySection { data, .. } => Some(data.as_ref().map_or(&[][..], |d| d.as_bytes())),
                        _ => None,
                    }) {
                        write(data, &mut written);
                    }
                }
            }
        })?;
        if let Some(e) = failed {
            return Err(Error::Sink(e.to_string()));
        }
        if fetches == 0 {
            return Err(Error::Protocol(format!("the server sent no FETCH response for message {uid}")));
        }
        if streamed_from.len() > 1 || matched != streamed_from.len() {
            return Err(Error::Protocol(format!(
                "{} literals were streamed for message {uid}, {matched} of them in its FETCH responses",
                streamed_from.len()
            )));
        }
        out.flush().map_err(|e| Error::Sink(e.to_string()))?;
        Ok(written)
    }
}
