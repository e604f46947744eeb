#!/usr/bin/env bash
# Installs what the JavaScript interop tests need into .interop/ at the repository root (ignored
# by git): the npm packages the reference imports (sqlite3 built from source: no prebuilt binary
# is downloaded here), a link to the reference itself at ../shared/interop/, and links to this
# folder's scripts, so that Node.js, run with --preserve-symlinks, resolves the reference's
# imports from .interop/node_modules. Without the reference the tests are reported skipped.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
reference="$root/../shared/interop/synclets-reference.mjs"
target="$root/.interop"
if [ ! -f "$reference" ]; then
  echo "No JavaScript reference at $reference: the interop tests will be skipped."
  exit 0
fi
mkdir -p "$target"
cp "$root/tests/interop/package.json" "$target/package.json"
if [ ! -f "$target/node_modules/.installed" ] || ! cmp -s "$target/package.json" "$target/node_modules/.installed"; then
  (cd "$target" && npm_config_build_from_source=true npm install --no-audit --no-fund --loglevel=error)
  cp "$target/package.json" "$target/node_modules/.installed"
fi
ln -sfn "$reference" "$target/synclets-reference.mjs"
for script in "$root"/tests/interop/*.mjs; do
  ln -sfn "$script" "$target/$(basename "$script")"
done
echo "JavaScript interop packages ready in $target"
