#!/usr/bin/env bash
# newsroles classify against the scikit-learn anchor, on the same machine in the same
# run (ripgrep's benchsuite style). Prints sentences/s of each and their ratio, the
# scaling from --jobs 1 to --jobs 2 next to the machine's own ceiling (two independent
# --jobs 1 processes at once), and peak RSS at two input sizes.
#
#   bench/compare.sh            # ~1M sentences; takes a few minutes
#   SENTENCES=200000 bench/compare.sh
#   BUILD=0 bench/compare.sh    # skip `cargo build --profile dist`
#   BIN=/path/to/newsroles bench/compare.sh
#   NICE=-15 bench/compare.sh   # run both tools at a higher priority (root only), so
#                               # other work on a shared machine disturbs them less
# With the kernel's autogroup scheduling on, plain `nice` only ranks processes within
# one session, and every busy session gets an equal share of the CPUs: a 2-thread run
# then gets no more CPU than a 1-thread one, and scaling cannot show. NICE therefore
# runs each measured command in a new session (setsid) whose autogroup gets that nice.
#
# Input: the NewsDiscourse dev texts repeated (fresh ids per repetition) to about
# $SENTENCES gold sentences, generated into a temp dir (removed at exit; KEEP=1 keeps
# it). newsroles reads the texts (JSON Lines) and does everything: segmentation,
# roles, attribution, JSON output. The anchor (bench/sklearn_anchor.py: TF-IDF 1-2-grams
# + LogisticRegression, trained on newsdiscourse-train) gets the same texts' gold
# sentences already split, one per line, and predicts a role with probabilities for
# each. Each tool's sentences/s counts the sentences it classified, over the time of
# its classification (model loading and the anchor's training excluded).
# Output goes to /dev/null so disk speed does not enter the figures.
# Other processes on the machine (e.g. compilers) add noise: both tools are measured
# back to back in this run, so compare them with each other, not with older runs.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpora/newsroles}
SENTENCES=${SENTENCES:-1000000}
TRAIN="$CORPUS/newsdiscourse-train.jsonl"
DEV="$CORPUS/newsdiscourse-dev.jsonl"
for f in "$TRAIN" "$DEV"; do
    [ -f "$f" ] || { echo "compare.sh: $f is missing (set CORPUS)" >&2; exit 2; }
done

if ! python3 -c 'import sklearn' 2>/dev/null; then
    echo "installing scikit-learn with pip ..." >&2
    python3 -m pip install --quiet scikit-learn \
        || python3 -m pip install --quiet --break-system-packages scikit-learn
fi

if [ -n "${BIN:-}" ]; then        # BIN=path measures that binary as it is
    :
elif [ "${BUILD:-1}" = 1 ]; then  # BUILD=0 reuses target/dist/newsroles as it is
    # The dist profile (fat LTO, one codegen unit: Cargo.toml) is what is measured and
    # shipped; the release profile keeps a newcomer's build short.
    echo "building newsroles (dist profile) ..." >&2
    cargo build --profile dist --quiet --bin newsroles
fi
BIN=${BIN:-target/dist/newsroles}

# Both tools run under the same priority.
RUN=()
if [ -n "${NICE:-}" ]; then
    if ! nice -n "$NICE" true 2>/dev/null; then
        echo "compare.sh: cannot set nice $NICE (not root?); running at normal priority" >&2
    elif [ -w /proc/self/autogroup ] && command -v setsid >/dev/null; then
        # shellcheck disable=SC2016
        RUN=(setsid --wait sh -c 'echo "$0" > /proc/self/autogroup; exec nice -n "$0" "$@"' "$NICE")
    else
        RUN=(nice -n "$NICE")
    fi
fi

WORK=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "temp dir: $WORK" >&2; else trap 'rm -rf "$WORK"' EXIT; fi

python3 - "$DEV" "$SENTENCES" "$WORK" <<'PY'
import json, math, sys
dev, target, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
docs = [json.loads(l) for l in open(dev, encoding="utf-8") if l.strip()]
per_pass = sum(len(d.get("sentences") or []) for d in docs)
reps = max(8, math.ceil(target / per_pass))
with open(f"{work}/big.jsonl", "w", encoding="utf-8") as big, \
     open(f"{work}/small.jsonl", "w", encoding="utf-8") as small, \
     open(f"{work}/big-sentences.txt", "w", encoding="utf-8") as sents:
    for r in range(reps):
        for d in docs:
            line = json.dumps({"id": f"r{r}/{d['id']}", "text": d["text"]}) + "\n"
            big.write(line)
            if r < reps // 8:
                small.write(line)
            for s in d.get("sentences") or []:
                sents.write(" ".join(d["text"][s["start"]:s["end"]].split()) + "\n")
print(f"input: {dev} x {reps} = {reps * len(docs)} documents, {reps * per_pass} gold sentences", file=sys.stderr)
PY

# Runs classify; prints "sentences seconds peak_rss_kb cpu_seconds" (cpu 0: unknown).
classify() {
    local input=$1; shift
    local report="$WORK/report.json"
    local rss="" cpu=0
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "${RUN[@]}" "$BIN" classify "$input" -o /dev/null -q --report "$report" "$@" \
            2> "$WORK/time.txt" || [ $? -eq 1 ]
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
        cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {print s}' "$WORK/time.txt")
    else
        # No GNU time: poll the high-water mark while it runs.
        "${RUN[@]}" "$BIN" classify "$input" -o /dev/null -q --report "$report" "$@" &
        local pid=$! hwm
        while kill -0 "$pid" 2>/dev/null; do
            hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
            [ -n "$hwm" ] && rss=$hwm
            sleep 0.1
        done
        wait "$pid" || [ $? -eq 1 ]
    fi
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["sentences"], r["seconds"], sys.argv[2], sys.argv[3])' \
        "$report" "${rss:-0}" "$cpu"
}

# The machine's own ceiling for 2-way parallel work: two independent --jobs 1
# processes at once (no shared memory, no coordination). Prints "sentences seconds"
# for both together, by wall clock.
pair() {
    local input=$1 t0 t1
    t0=$(date +%s.%N)
    "${RUN[@]}" "$BIN" classify "$input" -o /dev/null -q --jobs 1 --report "$WORK/pair1.json" &
    local p1=$!
    "${RUN[@]}" "$BIN" classify "$input" -o /dev/null -q --jobs 1 --report "$WORK/pair2.json" &
    local p2=$!
    wait "$p1" || [ $? -eq 1 ]
    wait "$p2" || [ $? -eq 1 ]
    t1=$(date +%s.%N)
    python3 -c 'import json,sys; n=sum(json.load(open(f))["sentences"] for f in sys.argv[1:3]); print(n, float(sys.argv[4])-float(sys.argv[3]))' \
        "$WORK/pair1.json" "$WORK/pair2.json" "$t0" "$t1"
}

echo "running the scikit-learn anchor ..." >&2
anchor=$("${RUN[@]}" python3 bench/sklearn_anchor.py --train "$TRAIN" --dev "$DEV" \
    --sentences "$WORK/big-sentences.txt" --out /dev/null)
echo "anchor: $anchor" >&2
echo "running newsroles classify (all cores, --jobs 1, --jobs 2, small input) ..." >&2
read -r all_n all_s all_rss all_cpu < <(classify "$WORK/big.jsonl")
read -r j1_n j1_s j1_rss j1_cpu < <(classify "$WORK/big.jsonl" --jobs 1)
read -r j2_n j2_s j2_rss j2_cpu < <(classify "$WORK/big.jsonl" --jobs 2)
read -r sm_n sm_s sm_rss sm_cpu < <(classify "$WORK/small.jsonl")
echo "running two independent --jobs 1 processes at once (the machine's 2-way ceiling) ..." >&2
read -r pr_n pr_s < <(pair "$WORK/big.jsonl")

if [ -x /usr/bin/time ]; then RSS_HOW="/usr/bin/time -v"; else RSS_HOW="VmHWM polled from /proc"; fi
[ ${#RUN[@]} -gt 0 ] && RSS_HOW="$RSS_HOW; both tools run at nice $NICE (${RUN[0]})"
python3 - "$anchor" "$(nproc)" "$RSS_HOW" "$(du -b "$WORK/big.jsonl" | cut -f1)" "$(du -b "$WORK/small.jsonl" | cut -f1)" \
    "$all_n $all_s $all_rss $all_cpu" "$j1_n $j1_s $j1_rss $j1_cpu" "$j2_n $j2_s $j2_rss $j2_cpu" "$sm_n $sm_s $sm_rss $sm_cpu" \
    "$pr_n $pr_s" <<'PY'
import json, sys
anchor = json.loads(sys.argv[1]); cores = int(sys.argv[2]); rss_how = sys.argv[3]
big_b, small_b = int(sys.argv[4]), int(sys.argv[5])
def row(s):
    n, secs, rss, cpu = s.split(); return int(n), float(secs), int(rss), float(cpu)
runs = {"all": row(sys.argv[6]), "j1": row(sys.argv[7]), "j2": row(sys.argv[8]), "small": row(sys.argv[9])}
rate = lambda r: r[0] / r[1]
a = anchor["sentences_per_second"]
print()
print(f"anchor: scikit-learn TF-IDF + LogisticRegression, trained on {anchor['train_sentences']} "
      f"sentences in {anchor['train_seconds']} s, dev macro-F1 {anchor.get('dev_macro_f1', 'n/a')} (gold sentences)")
print(f"machine: {cores} cores; peak RSS from {rss_how}")
print()
a_cpu = anchor["sentences"] / anchor["cpu_seconds"]
per_cpu = lambda r: f"{r[0] / r[3]:,.0f}" if r[3] > 0 else "n/a"
print("| run | input | sentences | seconds | sentences/s | vs anchor | CPU s | sentences/CPU-s | peak RSS MB |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
print(f"| scikit-learn anchor (1 process, pre-split) | {big_b/1e6:.0f} MB | {anchor['sentences']} | {anchor['seconds']:.1f} | {a:,.0f} | 1.00x | {anchor['cpu_seconds']:.1f} | {a_cpu:,.0f} | |")
for key, name, b in [("all", f"newsroles classify (all {cores} cores)", big_b),
                     ("j1", "newsroles classify --jobs 1", big_b),
                     ("j2", "newsroles classify --jobs 2", big_b),
                     ("small", f"newsroles classify (all cores, 1/8 input)", small_b)]:
    r = runs[key]
    print(f"| {name} | {b/1e6:.0f} MB | {r[0]} | {r[1]:.1f} | {rate(r):,.0f} | {rate(r)/a:.2f}x | {r[3]:.1f} | {per_cpu(r)} | {r[2]/1024:.0f} |")
print()
print(f"ratio newsroles (all cores) / anchor: {rate(runs['all'])/a:.2f}x (target >= 12x)")
print(f"scaling --jobs 1 -> 2: {rate(runs['j2'])/rate(runs['j1']):.2f}x wall clock (linear = 2.00x); "
      f"CPU seconds {runs['j1'][3]:.1f} -> {runs['j2'][3]:.1f} (equal = no parallel overhead)")
pair_n, pair_s = sys.argv[10].split()
pair_rate = int(pair_n) / float(pair_s)
print(f"machine ceiling: two independent --jobs 1 processes at once make {pair_rate:,.0f} sentences/s together, "
      f"{pair_rate/rate(runs['j1']):.2f}x one; --jobs 2 reaches {rate(runs['j2'])/pair_rate:.0%} of that")
if runs["j1"][3] > 0:
    print(f"per CPU-second: newsroles --jobs 1 / anchor = {(runs['j1'][0]/runs['j1'][3])/a_cpu:.2f}x")
try:
    load = open("/proc/loadavg").read().split()[:3]
    print(f"load average at the end: {' '.join(load)} on {cores} cores (above {cores}: other work competed)")
except OSError:
    pass
print(f"peak RSS: {runs['small'][2]/1024:.0f} MB on {small_b/1e6:.0f} MB of input, "
      f"{runs['all'][2]/1024:.0f} MB on {big_b/1e6:.0f} MB (target < 300 MB and flat)")
PY
