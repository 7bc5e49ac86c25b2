//! The everyday verbs on messages: `flag`, `delete`, `copy` and `cat`, and
//! how they pick messages (a UID set, or a search).

use super::extensions::Criteria;
use super::output::{flags_json, Out};
use super::transfer::{Decoder, Encoding};
use crate::failure::Failure;
use clap::Args;
use imap_core::client::Client;
use imap_core::command::{FetchAttr, Section, SeqSet};
use imap_core::text::{decode_charset, Utf8Writer};
use imap_core::types::{BodyStructure, Fetch, Flag, IntoStatic};
use serde_json::json;
use std::io::Write;

/// Which messages: UIDs, or what a search finds.
#[derive(Args, Debug, Clone)]
pub struct Selection {
    /// UIDs: `4`, `4,7:9`, `1:*`; or leave out and search instead.
    pub uids: Option<String>,
    /// Search: unseen messages.
    #[arg(long)]
    pub unseen: bool,
    /// Search: messages whose From contains this.
    #[arg(long)]
    pub from: Option<String>,
    /// Search: messages whose Subject contains this.
    #[arg(long)]
    pub subject: Option<String>,
}

impl Selection {
    /// Checks what needs no server: a UID set that parses, or a search,
    /// not both and not neither.
    pub fn check(&self) -> Result<Option<SeqSet>, Failure> {
        let searching = self.unseen || self.from.is_some() || self.subject.is_some();
        match (&self.uids, searching) {
            (Some(_), true) => {
                Err(Failure::Usage("give UIDs or a search (--unseen, --from, --subject), not both".into()))
            }
            (None, false) => {
                Err(Failure::Usage("which messages? give UIDs or a search (--unseen, --from, --subject)".into()))
            }
            (Some(uids), false) => Ok(Some(super::server::parse_set(uids)?)),
            (None, true) => Ok(None),
        }
    }

    /// The UID set, searching the selected mailbox when there is none.
    /// `None` when the search found nothing.
    fn resolve(&self, client: &mut Client) -> Result<Option<SeqSet>, Failure> {
        if let Some(set) = self.check()? {
            return Ok(Some(set));
        }
        let criteria = Criteria::new(self.unseen, self.from.as_deref(), self.subject.as_deref());
        let uids = client.search(criteria.key)?;
        Ok((!uids.is_empty()).then(|| SeqSet::from(&uids[..])))
    }
}

/// How `flag` changes flags.
#[derive(Args, Debug, Clone)]
pub struct FlagChange {
    /// A flag to add, such as `\Seen` or `$Label1` (repeatable).
    #[arg(long = "add", value_name = "FLAG")]
    pub add: Vec<String>,
    /// A flag to remove (repeatable).
    #[arg(long = "remove", value_name = "FLAG")]
    pub remove: Vec<String>,
    /// Replace all flags by these (repeatable; `--set ''` clears them).
    #[arg(long = "set", value_name = "FLAG", conflicts_with_all = ["add", "remove"])]
    pub set: Vec<String>,
}

fn flags(names: &[String]) -> Vec<Flag<'static>> {
    names.iter().filter(|n| !n.is_empty()).map(|n| Flag::from_token(n).into_static()).collect()
}

/// The UID and flags of each message a STORE reported, one line each.
fn print_flags(fetches: &[Fetch<'_>], out: &Out) {
    for fetch in fetches {
        let Some(uid) = fetch.uid() else { continue };
        let flags = flags_json(fetch.flags().unwrap_or_default());
        out.print(&json!({ "uid": uid, "flags": flags }), || format!("{uid} {}", flags.join(" ")));
    }
}

/// `flag`: adds, removes or sets flags; prints each message's flags after.
pub fn flag(
    client: &mut Client,
    mailbox: &str,
    which: &Selection,
    change: &FlagChange,
    out: &Out,
) -> Result<(), Failure> {
    if change.add.is_empty() && change.remove.is_empty() && change.set.is_empty() {
        return Err(Failure::Usage("flag: nothing to do: give --add, --remove or --set".into()));
    }
    client.select_folder(mailbox, false)?;
    let Some(set) = which.resolve(client)? else {
        out.note(format_args!("no message in {mailbox} matches"));
        return Ok(());
    };
    let mut after = Vec::new();
    if !change.set.is_empty() {
        after = client.set_flags(set.clone(), &flags(&change.set))?;
    }
    if !change.add.is_empty() {
        after = client.add_flags(set.clone(), &flags(&change.add))?;
    }
    if !change.remove.is_empty() {
        after = client.remove_flags(set, &flags(&change.remove))?;
    }
    if after.is_empty() {
        out.note(format_args!("no message changed: none of these UIDs is in {mailbox}"));
    }
    print_flags(&after, out);
    Ok(())
}

/// `delete`: flags the messages `\Deleted` and expunges them (UID EXPUNGE
/// with UIDPLUS, so that no other message goes; plain EXPUNGE otherwise).
pub fn delete(client: &mut Client, mailbox: &str, which: &Selection, out: &Out) -> Result<(), Failure> {
    client.select_folder(mailbox, false)?;
    let Some(set) = which.resolve(client)? else {
        out.note(format_args!("no message in {mailbox} matches"));
        return Ok(());
    };
    let flagged = client.add_flags(set.clone(), &[Flag::Deleted])?;
    let mut uids: Vec<u32> = flagged.iter().filter_map(Fetch::uid).collect();
    uids.sort_unstable();
    uids.dedup();
    if uids.is_empty() {
        out.note(format_args!("no message deleted: none of these UIDs is in {mailbox}"));
        return Ok(());
    }
    let deleted = SeqSet::from(&uids[..]);
    let expunged = if client.has_capability("UIDPLUS")? {
        client.uid_expunge(deleted.clone())?
    } else {
        out.note(format_args!("the server lacks UIDPLUS: EXPUNGE removes every \\Deleted message of {mailbox}"));
        client.expunge()?
    };
    let value =
        json!({ "mailbox": mailbox, "deleted": deleted.to_string(), "count": uids.len(), "expunged": expunged.len() });
    out.print(&value, || format!("deleted from {mailbox}: UIDs {deleted} ({} expunged)", expunged.len()));
    Ok(())
}

/// `copy`: UID COPY; prints the new UIDs when the server reports COPYUID.
pub fn copy(client: &mut Client, mailbox: &str, set: SeqSet, target: &str, out: &Out) -> Result<(), Failure> {
    client.select_folder(mailbox, true)?;
    let copied = client.copy(set, target)?;
    let value = copied.as_ref().map(
        |c| json!({ "uid_validity": c.uid_validity, "source": c.source.to_string(), "target": c.target.to_string() }),
    );
    out.print(&value, || match &copied {
        Some(c) => format!(
            "copied {mailbox} UIDs {} to {target} as UIDs {} (UIDVALIDITY {})",
            c.source, c.target, c.uid_validity
        ),
        None => format!("copied to {target} (the server gave no COPYUID)"),
    });
    Ok(())
}

/// A part number as `cat --part` takes it: `1`, `2.1`.
pub fn parse_part(text: &str) -> Result<Vec<u32>, Failure> {
    text.split('.')
        .map(|n| n.parse::<u32>().ok().filter(|&n| n > 0))
        .collect::<Option<Vec<u32>>>()
        .ok_or_else(|| Failure::Usage(format!("bad part number {text:?}: numbers from 1, joined by dots (1, 2.1)")))
}

fn dotted(number: &[u32]) -> String {
    number.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

/// The message's BODYSTRUCTURE.
fn structure(client: &mut Client, uid: u32) -> Result<BodyStructure<'static>, Failure> {
    let fetched = client.fetch(uid, vec![FetchAttr::Uid, FetchAttr::BodyStructure])?;
    let message = fetched.iter().find(|f| f.uid() == Some(uid));
    let body =
        message.and_then(|m| m.body_structure()).ok_or_else(|| Failure::Usage(format!("no message with UID {uid}")))?;
    Ok(body.clone().into_static())
}

/// `cat --parts`: the message's parts, one a line: number, type, size,
/// encoding, file name (decoded).
pub fn parts(client: &mut Client, mailbox: &str, uid: u32, out: &Out) -> Result<(), Failure> {
    client.select_folder(mailbox, true)?;
    let body = structure(client, uid)?;
    for (number, part) in body.parts() {
        let (kind, subtype) = part.media_type();
        let fields = part.fields();
        let value = json!({
            "part": dotted(&number),
            "type": format!("{kind}/{subtype}").to_ascii_lowercase(),
            "size": fields.map(|f| f.octets),
            "encoding": fields.and_then(|f| f.encoding.as_ref()).map(|e| e.to_string().to_ascii_lowercase()),
            "charset": fields.and_then(|f| f.param_text("charset")),
            "filename": part.filename(),
        });
        out.print(&value, || {
            let number = if number.is_empty() { "-".to_owned() } else { dotted(&number) };
            let mut line = format!("{number:<6} {}", value["type"].as_str().unwrap_or_default());
            if let Some(size) = value["size"].as_u64() {
                line += &format!("  {size} bytes");
            }
            if let Some(encoding) = value["encoding"].as_str() {
                line += &format!("  {encoding}");
            }
            if let Some(name) = value["filename"].as_str() {
                line += &format!("  {name}");
            }
            line
        });
    }
    Ok(())
}

/// Where `cat` writes: stdout, or stdout through a charset's decoder.
enum Sink<W: Write> {
    Bytes(W),
    Utf8(Utf8Writer<W>),
}

impl<W: Write> Sink<W> {
    fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Bytes(mut w) => w.flush(),
            Sink::Utf8(w) => w.finish().map(drop),
        }
    }
}

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Bytes(w) => w.write(bytes),
            Sink::Utf8(w) => w.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Bytes(w) => w.flush(),
            Sink::Utf8(w) => w.flush(),
        }
    }
}

/// `cat`: the message's raw bytes, or one part's content with its transfer
/// encoding undone and, for a text part in another charset (unless
/// `keep_charset`), turned into UTF-8; streamed to stdout as it arrives.
pub fn cat(
    client: &mut Client,
    mailbox: &str,
    uid: u32,
    part: Option<&[u32]>,
    keep_charset: bool,
) -> Result<(), Failure> {
    client.select_folder(mailbox, true)?;
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::with_capacity(64 << 10, stdout.lock());
    let mut charset = None;
    let (section, encoding) = match part {
        None => (Section::full(), Encoding::Identity),
        Some(number) => {
            let body = structure(client, uid)?;
            let found = body.parts().find(|(n, _)| n == number).map(|(_, p)| p.clone());
            let Some(found) = found else {
                let all: Vec<String> = body.parts().filter(|(n, _)| !n.is_empty()).map(|(n, _)| dotted(&n)).collect();
                return Err(Failure::Usage(format!(
                    "message {uid} has no part {} (its parts: {})",
                    dotted(number),
                    all.join(", ")
                )));
            };
            let Some(fields) = found.fields() else {
                return Err(Failure::Usage(format!("part {} is a multipart: name one of its parts", dotted(number))));
            };
            let encoding =
                fields.encoding.as_ref().map_or(Encoding::Identity, |e| Encoding::from_name(&e.to_str_lossy()));
            if found.media_type().0 == "TEXT" && !keep_charset {
                charset = fields.param_text("charset");
            }
            (Section::part(number.iter().copied()), encoding)
        }
    };
    let charset = charset.filter(|c| !c.eq_ignore_ascii_case("utf-8") && !c.eq_ignore_ascii_case("us-ascii"));
    let known = charset.filter(|c| {
        let known = decode_charset(c, b"").is_some();
        if !known {
            eprintln!("imap-cli: unknown charset {c:?}: the part's bytes as they are");
        }
        known
    });
    let sink = match known {
        Some(charset) => Sink::Utf8(Utf8Writer::new(&charset, out).expect("a charset decode_charset knows")),
        None => Sink::Bytes(out),
    };
    let mut decoder = Decoder::new(encoding, sink);
    let written = client.fetch_body_to(uid, section, &mut decoder);
    let finished = decoder.finish().and_then(Sink::finish);
    // A closed stdout (`imap-cli cat ... | head`) ends the program as
    // `say` does: the error on stderr, exit status 2.
    let closed = |why: String| -> ! {
        let _ = writeln!(std::io::stderr(), "imap-cli: cannot write the output: {why}");
        std::process::exit(i32::from(crate::failure::USAGE));
    };
    match (written, finished) {
        (Ok(_), Ok(())) => Ok(()),
        (Err(imap_core::session::Error::Sink(why)), _) => closed(why),
        (Ok(_), Err(e)) => closed(e.to_string()),
        (Err(e), _) => Err(e.into()),
    }
}
