#!/bin/bash
# Appends N transfers in a row to a copy of a benchmark log (and its snapshot), timing each one, and
# prints the median, 90th and 99th percentiles and the slowest: the snapshot refresh every 1,000 lines.
#
#   swift build -c release --static-swift-stdlib
#   .build/release/timebank-bench generate --events 1000000 --out /tmp/1m.jsonl
#   Tests/append-series.sh /tmp/1m.jsonl 1005
set -euo pipefail
log=${1:?usage: append-series.sh LOG [COUNT]}
count=${2:-1005}
cli=$(dirname "$0")/../.build/release/timebank
meta="$log.meta.json"
payer=$(sed -n 's/.*"payer" : "\(.*\)".*/\1/p' "$meta")
payee=$(sed -n 's/.*"payee" : "\(.*\)".*/\1/p' "$meta")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$log" "$work/log.jsonl"
[ -f "$log.snapshot" ] && cp "$log.snapshot" "$work/log.jsonl.snapshot"
sync
export TIMEBANK_NOW=2030-01-01T10:00:00+08:00
for _ in $(seq 1 "$count"); do
  start=$(date +%s%N)
  "$cli" transfer "$payer" "$payee" 0.01 --memo 基准 --actor "$payer" --log "$work/log.jsonl" >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000))
done | sort -n | awk '{ t[NR] = $1 } END {
  printf "appends %d  median %.1f ms  p90 %.1f ms  p99 %.1f ms  slowest %.1f ms\n",
    NR, t[int(NR / 2)] / 1000, t[int(NR * 0.9)] / 1000, t[int(NR * 0.99)] / 1000, t[NR] / 1000 }'
