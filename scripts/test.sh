#!/usr/bin/env bash
# Runs every check the project promises: formatting, clippy, the whole test
# suite (unit, integration, doctests, compile-fail tests) and rustdoc.
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
echo "== rustdoc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
echo "== tests"
cargo test --workspace --locked
