#!/usr/bin/env python3
"""Append N small but varied test messages to a user's INBOX (used by dovecot.sh seed).

Besides: creates the folders of FOLDERS (non-ASCII and nested names, encoded
to modified UTF-7 here since imaplib does not) unless they exist, and appends
the EXTRAS to them on every run: a UTF-8 (8bit) body to Entwürfe, a Latin-1
(ISO-8859-1, 8bit) body to Projekte/Köln and a ~1 MB message to Archive/2024.
INBOX keeps exactly the N messages described below.

The messages are deterministic (same N -> same bytes), so tests can assert on
them: message i (1-based, in APPEND order) has the header `X-Seed-Index: i`,
Message-ID <seed-i@imap-test.invalid>, and its kind and flags are chosen by
i % len(KINDS) and i % len(FLAGS); INTERNALDATE is
2024-01-01 09:00 UTC + 7 h * i (+ i % 60 min).

Speed: imaplib logs in; the messages then go out as MULTIAPPEND (RFC 3502)
commands with LITERAL+ (RFC 7888) literals, many messages per command, through
imaplib's public send()/readline(). One APPEND round trip per message (plus
the `+` continuation wait) would make 20,000 messages take minutes.
"""

import argparse
import base64
import datetime as dt
import imaplib
import quopri
import socket
import sys
from email.header import Header

BATCH = 200  # messages per MULTIAPPEND command

FLAGS = [
    "",
    r"\Seen",
    r"\Seen \Flagged",
    r"\Answered \Seen",
    r"\Draft",
    r"$Forwarded \Seen",
    r"\Flagged $Label1",
    r"\Seen \Answered \Flagged",
]  # 8 entries vs 7 kinds: every kind gets every flag set over 56 messages

PEOPLE = [
    # As they appear in headers; the non-ASCII name is RFC 2047-encoded.
    '"Alice Example" <alice@example.org>',
    '"Bob Example" <bob@example.org>',
    "=?utf-8?q?Zo=C3=AB_=C3=9Cn=C3=AFcode?= <zoe@example.net>",
    "no-name@example.com",
]

BASE = dt.datetime(2024, 1, 1, 9, 0, 0, tzinfo=dt.timezone.utc)

# The messages are written out by hand rather than with the email package:
# that is ~20x faster (20,000 messages in a second or two instead of ~20 s),
# and the bytes (so RFC822.SIZE, BODYSTRUCTURE line counts) cannot change
# with the Python version.


def addr(k):
    return PEOPLE[k % len(PEOPLE)]


def b64(data, width=76):
    enc = base64.b64encode(data).decode()
    return "\r\n".join(enc[j:j + width] for j in range(0, len(enc), width))


def headers(i, subject, when, extra=""):
    return (f"From: {addr(i)}\r\n"
            f"To: {addr(i + 1)}\r\n"
            f"Subject: {subject}\r\n"
            f"Date: {when.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n"
            f"Message-ID: <seed-{i}@imap-test.invalid>\r\n"
            f"X-Seed-Index: {i}\r\n"
            f"{extra}"
            "MIME-Version: 1.0\r\n")


def when_of(i):
    return BASE + dt.timedelta(hours=7 * i, minutes=i % 60)


def plain(i):
    w = when_of(i)
    return (headers(i, f"Plain message {i}", w)
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            "Content-Transfer-Encoding: 7bit\r\n\r\n"
            f"Hello,\r\n\r\nthis is plain test message {i}.\r\n\r\n-- \r\nseed.py\r\n"), w


def alternative(i):
    w = when_of(i)
    b = f"=_alt_{i}"
    return (headers(i, f"Alternative message {i}", w)
            + f'Content-Type: multipart/alternative; boundary="{b}"\r\n\r\n'
            "This is a multi-part message in MIME format.\r\n"
            f"--{b}\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            f"Text part of message {i}.\r\n"
            f"--{b}\r\n"
            "Content-Type: text/html; charset=us-ascii\r\n\r\n"
            f"<html><body><p>HTML part of <b>message {i}</b>.</p></body></html>\r\n"
            f"--{b}--\r\n"), w


def attachment(i):
    w = when_of(i)
    b = f"=_mix_{i}"
    blob = bytes((j * 7 + i) % 256 for j in range(300))
    return (headers(i, f"Report {i} with attachment", w, f"Cc: {addr(i + 2)}\r\n")
            + f'Content-Type: multipart/mixed; boundary="{b}"\r\n\r\n'
            f"--{b}\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            f"See the attached report {i}.\r\n"
            f"--{b}\r\n"
            "Content-Type: application/octet-stream\r\n"
            f'Content-Disposition: attachment; filename="report-{i}.bin"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
            f"{b64(blob)}\r\n"
            f"--{b}\r\n"
            'Content-Type: text/csv; charset=us-ascii; name="data.csv"\r\n'
            'Content-Disposition: attachment; filename="data.csv"\r\n\r\n'
            f"a,b,c\r\n{i},2,3\r\n"
            f"--{b}--\r\n"), w


def forward(i):
    w = when_of(i)
    b = f"=_fwd_{i}"
    inner, _ = plain(i + 1000)
    ref = f"<seed-{i + 1000}@imap-test.invalid>"
    return (headers(i, f"Fwd: Plain message {i + 1000}", w,
                    f"In-Reply-To: {ref}\r\nReferences: {ref}\r\n")
            + f'Content-Type: multipart/mixed; boundary="{b}"\r\n\r\n'
            f"--{b}\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            f"Forwarding message {i + 1000} below.\r\n"
            f"--{b}\r\n"
            "Content-Type: message/rfc822\r\n"
            "Content-Disposition: inline\r\n\r\n"
            f"{inner}"
            f"--{b}--\r\n"), w


def non_ascii(i):
    w = when_of(i)
    # Two encoded-words on a folded line: RFC 2047 caps each at 75 chars.
    subject = Header(f"Grüße aus Köln – Nachricht {i} ✓ 日本語", "utf-8",
                     header_name="Subject").encode(maxlinelen=76).replace("\n", "\r\n")
    body = quopri.encodestring(
        f"Schöne Grüße, message {i}: naïve café, Ελληνικά, 日本語.\n".encode()).decode()
    return (headers(i, subject, w)
            + "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            + body.replace("\n", "\r\n")), w


def many_addresses(i):
    w = when_of(i)
    extra = (f"Cc: Team: carol@example.org, dave@example.org;\r\n"  # group syntax
             f"Reply-To: {addr(i + 3)}\r\n"
             "Sender: Secretary <secretary@example.org>\r\n")
    h = headers(i, f"Meeting notes {i} (reply all)", w, extra).replace(
        f"To: {addr(i + 1)}\r\n",
        f"To: {addr(i + 1)},\r\n {addr(i + 2)}, list@lists.example.org\r\n")  # folded
    return (h + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            + f"Notes for meeting {i}.\r\n" + "line of notes\r\n" * (i % 5 + 1)), w


def minimal(i):
    # No Subject, no Date, no MIME headers: tests see NIL in ENVELOPE for those.
    return (f"From: nobody{i}@example.com\r\n"
            f"Message-ID: <seed-{i}@imap-test.invalid>\r\n"
            f"X-Seed-Index: {i}\r\n"
            "\r\n"
            f"Minimal message {i}, no subject and no date.\r\n"), when_of(i)


KINDS = [plain, alternative, attachment, forward, non_ascii, many_addresses, minimal]


def message(i):
    text, when = KINDS[i % len(KINDS)](i)
    return text.encode("ascii"), FLAGS[i % len(FLAGS)], when


# Created when missing (parents first), with "/" as the hierarchy delimiter
# (replaced by the server's own).
FOLDERS = ["Entwürfe", "日本語", "Projekte", "Projekte/Köln", "Archive", "Archive/2024"]


def mutf7(name):
    """A mailbox name in modified UTF-7 (RFC 3501 5.1.3)."""
    out, pending = [], []

    def flush():
        if pending:
            b = base64.b64encode("".join(pending).encode("utf-16-be")).decode()
            out.append("&" + b.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def quoted(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def utf8_body():
    w = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
    subject = Header("Entwurf: Grüße ✓ 日本語", "utf-8").encode()
    return (extra_headers("utf8", subject, w)
            + "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            "Schöne Grüße aus Köln: naïve café, Ελληνικά, 日本語.\r\n").encode("utf-8"), w


def latin1_body():
    w = dt.datetime(2024, 3, 2, 12, 0, 0, tzinfo=dt.timezone.utc)
    subject = "=?iso-8859-1?q?Gr=FC=DFe_aus_K=F6ln?="
    return (extra_headers("latin1", subject, w)
            + "Content-Type: text/plain; charset=iso-8859-1\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            "Schöne Grüße aus Köln: naïve café, ½ Maß, ¤ 5.\r\n").encode("iso-8859-1"), w


def large_body():
    w = dt.datetime(2024, 3, 3, 12, 0, 0, tzinfo=dt.timezone.utc)
    line = "".join(chr(0x21 + (k % 94)) for k in range(76)) + "\r\n"  # 78 bytes
    lines = "".join(f"{k:06d} " + line[7:] for k in range(13_500))  # ~1 MB
    return (extra_headers("large", "A large message (about 1 MB)", w)
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            "Content-Transfer-Encoding: 7bit\r\n\r\n" + lines).encode("ascii"), w


def extra_headers(name, subject, when):
    return (f"From: {PEOPLE[2]}\r\n"
            f"To: {PEOPLE[0]}\r\n"
            f"Subject: {subject}\r\n"
            f"Date: {when.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n"
            f"Message-ID: <seed-{name}@imap-test.invalid>\r\n"
            f"X-Seed-Extra: {name}\r\n"
            "MIME-Version: 1.0\r\n")


EXTRAS = [("Entwürfe", utf8_body), ("Projekte/Köln", latin1_body), ("Archive/2024", large_body)]


def delimiter(imap):
    typ, data = imap.list('""', '""')
    if typ == "OK" and data and data[0]:
        # (\Noselect) "/" ""
        parts = data[0].decode().split('"')
        if len(parts) >= 3 and len(parts[1]) in (1, 2):
            return parts[1].replace("\\\\", "\\")
    return "/"


def create_folders(imap):
    sep = delimiter(imap)
    for name in FOLDERS:
        typ, data = imap.create(quoted(mutf7(name.replace("/", sep))))
        text = b" ".join(d for d in data if d).decode(errors="replace")
        if typ != "OK" and "ALREADYEXISTS" not in text.upper() and "exists" not in text.lower():
            sys.exit(f"seed.py: CREATE {name} failed: {text}")
    for name, make in EXTRAS:
        raw, when = make()
        typ, data = imap.append(quoted(mutf7(name.replace("/", sep))), r"(\Seen)", when, raw)
        if typ != "OK":
            sys.exit(f"seed.py: APPEND to {name} failed: {data!r}")


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

    create_folders(imap)
    imap.logout()
    print(f"seeded {a.n} messages into {a.user}/{a.mailbox}, and the folders {', '.join(FOLDERS)}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
