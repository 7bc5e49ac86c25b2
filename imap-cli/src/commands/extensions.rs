//! The subcommands of server extensions: namespace, quota, id, metadata,
//! thread, and the extended forms of list (SPECIAL-USE, LIST-STATUS) and
//! search (ESEARCH).

use super::output::{entry_json, list_line, status_line, Out};
use crate::failure::Failure;
use clap::ValueEnum;
use imap_core::client::{Client, ThreadNode};
use imap_core::command::{Arg, Command, FetchAttr, ListReturn, SearchKey, SeqSet, ThreadAlgorithm};
use imap_core::session::Error;
use imap_core::types::{Data, ESearch, Response, StatusAtt, StatusItem, Value};
use serde::Serialize;
use std::collections::HashMap;

/// The client's name in ID.
const CLIENT_NAME: &str = "imap-cli";

/// `--algorithm` of `thread`.
#[derive(ValueEnum, Clone, Copy, Debug, Default)]
pub enum Algorithm {
    /// REFERENCES: by Message-ID, In-Reply-To and References.
    #[default]
    References,
    /// ORDEREDSUBJECT: by base subject, then date.
    Orderedsubject,
}

/// One namespace as printed.
#[derive(Serialize)]
struct NamespaceEntry {
    prefix: String,
    delimiter: Option<char>,
}

/// NAMESPACE as printed with `--json`.
#[derive(Serialize)]
struct Namespaces {
    personal: Vec<NamespaceEntry>,
    other_users: Vec<NamespaceEntry>,
    shared: Vec<NamespaceEntry>,
}

/// NAMESPACE: the three kinds of namespace, prefix and delimiter each.
pub fn namespace(client: &mut Client, out: &Out) -> Result<(), Failure> {
    let ns = client.namespace()?;
    let entries = |list: &[imap_core::types::NamespaceDescr<'_>]| {
        list.iter().map(|e| NamespaceEntry { prefix: e.prefix_text(), delimiter: e.delimiter }).collect::<Vec<_>>()
    };
    let value =
        Namespaces { personal: entries(&ns.personal), other_users: entries(&ns.other), shared: entries(&ns.shared) };
    out.print(&value, || {
        let kind = |label: &str, list: &[NamespaceEntry]| {
            if list.is_empty() {
                return format!("{label:<12} (none)");
            }
            list.iter()
                .map(|e| {
                    let delimiter = e.delimiter.map_or("NIL".to_owned(), |d| format!("{d:?}"));
                    format!("{label:<12} prefix {:?} delimiter {delimiter}", e.prefix)
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        [kind("personal:", &value.personal), kind("other users:", &value.other_users), kind("shared:", &value.shared)]
            .join("\n")
    });
    Ok(())
}

/// One resource of a quota root as printed.
#[derive(Serialize)]
struct QuotaResource {
    name: String,
    usage: u64,
    limit: u64,
}

/// A quota root as printed.
#[derive(Serialize)]
struct QuotaRoot {
    root: String,
    resources: Vec<QuotaResource>,
}

/// GETQUOTAROOT as printed with `--json`.
#[derive(Serialize)]
struct Quotas {
    mailbox: String,
    roots: Vec<String>,
    quotas: Vec<QuotaRoot>,
}

/// GETQUOTAROOT: the mailbox's quota roots and each resource's usage and limit.
pub fn quota(client: &mut Client, mailbox: &str, out: &Out) -> Result<(), Failure> {
    let (roots, quotas) = client.get_quota_root(mailbox)?;
    let value = Quotas {
        mailbox: mailbox.to_owned(),
        roots,
        quotas: quotas
            .into_iter()
            .map(|q| QuotaRoot {
                root: q.root,
                resources: q
                    .resources
                    .into_iter()
                    .map(|r| QuotaResource { name: r.name.into_owned(), usage: r.usage, limit: r.limit })
                    .collect(),
            })
            .collect(),
    };
    out.print(&value, || {
        let roots = value.roots.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>();
        let mut lines = vec![if roots.is_empty() {
            format!("{mailbox}: no quota root")
        } else {
            format!("{mailbox}: quota root {}", roots.join(" "))
        }];
        for quota in &value.quotas {
            lines.push(format!("{:?}:", quota.root));
            for r in &quota.resources {
                let share =
                    r.usage.saturating_mul(100).checked_div(r.limit).map_or(String::new(), |p| format!(" ({p}%)"));
                let unit = if r.name.eq_ignore_ascii_case("STORAGE") { " KiB" } else { "" };
                lines.push(format!("  {:<10} {}{unit} of {}{unit}{share}", r.name, r.usage, r.limit));
            }
        }
        lines.join("\n")
    });
    Ok(())
}

/// One field of the server's ID.
#[derive(Serialize)]
struct IdField {
    name: String,
    value: Option<String>,
}

/// The server's ID as printed with `--json`.
#[derive(Serialize)]
struct ServerId {
    fields: Vec<IdField>,
}

/// ID: sends the client's name and version, prints the server's fields.
pub fn id(client: &mut Client, out: &Out) -> Result<(), Failure> {
    let ours = vec![
        ("name".to_owned(), Some(CLIENT_NAME.to_owned())),
        ("version".to_owned(), Some(env!("CARGO_PKG_VERSION").to_owned())),
    ];
    let fields = client.id(Some(ours))?;
    let value = ServerId { fields: fields.into_iter().map(|(name, value)| IdField { name, value }).collect() };
    out.print(&value, || {
        if value.fields.is_empty() {
            return "the server sent no ID (ID NIL)".to_owned();
        }
        let width = value.fields.iter().map(|f| f.name.chars().count()).max().unwrap_or(0) + 1;
        value
            .fields
            .iter()
            .map(|f| format!("{:<width$} {}", format!("{}:", f.name), f.value.as_deref().unwrap_or("NIL")))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// One metadata entry, as printed with `--json`.
#[derive(Serialize)]
struct MetadataLine<'e> {
    mailbox: &'e str,
    entry: &'e str,
    /// The value as text (lossily UTF-8); `null` when the entry is not set.
    value: Option<String>,
}

/// GETMETADATA (RFC 5464) of `entries` of `mailbox` (`""` for the server):
/// one line per entry the server answered, `mailbox entry: value`.
pub fn metadata(client: &mut Client, mailbox: &str, entries: &[String], out: &Out) -> Result<(), Failure> {
    let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
    for (entry, value) in client.get_metadata(mailbox, &entries)? {
        let value = value.map(|v| String::from_utf8_lossy(&v).into_owned());
        let line = MetadataLine { mailbox, entry: &entry, value };
        out.print(&line, || {
            let shown = if mailbox.is_empty() { "(server)" } else { mailbox };
            format!("{shown} {entry}: {}", line.value.as_deref().unwrap_or("NIL"))
        });
    }
    Ok(())
}

/// A value as on the wire (strings quoted, lossily UTF-8).
fn wire(value: &Value<'_>) -> String {
    match value {
        Value::Nil => "NIL".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("\"{}\"", s.to_str_lossy().replace('\\', "\\\\").replace('"', "\\\"")),
        Value::Atom(a) => a.to_string(),
        Value::List(items) => format!("({})", items.iter().map(wire).collect::<Vec<_>>().join(" ")),
    }
}

/// LIST with RETURN (SPECIAL-USE) and/or RETURN (STATUS (MESSAGES UNSEEN)):
/// the entries, each with the STATUS the server sent for it.
pub fn list_extended(
    client: &mut Client,
    pattern: &str,
    special_use: bool,
    status: bool,
    out: &Out,
) -> Result<(), Failure> {
    let mut returns = Vec::new();
    if special_use {
        // Sent anyway, each would get a NO or BAD that does not tell why.
        client.ensure_capability("SPECIAL-USE", "LIST RETURN (SPECIAL-USE)")?;
        returns.push(ListReturn::SpecialUse);
    }
    if status {
        client.ensure_capability("LIST-STATUS", "LIST RETURN (STATUS)")?;
        returns.push(ListReturn::Status(vec![StatusAtt::Messages, StatusAtt::Unseen]));
    }
    let command = Command::List { reference: String::new(), pattern: pattern.to_owned(), select: Vec::new(), returns };
    let done = client.run(command)?;
    let mut entries = Vec::new();
    let mut counters: HashMap<String, Vec<StatusItem<'static>>> = HashMap::new();
    for response in done.data {
        match response {
            Response::Data(Data::List(entry)) => entries.push(entry),
            Response::Data(Data::Status { mailbox, items }) => {
                counters.entry(mailbox.name().to_owned()).or_default().extend(items)
            }
            _ => {}
        }
    }
    for entry in &entries {
        let items = counters.get(entry.mailbox.name()).map(Vec::as_slice);
        // With --json: the entry, and its LIST-STATUS counters as `status`.
        let mut value = entry_json(entry);
        if let Some(items) = items {
            value["status"] = serde_json::to_value(items).expect("typed values serialize");
        }
        out.print(&value, || match items {
            Some(items) => {
                let counts = status_line("", items);
                format!("{}  {}", list_line(entry), counts.trim_start_matches(": "))
            }
            None => list_line(entry),
        });
    }
    Ok(())
}

/// What `search` looks for, as typed keys and as arguments of a raw command.
pub struct Criteria {
    /// The typed form, for SEARCH.
    pub key: SearchKey,
    /// The same as [`Arg`]s, for `UID SEARCH RETURN (...)`.
    pub args: Vec<Arg>,
}

impl Criteria {
    /// UNSEEN, FROM and SUBJECT as asked; ALL for none.
    pub fn new(unseen: bool, from: Option<&str>, subject: Option<&str>) -> Criteria {
        let (mut keys, mut args) = (Vec::new(), Vec::new());
        if unseen {
            keys.push(SearchKey::Unseen);
            args.push(Arg::Atom("UNSEEN".into()));
        }
        if let Some(from) = from {
            keys.push(SearchKey::From(from.as_bytes().to_vec()));
            args.extend([Arg::Atom("FROM".into()), Arg::AString(from.as_bytes().to_vec())]);
        }
        if let Some(subject) = subject {
            keys.push(SearchKey::Subject(subject.as_bytes().to_vec()));
            args.extend([Arg::Atom("SUBJECT".into()), Arg::AString(subject.as_bytes().to_vec())]);
        }
        if keys.is_empty() {
            return Criteria { key: SearchKey::All, args: vec![Arg::Atom("ALL".into())] };
        }
        if !(from.unwrap_or("").is_ascii() && subject.unwrap_or("").is_ascii()) {
            args.splice(0..0, [Arg::Atom("CHARSET".into()), Arg::Atom("UTF-8".into())]);
        }
        Criteria { key: SearchKey::and(keys), args }
    }
}

/// UID SEARCH in the selected mailbox: prints the UIDs, or the ESEARCH
/// results when the server answers with ESEARCH. With `esearch`, sends
/// `UID SEARCH RETURN (MIN MAX COUNT ALL) ...` (RFC 4731).
pub fn search(client: &mut Client, criteria: Criteria, esearch: bool, out: &Out) -> Result<(), Failure> {
    let (data, tag) = if esearch {
        client.ensure_capability("ESEARCH", "SEARCH RETURN")?;
        let mut args = vec![
            Arg::Atom("SEARCH".into()),
            Arg::Atom("RETURN".into()),
            Arg::List(["MIN", "MAX", "COUNT", "ALL"].map(|a| Arg::Atom(a.into())).to_vec()),
        ];
        args.extend(criteria.args);
        let done = client.run(Command::Other { name: "UID".into(), args })?;
        // A raw command collects nothing: its ESEARCH comes unsolicited.
        let tag = done.tag.to_string();
        (done.data.into_iter().chain(client.take_unsolicited()).collect::<Vec<_>>(), Some(tag))
    } else {
        let done = client.run(Command::Search { charset: None, criteria: criteria.key, uid: true })?;
        (done.data, None)
    };
    let mut uids = Vec::new();
    let mut answered = false;
    for response in data {
        match response {
            Response::Data(Data::Search(search)) => {
                uids.extend(search.ids);
                answered = true;
            }
            Response::Data(Data::ESearch(e)) => {
                // Another command's ESEARCH (its TAG differs) is not ours.
                let theirs = e.tag.as_ref().map(|t| t.to_str_lossy().into_owned());
                if tag.is_some() && theirs.is_some() && theirs != tag {
                    continue;
                }
                out.print(&e, || esearch_line(&e));
                return Ok(());
            }
            _ => {}
        }
    }
    if esearch && !answered {
        return Err(Failure::Imap(Error::Protocol("the server sent no ESEARCH response".into())));
    }
    out.print(&uids, || uids.iter().map(u32::to_string).collect::<Vec<_>>().join(" "));
    Ok(())
}

/// `min=1 max=9 count=5 all=1:3,7,9` (only what the server sent).
fn esearch_line(e: &ESearch<'_>) -> String {
    let mut parts = Vec::new();
    if let Some(n) = e.min {
        parts.push(format!("min={n}"));
    }
    if let Some(n) = e.max {
        parts.push(format!("max={n}"));
    }
    if let Some(n) = e.count {
        parts.push(format!("count={n}"));
    }
    if let Some(all) = &e.all {
        parts.push(format!("all={all}"));
    }
    if let Some(n) = e.modseq {
        parts.push(format!("modseq={n}"));
    }
    for other in &e.other {
        parts.push(format!("{}={}", other.name.to_ascii_lowercase(), wire(&other.value)));
    }
    if parts.is_empty() {
        "no matches".to_owned()
    } else {
        parts.join(" ")
    }
}

/// A thread as printed with `--json`: a message (no UID for a thread
/// without a root message of its own) and its replies.
#[derive(Serialize)]
struct ThreadOut {
    uid: Option<u32>,
    /// Decoded for people.
    subject: Option<String>,
    /// As the server sent it.
    subject_raw: Option<serde_json::Value>,
    children: Vec<ThreadOut>,
}

/// UID THREAD ALL in the selected mailbox: the tree, one message a line,
/// replies indented under their parent, with subjects.
pub fn thread(client: &mut Client, algorithm: Algorithm, out: &Out) -> Result<(), Failure> {
    let algorithm = match algorithm {
        Algorithm::References => ThreadAlgorithm::References,
        Algorithm::Orderedsubject => ThreadAlgorithm::OrderedSubject,
    };
    let threads = client.thread(algorithm, SearchKey::All)?;
    let mut uids = Vec::new();
    let mut stack: Vec<&ThreadNode> = threads.iter().collect();
    while let Some(node) = stack.pop() {
        if node.id != 0 {
            uids.push(node.id);
        }
        stack.extend(&node.children);
    }
    let mut subjects = HashMap::new();
    if !uids.is_empty() {
        uids.sort_unstable();
        for message in client.fetch(SeqSet::from(&uids[..]), vec![FetchAttr::Uid, FetchAttr::Envelope])? {
            let Some(envelope) = message.envelope() else { continue };
            if let (Some(uid), Some(subject), Some(raw)) =
                (message.uid(), envelope.subject_text(), envelope.subject.as_ref())
            {
                let raw = serde_json::to_value(raw).expect("typed values serialize");
                subjects.insert(uid, (subject.into_owned(), raw));
            }
        }
    }
    for root in &threads {
        let value = tree(root, &subjects);
        out.print(&value, || {
            let mut lines = Vec::new();
            text_lines(&value, 0, &mut lines);
            lines.join("\n")
        });
    }
    Ok(())
}

fn tree(node: &ThreadNode, subjects: &HashMap<u32, (String, serde_json::Value)>) -> ThreadOut {
    ThreadOut {
        uid: (node.id != 0).then_some(node.id),
        subject: subjects.get(&node.id).map(|s| s.0.clone()),
        subject_raw: subjects.get(&node.id).map(|s| s.1.clone()),
        children: node.children.iter().map(|c| tree(c, subjects)).collect(),
    }
}

fn text_lines(node: &ThreadOut, depth: usize, lines: &mut Vec<String>) {
    let indent = "  ".repeat(depth);
    let line = match (node.uid, &node.subject) {
        (Some(uid), Some(subject)) => format!("{indent}{uid} {subject}"),
        (Some(uid), None) => format!("{indent}{uid}"),
        (None, _) => format!("{indent}-"),
    };
    lines.push(line);
    for child in &node.children {
        text_lines(child, depth + 1, lines);
    }
}
