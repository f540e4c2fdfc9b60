#!/usr/bin/env bash
# Role-model ablation (issue 4): retrains the role model with one part switched off at
# a time, reusing the attribution model and word vectors of BASE so only the role
# model changes, and prints dev macro-F1 / quote-F1 / per-role F1 / ECE / training time for each.
#
#   scripts/role_ablation.sh [BASE.model]   (default: models/default/newsroles.model)
#
# Needs ../shared/corpora/newsroles (train and dev splits); several minutes per row.
set -euo pipefail
cd "$(dirname "$0")/.."
C=${CORPORA:-../shared/corpora/newsroles}
BASE=${1:-models/default/newsroles.model}
[ -f "$C/newsdiscourse-train.jsonl" ] || { echo "no corpora at $C" >&2; exit 2; }
cargo build --release --quiet
BIN=target/release/newsroles
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
printf '| variant | macro-F1 | quote | claim | event | background | ECE | train s |\n|---|---|---|---|---|---|---|---|\n'
for variant in "full:" "no decoder:--no-decode" "no discourse cues:--no-discourse" \
    "no neighbour context:--no-context" "no attribution features:--no-attribution-features" \
    "no word vectors:--no-embeddings"; do
    name=${variant%%:*}
    flags=${variant#*:}
    start=$(date +%s)
    # shellcheck disable=SC2086
    $BIN train --roles "$C/newsdiscourse-train.jsonl" --dev "$C/newsdiscourse-dev.jsonl" \
        --reuse-attribution "$BASE" $flags -o "$OUT/m.model" 2> "$OUT/log"
    secs=$(( $(date +%s) - start ))
    python3 - "$OUT/metrics.json" "$OUT/log" "$name" "$secs" <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))
per = {k: v["f1"] for k, v in m["per_role"].items()}
ece = re.search(r"→ ([0-9.]+) decoded", open(sys.argv[2]).read())
print(f"| {sys.argv[3]} | {m['macro_f1']:.3f} | {per['quote']:.3f} | {per['claim']:.3f} | "
      f"{per['event']:.3f} | {per['background']:.3f} | {ece.group(1) if ece else '-'} | {sys.argv[4]} |")
PY
done
