#!/usr/bin/env bash
# Hostile inputs against news of the same length, in one run: per pattern, user CPU
# seconds of `classify -j1` at N/2 and N characters (N=1000000 by default; the ratio
# shows linearity: 2
# is linear) and the cost per character relative to news (issue 33).
# Usage: bench/adversarial.sh [BIN]   (default: target/release/newsroles)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/newsroles}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
N=${N:-1000000}
python3 bench/adversarial.py $((N / 2)) > "$tmp/a1.jsonl"
python3 bench/adversarial.py "$N" > "$tmp/a2.jsonl"
secs() { /usr/bin/time -f %U "$BIN" classify -q -j1 --max-text-bytes 100000000 "$1" 2>&1 >/dev/null | tail -1; }
empty=$(printf '{"id":"e","text":""}\n' > "$tmp/e.jsonl"; secs "$tmp/e.jsonl")
printf "%-20s %8s %8s %7s %9s\n" pattern half_s full_s ratio vs_news
declare -A t2
ids=$(python3 -c "import json,sys;[print(json.loads(l)['id']) for l in open(sys.argv[1])]" "$tmp/a1.jsonl")
for k in $ids; do
  grep "\"id\": \"$k\"" "$tmp/a1.jsonl" > "$tmp/x1.jsonl"
  grep "\"id\": \"$k\"" "$tmp/a2.jsonl" > "$tmp/x2.jsonl"
  a=$(secs "$tmp/x1.jsonl"); b=$(secs "$tmp/x2.jsonl"); t2[$k]=$b
  echo "$k $a $b"
done > "$tmp/rows"
news=$(awk '$1=="news"{print $3}' "$tmp/rows")
awk -v e="$empty" -v n="$news" '{
  a=$2-e; b=$3-e; if (a<0.005) a=0.005; if (b<0.005) b=0.005; nn=n-e; if (nn<0.005) nn=0.005;
  printf "%-20s %8.2f %8.2f %7.2f %8.1fx\n", $1, $2, $3, b/a, b/nn }' "$tmp/rows"
echo "(model load, an empty document: ${empty} s, subtracted for the ratios)"
