#!/usr/bin/env bash
# Runs every check the project promises: formatting, clippy, the whole test
# suite (unit, integration, doctests, compile-fail tests), rustdoc, the
# packages (scripts/package-check.sh), and a short run of each fuzz target.
# Installs what the tests need first; safe to run on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests that talk to a real server need Dovecot; install it when a test
# directory asks for it (no-op when already installed).
if [ -x scripts/install-deps.sh ] && grep -rqs "dovecot" imap-core/tests imap-cli/tests 2>/dev/null; then
    scripts/install-deps.sh
fi

echo "== rustfmt"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== features: the parser, model and session build without the net feature (no mio, rustls, flate2)"
cargo clippy -p imap-core --no-default-features --features serde --lib --locked -- -D warnings
if cargo tree -p imap-core --no-default-features -e normal --locked | grep -qE "^.*(mio|rustls|flate2) v"; then
    echo "imap-core without the net feature still depends on mio, rustls or flate2" >&2
    exit 1
fi
echo "== features: chrono and jiff conversions of dates"
cargo clippy -p imap-core --features chrono,jiff --all-targets --locked -- -D warnings
cargo test -p imap-core --features chrono,jiff --lib --locked dates
echo "== features: the wire trace (credentials redacted)"
cargo clippy -p imap-core --features tracing --all-targets --locked -- -D warnings
cargo test -p imap-core --features tracing --lib --locked -- session::trace client::span
echo "== rustdoc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
# imap-core alone, default features, as docs.rs builds it: the workspace
# build unifies features (benches turns on tokio) and hid a broken link.
RUSTDOCFLAGS="-D warnings" cargo doc -p imap-core --no-deps --locked --quiet
echo "== tests"
cargo test --workspace --locked
# The published crates: packaged with verification, and a crate outside the
# workspace built on the unpacked imap-core (reuses the target dir above).
echo "== package check"
scripts/package-check.sh

# A short run of every fuzz target (fuzz/README.md has the long runs): about
# 45 s each from the committed seeds. Skip with IMAP_SKIP_FUZZ=1 when iterating.
if [ "${IMAP_SKIP_FUZZ:-0}" != 1 ]; then
    echo "== fuzz (short run of each target)"
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
    fuzz/run-short.sh "${IMAP_FUZZ_SECONDS:-45}"
fi
