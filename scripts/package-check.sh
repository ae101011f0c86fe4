#!/usr/bin/env bash
# The three published crates as crates.io would receive them.
#
# 1. `cargo package` for token-spec, token-derive and token-validate together (cargo 1.89 or
#    newer packages interdependent workspace crates in one go): each .crate is unpacked and
#    built against the other two packaged ones, as a user's build would see them.
# 2. The unpacked crates' own tests: a workspace made of nothing but the three .crate files
#    (patched to each other) runs `cargo test --all-features` in each, so a test that reads
#    a file outside its package (`../examples`, `../token-spec/...`) fails here.
#
# Offline: the registry's crates come from the local cache, the versions from the
# workspace's Cargo.lock. `--allow-dirty` so that it also checks uncommitted work; in CI the
# tree is clean anyway.
#
# Usage: scripts/package-check.sh [CRATE...]: the crates whose unpacked tests run (default:
# all three; `token-spec` alone is the cheap one). Measured on the 2-core machine, load
# about 4 (other builds running): 101 s + 189 s with an empty target directory, 6 s + 10 s
# warm.
set -euo pipefail
cd "$(dirname "$0")/.."

crates=(token-spec token-derive token-validate)
# Where cargo builds and puts the .crate files (the workspace's target/ unless set).
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)

# `cargo package` builds each crate against the others through a temporary local registry,
# unpacked under $CARGO_HOME/registry/src/. An unpacking that an earlier run left there for
# the same version is reused without comparing contents, so a changed crate would be built
# against its stale copy: remove ours first (the names are this workspace's only).
cargo_home=${CARGO_HOME:-$HOME/.cargo}
for c in "${crates[@]}"; do
  rm -rf "$cargo_home"/registry/src/*/"$c-$version"
done
# Cargo also takes a registry crate's build as immutable: a target directory that built
# an earlier copy of ours from that registry reuses it. Forget those builds (found by their
# dep-info, which names the registry's sources), so the packaged copies are compiled.
for d in "$target_dir"/debug/deps/token_*.d; do
  [ -e "$d" ] && grep -q "/registry/src/" "$d" || continue
  unit=$(basename "$d" .d)
  rm -rf "$target_dir/debug/.fingerprint/${unit//_/-}"
done

echo "== cargo package -p ${crates[*]} (each built from its .crate)"
start=$SECONDS
cargo package --offline --allow-dirty "${crates[@]/#/--package=}"
echo "cargo package: $((SECONDS - start)) s"

for c in "${crates[@]}"; do
  files=$(tar -tzf "$target_dir/package/$c-$version.crate")
  for f in LICENSE-MIT LICENSE-APACHE README.md; do
    if ! grep -qx "$c-$version/$f" <<< "$files"; then
      echo "$c-$version.crate lacks $f" >&2
      exit 1
    fi
  done
done

echo "== the unpacked crates' own tests"
start=$SECONDS
work=$target_dir/package-test
rm -rf "$work"
mkdir -p "$work"
for c in "${crates[@]}"; do
  tar -xzf "$target_dir/package/$c-$version.crate" -C "$work"
  mv "$work/$c-$version" "$work/$c"
done
cat > "$work/Cargo.toml" <<EOF
# Made by scripts/package-check.sh: the unpacked .crate files, depending on each other.
[workspace]
members = [$(printf '"%s", ' "${crates[@]}")]
resolver = "3"

[patch.crates-io]
token-spec = { path = "token-spec" }
token-derive = { path = "token-derive" }
EOF
# The workspace's pinned versions (cargo drops what these crates do not use).
cp Cargo.lock "$work/Cargo.lock"
# The same target directory as `cargo package` above (the workspace's), so the registry's
# crates are not built twice.
tested=("$@")
[ ${#tested[@]} -gt 0 ] || tested=("${crates[@]}")
CARGO_TARGET_DIR="$target_dir" cargo test --offline --all-features \
  --manifest-path "$work/Cargo.toml" "${tested[@]/#/--package=}"
echo "unpacked tests: $((SECONDS - start)) s"
