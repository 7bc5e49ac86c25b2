//! The Client's results of extension commands, made from the typed
//! responses (`Data::Namespace`, `Data::Quota`, `Data::Thread`, ...) and
//! response codes (`Code::AppendUid`, `Code::CopyUid`).

use crate::command::SeqSet;
use crate::types::{self, Code};

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
        let Some(Code::AppendUid { uid_validity, uids }) = code else { return None };
        match uids.ranges() {
            [range] if range.start == range.end => Some(AppendUid { uid_validity: *uid_validity, uid: range.start }),
            _ => None,
        }
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
        let Some(Code::CopyUid { uid_validity, source, target }) = code else { return None };
        Some(CopyUid { uid_validity: *uid_validity, source: source.into(), target: target.into() })
    }
}

/// A quota root and its resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The quota root's name.
    pub root: String,
    /// Its resources.
    pub resources: Vec<types::QuotaResource<'static>>,
}

impl Quota {
    /// From the root and resources of a typed `* QUOTA` response.
    pub fn from_data(root: &types::IString<'_>, resources: &[types::QuotaResource<'_>]) -> Quota {
        Quota {
            root: root.to_str_lossy().into_owned(),
            resources: resources.iter().cloned().map(types::IntoStatic::into_static).collect(),
        }
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

/// How deep a [`ThreadNode`] tree may grow: a chain of replies nests one
/// level per message, and a tree deeper than this is refused rather than
/// risking the stack when it is dropped or compared.
pub const MAX_THREAD_DEPTH: usize = 4096;

impl ThreadNode {
    /// The threads of a typed `* THREAD` response, each chain unfolded into
    /// parent and child. A thread that starts with branches has no root of
    /// its own; its branches are returned under a node with id 0. `None`
    /// when a tree would be deeper than [`MAX_THREAD_DEPTH`].
    pub fn from_threads(threads: &[types::Thread]) -> Option<Vec<ThreadNode>> {
        threads.iter().map(|t| thread(t, 0)).collect::<Option<Vec<_>>>().map(|v| v.into_iter().flatten().collect())
    }

    /// The thread as ORDEREDSUBJECT means it (RFC 5256 section 3): the first
    /// message and, as its children, all the others. That algorithm makes
    /// no grandchildren, and clients "SHOULD treat descendents of a child in
    /// a server response as being siblings of that child": Courier sends
    /// `(1 2 3 7)`, which is 1 with the children 2, 3 and 7, not a chain.
    /// [`Client::thread`](super::Client::thread) applies it to ORDEREDSUBJECT
    /// answers.
    ///
    /// ```
    /// use imap_core::client::ThreadNode;
    ///
    /// let chain = ThreadNode { id: 1, children: vec![ThreadNode { id: 2, children: vec![ThreadNode { id: 3, children: vec![] }] }] };
    /// let ids: Vec<u32> = chain.without_grandchildren().children.iter().map(|c| c.id).collect();
    /// assert_eq!(ids, [2, 3]);
    /// ```
    pub fn without_grandchildren(mut self) -> ThreadNode {
        let mut children = Vec::new();
        let mut pending: Vec<ThreadNode> = std::mem::take(&mut self.children).into_iter().rev().collect();
        while let Some(mut node) = pending.pop() {
            pending.extend(std::mem::take(&mut node.children).into_iter().rev());
            children.push(node);
        }
        ThreadNode { id: self.id, children }
    }
}

/// One parenthesised thread at `depth`: its chain, then its branches.
fn thread(t: &types::Thread, depth: usize) -> Option<Option<ThreadNode>> {
    let below = depth.checked_add(t.ids.len()).filter(|d| *d <= MAX_THREAD_DEPTH)?;
    let branches = t
        .children
        .iter()
        .map(|c| thread(c, below))
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    let mut node: Option<ThreadNode> = None;
    for &id in t.ids.iter().rev() {
        let children = match node.take() {
            Some(child) => vec![child],
            None => branches.clone(),
        };
        node = Some(ThreadNode { id, children });
    }
    Some(match node {
        Some(root) => Some(root),
        None if branches.is_empty() => None,
        None => Some(ThreadNode { id: 0, children: branches }),
    })
}

/// What changed in a mailbox since a state the client kept: the result of
/// [`Client::resync_folder`](super::Client::resync_folder) (QRESYNC, RFC 7162
/// section 3.2.5).
///
/// Keep [`mailbox`](Resync::mailbox)'s `uid_validity` and
/// [`highest_modseq`](Resync::highest_modseq) for the next resync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resync {
    /// The mailbox as selected now (EXISTS, UIDVALIDITY, HIGHESTMODSEQ, ...).
    pub mailbox: crate::session::SelectedMailbox,
    /// The mailbox's UIDVALIDITY is not the one given: the kept state is
    /// void (the server sent no changes) and the client must resync fully.
    pub uid_validity_changed: bool,
    /// UIDs expunged since (`VANISHED (EARLIER)`), among the known UIDs.
    pub vanished: types::UidSet,
    /// Messages whose flags changed, or that are new, since the given
    /// mod-sequence: each with its UID, FLAGS and MODSEQ.
    pub changed: Vec<types::Fetch<'static>>,
    /// The mailbox's HIGHESTMODSEQ now, to give next time.
    pub highest_modseq: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Thread, UidRange, UidSet};

    #[test]
    fn threads_nest_as_rfc_5256_says() {
        let t = |ids: &[u32], children: Vec<Thread>| Thread { ids: ids.to_vec(), children };
        let threads = vec![t(&[2], vec![]), t(&[3, 6], vec![t(&[4, 23], vec![]), t(&[44, 7, 96], vec![])])];
        let threads = ThreadNode::from_threads(&threads).unwrap();
        assert_eq!(threads[0], ThreadNode { id: 2, children: vec![] });
        let six = &threads[1].children[0];
        assert_eq!((threads[1].id, six.id, six.children.len()), (3, 6, 2));
        assert_eq!(six.children[1].children[0].children[0].id, 96);
        let roots = ThreadNode::from_threads(&[t(&[], vec![t(&[1], vec![]), t(&[2], vec![])])]).unwrap();
        assert_eq!((roots[0].id, roots[0].children.len()), (0, 2));
        let long = t(&(1..=MAX_THREAD_DEPTH as u32 + 1).collect::<Vec<_>>(), vec![]);
        assert_eq!(ThreadNode::from_threads(&[long]), None);
    }

    #[test]
    fn ordered_subject_threads_have_no_grandchildren() {
        // Courier's answer to THREAD ORDEREDSUBJECT: `(11)(1 2 3 7)(4 (5)(6 8))`.
        let t = |ids: &[u32], children: Vec<Thread>| Thread { ids: ids.to_vec(), children };
        let threads =
            vec![t(&[11], vec![]), t(&[1, 2, 3, 7], vec![]), t(&[4], vec![t(&[5], vec![]), t(&[6, 8], vec![])])];
        let flat: Vec<ThreadNode> =
            ThreadNode::from_threads(&threads).unwrap().into_iter().map(ThreadNode::without_grandchildren).collect();
        let shape: Vec<(u32, Vec<u32>)> =
            flat.iter().map(|n| (n.id, n.children.iter().map(|c| c.id).collect())).collect();
        assert_eq!(shape, [(11, vec![]), (1, vec![2, 3, 7]), (4, vec![5, 6, 8])]);
        assert!(flat.iter().flat_map(|n| &n.children).all(|c| c.children.is_empty()));
    }

    #[test]
    fn codes_of_uidplus() {
        let set = |r: &[(u32, u32)]| UidSet(r.iter().map(|&(start, end)| UidRange { start, end }).collect());
        let code = Code::AppendUid { uid_validity: 38505, uids: set(&[(3955, 3955)]) };
        assert_eq!(AppendUid::from_code(Some(&code)), Some(AppendUid { uid_validity: 38505, uid: 3955 }));
        let code = Code::AppendUid { uid_validity: 38505, uids: set(&[(3955, 3957)]) };
        assert_eq!(AppendUid::from_code(Some(&code)), None);
        let code =
            Code::CopyUid { uid_validity: 38505, source: set(&[(304, 304), (319, 320)]), target: set(&[(3956, 3958)]) };
        let copy = CopyUid::from_code(Some(&code)).unwrap();
        assert_eq!((copy.source.to_string(), copy.target.to_string()), ("304,319:320".into(), "3956:3958".into()));
    }
}
