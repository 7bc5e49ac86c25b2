//! Parser benchmarks: imap-core side by side with `imap-proto` and `imap-codec`.
//!
//! [`corpus`] generates the server output every parser reads; [`Parser`]
//! runs one parser over a whole corpus, building each parser's full typed
//! model of every response (passed through [`std::hint::black_box`]) and
//! counting the responses. Both the criterion bench (`benches/parse.rs`) and
//! the `compare` binary use them; see `README.md`. [`e2e`] holds the
//! end-to-end benchmark against a real Dovecot (`src/bin/e2e.rs`); [`memory`]
//! reads the process's memory figures for the `stream` and `scale` binaries;
//! [`soak`] is the soak under faults (`src/bin/soak.rs`): sessions looping
//! through a fault-injecting proxy to Dovecot.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod corpus;
pub mod e2e;
pub mod memory;
pub mod soak;

use std::fmt;
use std::hint::black_box;

/// One of the parsers compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Parser {
    /// This workspace's parser: `imap_core::parse::parse_buffer` (framing, then pest over runs of responses).
    ImapCore,
    /// imap-core as a session reads a socket: the streaming `Framer` fed
    /// 4 KiB at a time, the responses each read completes parsed as a run.
    ImapCoreChunked,
    /// `imap-proto` (nom): `imap_proto::Response::parse`, looped.
    ImapProto,
    /// `imap-codec` (nom): `ResponseCodec::decode`, looped.
    ImapCodec,
}

impl Parser {
    /// Every parser, imap-core first.
    pub const ALL: [Parser; 4] = [Parser::ImapCore, Parser::ImapCoreChunked, Parser::ImapProto, Parser::ImapCodec];

    /// Whether this is a peer (not imap-core in one of its modes).
    pub fn is_peer(self) -> bool {
        matches!(self, Parser::ImapProto | Parser::ImapCodec)
    }

    /// The crate's name: `imap-core`, `imap-proto` or `imap-codec`.
    pub fn name(self) -> &'static str {
        match self {
            Parser::ImapCore => "imap-core",
            Parser::ImapCoreChunked => "imap-core-4k",
            Parser::ImapProto => "imap-proto",
            Parser::ImapCodec => "imap-codec",
        }
    }

    /// The version measured (the peers are pinned with `=` in `Cargo.toml`).
    pub fn version(self) -> &'static str {
        match self {
            Parser::ImapCore | Parser::ImapCoreChunked => "workspace",
            Parser::ImapProto => "0.17.0",
            Parser::ImapCodec => "1.0.0",
        }
    }

    /// Parses all of `input`, a complete server byte stream, into typed
    /// responses; returns how many there were, or the first failure.
    pub fn run(self, input: &[u8]) -> Result<usize, Failure> {
        match self {
            Parser::ImapCore => imap_core(input),
            Parser::ImapCoreChunked => imap_core_chunked(input),
            Parser::ImapProto => imap_proto(input),
            Parser::ImapCodec => imap_codec(input),
        }
    }
}

impl fmt::Display for Parser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A parser failed on a corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The parser that failed.
    pub parser: Parser,
    /// How many responses it had parsed before.
    pub parsed: usize,
    /// The byte offset in the input of the response it failed on.
    pub offset: usize,
    /// What went wrong, in the parser's words.
    pub message: String,
    /// The start of the failing response (at most 300 bytes, lossy UTF-8).
    pub excerpt: String,
}

impl Failure {
    fn new(parser: Parser, input: &[u8], parsed: usize, offset: usize, message: String) -> Self {
        let rest = &input[offset.min(input.len())..];
        let excerpt = String::from_utf8_lossy(&rest[..rest.len().min(300)]).into_owned();
        Failure { parser, parsed, offset, message, excerpt }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed on response #{} (byte {}): {}\n  {:?}",
            self.parser,
            self.parsed + 1,
            self.offset,
            self.message,
            self.excerpt
        )
    }
}

impl std::error::Error for Failure {}

/// Counts imap-core's responses and keeps its first failure. The whole-buffer
/// and the chunked run hand every outcome to the same out-of-line
/// [`take`](Tally::take), so that what follows the parser (keeping, then
/// dropping, each response) is one piece of code for both, and the ratio
/// between them measures how the bytes are framed, not where two copies of
/// the same consumer happened to be placed.
struct Tally<'i> {
    parser: Parser,
    input: &'i [u8],
    count: usize,
    failure: Option<Failure>,
}

impl<'i> Tally<'i> {
    fn new(parser: Parser, input: &'i [u8]) -> Self {
        Tally { parser, input, count: 0, failure: None }
    }

    #[inline(never)]
    fn take(&mut self, outcome: Result<imap_core::Response<'_>, imap_core::parse::BufferError>) {
        match outcome {
            Ok(response) => {
                black_box(response);
                self.count += 1;
            }
            Err(e) if self.failure.is_none() => {
                let offset = match &e {
                    imap_core::parse::BufferError::Frame(e) => e.offset,
                    imap_core::parse::BufferError::Parse(e) => e.offset,
                };
                let offset = usize::try_from(offset).unwrap_or(usize::MAX);
                self.failure = Some(Failure::new(self.parser, self.input, self.count, offset, e.to_string()));
            }
            Err(_) => {}
        }
    }

    fn result(self) -> Result<usize, Failure> {
        self.failure.map_or(Ok(self.count), Err)
    }
}

fn imap_core(input: &[u8]) -> Result<usize, Failure> {
    let mut tally = Tally::new(Parser::ImapCore, input);
    imap_core::parse::parse_buffer(input, imap_core::wire::Limits::default(), |outcome| tally.take(outcome));
    tally.result()
}

fn imap_core_chunked(input: &[u8]) -> Result<usize, Failure> {
    let mut tally = Tally::new(Parser::ImapCoreChunked, input);
    let mut framer = imap_core::wire::Framer::new(imap_core::wire::Limits::default());
    for chunk in input.chunks(4096) {
        framer.feed(chunk);
        while let Some(run) = framer.next_run() {
            imap_core::parse::parse_frames(run.bytes, run.items, |parsed| tally.take(parsed.into_result()));
        }
    }
    tally.result()
}

fn imap_proto(input: &[u8]) -> Result<usize, Failure> {
    let mut count = 0;
    let mut rest = input;
    while !rest.is_empty() {
        match imap_proto::Response::parse(rest) {
            Ok((next, response)) => {
                black_box(response);
                rest = next;
                count += 1;
            }
            Err(e) => {
                // The error holds the remaining input: print only its kind.
                let message = match e {
                    nom::Err::Incomplete(needed) => format!("incomplete ({needed:?})"),
                    nom::Err::Error(e) | nom::Err::Failure(e) => {
                        format!("{:?} at byte {}", e.code, offset(input, e.input))
                    }
                };
                return Err(Failure::new(Parser::ImapProto, input, count, offset(input, rest), message));
            }
        }
    }
    Ok(count)
}

fn imap_codec(input: &[u8]) -> Result<usize, Failure> {
    use imap_codec::decode::Decoder;

    let codec = imap_codec::ResponseCodec::default();
    let mut count = 0;
    let mut rest = input;
    while !rest.is_empty() {
        match codec.decode(rest) {
            Ok((next, response)) => {
                black_box(response);
                rest = next;
                count += 1;
            }
            Err(e) => {
                return Err(Failure::new(Parser::ImapCodec, input, count, offset(input, rest), format!("{e:?}")));
            }
        }
    }
    Ok(count)
}

/// Where `rest`, a suffix of `input`, starts in it.
fn offset(input: &[u8], rest: &[u8]) -> usize {
    input.len() - rest.len()
}
