#!/usr/bin/env python3
"""One workload of the end-to-end benchmark with Python IMAPClient.

Run by `cargo run --release -p benches --bin e2e` from the venv it creates
(target/bench-venv); by hand:

    target/bench-venv/bin/python benches/imapclient_fetch.py --port 1430 \
        --user alice --password alice-pass --workload envelope --mailbox INBOX

Connects without TLS to 127.0.0.1, logs in, selects the mailbox (untimed),
then times one `UID FETCH 1:* (...)` parsed by IMAPClient (see `fetch_all`)
and the counting of what came back. Prints one line:

    count=<messages with the item> bytes=<BODY[] bytes> wall=<s> cpu=<s>

`wall` is time.perf_counter(), `cpu` time.process_time() (user + system of
this process), both around the fetch only.
"""

import argparse
import sys
import time

from imapclient import IMAPClient
from imapclient.imapclient import seq_to_parenstr_upper
from imapclient.response_parser import parse_fetch_response

ITEMS = {
    "envelope": ["UID", "FLAGS", "RFC822.SIZE", "ENVELOPE"],
    "bodies": ["BODY.PEEK[]"],
}


def fetch_all(client, items):
    """`UID FETCH 1:* (items)`, parsed by IMAPClient: `IMAPClient.fetch` minus its last step.

    IMAPClient 4.1's `fetch("1:*", ...)` raises ValueError: after parsing, it
    keeps only the responses whose UID is in `to_ints(messages)`, and
    `int("1:*")` fails. Passing the 20,000 UIDs instead makes a 108 KB command
    line (no ranges), over Dovecot's 64 KB limit. So this runs the body of
    `IMAPClient.fetch` (imapclient/imapclient.py, 4.1.0) without that filter:
    the same command, the same reading (imaplib) and the same parsing
    (`parse_fetch_response`); only the final dict comprehension is skipped,
    which if anything flatters IMAPClient.
    """
    tag = client._imap._command("UID", "FETCH", "1:*", seq_to_parenstr_upper(items))
    typ, data = client._imap._command_complete("FETCH", tag)
    client._checkok("fetch", typ, data)
    typ, data = client._imap._untagged_response(typ, data, "FETCH")
    return parse_fetch_response(data, client.normalise_times, client.use_uid)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--workload", choices=sorted(ITEMS), required=True)
    ap.add_argument("--mailbox", required=True)
    args = ap.parse_args()

    client = IMAPClient(args.host, port=args.port, ssl=False, use_uid=True)
    client.login(args.user, args.password)
    client.select_folder(args.mailbox)

    wall0, cpu0 = time.perf_counter(), time.process_time()
    result = fetch_all(client, ITEMS[args.workload])
    count = 0
    nbytes = 0
    if args.workload == "envelope":
        for data in result.values():
            if b"ENVELOPE" in data:
                count += 1
    else:
        for data in result.values():
            body = data.get(b"BODY[]")
            if body is not None:
                count += 1
                nbytes += len(body)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0

    del result
    client.logout()
    print(f"count={count} bytes={nbytes} wall={wall:.6f} cpu={cpu:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
