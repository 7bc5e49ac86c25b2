//! How each command is written on the wire: the body after the tag, one
//! arm per command, through the one [`Encoder`].

use super::encode::{self, check_atom, EncodeError, Encoder};
use super::search;
use super::{Arg, Command, ListReturn, ListSelect, MetadataDepth, SortKey, StoreMode, ThreadAlgorithm};
use crate::types::{Flag, StatusAtt};

impl Command {
    pub(super) fn encode_body(&self, e: &mut Encoder<'_>) -> Result<(), EncodeError> {
        use Command::*;
        let uid = |e: &mut Encoder<'_>, uid: bool| {
            if uid {
                e.keyword("UID ");
            }
        };
        match self {
            Capability => _ = e.keyword("CAPABILITY"),
            Noop => _ = e.keyword("NOOP"),
            Logout => _ = e.keyword("LOGOUT"),
            StartTls => _ = e.keyword("STARTTLS"),
            Authenticate { mechanism, initial_response } => {
                e.keyword("AUTHENTICATE ").atom(mechanism)?;
                match initial_response {
                    None => {}
                    Some(r) if r.is_empty() => _ = e.keyword(" ="),
                    Some(r) => _ = e.sp().token(&encode::base64(r))?,
                }
            }
            Login { user, password } => {
                e.keyword("LOGIN ").astring(user)?.sp().astring(password)?;
            }
            Select { mailbox, condstore } | Examine { mailbox, condstore } => {
                e.keyword(if matches!(self, Select { .. }) { "SELECT " } else { "EXAMINE " }).mailbox(mailbox)?;
                if *condstore {
                    e.keyword(" (CONDSTORE)");
                }
            }
            SelectQResync { mailbox, read_only, qresync } => {
                e.keyword(if *read_only { "EXAMINE " } else { "SELECT " }).mailbox(mailbox)?;
                e.keyword(" (QRESYNC (").number(u64::from(qresync.uid_validity)).sp().number(qresync.modseq);
                if let Some(known) = &qresync.known_uids {
                    e.sp();
                    known.encode(e)?;
                }
                if let Some((seqs, uids)) = &qresync.seq_match {
                    e.keyword(" (");
                    seqs.encode(e)?;
                    e.sp();
                    uids.encode(e)?;
                    e.keyword(")");
                }
                e.keyword("))");
            }
            Create { mailbox, special_use } => {
                e.keyword("CREATE ").mailbox(mailbox)?;
                if !special_use.is_empty() {
                    e.keyword(" (USE (");
                    for (i, a) in special_use.iter().enumerate() {
                        if i > 0 {
                            e.sp();
                        }
                        backslash_atom(e, a).map_err(|_| EncodeError::InvalidAtom(a.clone()))?;
                    }
                    e.keyword("))");
                }
            }
            Delete { mailbox } => _ = e.keyword("DELETE ").mailbox(mailbox)?,
            Rename { from, to } => _ = e.keyword("RENAME ").mailbox(from)?.sp().mailbox(to)?,
            Subscribe { mailbox } => _ = e.keyword("SUBSCRIBE ").mailbox(mailbox)?,
            Unsubscribe { mailbox } => _ = e.keyword("UNSUBSCRIBE ").mailbox(mailbox)?,
            List { reference, pattern, select, returns } => {
                e.keyword("LIST ");
                if !select.is_empty() {
                    e.keyword("(");
                    for (i, s) in select.iter().enumerate() {
                        if i > 0 {
                            e.sp();
                        }
                        e.keyword(match s {
                            ListSelect::Subscribed => "SUBSCRIBED",
                            ListSelect::Remote => "REMOTE",
                            ListSelect::RecursiveMatch => "RECURSIVEMATCH",
                            ListSelect::SpecialUse => "SPECIAL-USE",
                        });
                    }
                    e.keyword(") ");
                }
                e.mailbox(reference)?.sp().mailbox_pattern(pattern)?;
                if !returns.is_empty() {
                    e.keyword(" RETURN (");
                    for (i, r) in returns.iter().enumerate() {
                        if i > 0 {
                            e.sp();
                        }
                        match r {
                            ListReturn::Subscribed => _ = e.keyword("SUBSCRIBED"),
                            ListReturn::Children => _ = e.keyword("CHILDREN"),
                            ListReturn::SpecialUse => _ = e.keyword("SPECIAL-USE"),
                            ListReturn::Status(atts) => {
                                e.keyword("STATUS ");
                                status_atts(e, atts)?;
                            }
                        }
                    }
                    e.keyword(")");
                }
            }
            Lsub { reference, pattern } => {
                e.keyword("LSUB ").mailbox(reference)?.sp().mailbox_pattern(pattern)?;
            }
            Status { mailbox, atts } => {
                e.keyword("STATUS ").mailbox(mailbox)?.sp();
                status_atts(e, atts)?;
            }
            Append { mailbox, messages } => {
                if messages.is_empty() {
                    return Err(EncodeError::Empty("append message list"));
                }
                e.keyword("APPEND ").mailbox(mailbox)?;
                for m in messages {
                    if !m.flags.is_empty() {
                        e.sp();
                        flag_list(e, &m.flags)?;
                    }
                    if let Some(date) = &m.date {
                        e.sp();
                        search::write_date_time(e, date)?;
                    }
                    e.sp();
                    if m.utf8 {
                        if !e.options().utf8_accept {
                            return Err(EncodeError::NotEnabled("APPEND UTF8 data"));
                        }
                        e.keyword("UTF8 (").literal8(&m.data)?.keyword(")");
                    } else if m.binary {
                        e.literal8(&m.data)?;
                    } else {
                        e.literal(&m.data)?;
                    }
                }
            }
            Check => _ = e.keyword("CHECK"),
            Close => _ = e.keyword("CLOSE"),
            Expunge => _ = e.keyword("EXPUNGE"),
            Unselect => _ = e.keyword("UNSELECT"),
            UidExpunge(set) => {
                e.keyword("UID EXPUNGE ");
                set.encode(e)?;
            }
            Search { charset, criteria, uid: u } => {
                uid(e, *u);
                e.keyword("SEARCH ");
                search::encode_search(e, charset.as_deref(), criteria)?;
            }
            Fetch { set, items, changed_since, uid: u } => {
                uid(e, *u);
                e.keyword("FETCH ");
                set.encode(e)?;
                e.sp();
                items.encode(e)?;
                if let Some(n) = changed_since {
                    e.keyword(" (CHANGEDSINCE ").number(*n).keyword(")");
                }
            }
            StoreGmLabels { set, mode, silent, labels, uid: u } => {
                uid(e, *u);
                e.keyword("STORE ");
                set.encode(e)?;
                let keyword = match (mode, silent) {
                    (StoreMode::Add, false) => " +X-GM-LABELS (",
                    (StoreMode::Add, true) => " +X-GM-LABELS.SILENT (",
                    (StoreMode::Remove, false) => " -X-GM-LABELS (",
                    (StoreMode::Remove, true) => " -X-GM-LABELS.SILENT (",
                    (StoreMode::Replace, false) => " X-GM-LABELS (",
                    (StoreMode::Replace, true) => " X-GM-LABELS.SILENT (",
                };
                e.keyword(keyword);
                for (i, label) in labels.iter().enumerate() {
                    if i > 0 {
                        e.sp();
                    }
                    match label.strip_prefix('\\') {
                        // A system label: `\` and an atom, checked.
                        Some(name) if !name.is_empty() && name.bytes().all(encode::is_atom_char) => {
                            e.keyword("\\").atom(name)?;
                        }
                        _ => _ = e.mailbox(label)?,
                    }
                }
                e.keyword(")");
            }
            Store { set, mode, silent, flags, unchanged_since, uid: u } => {
                uid(e, *u);
                e.keyword("STORE ");
                set.encode(e)?;
                if let Some(n) = unchanged_since {
                    e.keyword(" (UNCHANGEDSINCE ").number(*n).keyword(")");
                }
                e.sp().keyword(mode.keyword(*silent)).sp();
                flag_list(e, flags)?;
            }
            Copy { set, mailbox, uid: u } | Move { set, mailbox, uid: u } => {
                uid(e, *u);
                e.keyword(if matches!(self, Copy { .. }) { "COPY " } else { "MOVE " });
                set.encode(e)?;
                e.sp().mailbox(mailbox)?;
            }
            Idle => _ = e.keyword("IDLE"),
            Namespace => _ = e.keyword("NAMESPACE"),
            Id(None) => _ = e.keyword("ID NIL"),
            Id(Some(params)) => {
                e.keyword("ID (");
                for (i, (k, v)) in params.iter().enumerate() {
                    if i > 0 {
                        e.sp();
                    }
                    e.string(k.as_bytes())?.sp().nstring(v.as_deref().map(str::as_bytes))?;
                }
                e.keyword(")");
            }
            Enable(caps) => {
                if caps.is_empty() {
                    return Err(EncodeError::Empty("capability list"));
                }
                e.keyword("ENABLE");
                for c in caps {
                    e.sp().atom(c)?;
                }
            }
            GetQuota { root } => _ = e.keyword("GETQUOTA ").astring(root.as_bytes())?,
            GetQuotaRoot { mailbox } => _ = e.keyword("GETQUOTAROOT ").mailbox(mailbox)?,
            SetQuota { root, limits } => {
                e.keyword("SETQUOTA ").astring(root.as_bytes())?.keyword(" (");
                for (i, (name, limit)) in limits.iter().enumerate() {
                    if i > 0 {
                        e.sp();
                    }
                    e.atom(name)?.sp().number(*limit);
                }
                e.keyword(")");
            }
            GetMetadata { mailbox, entries, max_size, depth } => {
                if entries.is_empty() {
                    return Err(EncodeError::Empty("metadata entry list"));
                }
                e.keyword("GETMETADATA ");
                let depth = match depth {
                    MetadataDepth::Zero => None,
                    MetadataDepth::One => Some("DEPTH 1"),
                    MetadataDepth::Infinity => Some("DEPTH infinity"),
                };
                if max_size.is_some() || depth.is_some() {
                    e.keyword("(");
                    if let Some(n) = max_size {
                        e.keyword("MAXSIZE ").number(*n);
                        if depth.is_some() {
                            e.sp();
                        }
                    }
                    if let Some(depth) = depth {
                        e.keyword(depth);
                    }
                    e.keyword(") ");
                }
                e.mailbox(mailbox)?.keyword(" (");
                for (i, entry) in entries.iter().enumerate() {
                    if i > 0 {
                        e.sp();
                    }
                    e.astring(entry.as_bytes())?;
                }
                e.keyword(")");
            }
            SetMetadata { mailbox, entries } => {
                if entries.is_empty() {
                    return Err(EncodeError::Empty("metadata entry list"));
                }
                e.keyword("SETMETADATA ").mailbox(mailbox)?.keyword(" (");
                for (i, (entry, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        e.sp();
                    }
                    e.astring(entry.as_bytes())?.sp();
                    match value {
                        Some(v) if v.contains(&0) => _ = e.literal8(v)?,
                        v => _ = e.nstring(v.as_deref())?,
                    }
                }
                e.keyword(")");
            }
            GetAcl { mailbox } => _ = e.keyword("GETACL ").mailbox(mailbox)?,
            SetAcl { mailbox, identifier, rights } => {
                e.keyword("SETACL ").mailbox(mailbox)?.sp().astring(identifier.as_bytes())?;
                e.sp().astring(rights.as_bytes())?;
            }
            DeleteAcl { mailbox, identifier } => {
                e.keyword("DELETEACL ").mailbox(mailbox)?.sp().astring(identifier.as_bytes())?;
            }
            ListRights { mailbox, identifier } => {
                e.keyword("LISTRIGHTS ").mailbox(mailbox)?.sp().astring(identifier.as_bytes())?;
            }
            MyRights { mailbox } => _ = e.keyword("MYRIGHTS ").mailbox(mailbox)?,
            Sort { criteria, charset, search, uid: u } => {
                if criteria.is_empty() {
                    return Err(EncodeError::Empty("sort criteria"));
                }
                uid(e, *u);
                e.keyword("SORT (");
                for (i, c) in criteria.iter().enumerate() {
                    if i > 0 {
                        e.sp();
                    }
                    if c.reverse {
                        e.keyword("REVERSE ");
                    }
                    e.keyword(match c.key {
                        SortKey::Arrival => "ARRIVAL",
                        SortKey::Cc => "CC",
                        SortKey::Date => "DATE",
                        SortKey::From => "FROM",
                        SortKey::Size => "SIZE",
                        SortKey::Subject => "SUBJECT",
                        SortKey::To => "TO",
                        SortKey::DisplayFrom => "DISPLAYFROM",
                        SortKey::DisplayTo => "DISPLAYTO",
                    });
                }
                e.keyword(") ").atom(charset.as_deref().unwrap_or("UTF-8"))?.sp();
                search.encode(e, true)?;
            }
            Thread { algorithm, charset, search, uid: u } => {
                uid(e, *u);
                e.keyword("THREAD ");
                match algorithm {
                    ThreadAlgorithm::OrderedSubject => _ = e.keyword("ORDEREDSUBJECT"),
                    ThreadAlgorithm::References => _ = e.keyword("REFERENCES"),
                    ThreadAlgorithm::Other(a) => _ = e.atom(a)?,
                }
                e.sp().atom(charset.as_deref().unwrap_or("UTF-8"))?.sp();
                search.encode(e, true)?;
            }
            Compress => _ = e.keyword("COMPRESS DEFLATE"),
            Other { name, args } => {
                e.atom(name)?;
                for arg in args {
                    e.sp();
                    arg.encode(e)?;
                }
            }
        }
        Ok(())
    }
}

impl Arg {
    pub(super) fn encode(&self, e: &mut Encoder<'_>) -> Result<(), EncodeError> {
        match self {
            Arg::Atom(a) => _ = e.atom(a)?,
            Arg::AString(s) => _ = e.astring(s)?,
            Arg::String(s) => _ = e.string(s)?,
            Arg::NString(s) => _ = e.nstring(s.as_deref())?,
            Arg::Number(n) => _ = e.number(*n),
            Arg::Mailbox(m) => _ = e.mailbox(m)?,
            Arg::SeqSet(set) => _ = e.token(&set.to_string())?,
            Arg::List(items) => {
                e.keyword("(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        e.sp();
                    }
                    item.encode(e)?;
                }
                e.keyword(")");
            }
        }
        Ok(())
    }
}

/// `\` followed by an atom.
fn backslash_atom(e: &mut Encoder<'_>, s: &str) -> Result<(), EncodeError> {
    let rest = s.strip_prefix('\\').ok_or_else(|| EncodeError::InvalidAtom(s.to_owned()))?;
    check_atom(rest)?;
    e.keyword("\\").atom(rest)?;
    Ok(())
}

/// Writes one flag after checking it: a system flag, `\` + atom, or a keyword atom.
/// `\Recent` and `\*` cannot be set by a client.
pub(crate) fn write_flag(e: &mut Encoder<'_>, flag: &Flag<'_>) -> Result<(), EncodeError> {
    let invalid = || EncodeError::InvalidFlag(flag.to_string());
    match flag {
        Flag::Recent | Flag::MayCreate => return Err(invalid()),
        Flag::Keyword(k) => {
            check_atom(k).map_err(|_| invalid())?;
            e.atom(k)?;
        }
        Flag::Extension(x) => {
            let rest = x.strip_prefix('\\').ok_or_else(invalid)?;
            check_atom(rest).map_err(|_| invalid())?;
            e.keyword("\\").atom(rest)?;
        }
        Flag::Seen => _ = e.keyword("\\Seen"),
        Flag::Answered => _ = e.keyword("\\Answered"),
        Flag::Flagged => _ = e.keyword("\\Flagged"),
        Flag::Deleted => _ = e.keyword("\\Deleted"),
        Flag::Draft => _ = e.keyword("\\Draft"),
    }
    Ok(())
}

/// `(flag flag ...)`, possibly `()`.
fn flag_list(e: &mut Encoder<'_>, flags: &[Flag<'_>]) -> Result<(), EncodeError> {
    e.keyword("(");
    for (i, f) in flags.iter().enumerate() {
        if i > 0 {
            e.sp();
        }
        write_flag(e, f)?;
    }
    e.keyword(")");
    Ok(())
}

/// `(att att ...)`, not empty.
fn status_atts(e: &mut Encoder<'_>, atts: &[StatusAtt<'_>]) -> Result<(), EncodeError> {
    if atts.is_empty() {
        return Err(EncodeError::Empty("status attribute list"));
    }
    e.keyword("(");
    for (i, a) in atts.iter().enumerate() {
        if i > 0 {
            e.sp();
        }
        match a.keyword() {
            Some(keyword) => _ = e.keyword(keyword),
            None => _ = e.atom(a.as_str())?,
        }
    }
    e.keyword(")");
    Ok(())
}
