//! Typed results of commands whose responses the base grammar keeps as
//! generic values (NAMESPACE, QUOTA, THREAD) or as response codes
//! (APPENDUID, COPYUID).

use crate::command::SeqSet;
use crate::types::{Code, IString, Value};

/// APPENDUID (UIDPLUS, RFC 4315): where an appended message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendUid {
    /// The mailbox's UIDVALIDITY.
    pub uid_validity: u32,
    /// The new message's UID.
    pub uid: u32,
}

impl AppendUid {
    /// From a tagged OK's code, when it is APPENDUID with a single UID.
    pub fn from_code(code: Option<&Code<'_>>) -> Option<AppendUid> {
        let (name, text) = other_code(code)?;
        if !name.eq_ignore_ascii_case("APPENDUID") {
            return None;
        }
        let mut words = text.split_ascii_whitespace();
        Some(AppendUid { uid_validity: words.next()?.parse().ok()?, uid: words.next()?.parse().ok()? })
    }
}

/// COPYUID (UIDPLUS, RFC 4315): the UIDs of copied or moved messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyUid {
    /// The target mailbox's UIDVALIDITY.
    pub uid_validity: u32,
    /// The source messages' UIDs.
    pub source: SeqSet,
    /// Their UIDs in the target mailbox, in the same order.
    pub target: SeqSet,
}

impl CopyUid {
    /// From a code: COPYUID on a tagged OK (COPY) or untagged OK (MOVE).
    pub fn from_code(code: Option<&Code<'_>>) -> Option<CopyUid> {
        let (name, text) = other_code(code)?;
        if !name.eq_ignore_ascii_case("COPYUID") {
            return None;
        }
        let mut words = text.split_ascii_whitespace();
        Some(CopyUid {
            uid_validity: words.next()?.parse().ok()?,
            source: words.next()?.parse().ok()?,
            target: words.next()?.parse().ok()?,
        })
    }
}

fn other_code<'c>(code: Option<&'c Code<'_>>) -> Option<(&'c str, String)> {
    match code? {
        Code::Other { name, text } => {
            Some((name, text.as_ref().map(|t| t.to_str_lossy().into_owned()).unwrap_or_default()))
        }
        _ => None,
    }
}

/// One namespace: a prefix and its hierarchy delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceEntry {
    /// The prefix (`""`, `"INBOX."`, `"#shared/"`).
    pub prefix: String,
    /// The hierarchy delimiter, if any.
    pub delimiter: Option<char>,
}

/// NAMESPACE (RFC 2342): personal, other users' and shared namespaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Namespace {
    /// The user's own mailboxes.
    pub personal: Vec<NamespaceEntry>,
    /// Other users' mailboxes.
    pub other_users: Vec<NamespaceEntry>,
    /// Shared mailboxes.
    pub shared: Vec<NamespaceEntry>,
}

impl Namespace {
    /// From the values of `* NAMESPACE (...) (...) (...)`.
    pub fn from_values(values: &[Value<'_>]) -> Option<Namespace> {
        let [_, personal, other, shared] = values else { return None };
        Some(Namespace { personal: entries(personal)?, other_users: entries(other)?, shared: entries(shared)? })
    }
}

fn entries(value: &Value<'_>) -> Option<Vec<NamespaceEntry>> {
    match value {
        Value::Nil => Some(Vec::new()),
        Value::List(list) => list
            .iter()
            .map(|entry| match entry {
                Value::List(parts) => match parts.as_slice() {
                    [Value::String(prefix), delimiter, ..] => Some(NamespaceEntry {
                        prefix: crate::utf7::decode_lossy(prefix.as_bytes()).into_owned(),
                        delimiter: match delimiter {
                            Value::String(d) => d.to_str_lossy().chars().next(),
                            _ => None,
                        },
                    }),
                    _ => None,
                },
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// One resource of a quota root (RFC 9208): usage and limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaResource {
    /// `STORAGE` (in KiB), `MESSAGE`, ...
    pub name: String,
    /// Current usage.
    pub usage: u64,
    /// The limit.
    pub limit: u64,
}

/// A quota root and its resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The quota root's name.
    pub root: String,
    /// Its resources.
    pub resources: Vec<QuotaResource>,
}

impl Quota {
    /// From the values of `* QUOTA root (name usage limit ...)`.
    pub fn from_values(values: &[Value<'_>]) -> Option<Quota> {
        let [_, root, Value::List(list)] = values else { return None };
        let root = value_text(root)?;
        let mut resources = Vec::new();
        for triple in list.chunks(3) {
            let [name, Value::Number(usage), Value::Number(limit)] = triple else { return None };
            resources.push(QuotaResource { name: value_text(name)?, usage: *usage, limit: *limit });
        }
        Some(Quota { root, resources })
    }
}

/// The text of an atom or string value.
pub(crate) fn value_text(value: &Value<'_>) -> Option<String> {
    match value {
        Value::Atom(a) => Some(a.to_string()),
        Value::String(s) => Some(s.to_str_lossy().into_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The bytes of an atom or string value.
pub(crate) fn value_bytes(value: &Value<'_>) -> Option<IString<'static>> {
    match value {
        Value::Atom(a) => Some(IString::from(a.as_bytes()).into_owned()),
        Value::String(s) => Some(s.clone().into_owned()),
        _ => None,
    }
}

/// One message of a THREAD response (RFC 5256) and its replies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadNode {
    /// The message's number (a UID for UID THREAD).
    pub id: u32,
    /// Its children.
    pub children: Vec<ThreadNode>,
}

impl ThreadNode {
    /// The threads of `* THREAD (...)(...)`: values after the keyword.
    pub fn from_values(values: &[Value<'_>]) -> Option<Vec<ThreadNode>> {
        values
            .iter()
            .skip(1)
            .map(|v| match v {
                Value::List(items) => thread(items),
                _ => None,
            })
            .collect::<Option<Vec<Option<ThreadNode>>>>()
            .map(|v| v.into_iter().flatten().collect())
    }
}

/// One parenthesised thread: a chain of ids, then branches. `(3 6 (4 23)(44 7 96))`
/// is 3, whose child is 6, whose children are the chains 4-23 and 44-7-96.
/// A thread that starts with branches has no root of its own; its branches are
/// returned under a node with id 0.
fn thread(items: &[Value<'_>]) -> Option<Option<ThreadNode>> {
    let chain_len = items.iter().take_while(|v| matches!(v, Value::Number(_))).count();
    let branches: Vec<ThreadNode> = items[chain_len..]
        .iter()
        .map(|v| match v {
            Value::List(inner) => thread(inner),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let mut node: Option<ThreadNode> = None;
    for value in items[..chain_len].iter().rev() {
        let Value::Number(id) = value else { return None };
        let children = match node.take() {
            Some(child) => vec![child],
            None => branches.clone(),
        };
        node = Some(ThreadNode { id: u32::try_from(*id).ok()?, children });
    }
    Some(match node {
        Some(root) => Some(root),
        None if branches.is_empty() => None,
        None => Some(ThreadNode { id: 0, children: branches }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_nest_as_rfc_5256_says() {
        let n = |id| Value::Number(id);
        let values = vec![
            Value::Atom("THREAD".into()),
            Value::List(vec![n(2)]),
            Value::List(vec![n(3), n(6), Value::List(vec![n(4), n(23)]), Value::List(vec![n(44), n(7), n(96)])]),
        ];
        let threads = ThreadNode::from_values(&values).unwrap();
        assert_eq!(threads[0], ThreadNode { id: 2, children: vec![] });
        let six = &threads[1].children[0];
        assert_eq!((threads[1].id, six.id, six.children.len()), (3, 6, 2));
        assert_eq!(six.children[1].children[0].children[0].id, 96);
    }

    #[test]
    fn codes_of_uidplus() {
        let code = Code::Other { name: "APPENDUID".into(), text: Some("38505 3955".into()) };
        assert_eq!(AppendUid::from_code(Some(&code)), Some(AppendUid { uid_validity: 38505, uid: 3955 }));
        let code = Code::Other { name: "COPYUID".into(), text: Some("38505 304,319:320 3956:3958".into()) };
        let copy = CopyUid::from_code(Some(&code)).unwrap();
        assert_eq!((copy.source.to_string(), copy.target.to_string()), ("304,319:320".into(), "3956:3958".into()));
    }
}
