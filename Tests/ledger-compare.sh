#!/bin/bash
# Times timebank's full audit of a log beside `ledger bal` and `hledger bal` on the journal that
# `timebank export --format ledger` writes from the same log, then checks that both programs show
# every account's balance exactly as `timebank balance` does.
#
# Each run times, one after the other: the export, `timebank audit --quiet`, `ledger -f J bal --flat`,
# `hledger -f J bal` (so the machine's load falls on all four alike), with `/usr/bin/time` for wall
# time, user CPU and peak RSS, and a timeout for each. The table gives the min and the median of the runs.
#
#   swift build -c release --static-swift-stdlib
#   .build/release/timebank-bench generate --events 100000 --out /tmp/100k.jsonl
#   Tests/ledger-compare.sh /tmp/100k.jsonl 5
#
#   TIMEBANK=path   the timebank binary (default: .build/release/timebank)
#   TIMEOUT=s       seconds each command may take (default 600); a command that takes longer is
#                   killed and shown as a timeout
#   KEEP=dir        keep the journal and every program's output in dir (default: a temp dir, removed)
#
# Only reads LOG (and its snapshot, which `timebank balance` uses when it still matches the log).
# Exit 0 when every balance agrees; 1 when one does not; 2 when a command failed or timed out.
set -euo pipefail
log=${1:?usage: ledger-compare.sh LOG [RUNS]}
runs=${2:-5}
cli=${TIMEBANK:-$(dirname "$0")/../.build/release/timebank}
limit=${TIMEOUT:-600}
[ -f "$log" ] || { echo "no such log: $log" >&2; exit 2; }
[ -x "$cli" ] || { echo "no timebank binary at $cli (set TIMEBANK)" >&2; exit 2; }
if [ -n "${KEEP:-}" ]; then
  work=$KEEP
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
# Same output whatever the caller's settings: English labels from timebank, UTF-8 for hledger (it
# refuses the Chinese names under a plain C locale), no ~/.ledgerrc or LEDGER_* for ledger.
export LC_ALL=C.UTF-8
export TIMEBANK_NOW=${TIMEBANK_NOW:-2026-12-07T12:00:00+08:00}
journal=$work/points.journal

# measure NAME OUT COMMAND...: runs COMMAND under the timeout with its stdout in OUT and appends
# "NAME wall user kb" (or "NAME timeout" / "NAME failed") to $work/times.
failed=0
measure() {
  local name=$1 out=$2 status=0
  shift 2
  timeout "$limit" /usr/bin/time -o "$work/time" -f '%e %U %M' "$@" >"$out" 2>"$work/$name.err" || status=$?
  if [ "$status" = 124 ]; then
    echo "$name timeout" >>"$work/times"
    failed=1
  elif [ "$status" != 0 ]; then
    echo "$name failed" >>"$work/times"
    echo "$name exited with status $status:" >&2
    head -5 "$work/$name.err" >&2
    failed=1
  else
    echo "$name $(tail -1 "$work/time")" >>"$work/times"
  fi
  tail -1 "$work/times" >&2
}

: >"$work/times"
for run in $(seq 1 "$runs"); do
  echo "run $run of $runs" >&2
  measure export "$journal" "$cli" export --format ledger --log "$log"
  # The same log gives the same journal byte for byte.
  if [ "$run" = 1 ]; then
    cp "$journal" "$work/first.journal"
  elif ! cmp -s "$journal" "$work/first.journal"; then
    echo "the export of run $run differs from the first" >&2
    failed=1
  fi
  measure audit "$work/audit.txt" "$cli" audit --log "$log" --quiet
  measure ledger "$work/ledger.txt" ledger --args-only -f "$journal" bal --flat
  measure hledger "$work/hledger.txt" hledger -f "$journal" bal
done
rm -f "$work/first.journal"

echo
echo "log      $log ($(wc -c <"$log") bytes, $(wc -l <"$log") lines), $runs runs"
echo "journal  $(wc -c <"$journal") bytes, $(wc -l <"$journal") lines," \
  "$(sed -n 's/.*moves points (\([0-9]*\)).*/\1/p' "$journal") transactions"
echo "tools    $("$cli" --version), $(ledger --version | head -1 | cut -d, -f1), $(hledger --version)"
echo
# Min and median of each column, per command; with an even number of runs the median is the mean
# of the two middle ones. Peak RSS is printed in MiB (/usr/bin/time gives KiB).
awk '
  function sort(v, n,   i, j, x) {
    for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
  }
  function stats(name, c,   v, n, i) {
    n = 0
    for (i = 1; i <= rows; i++) if (key[i] == name && NF_[i] == 4) v[++n] = field[i, c] / (c == 4 ? 1024 : 1)
    if (n == 0) return sprintf(" %7s  %7s", "-", "-")
    sort(v, n)
    return sprintf(" %7.2f  %7.2f", v[1], n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
  }
  { rows++; key[rows] = $1; NF_[rows] = NF; for (c = 2; c <= NF; c++) field[rows, c] = $c; if (NF != 4) bad[$1]++ }
  END {
    split("export audit ledger hledger", names, " ")
    split("timebank export|timebank audit --quiet|ledger bal --flat|hledger bal", labels, "|")
    printf "%-22s %16s  %16s  %16s\n", "", "wall s", "user s", "peak MiB"
    printf "%-22s %7s  %7s  %7s  %7s  %7s  %7s\n", "command", "min", "median", "min", "median", "min", "median"
    for (i = 1; i <= 4; i++) {
      printf "%-22s%s%s%s", labels[i], stats(names[i], 2), stats(names[i], 3), stats(names[i], 4)
      print bad[names[i]] ? "  (" bad[names[i]] " runs timed out or failed)" : ""
    }
  }' "$work/times"
echo

# The balances. timebank: every account, in CSV (account,name,balance,...; the name may hold a
# comma, so the balance is taken as the 8th field from the end), @issued and @redeemed renamed as in
# the journal. ledger and hledger: "AMOUNT PTS ACCOUNT" per account with a balance, then a rule and
# the total. An account at zero may be missing from their lists; any other difference is a failure.
"$cli" balance --log "$log" --format csv >"$work/balance.csv" || { echo "timebank balance failed" >&2; exit 2; }
awk -F, 'NR > 1 { a = $1; sub(/^@/, "system:", a); print a, $(NF - 7) }' "$work/balance.csv" >"$work/timebank.bal"
for tool in ledger hledger; do
  awk '$2 == "PTS" && NF == 3 { print $3, $1 }' "$work/$tool.txt" >"$work/$tool.bal"
done
# The audit's own totals, from a full replay (not the snapshot): points issued and redeemed.
issued=$(awk '/^points issued / { print $NF }' "$work/audit.txt")
redeemed=$(awk '/^points redeemed / { print $NF }' "$work/audit.txt")

mismatch=0
for tool in ledger hledger; do
  if ! grep -q '^audit [0-9]' "$work/times" || ! grep -q "^$tool [0-9]" "$work/times"; then
    echo "$tool: not compared (no run finished)"
    continue
  fi
  # Amounts are compared in cents, as integers.
  awk -v tool="$tool" -v issued="$issued" -v redeemed="$redeemed" '
    function cents(x) { return sprintf("%.0f", x * 100) }
    function points(c) { return sprintf("%.2f", c / 100) }
    function differ(text) { if (++bad <= 10) detail = detail "  " text "\n" }
    FILENAME == ARGV[1] { tb[$1] = cents($2); next }
    $1 in other { differ($1 " listed twice") }
    { other[$1] = cents($2) }
    END {
      for (a in tb) {
        accounts++
        if (tb[a] != 0) nonzero++
        if (!(a in other) && tb[a] != 0) differ(a ": timebank " points(tb[a]) ", " tool " none")
        else if ((a in other) && other[a] != tb[a]) differ(a ": timebank " points(tb[a]) ", " tool " " points(other[a]))
      }
      for (a in other) {
        shown++
        total += other[a]
        if (!(a in tb)) differ(a ": " tool " " points(other[a]) ", not in timebank")
      }
      if (total != 0) differ("the balances sum to " points(total) ", not 0")
      if (other["system:issued"] != -cents(issued)) differ("system:issued " points(other["system:issued"]) ", audit: points issued " issued)
      if (other["system:redeemed"] != cents(redeemed)) differ("system:redeemed " points(other["system:redeemed"]) ", audit: points redeemed " redeemed)
      printf "%s: %d accounts shown, timebank has %d (%d not at zero); sum %s; %s\n%s", tool, shown, accounts,
        nonzero, points(total), bad ? bad " differences:" : "every balance agrees", detail
      exit bad ? 1 : 0
    }' "$work/timebank.bal" "$work/$tool.bal" || mismatch=1
done
# A few accounts side by side: the first three members and the first card with points, and the system.
sample=$( (awk '$1 ~ /^member:/ && $2 != "0.00"' "$work/timebank.bal" | head -3
  awk '$1 ~ /^card:/ && $2 != "0.00"' "$work/timebank.bal" | head -1
  grep '^system:' "$work/timebank.bal") | cut -d' ' -f1)
echo
printf "%-18s %14s %14s %14s\n" account timebank ledger hledger
for account in $sample; do
  printf "%-18s" "$account"
  for file in timebank ledger hledger; do
    printf " %14s" "$(awk -v a="$account" '$1 == a { print $2 }' "$work/$file.bal")"
  done
  echo
done
printf "%-18s %14s %14s %14s\n" "(audit: issued)" "$issued" "" ""
printf "%-18s %14s %14s %14s\n" "(audit: redeemed)" "$redeemed" "" ""

[ "$mismatch" = 0 ] || exit 1
[ "$failed" = 0 ] || exit 2
