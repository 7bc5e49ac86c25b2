//! COMPRESS=DEFLATE (RFC 4978): raw DEFLATE (RFC 1951, no zlib header) in
//! both directions, between the connection's plaintext and the transport
//! (TCP, or TLS when TLS is on: compression sits inside TLS).
//!
//! Output: what the connection queues is compressed in batches of at most
//! [`BATCH`] bytes, each ended with a sync flush (`Z_SYNC_FLUSH`), so the
//! server can inflate every byte written so far (RFC 4978 section 4). A new
//! batch is taken only once the compressed bytes of the last one are mostly
//! written: the compressed backlog stays bounded and write back-pressure
//! reaches the connection.
//!
//! Input: compressed bytes are pushed as they come ([`Deflate::push_input`])
//! and inflated in chunks of at most [`CHUNK`] bytes ([`Deflate::inflate`]),
//! so a small input that inflates to a lot (a "zip bomb") is handed over a
//! bounded piece at a time.

use std::io;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// Most plaintext compressed (and sync-flushed) at once.
pub(crate) const BATCH: usize = 64 * 1024;
/// Most plaintext inflated per [`Deflate::inflate`] call.
pub(crate) const CHUNK: usize = 32 * 1024;
/// A new batch is compressed only when less than this much compressed output
/// waits to be written.
const LOW_WATER: usize = 16 * 1024;

/// The two DEFLATE streams of one connection.
pub(crate) struct Deflate {
    compress: Compress,
    decompress: Decompress,
    /// Compressed output; `out[out_pos..]` is not written yet.
    out: Vec<u8>,
    out_pos: usize,
    /// Compressed input; `input[in_pos..]` is not inflated yet.
    input: Vec<u8>,
    in_pos: usize,
    /// Inflated plaintext of the last [`inflate`](Deflate::inflate) call.
    plain: Box<[u8]>,
    /// The last inflate call filled its output: the inflater may hold more
    /// plaintext even with no input left.
    more: bool,
    /// The server ended its DEFLATE stream (a final block): nothing may follow.
    ended: bool,
}

impl Default for Deflate {
    fn default() -> Self {
        Deflate::new()
    }
}

impl Deflate {
    /// Both streams fresh, raw DEFLATE, default compression level.
    pub(crate) fn new() -> Deflate {
        Deflate {
            compress: Compress::new(Compression::default(), false),
            decompress: Decompress::new(false),
            out: Vec::new(),
            out_pos: 0,
            input: Vec::new(),
            in_pos: 0,
            plain: vec![0; CHUNK].into_boxed_slice(),
            more: false,
            ended: false,
        }
    }

    /// Whether a new batch of plaintext should be compressed now.
    pub(crate) fn wants_batch(&self) -> bool {
        self.output().len() < LOW_WATER
    }

    /// Compresses `plain` (all of it) and sync-flushes, appending to the
    /// compressed output. Callers pass at most [`BATCH`] bytes at a time.
    pub(crate) fn compress(&mut self, plain: &[u8]) -> io::Result<()> {
        if plain.is_empty() {
            return Ok(());
        }
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        } else if self.out_pos > 0 {
            self.out.drain(..self.out_pos);
            self.out_pos = 0;
        }
        let mut pos = 0;
        loop {
            if self.out.capacity() - self.out.len() < 1024 {
                self.out.reserve((plain.len() - pos).max(4096));
            }
            let before_in = self.compress.total_in();
            let before_out = self.compress.total_out();
            let status = self
                .compress
                .compress_vec(&plain[pos..], &mut self.out, FlushCompress::Sync)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            pos += (self.compress.total_in() - before_in) as usize;
            let produced = self.compress.total_out() - before_out;
            // Done once all input is in and the flush did not fill the room.
            if pos == plain.len() && self.out.len() < self.out.capacity() {
                return Ok(());
            }
            if status == Status::BufError && produced == 0 && pos == plain.len() {
                return Ok(());
            }
        }
    }

    /// Compressed bytes waiting to be written.
    pub(crate) fn output(&self) -> &[u8] {
        &self.out[self.out_pos..]
    }

    /// `n` bytes of [`output`](Deflate::output) were written.
    pub(crate) fn consume_output(&mut self, n: usize) {
        self.out_pos += n;
        debug_assert!(self.out_pos <= self.out.len());
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        }
    }

    /// Compressed bytes received from the transport, to inflate.
    pub(crate) fn push_input(&mut self, bytes: &[u8]) {
        if self.in_pos == self.input.len() {
            self.input.clear();
            self.in_pos = 0;
        }
        self.input.extend_from_slice(bytes);
    }

    /// The next piece of inflated plaintext (at most [`CHUNK`] bytes), or an
    /// empty slice when all input pushed so far is inflated. Fails on a
    /// corrupt stream, or on bytes after the end of the server's stream.
    pub(crate) fn inflate(&mut self) -> io::Result<&[u8]> {
        let mut produced = 0;
        while produced < self.plain.len() && (self.in_pos < self.input.len() || self.more) {
            if self.ended && self.in_pos < self.input.len() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "data after the end of the DEFLATE stream"));
            }
            let before_in = self.decompress.total_in();
            let before_out = self.decompress.total_out();
            let status = self
                .decompress
                .decompress(&self.input[self.in_pos..], &mut self.plain[produced..], FlushDecompress::None)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            let used = (self.decompress.total_in() - before_in) as usize;
            let made = (self.decompress.total_out() - before_out) as usize;
            self.in_pos += used;
            produced += made;
            self.more = produced == self.plain.len();
            match status {
                Status::StreamEnd => {
                    self.ended = true;
                    self.more = false;
                }
                _ if used == 0 && made == 0 => break, // needs more input (or room)
                _ => {}
            }
        }
        if self.in_pos == self.input.len() {
            self.input.clear();
            self.in_pos = 0;
        }
        Ok(&self.plain[..produced])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server's side of the link: a raw inflater and deflater.
    struct Peer {
        compress: Compress,
        decompress: Decompress,
    }

    impl Peer {
        fn new() -> Peer {
            Peer { compress: Compress::new(Compression::fast(), false), decompress: Decompress::new(false) }
        }

        fn deflate(&mut self, plain: &[u8]) -> Vec<u8> {
            let mut out = Vec::with_capacity(plain.len() + 64);
            let mut pos = 0;
            loop {
                let before = self.compress.total_in();
                self.compress.compress_vec(&plain[pos..], &mut out, FlushCompress::Sync).unwrap();
                pos += (self.compress.total_in() - before) as usize;
                if pos == plain.len() && out.len() < out.capacity() {
                    return out;
                }
                out.reserve(4096);
            }
        }

        /// Inflates everything available (which must be sync-flushed).
        fn inflate(&mut self, compressed: &[u8]) -> Vec<u8> {
            let mut out = Vec::new();
            let mut pos = 0;
            loop {
                out.reserve(4096);
                let before = self.decompress.total_in();
                let before_out = self.decompress.total_out();
                self.decompress.decompress_vec(&compressed[pos..], &mut out, FlushDecompress::Sync).unwrap();
                pos += (self.decompress.total_in() - before) as usize;
                if pos == compressed.len() && self.decompress.total_out() == before_out {
                    return out;
                }
            }
        }
    }

    fn text(n: usize, seed: u32) -> Vec<u8> {
        // Compressible but not trivial.
        let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                if i % 7 == 0 {
                    b"ABCDEFGH"[(x % 8) as usize]
                } else {
                    b'a' + (x % 26) as u8
                }
            })
            .collect()
    }

    fn inflate_all(d: &mut Deflate) -> Vec<u8> {
        let mut got = Vec::new();
        loop {
            let chunk = d.inflate().unwrap();
            if chunk.is_empty() {
                return got;
            }
            assert!(chunk.len() <= CHUNK);
            got.extend_from_slice(chunk);
        }
    }

    #[test]
    fn output_is_sync_flushed_per_batch() {
        let mut d = Deflate::new();
        let mut server = Peer::new();
        for (i, line) in [&b"A1 NOOP\r\n"[..], b"A2 SELECT INBOX\r\n", &text(200_000, 3)].iter().enumerate() {
            for batch in line.chunks(BATCH) {
                d.compress(batch).unwrap();
                // Every batch can be inflated completely at once: the sync flush
                // ends with the empty stored block 00 00 ff ff.
                let wire = d.output().to_vec();
                assert!(wire.ends_with(&[0, 0, 0xff, 0xff]), "batch {i}");
                d.consume_output(wire.len());
                assert_eq!(server.inflate(&wire), batch, "batch {i}");
            }
        }
        assert!(d.output().is_empty());
        assert!(d.wants_batch());
    }

    #[test]
    fn partial_writes_keep_the_stream_whole() {
        let mut d = Deflate::new();
        let mut server = Peer::new();
        let plain = text(100_000, 9);
        let mut wire = Vec::new();
        for batch in plain.chunks(10_000) {
            d.compress(batch).unwrap();
            // The transport takes 777 bytes at a time, and more is compressed
            // before all is written.
            let n = d.output().len().min(777);
            wire.extend_from_slice(&d.output()[..n]);
            d.consume_output(n);
        }
        wire.extend_from_slice(d.output());
        let n = d.output().len();
        d.consume_output(n);
        assert_eq!(server.inflate(&wire), plain);
    }

    #[test]
    fn input_split_anywhere_round_trips() {
        let plain = text(150_000, 5);
        let mut server = Peer::new();
        // Several sync-flushed pieces, as a server sends responses.
        let mut wire = Vec::new();
        for piece in plain.chunks(13_001) {
            wire.extend(server.deflate(piece));
        }
        for split in [1usize, 2, 3, 7, 100, 1460, 16_384, 65_536, wire.len()] {
            let mut d = Deflate::new();
            let mut got = Vec::new();
            for part in wire.chunks(split) {
                d.push_input(part);
                got.extend(inflate_all(&mut d));
            }
            assert_eq!(got.len(), plain.len(), "split {split}");
            assert!(got == plain, "split {split}");
        }
    }

    #[test]
    fn both_directions_through_one_layer() {
        // Client layer to server and back, interleaved.
        let mut d = Deflate::new();
        let mut server = Peer::new();
        for i in 0..50u32 {
            let cmd = format!("A{i} FETCH {i} (BODY.PEEK[])\r\n");
            d.compress(cmd.as_bytes()).unwrap();
            let wire = d.output().to_vec();
            d.consume_output(wire.len());
            assert_eq!(server.inflate(&wire), cmd.as_bytes());
            let mut reply = format!("* {i} FETCH (BODY[] {{1000}}\r\n").into_bytes();
            reply.extend(text(1000, i));
            reply.extend(format!(")\r\nA{i} OK done\r\n").bytes());
            let wire = server.deflate(&reply);
            let mut got = Vec::new();
            // Split in two arbitrary places.
            let (a, b) = wire.split_at(wire.len() / 3);
            d.push_input(a);
            got.extend(inflate_all(&mut d));
            d.push_input(b);
            got.extend(inflate_all(&mut d));
            assert_eq!(got, reply);
        }
    }

    #[test]
    fn a_bomb_comes_out_in_bounded_chunks() {
        let mut server = Peer::new();
        let plain = vec![b'x'; 10 * 1024 * 1024];
        let wire = server.deflate(&plain);
        assert!(wire.len() < 64 * 1024);
        let mut d = Deflate::new();
        d.push_input(&wire);
        let mut total = 0;
        loop {
            let chunk = d.inflate().unwrap();
            if chunk.is_empty() {
                break;
            }
            assert!(chunk.len() <= CHUNK);
            total += chunk.len();
        }
        assert_eq!(total, plain.len());
    }

    #[test]
    fn corrupt_input_is_an_error() {
        let mut d = Deflate::new();
        // BTYPE 11 (reserved) is invalid.
        d.push_input(&[0xff, 0xff, 0xff, 0xff]);
        let err = d.inflate().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
