//! Helpers shared by the integration tests.
#![allow(dead_code)]

use imap_core::types::{Data, Fetch, Response};
use imap_core::wire::{frames, Frame, Limits};

/// Frames and parses `input`, keeping everything alive for the test's
/// duration (responses borrow their frames).
pub fn parse_all(input: &[u8]) -> Vec<Response<'static>> {
    let input: &'static [u8] = Box::leak(input.to_vec().into_boxed_slice());
    let frames: Vec<Frame<'static>> =
        frames(input, Limits::default()).collect::<Result<_, _>>().expect("every response frames");
    let frames: &'static [Frame<'static>] = Box::leak(frames.into_boxed_slice());
    frames.iter().map(|f| imap_core::parse(f).unwrap_or_else(|e| panic!("{e}\nframe: {:?}", f.skeleton()))).collect()
}

/// The one response in `input`.
pub fn parse_one(input: &[u8]) -> Response<'static> {
    let mut all = parse_all(input);
    assert_eq!(all.len(), 1, "expected one response");
    all.pop().unwrap()
}

/// The parse error of the one response in `input`.
pub fn parse_error(input: &[u8]) -> imap_core::ParseError {
    let frame = frames(input, Limits::default()).next().expect("a frame").expect("frames");
    match imap_core::parse(&frame) {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => e,
    }
}

/// The FETCH in `input`.
pub fn fetch(input: &[u8]) -> Fetch<'static> {
    match parse_one(input) {
        Response::Data(Data::Fetch(f)) => f,
        other => panic!("not a FETCH: {other:?}"),
    }
}

/// The untagged data in `input`.
pub fn data(input: &[u8]) -> Data<'static> {
    match parse_one(input) {
        Response::Data(d) => d,
        other => panic!("not untagged data: {other:?}"),
    }
}
