#!/bin/sh
# Summarises the signer writers' log lines in a benchmark's output (the services log to stdout):
# per signer, commands applied, how many changed nothing, failures, the span from the first
# applied command's start to the last result, the summed command time (took_ms: provider read + write, retries
# included, result append excluded) and the mean number of commands in progress over that span.
# busy_pct divides that mean by the writer concurrency given as the second argument (default 1).
#
#   sh bench/scripts/writer-stats.sh run.log 8
set -eu
log=${1:?usage: writer-stats.sh LOG [CONCURRENCY]}
concurrency=${2:-1}
grep -E 'event=command_(applied|failed) ' "$log" | awk -v c="$concurrency" '
function secs(t,   p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
{
  t = secs($1)
  if (last != "" && t < last - 43200) { wrap += 86400 }   # past midnight
  last = t; t += wrap
  signer = ""; took = -1
  for (i = 2; i <= NF; i++) {
    if ($i ~ /^signer=/) signer = substr($i, 8)
    if ($i ~ /^took_ms=/) took = substr($i, 9) + 0
  }
  if (signer == "") next
  if (!(signer in first)) { first[signer] = t; order[++n] = signer }
  end[signer] = t
  if ($0 ~ /event=command_failed/) { failed[signer]++; next }
  if (t - took / 1000 < first[signer]) first[signer] = t - took / 1000
  applied[signer]++
  sum[signer] += took
  if ($0 ~ /detail="no change"/) nochange[signer]++
}
END {
  for (k = 1; k <= n; k++) {
    s = order[k]; span = end[s] - first[s]
    mean = span > 0 ? sum[s] / 1000 / span : 0
    printf "writer signer=%s applied=%d no_change=%d failed=%d span_s=%.1f took_s=%.1f mean_took_ms=%.0f in_progress_mean=%.2f busy_pct=%.0f\n",
      s, applied[s], nochange[s], failed[s], span, sum[s] / 1000,
      applied[s] ? sum[s] / applied[s] : 0, mean, 100 * mean / c
  }
}'
