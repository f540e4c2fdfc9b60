#!/usr/bin/env bash
# Load test of the gRPC service: benches/loadgen.rs at 1, 16 and 64 clients, with the
# in-process pipeline's articles/s measured in the same run as the baseline.
#
#   scripts/loadtest.sh              # 10 s per client count
#   SECS=5 scripts/loadtest.sh       # shorter
#   SOAK=60 scripts/loadtest.sh      # then a 60 s soak at 64 clients with a model
#                                    # reload halfway: errors, p99, RSS every 5 s
#
# Server and load generator share the machine (the server in the loadgen process, on
# its own runtime); other work on the machine shows up as noise, so compare with the
# baseline line, not with figures from another run.
set -euo pipefail
cd "$(dirname "$0")/.."
args=(--clients "${CLIENTS:-1,16,64}" --secs "${SECS:-10}")
if [[ -n "${SOAK:-}" ]]; then
  args+=(--soak "$SOAK")
fi
exec cargo bench --bench loadgen -- "${args[@]}" "$@"
