#!/usr/bin/env bash
# The project's demo: imap-cli against a real IMAP server. By default it starts
# a private Dovecot, seeds a few messages and runs `imap-cli demo` over TLS
# (verified against the private CA): capabilities, mailboxes, INBOX's status
# and its messages, all typed.
#
#   scripts/demo.sh                      private Dovecot in a temp dir, seeded
#   scripts/demo.sh --host H --port P --user U --password PW [--tls]
#   scripts/demo.sh ... --parse          a fixed raw session instead, whose
#                                        server bytes go through `imap-cli parse`
#                                        (one JSON object per response)
#   scripts/demo.sh ... --raw            the raw session's bytes, unparsed
#
# The raw session is a few lines of python3 on a plain socket on purpose: it
# sends fixed commands and forwards the server's bytes untouched, so what the
# parser sees is exactly what the server sent (no client library in between).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$SCRIPT_DIR")"

usage() {
    cat >&2 <<'EOF'
usage: demo.sh [--host HOST --port PORT --user USER --password PASSWORD] [--tls] [--parse|--raw]
  no --host: install Dovecot if needed, start a private one on 127.0.0.1,
             seed a few messages and run the demo against it (over TLS)
  --tls:     implicit TLS (IMAPS, default port 993), certificate verified;
             without it a named server is reached with STARTTLS
  --parse:   a fixed raw session whose bytes go through `imap-cli parse`
  --raw:     print that raw session's bytes instead
EOF
    exit 2
}

HOST="" PORT="" DEMO_USER="" DEMO_PASSWORD="" TLS=0 RAW=0 PARSE=0 CAFILE=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --host) HOST="${2:?}"; shift 2 ;;
        --port) PORT="${2:?}"; shift 2 ;;
        --user) DEMO_USER="${2:?}"; shift 2 ;;
        --password) DEMO_PASSWORD="${2:?}"; shift 2 ;;
        --tls) TLS=1; shift ;;
        --raw) RAW=1; shift ;;
        --parse) PARSE=1; shift ;;
        -h|--help) usage ;;
        *) printf 'demo.sh: unknown argument %s\n' "$1" >&2; usage ;;
    esac
done

TLS_NOTE=""
[[ "$TLS" -eq 0 ]] || TLS_NOTE=" (TLS)"

DOVECOT_DIR=""
cleanup() {
    # Stop the private server and drop its files, however the demo ended.
    if [[ -n "$DOVECOT_DIR" ]]; then
        "$SCRIPT_DIR/dovecot.sh" stop "$DOVECOT_DIR" >/dev/null 2>&1 || true
        rm -rf "$DOVECOT_DIR"
    fi
}

if [[ -z "$HOST" ]]; then
    [[ -z "$PORT$DEMO_USER$DEMO_PASSWORD" ]] || { echo "demo.sh: --port/--user/--password need --host" >&2; usage; }
    # imap-cli's demo runs over verified TLS; the raw session keeps plain
    # unless --tls is given.
    [[ "$RAW$PARSE" != "00" ]] || { TLS=1; TLS_NOTE=" (TLS)"; }
    "$SCRIPT_DIR/install-deps.sh"
    DOVECOT_DIR="$(mktemp -d /tmp/imap-demo.XXXXXX)"
    trap cleanup EXIT
    # dovecot.sh prints "IMAP_PORT=.. IMAPS_PORT=.. DIR=.." on stdout.
    started="$("$SCRIPT_DIR/dovecot.sh" start "$DOVECOT_DIR")"
    printf 'demo.sh: %s\n' "$started" >&2
    "$SCRIPT_DIR/dovecot.sh" seed "$DOVECOT_DIR" alice 7 >&2
    HOST=127.0.0.1
    DEMO_USER=alice
    DEMO_PASSWORD=alice-pass
    if [[ "$TLS" -eq 1 ]]; then
        PORT="$(sed -n 's/^IMAPS_PORT=//p' "$DOVECOT_DIR/env")"
        CAFILE="$DOVECOT_DIR/ca.pem"  # our private CA; verification stays on
    else
        PORT="$(sed -n 's/^IMAP_PORT=//p' "$DOVECOT_DIR/env")"
    fi
    what="private Dovecot $(dovecot --version | cut -d' ' -f1) on $HOST:$PORT$TLS_NOTE in $DOVECOT_DIR, user $DEMO_USER, 7 seeded messages"
else
    [[ -n "$DEMO_USER" && -n "$DEMO_PASSWORD" ]] || { echo "demo.sh: --host needs --user and --password" >&2; usage; }
    if [[ -z "$PORT" ]]; then
        if [[ "$TLS" -eq 1 ]]; then PORT=993; else PORT=143; fi
    fi
    what="$HOST:$PORT$TLS_NOTE, user $DEMO_USER"
fi

# The password goes through the environment, not argv (visible in ps).
export DEMO_HOST="$HOST" DEMO_PORT="$PORT" DEMO_TLS="$TLS" DEMO_CAFILE="$CAFILE" \
    DEMO_USER DEMO_PASSWORD

raw_session() {
    python3 -c '
import os, signal, socket, ssl, sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet exit when piped to head

host, port = os.environ["DEMO_HOST"], int(os.environ["DEMO_PORT"])
user, password = os.environ["DEMO_USER"], os.environ["DEMO_PASSWORD"]
out = sys.stdout.buffer

sock = socket.create_connection((host, port), timeout=30)
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
if os.environ["DEMO_TLS"] == "1":
    # Default verification (system CAs + hostname); a private demo server
    # adds only its own CA.
    ctx = ssl.create_default_context(cafile=os.environ["DEMO_CAFILE"] or None)
    sock = ctx.wrap_socket(sock, server_hostname=host)
buf = b""

def read_response():
    """Read one whole response (line plus any {N} literals), forward its bytes."""
    global buf
    resp = b""
    while True:
        while b"\r\n" not in buf:
            data = sock.recv(65536)
            if not data:
                out.write(resp + buf); out.flush()
                sys.exit("demo.sh: server closed the connection")
            buf += data
        line, buf = buf.split(b"\r\n", 1)
        resp += line + b"\r\n"
        # A line ending in {N} announces N bytes of literal, then more line.
        if line.endswith(b"}") and b"{" in line:
            n = line[line.rindex(b"{") + 1:-1].rstrip(b"+")
            if n.isdigit():
                n = int(n)
                while len(buf) < n:
                    data = sock.recv(65536)
                    if not data:
                        sys.exit("demo.sh: server closed the connection in a literal")
                    buf += data
                resp += buf[:n]; buf = buf[n:]
                continue
        out.write(resp); out.flush()
        return resp

def astring(s):
    # Quoted string when safe, else a synchronising literal (returned separately).
    b = s.encode()
    if all(0x20 <= c < 0x7f for c in b):
        return b"\"" + b.replace(b"\\", b"\\\\").replace(b"\"", b"\\\"") + b"\"", None
    return b"{%d}" % len(b), b

def run(tag, *args):
    """Send one command (parts may be literals) and wait for its tagged reply."""
    pending = tag + b" "
    for part in args:
        if isinstance(part, tuple):          # (prefix, literal) from astring()
            pending += part[0]
            if part[1] is not None:
                sock.sendall(pending + b"\r\n")
                if not read_response().startswith(b"+"):
                    sys.exit("demo.sh: server refused a literal")
                pending = part[1]
        else:
            pending += part
    sock.sendall(pending + b"\r\n")
    while True:
        resp = read_response()
        if resp.startswith(tag + b" "):
            return resp.split(b" ", 2)[1]

read_response()  # greeting
run(b"a1", b"CAPABILITY")
if run(b"a2", b"LOGIN ", astring(user), b" ", astring(password)) != b"OK":
    sys.exit("demo.sh: LOGIN failed")
run(b"a3", b"LIST \"\" \"*\"")
run(b"a4", b"STATUS INBOX (MESSAGES UNSEEN UIDNEXT)")
run(b"a5", b"SELECT INBOX")
run(b"a6", b"FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
run(b"a7", b"FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]")
run(b"a8", b"LOGOUT")
sock.close()
'
}

printf '# imap demo: %s\n' "$what"
if [[ "$RAW" -eq 1 ]]; then
    raw_session
elif [[ "$PARSE" -eq 1 ]]; then
    # Build first (quietly) so compiler output and the session do not interleave.
    (cd "$REPO_DIR" && cargo build -q -p imap-cli >&2)
    raw_session | (cd "$REPO_DIR" && cargo run -q -p imap-cli -- parse)
else
    (cd "$REPO_DIR" && cargo build -q -p imap-cli >&2)
    security=(--starttls)
    [[ "$TLS" -eq 0 ]] || security=(--tls)
    ca=()
    [[ -z "$CAFILE" ]] || ca=(--ca-file "$CAFILE")
    # imap-cli has no default server: the demo always names its own. The
    # binary is where cargo put it (CARGO_TARGET_DIR, when set).
    IMAP_PASSWORD="$DEMO_PASSWORD" "${CARGO_TARGET_DIR:-$REPO_DIR/target}/debug/imap-cli" --host "$HOST" --port "$PORT" \
        "${security[@]}" "${ca[@]}" --user "$DEMO_USER" demo
fi
