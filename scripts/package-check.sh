#!/usr/bin/env bash
# Checks that the published crates work for a user outside this workspace:
#
# 1. `cargo package` of imap-derive, imap-core and imap-cli, with
#    verification (each .crate is unpacked and built on its own; cargo
#    resolves the three against a temporary local registry), offline;
# 2. a new crate in a temporary directory, outside the workspace, that
#    depends on the unpacked imap-core (imap-derive comes from the unpacked
#    package too, through [patch]: crates.io does not have them yet) and
#    nothing else, builds, parses `* 3 EXISTS` and a FETCH ENVELOPE, and
#    prints what it read; its output is compared with what it must print.
#    The code of imap-core's README, as packaged, runs as its doctests.
#
# Everything is offline: the dependencies come from ~/.cargo/registry (the
# versions of the workspace's Cargo.lock). The build reuses CARGO_TARGET_DIR
# (default: the workspace's target/), so after `cargo test` only the three
# crates themselves compile. Fails, loudly, on anything missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_DIR="$target"
start=$(date +%s)

die() { printf 'package-check: FAILED: %s\n' "$*" >&2; exit 1; }

version_of() { sed -n 's/^version = "\(.*\)"$/\1/p' "$1/Cargo.toml" | head -n1; }
derive_version="$(version_of imap-derive)"
core_version="$(version_of imap-core)"
cli_version="$(version_of imap-cli)"

# cargo verifies each crate against the others through a temporary registry
# whose crates it extracts under $CARGO_HOME/registry/src/ and builds like
# any registry crate: once per version, never again. Packaged again at the
# same version (every run until a release), imap-cli would be verified
# against the imap-core of an earlier run, extraction and build alike. So
# both go first: the extracted copies of this workspace's three crates, and
# the builds of them from a registry source.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
for crate in "imap-derive-$derive_version" "imap-core-$core_version" "imap-cli-$cli_version"; do
    rm -rf "$cargo_home"/registry/src/*/"$crate"
done
for info in "$target"/debug/deps/imap_derive-*.d "$target"/debug/deps/imap_core-*.d "$target"/debug/deps/imap_cli-*.d; do
    [ -f "$info" ] || continue
    unit="$(basename "$info" .d)"            # imap_core-<hash>
    name="${unit%-*}" hash="${unit##*-}"
    if grep -q "/registry/src/[^/ ]*/${name//_/-}-[0-9]" "$info"; then
        rm -rf "$target"/debug/deps/*"$unit".* "$target/debug/.fingerprint/${name//_/-}-$hash"
    fi
done

echo "== cargo package (imap-derive $derive_version, imap-core $core_version, imap-cli $cli_version)"
# --allow-dirty: what is checked is the content, not whether it is committed
# (CI packages a clean clone anyway).
cargo package -p imap-derive -p imap-core -p imap-cli --offline --locked --allow-dirty --quiet \
    || die "cargo package (with verification) failed"

work="$(mktemp -d "${TMPDIR:-/tmp}/imap-package-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

for crate in "imap-derive-$derive_version" "imap-core-$core_version" "imap-cli-$cli_version"; do
    file="$target/package/$crate.crate"
    [ -f "$file" ] || die "$file was not written"
    tar -xzf "$file" -C "$work" || die "cannot unpack $file"
done

# What a package must carry; the build below would fail without most of it,
# this says which file is missing.
for file in \
    "imap-derive-$derive_version/grammar/imap.pest" \
    "imap-derive-$derive_version/grammar/hooks.pest" \
    "imap-derive-$derive_version/src/files.rs" \
    "imap-derive-$derive_version/README.md" \
    "imap-derive-$derive_version/CHANGELOG.md" \
    "imap-core-$core_version/README.md" \
    "imap-core-$core_version/CHANGELOG.md" \
    "imap-cli-$cli_version/README.md" \
    "imap-cli-$cli_version/CHANGELOG.md"; do
    [ -f "$work/$file" ] && [ ! -L "$work/$file" ] || die "the package lacks $file"
done
# Every grammar file the workspace has is in imap-derive's package.
(cd grammar && find . -name '*.pest' | sort) > "$work/grammar.workspace"
(cd "$work/imap-derive-$derive_version/grammar" && find . -name '*.pest' | sort) > "$work/grammar.package"
diff -u "$work/grammar.workspace" "$work/grammar.package" || die "imap-derive's package does not have the workspace's grammar files"
# No path dependency without a version left in a published manifest.
for crate in "imap-derive-$derive_version" "imap-core-$core_version" "imap-cli-$cli_version"; do
    awk '/^\[/ { dep = ($0 ~ /dependencies/) } dep && /^path = / { found = 1 } END { exit !found }' \
        "$work/$crate/Cargo.toml" && die "$crate/Cargo.toml still has a path dependency"
    grep -q 'example.invalid' "$work/$crate/Cargo.toml" && die "$crate/Cargo.toml has a placeholder URL"
done

echo "== a crate outside the workspace on the unpacked imap-core"
user="$work/user"
mkdir -p "$user/src"
cat > "$user/Cargo.toml" <<EOF
[package]
name = "imap-core-user"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
imap-core = { path = "../imap-core-$core_version" }

# crates.io does not have the unpublished imap-derive: take the packaged one.
[patch.crates-io]
imap-derive = { path = "../imap-derive-$derive_version" }

# Not part of any workspace above the temporary directory.
[workspace]
EOF
cat > "$user/src/main.rs" <<'EOF'
use imap_core::types::{Data, Response};

fn main() {
    let input = b"* 3 EXISTS\r\n\
* 1 FETCH (UID 7 ENVELOPE (\"Mon, 7 Dec 2026 05:00:00 +0000\" \"Hello\" \
((\"Alice\" NIL \"alice\" \"example.org\")) NIL NIL ((NIL NIL \"bob\" \"example.org\")) \
NIL NIL NIL \"<1@example.org>\"))\r\n";
    for frame in imap_core::wire::frames(input, Default::default()) {
        let frame = frame.expect("a complete response");
        match imap_core::parse(&frame).expect("a valid response") {
            Response::Data(Data::Exists(n)) => println!("exists {n}"),
            Response::Data(Data::Fetch(fetch)) => {
                let envelope = fetch.envelope().expect("an ENVELOPE");
                let from = &envelope.from[0];
                println!(
                    "fetch {} uid {} subject {} from {}@{}",
                    fetch.seq,
                    fetch.uid().expect("a UID"),
                    envelope.subject.as_ref().expect("a subject"),
                    from.mailbox.as_ref().expect("a mailbox"),
                    from.host.as_ref().expect("a host"),
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
EOF
# The README's code, as the package ships it, compiled against the package
# (and the parser example run), as doctests of this crate's library.
cat > "$user/src/lib.rs" <<EOF
//! imap-core's README, whose code blocks run as doctests.
#![doc = include_str!("../../imap-core-$core_version/README.md")]
EOF
# The workspace's lock file pins the versions the registry cache has.
cp Cargo.lock "$user/Cargo.lock"
output="$(cd "$user" && cargo run --offline --quiet)" || die "the crate outside the workspace did not build or run"
(cd "$user" && cargo test --doc --offline --quiet) || die "the code of imap-core's README does not build against the package"
expected="exists 3
fetch 1 uid 7 subject Hello from alice@example.org"
if [ "$output" != "$expected" ]; then
    printf 'expected:\n%s\ngot:\n%s\n' "$expected" "$output" >&2
    die "the crate outside the workspace printed something else"
fi
printf '%s\n' "$output"
echo "== package check passed in $(( $(date +%s) - start )) s"
