#!/bin/sh
# Runs the large secret-scanning comparison in one go: launch-ready (release build) on the
# whole tree and on tree + history, detect-secrets and secretlint on subsets of the same
# files. Usage: secrets_large_run.sh DIR (made by secrets_large.py) [BINARY]
set -eu
dir=${1:-/tmp/secrets_large}
bin=${2:-target/release/launch-ready}
repo=$dir/repo
tree=$dir/tree
[ -d "$tree" ] || { mkdir -p "$tree"; git -C "$repo" archive HEAD | tar -x -C "$tree"; }
# Subsets for the slower tools: 500 files (src/m0..m4) and 5,000 files (src/m0..m49).
for n in 500 5000; do
  sub=$dir/sub$n
  [ -d "$sub" ] || {
    mkdir -p "$sub/src"
    i=0; while [ $i -lt $((n / 100)) ]; do cp -r "$tree/src/m$i" "$sub/src/"; i=$((i + 1)); done
  }
done
printf '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}\n' > "$dir/.secretlintrc.json"
t() { name=$1; shift; /usr/bin/time -f "$name: %e s wall, %U s user, %S s sys, %M KB peak RSS" "$@" > "$dir/$name.out" 2>> "$dir/times.txt" || true; }
: > "$dir/times.txt"
t lr-tree "$bin" check --only secrets "$tree" --format json --fail-on never
t lr-repo "$bin" check --only secrets "$repo" --format json --fail-on never
t lr-sub500 "$bin" check --only secrets "$dir/sub500" --format json --fail-on never
t lr-sub5000 "$bin" check --only secrets "$dir/sub5000" --format json --fail-on never
(cd "$dir/sub500" && t ds-sub500 detect-secrets scan --all-files .)
# secretlint takes about 15 CPU-minutes on sub5000: only with SLOW=1.
if [ "${SLOW:-0}" = 1 ]; then
  (cd "$dir/sub5000" && t sl-sub5000 secretlint --secretlintrc "$dir/.secretlintrc.json" --format json "**/*")
fi
(cd "$dir/sub500" && t sl-sub500 secretlint --secretlintrc "$dir/.secretlintrc.json" --format json "**/*")
cat "$dir/times.txt"
