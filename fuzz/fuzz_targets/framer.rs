//! The streaming `Framer`, fed the input in arbitrary chunks, must give
//! exactly what `frames()` gives over the whole buffer; every frame must
//! rebuild its bytes from skeleton + payloads; `unmap` must invert the
//! remapping of non-UTF-8 skeletons; buffered memory stays within the limits.
//!
//! With literal streaming on (`Framer::set_stream_threshold`), `next_piece`
//! must give the same frames with the streamed payloads taken out, and those
//! payloads, in order, as chunks that are the input at their offsets.
//!
//! Input layout: byte 0 picks the limits (small ones, so that every limit
//! error is reachable within -max_len), byte 1 = number of split points
//! (mod 32) and, in its top 3 bits, the streaming threshold (0: no streaming
//! pass), then one byte per split point (chunk length, 0 = a
//! `read_buf`/`commit(0)` call), then the server bytes.
#![no_main]

use imap_core::wire::{frames, unmap, Frame, FrameError, Framer, Limits, Piece};
use libfuzzer_sys::fuzz_target;

/// Everything observable about one frame or error, owned.
#[derive(Debug, PartialEq, Eq)]
enum Item {
    Frame {
        offset: u64,
        bytes: Vec<u8>,
        skeleton: String,
        remapped: bool,
        literals: Vec<(usize, std::ops::Range<usize>, Vec<u8>)>,
    },
    Error(FrameError),
}

fn limits(b: u8) -> Limits {
    if b & 0x80 != 0 {
        return Limits::default();
    }
    // 7 bits: small limits, each sometimes tight, so that every error kind
    // (and the discard path after it) is exercised.
    let max_line = [8, 32, 200, 5000][(b & 3) as usize];
    let max_literal = [0, 5, 64, 4000][((b >> 2) & 3) as usize];
    let max_response = [16, 100, 600, 10_000][((b >> 4) & 3) as usize];
    let max_depth = if b & 0x40 != 0 { 3 } else { 128 };
    Limits::default().with_max_line(max_line).with_max_literal(max_literal).with_max_response(max_response).with_max_depth(max_depth)
}

/// Checks one frame's internal consistency against the whole input.
fn check_frame(frame: &Frame<'_>, input: &[u8]) -> Item {
    let bytes = frame.bytes();
    let off = frame.offset() as usize;
    assert_eq!(&input[off..off + bytes.len()], bytes, "frame bytes are not the input at its offset");
    assert!(bytes.ends_with(b"\n"), "frame does not end with a line ending");
    let skeleton = frame.skeleton();
    // Rebuild the wire bytes: skeleton segments (unmapped if remapped) with
    // the payloads put back after each header.
    let unmap_seg = |s: &str| -> Vec<u8> {
        if frame.is_remapped() {
            unmap(s).into_owned()
        } else {
            s.as_bytes().to_vec()
        }
    };
    let mut rebuilt = Vec::with_capacity(bytes.len());
    let mut prev = 0;
    let mut literals = Vec::new();
    for lit in frame.literals() {
        assert!(lit.header_end >= prev && lit.header_end <= skeleton.len());
        assert!(skeleton.is_char_boundary(lit.header_end));
        assert!(skeleton[..lit.header_end].ends_with('\n'), "header_end not after a line ending");
        rebuilt.extend_from_slice(&unmap_seg(&skeleton[prev..lit.header_end]));
        let payload = frame.payload(lit);
        assert_eq!(frame.literal_at(lit.header_end), Some(payload));
        rebuilt.extend_from_slice(payload);
        literals.push((lit.header_end, lit.payload.clone(), payload.to_vec()));
        prev = lit.header_end;
    }
    rebuilt.extend_from_slice(&unmap_seg(&skeleton[prev..]));
    assert_eq!(rebuilt, bytes, "skeleton + payloads do not rebuild the frame");
    // The whole skeleton: unmap round-trips for remapped frames; a frame that
    // is not remapped has the line bytes verbatim.
    let lines: Vec<u8> = {
        let mut v = Vec::new();
        let mut start = 0;
        for lit in frame.literals() {
            v.extend_from_slice(&bytes[start..lit.payload.start]);
            start = lit.payload.end;
        }
        v.extend_from_slice(&bytes[start..]);
        v
    };
    assert_eq!(frame.is_remapped(), std::str::from_utf8(&lines).is_err(), "remapped iff lines are not UTF-8");
    if frame.is_remapped() {
        assert_eq!(&*unmap(skeleton), &lines[..], "unmap(skeleton) != line bytes");
    } else {
        assert_eq!(skeleton.as_bytes(), &lines[..], "skeleton != line bytes");
    }
    Item::Frame {
        offset: frame.offset(),
        bytes: bytes.to_vec(),
        skeleton: skeleton.to_owned(),
        remapped: frame.is_remapped(),
        literals,
    }
}

/// One literal streamed: the response it is in, and its payload.
type StreamedLiteral = (u64, Vec<u8>);

/// `frames()` with every literal of at least `threshold` bytes taken out of
/// its frame's bytes and payload list, and listed apart.
fn expected_streaming(input: &[u8], limits: Limits, threshold: u64) -> (Vec<Item>, Vec<StreamedLiteral>) {
    let mut literals = Vec::new();
    let items = frames(input, limits)
        .map(|r| match r {
            Ok(f) => {
                let Item::Frame { offset, bytes, skeleton, remapped, literals: mut lits } = check_frame(&f, input)
                else {
                    unreachable!()
                };
                let mut kept = Vec::new();
                let mut at = 0;
                let mut removed = 0;
                for (_, range, payload) in lits.iter_mut() {
                    if (payload.len() as u64) >= threshold {
                        kept.extend_from_slice(&bytes[at..range.start]);
                        at = range.end;
                        literals.push((offset, std::mem::take(payload)));
                        removed += range.len();
                        *range = range.start - (removed - range.len())..range.start - (removed - range.len());
                    } else {
                        *range = range.start - removed..range.end - removed;
                    }
                }
                kept.extend_from_slice(&bytes[at..]);
                Item::Frame { offset, bytes: kept, skeleton, remapped, literals: lits }
            }
            Err(e) => Item::Error(e),
        })
        .collect();
    (items, literals)
}

/// A frame of the streaming pass, described like `check_frame` does, without
/// the check against the input (its streamed payloads are not in its bytes).
fn describe(frame: &Frame<'_>, threshold: u64) -> Item {
    let literals = frame
        .literals()
        .iter()
        .map(|l| {
            if let Some(size) = l.streamed {
                assert!(size >= threshold && l.payload.is_empty());
            } else {
                assert!((l.payload.len() as u64) < threshold);
            }
            (l.header_end, l.payload.clone(), frame.payload(l).to_vec())
        })
        .collect();
    Item::Frame {
        offset: frame.offset(),
        bytes: frame.bytes().to_vec(),
        skeleton: frame.skeleton().to_owned(),
        remapped: frame.is_remapped(),
        literals,
    }
}

/// The streaming pass: the same splits, `next_piece` after each.
fn streaming_pass(input: &[u8], splits: &[u8], limits: Limits, threshold: u64) -> (Vec<Item>, Vec<StreamedLiteral>) {
    let mut framer = Framer::new(limits);
    framer.set_stream_threshold(Some(threshold));
    let (mut items, mut literals) = (Vec::new(), Vec::<StreamedLiteral>::new());
    let mut open = false;
    let mut rest = input;
    let mut i = 0;
    loop {
        let chunk_len = if i < splits.len() { splits[i] as usize } else { rest.len() };
        i += 1;
        let (chunk, tail) = rest.split_at(chunk_len.min(rest.len()));
        rest = tail;
        framer.feed(chunk);
        while let Some(piece) = framer.next_piece() {
            match piece {
                Piece::Literal(c) => {
                    assert!(!c.bytes.is_empty());
                    let at = c.offset as usize;
                    assert_eq!(&input[at..at + c.bytes.len()], c.bytes, "chunk is not the input at its offset");
                    if !open {
                        literals.push((c.response, Vec::new()));
                    }
                    let last = literals.last_mut().unwrap();
                    assert_eq!(last.0, c.response);
                    last.1.extend_from_slice(c.bytes);
                    assert_eq!(last.1.len() as u64 + c.left, c.size);
                    open = c.left > 0;
                }
                Piece::Run(run) => {
                    assert!(!open, "a response inside a streamed literal");
                    items.extend(run.items.map(|r| match r {
                        Ok(f) => describe(&f, threshold),
                        Err(e) => Item::Error(e),
                    }));
                }
            }
        }
        if rest.is_empty() && i > splits.len() {
            break;
        }
    }
    if let Err(e) = framer.finish() {
        items.push(Item::Error(e));
    }
    assert_eq!(framer.buffered(), 0);
    (items, literals)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let limits = limits(data[0]);
    let n_splits = (data[1] % 32) as usize;
    if data.len() < 2 + n_splits {
        return;
    }
    let splits = &data[2..2 + n_splits];
    let input = &data[2 + n_splits..];

    // Whole buffer.
    let whole: Vec<Item> = frames(input, limits)
        .map(|r| match r {
            Ok(f) => check_frame(&f, input),
            Err(e) => Item::Error(e),
        })
        .collect();

    // Streaming, in chunks.
    let mut framer = Framer::new(limits);
    let mut streamed = Vec::new();
    let mut rest = input;
    let mut i = 0;
    loop {
        let chunk_len = if i < splits.len() { splits[i] as usize } else { rest.len() };
        let use_read_buf = i < splits.len() && splits[i] & 1 == 1;
        i += 1;
        let (chunk, tail) = rest.split_at(chunk_len.min(rest.len()));
        rest = tail;
        if use_read_buf {
            let buf = framer.read_buf(chunk.len());
            assert!(buf.len() >= chunk.len());
            buf[..chunk.len()].copy_from_slice(chunk);
            framer.commit(chunk.len());
        } else {
            framer.feed(chunk);
        }
        while let Some(r) = framer.next_frame() {
            streamed.push(match r {
                Ok(f) => check_frame(&f, input),
                Err(e) => Item::Error(e),
            });
        }
        // Memory: what stays buffered is part of one response in progress.
        assert!(
            framer.buffered() as u64 <= limits.max_response,
            "framer holds {} bytes, max_response is {}",
            framer.buffered(),
            limits.max_response
        );
        if rest.is_empty() && i > splits.len() {
            break;
        }
    }
    if let Err(e) = framer.finish() {
        streamed.push(Item::Error(e));
    }
    assert_eq!(framer.buffered(), 0);
    assert_eq!(whole, streamed, "Framer and frames() disagree");

    // Literal streaming. Streamed payloads do not count toward max_response,
    // so both sides are framed without that limit.
    let threshold = [0, 1, 2, 3, 5, 8, 64, 4096][(data[1] >> 5) as usize];
    if threshold > 0 {
        let limits = limits.with_max_response(u64::MAX);
        let (items, literals) = expected_streaming(input, limits, threshold);
        let (got, mut got_literals) = streaming_pass(input, splits, limits, threshold);
        // Payloads of a response that then failed went out before that was known.
        let framed: Vec<u64> = items
            .iter()
            .filter_map(|i| match i {
                Item::Frame { offset, .. } => Some(*offset),
                Item::Error(_) => None,
            })
            .collect();
        got_literals.retain(|l| framed.contains(&l.0));
        assert_eq!(items, got, "streaming frames differ");
        assert_eq!(literals, got_literals, "streamed payloads differ");
    }
});
