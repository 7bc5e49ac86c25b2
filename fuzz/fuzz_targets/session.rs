//! A session that got a greeting and has a scripted command sequence
//! submitted (LOGIN with a literal password, SELECT, FETCH of bodies,
//! APPEND with a literal, SEARCH with a literal, IDLE, ...) is fed arbitrary
//! server bytes in arbitrary chunks.
//!
//! Checked: no panic; everything the session writes is exactly what the
//! client encoded (each command's chunks, in order, a command possibly cut
//! short after a chunk when the server failed it, and `DONE` after IDLE), so
//! server data can never inject a line; events drain without panic; peak
//! heap use stays bounded (a counting global allocator).
//!
//! Input layout: byte 0 = greeting, byte 1 = script, byte 2 = number of
//! split points (mod 16), then one byte per split point (chunk length;
//! its low bit also says whether to end IDLE when it runs, bit 1 whether to
//! write out only part of the pending output), then the server bytes.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use imap_core::command::{AppendMessage, Command, EncodeOptions, FetchAttr, FetchItems, SearchKey, Section, SeqSet};
use imap_core::session::{Event, Session};
use imap_core::types::Flag;
use libfuzzer_sys::fuzz_target;

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const GREETINGS: [&[u8]; 4] = [
    b"* OK [CAPABILITY IMAP4rev1 IDLE LITERAL+ UIDPLUS MOVE ID ENABLE] ready\r\n",
    b"* OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] ready\r\n",
    b"* OK [CAPABILITY IMAP4rev1 IDLE LITERAL- ID] ready\r\n",
    // Capabilities unknown: the session lets the server decide.
    b"* OK ready\r\n",
];

fn script(which: u8) -> Vec<Command> {
    let login = Command::Login { user: b"fred".to_vec(), password: b"pass word\r\nA9 LOGOUT".to_vec() };
    let select = Command::Select { mailbox: "INBOX".into(), condstore: which & 4 != 0 };
    let fetch_bodies = Command::Fetch {
        set: (1..=5).into(),
        items: FetchItems::Attrs(vec![
            FetchAttr::Uid,
            FetchAttr::Flags,
            FetchAttr::peek(Section::full()),
            FetchAttr::body(Section::header_fields(["DATE", "FROM"])),
            FetchAttr::BodyStructure,
            FetchAttr::Envelope,
        ]),
        changed_since: None,
        uid: false,
    };
    let uid_fetch = Command::Fetch {
        set: SeqSet::from(4827313..=4828442),
        items: FetchAttr::Flags.into(),
        changed_since: None,
        uid: true,
    };
    let append = Command::Append {
        mailbox: "Entwürfe".into(),
        messages: vec![AppendMessage {
            flags: vec![Flag::Seen],
            ..AppendMessage::new(&b"Subject: x\r\n\r\nhi\r\n"[..])
        }],
    };
    let search = Command::Search { charset: None, criteria: SearchKey::Text(b"a\r\nb".to_vec()), uid: true };
    let store = Command::Store {
        set: (2..=4).into(),
        mode: imap_core::command::StoreMode::Add,
        silent: false,
        flags: vec![Flag::Deleted],
        unchanged_since: None,
        uid: false,
    };
    let list = Command::List { reference: String::new(), pattern: "*".into(), select: vec![], returns: vec![] };
    match which % 4 {
        0 => vec![login, select, fetch_bodies, uid_fetch, append, search, store, list, Command::Noop, Command::Idle],
        1 => vec![login, select, Command::Idle],
        2 => vec![
            login,
            Command::Examine { mailbox: "INBOX".into(), condstore: false },
            fetch_bodies,
            Command::Id(Some(vec![("name".into(), Some("fuzz".into()))])),
            Command::Logout,
        ],
        _ => vec![login, list, append, select, search, store, Command::Expunge, Command::Close, Command::Logout],
    }
}

/// Whether `wire` is exactly what the client encoded: per command, a prefix
/// of its chunks, in submission order; `DONE\r\n` may end it after IDLE.
fn only_client_bytes(wire: &[u8], commands: &[(Vec<Vec<u8>>, bool)], done: bool) -> Result<(), String> {
    let mut pos = 0;
    let mut idle_written = false;
    for (chunks, is_idle) in commands {
        for (j, chunk) in chunks.iter().enumerate() {
            if wire[pos..].starts_with(chunk) {
                pos += chunk.len();
                if *is_idle && j == 0 {
                    idle_written = true;
                }
            } else {
                break;
            }
        }
    }
    if done {
        if !idle_written {
            return Err("DONE sent without IDLE".into());
        }
        if !wire[pos..].starts_with(b"DONE\r\n") {
            return Err(format!("expected DONE at {pos}"));
        }
        pos += 6;
    }
    if pos != wire.len() {
        return Err(format!(
            "unexpected output at byte {pos}: {:?}",
            String::from_utf8_lossy(&wire[pos..wire.len().min(pos + 80)])
        ));
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let greeting = GREETINGS[(data[0] % 4) as usize];
    let n_splits = (data[2] % 16) as usize;
    if data.len() < 3 + n_splits {
        return;
    }
    let splits = &data[3..3 + n_splits];
    let server = &data[3 + n_splits..];

    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);

    let mut session = Session::new();
    session.receive(greeting);
    let opts = EncodeOptions::default()
        .with_literal_plus(session.has_capability("LITERAL+"))
        .with_literal_minus(session.has_capability("LITERAL-"));
    let mut commands = Vec::new();
    for command in script(data[1]) {
        if let Ok(tag) = session.submit(command.clone()) {
            let encoded = command.encode(tag.as_str(), &opts).expect("a submitted command encodes");
            commands.push((encoded.chunks, matches!(command, Command::Idle)));
        }
    }

    let mut wire = Vec::new();
    let mut done = false;
    let mut rest = server;
    let mut i = 0;
    loop {
        let (len, flags) = if i < splits.len() { (splits[i] as usize, splits[i]) } else { (rest.len(), 0) };
        i += 1;
        let (chunk, tail) = rest.split_at(len.min(rest.len()));
        rest = tail;
        session.receive(chunk);
        while let Some(event) = session.poll_event() {
            let _ = format!("{event:?}");
            if let Event::Idling(_) = event {
                if flags & 1 == 1 && session.idle_done().is_ok() {
                    done = true;
                }
            }
        }
        // Write out all or part of what is pending.
        let pending = session.pending_output();
        let n = if flags & 2 == 2 { pending.len() / 2 } else { pending.len() };
        wire.extend_from_slice(&pending[..n]);
        session.sent(n);
        if rest.is_empty() && i > splits.len() {
            break;
        }
    }
    session.close(None);
    while let Some(event) = session.poll_event() {
        let _ = format!("{event:?}");
    }
    wire.extend_from_slice(session.pending_output());

    if let Err(e) = only_client_bytes(&wire, &commands, done) {
        panic!("session wrote bytes the client did not encode: {e}\nwire: {:?}", String::from_utf8_lossy(&wire));
    }
    // Peak heap while this input ran. Wire input is at most -max_len bytes;
    // parsed responses take a few tens of times their size: 16 MiB is far
    // above that and far below an allocation driven by an announced size.
    let peak = PEAK.load(Relaxed).saturating_sub(base);
    assert!(peak < 16 << 20, "peak heap {peak} bytes for {} input bytes", data.len());
});
