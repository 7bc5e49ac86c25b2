//! Arbitrary server bytes through `parse_buffer` and through `frames` +
//! `parse` one frame at a time: no panic, and both give
//! the same sequence of results (compared by their Debug renderings, errors
//! included). Every parsed response must survive `into_static` (with the
//! same rendering) and `serde_json::to_string`.
//!
//! The input is used as is (no header bytes), so seeds are plain IMAP text.
#![no_main]

use imap_core::parse::{parse_buffer, BufferError};
use imap_core::types::{IntoStatic, Response};
use imap_core::wire::{frames, Limits};
use libfuzzer_sys::fuzz_target;

fn render(r: Result<Response<'_>, BufferError>) -> String {
    match r {
        Ok(response) => {
            let debug = format!("{response:?}");
            serde_json::to_string(&response).expect("a parsed response serializes");
            let detached = response.into_static();
            assert_eq!(format!("{detached:?}"), debug, "into_static changed the response");
            format!("Ok({debug})")
        }
        Err(e) => {
            // Display must not panic either.
            let _ = e.to_string();
            format!("Err({e:?})")
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();

    let mut batched = Vec::new();
    parse_buffer(data, limits, |r| batched.push(render(r)));

    let mut single = Vec::new();
    for frame in frames(data, limits) {
        single.push(match frame {
            Ok(frame) => render(imap_core::parse(&frame).map_err(BufferError::Parse)),
            Err(e) => render(Err(BufferError::Frame(e))),
        });
    }

    assert_eq!(batched.len(), single.len(), "parse_buffer and parse give a different number of results");
    for (i, (b, s)) in batched.iter().zip(&single).enumerate() {
        assert_eq!(b, s, "response {i}: parse_buffer and parse disagree");
    }
});
