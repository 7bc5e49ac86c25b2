#!/usr/bin/env python3
"""Append N small but varied test messages to a user's INBOX (used by dovecot.sh seed).

The messages are deterministic (same N -> same bytes), so tests can assert on
them: message i (1-based, in APPEND order) has the header `X-Seed-Index: i`,
Message-ID <seed-i@imap-test.invalid>, and its kind and flags are chosen by
i % len(KINDS) and i % len(FLAGS).

Speed: imaplib logs in; the messages then go out as MULTIAPPEND (RFC 3502)
commands with LITERAL+ (RFC 7888) literals, many messages per command, through
imaplib's public send()/readline(). One APPEND round trip per message (plus
the `+` continuation wait) would make 20,000 messages take minutes.
"""

import argparse
import datetime as dt
import imaplib
import socket
import sys
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP

BATCH = 200  # messages per MULTIAPPEND command

FLAGS = [
    "",
    r"\Seen",
    r"\Seen \Flagged",
    r"\Answered \Seen",
    r"\Draft",
    r"$Forwarded \Seen",
    r"\Flagged $Label1",
]

PEOPLE = [
    ("Alice Example", "alice", "example.org"),
    ("Bob Example", "bob", "example.org"),
    ("Zoë Ünïcode", "zoe", "example.net"),
    ("", "no-name", "example.com"),
]

BASE = dt.datetime(2024, 1, 1, 9, 0, 0, tzinfo=dt.timezone.utc)


def addr(k):
    name, user, domain = PEOPLE[k % len(PEOPLE)]
    return Address(display_name=name, username=user, domain=domain)


def common(msg, i, subject):
    when = BASE + dt.timedelta(hours=7 * i, minutes=i % 60)
    msg["From"] = addr(i)
    msg["To"] = addr(i + 1)
    msg["Subject"] = subject
    msg["Date"] = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg["Message-ID"] = f"<seed-{i}@imap-test.invalid>"
    msg["X-Seed-Index"] = str(i)
    return when


def plain(i):
    m = EmailMessage(policy=SMTP)
    when = common(m, i, f"Plain message {i}")
    m.set_content(f"Hello,\n\nthis is plain test message {i}.\n\n-- \nseed.py\n")
    return m, when


def alternative(i):
    m = EmailMessage(policy=SMTP)
    when = common(m, i, f"Alternative message {i}")
    m.set_content(f"Text part of message {i}.\n")
    m.add_alternative(f"<html><body><p>HTML part of <b>message {i}</b>.</p></body></html>\n",
                      subtype="html")
    return m, when


def attachment(i):
    m = EmailMessage(policy=SMTP)
    when = common(m, i, f"Report {i} with attachment")
    m["Cc"] = addr(i + 2)
    m.set_content(f"See the attached report {i}.\n")
    blob = bytes((j * 7 + i) % 256 for j in range(300))
    m.add_attachment(blob, maintype="application", subtype="octet-stream",
                     filename=f"report-{i}.bin")
    m.add_attachment(f"a,b,c\n{i},2,3\n", subtype="csv", filename="data.csv")
    return m, when


def forward(i):
    inner, _ = plain(i + 1000)
    m = EmailMessage(policy=SMTP)
    when = common(m, i, f"Fwd: Plain message {i + 1000}")
    m["In-Reply-To"] = f"<seed-{i + 1000}@imap-test.invalid>"
    m["References"] = f"<seed-{i + 1000}@imap-test.invalid>"
    m.set_content(f"Forwarding message {i + 1000} below.\n")
    m.add_attachment(inner)  # message/rfc822 part
    return m, when


def non_ascii(i):
    m = EmailMessage(policy=SMTP)
    # The SMTP policy encodes these headers with RFC 2047 encoded-words.
    when = common(m, i, f"Grüße aus Köln – Nachricht {i} ✓ 日本語")
    m.set_content(f"Schöne Grüße, message {i}: naïve café, Ελληνικά, 日本語.\n",
                  cte="quoted-printable")
    return m, when


def many_addresses(i):
    m = EmailMessage(policy=SMTP)
    when = common(m, i, f"Meeting notes {i} (reply all)")
    del m["To"]
    m["To"] = [addr(i + 1), addr(i + 2), Address("", "list", "lists.example.org")]
    m["Cc"] = "Team: carol@example.org, dave@example.org;"  # group syntax
    m["Reply-To"] = addr(i + 3)
    m["Sender"] = Address("Secretary", "secretary", "example.org")
    m.set_content(f"Notes for meeting {i}.\n" + "line of notes\n" * (i % 5 + 1))
    return m, when


def minimal(i):
    # No Subject, no Date; tests see NIL in ENVELOPE for those.
    body = (f"From: nobody{i}@example.com\r\n"
            f"Message-ID: <seed-{i}@imap-test.invalid>\r\n"
            f"X-Seed-Index: {i}\r\n"
            "\r\n"
            f"Minimal message {i}, no subject and no date.\r\n").encode()
    return body, BASE + dt.timedelta(hours=7 * i)


KINDS = [plain, alternative, attachment, forward, non_ascii, many_addresses, minimal]


def message(i):
    m, when = KINDS[i % len(KINDS)](i)
    raw = m if isinstance(m, bytes) else m.as_bytes(policy=SMTP)
    return raw, FLAGS[i % len(FLAGS)], when


def read_tagged(imap, tag):
    while True:
        line = imap.readline()
        if not line:
            sys.exit("seed.py: connection closed by server")
        if line.startswith(tag + b" "):
            if not line.startswith(tag + b" OK"):
                sys.exit(f"seed.py: APPEND failed: {line!r}")
            return


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--mailbox", default="INBOX")
    ap.add_argument("n", type=int)
    a = ap.parse_args()

    imap = imaplib.IMAP4(a.host, a.port)
    # imaplib writes a literal and its CRLF separately; without NODELAY each
    # such pair waits ~40 ms for the delayed ACK (Nagle).
    imap.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    imap.login(a.user, a.password)
    # imap.capabilities is the pre-login list (no MULTIAPPEND there): ask again.
    _, data = imap.capability()
    caps = set(data[-1].decode().upper().split())
    imap.select(a.mailbox)  # Dovecot appends faster into the selected mailbox

    mbox = a.mailbox.encode()
    fast = "MULTIAPPEND" in caps and "LITERAL+" in caps
    i = 1
    batch_no = 0
    while i <= a.n:
        end = min(a.n, i + (BATCH if fast else 1) - 1)
        if fast:
            batch_no += 1
            tag = b"S%05d" % batch_no
            parts = [tag, b" APPEND ", mbox]
            for k in range(i, end + 1):
                raw, flags, when = message(k)
                date = imaplib.Time2Internaldate(when).encode()
                parts += [b" (", flags.encode(), b") ", date, b" {%d+}\r\n" % len(raw), raw]
            parts.append(b"\r\n")
            imap.send(b"".join(parts))  # one write per batch
            read_tagged(imap, tag)
        else:
            raw, flags, when = message(i)
            typ, data = imap.append(a.mailbox, f"({flags})", when, raw)
            if typ != "OK":
                sys.exit(f"seed.py: APPEND failed: {data!r}")
        i = end + 1

    imap.logout()
    print(f"seeded {a.n} messages into {a.user}/{a.mailbox}", file=sys.stderr)


if __name__ == "__main__":
    main()
