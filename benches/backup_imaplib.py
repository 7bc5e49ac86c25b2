#!/usr/bin/env python3
"""The peer of `imap-cli backup` for `benches/src/bin/backup.rs`: a plain
Python imaplib script that does the same work.

It logs in over plain TCP, EXAMINEs the mailbox, fetches
(UID FLAGS INTERNALDATE BODY.PEEK[]) in chunks of 200 UIDs, and writes each
chunk into a Maildir with imap-cli's fsync strategy
(imap-cli/src/commands/backup/maildir.rs, `stage` and `commit`): every
message of the chunk written to tmp/ (mtime = its internal date) without an
fsync, then all of them fsynced in parallel by up to 16 threads (the first
fsync commits the file system's journal for the others), then each renamed
into cur/ as `<epoch>.<uidvalidity>_<uid>.imapcli:2,<letters>`, one fsync of
cur/, and the JSON state file written atomically (tmp/, fsync, rename, fsync
of the mailbox directory). What still differs from imap-cli: it fetches one
chunk at a time (imap-cli keeps up to 3 in flight) and asks no RFC822.SIZE
first.

usage: backup_imaplib.py --port P --user U --password PW --mailbox M --to DIR
"""

import argparse
import concurrent.futures
import imaplib
import json
import os
import re
import time

LETTERS = {"\\Draft": "D", "\\Flagged": "F", "$Forwarded": "P", "\\Answered": "R", "\\Seen": "S", "\\Deleted": "T"}
ITEM = re.compile(rb"UID (\d+)|FLAGS \(([^)]*)\)|INTERNALDATE \"([^\"]+)\"")
# imap-cli's SYNC_THREADS: how many threads fsync a chunk's files (os.fsync
# releases the GIL, so they run in parallel as imap-cli's threads do).
SYNC_THREADS = 16


def fsync_path(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(root, staged, pool):
    """imap-cli's Maildir::commit: fsync every staged file (split among up
    to SYNC_THREADS threads), rename each into cur/, fsync cur/."""
    threads = max(1, min(len(staged), SYNC_THREADS))
    per = max(1, -(-len(staged) // threads))
    groups = [staged[i:i + per] for i in range(0, len(staged), per)]
    fsyncs = [pool.submit(lambda names: [fsync_path(os.path.join(root, "tmp", n)) for n in names], g)
              for g in groups]
    for f in fsyncs:
        f.result()
    for name in staged:
        os.rename(os.path.join(root, "tmp", name), os.path.join(root, "cur", name))
    fsync_path(os.path.join(root, "cur"))


def write_atomic(tmp, target, data, mtime=None):
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if mtime is not None:
        os.utime(tmp, (mtime, mtime))
    os.rename(tmp, target)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--mailbox", default="INBOX")
    ap.add_argument("--to", required=True)
    ap.add_argument("--chunk", type=int, default=200)
    a = ap.parse_args()

    root = os.path.join(a.to, a.mailbox)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    imap = imaplib.IMAP4(a.host, a.port)
    imap.login(a.user, a.password)
    imap.select(a.mailbox, readonly=True)
    uv = int(imap.untagged_responses["UIDVALIDITY"][0])
    typ, data = imap.uid("SEARCH", None, "ALL")
    uids = [int(u) for u in data[0].split()]
    state = {"version": 1, "mailbox": a.mailbox, "uid_validity": uv, "last_uid": 0, "messages": {}}
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=SYNC_THREADS)
    for i in range(0, len(uids), a.chunk):
        chunk = uids[i:i + a.chunk]
        typ, data = imap.uid("FETCH", ",".join(map(str, chunk)), "(UID FLAGS INTERNALDATE BODY.PEEK[])")
        staged = []
        for part in data:
            if not isinstance(part, tuple):
                continue
            head, body = part
            uid = flags = date = None
            for m in ITEM.finditer(head):
                if m.group(1):
                    uid = int(m.group(1))
                elif m.group(2) is not None:
                    flags = m.group(2).decode().split()
                else:
                    date = m.group(3).decode()
            epoch = int(time.mktime(imaplib.Internaldate2tuple(b'INTERNALDATE "' + date.encode() + b'"')))
            letters = "".join(sorted(LETTERS[f] for f in flags if f in LETTERS))
            keywords = sorted(f for f in flags if f not in LETTERS and f != "\\Recent")
            name = f"{epoch}.{uv}_{uid}.imapcli:2,{letters}"
            # Staged: written with its mtime, not yet fsynced (Maildir::stage).
            path = os.path.join(root, "tmp", name)
            with open(path, "wb") as f:
                f.write(body)
            os.utime(path, (epoch, epoch))
            staged.append(name)
            state["messages"][str(uid)] = {"file": name, "flags": letters, "keywords": keywords,
                                           "internal_date": date, "size": len(body)}
        commit(root, staged, pool)
        state["last_uid"] = max(chunk)
        write_atomic(os.path.join(root, "tmp", "state"), os.path.join(root, "imapcli-state.json"),
                     json.dumps(state, indent=2).encode())
        fsync_path(root)
    pool.shutdown()
    imap.logout()
    print(len(state["messages"]))


if __name__ == "__main__":
    main()
