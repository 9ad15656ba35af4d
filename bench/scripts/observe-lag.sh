#!/bin/sh
# From a benchmark's output (the services log to stdout): for every zone x signer, the time from a
# writer's command_applied to the collector's next signer_keys_observed of that zone at that
# signer (counted from the earliest result not observed yet), as p50 / p90 / max.
#
#   sh bench/scripts/observe-lag.sh run.log
set -eu
log=${1:?usage: observe-lag.sh LOG}
grep -E 'event=(command_applied|signer_keys_observed) ' "$log" | awk '
function secs(t,   p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
{
  t = secs($1)
  if (last != "" && t < last - 43200) { wrap += 86400 }   # past midnight
  last = t; t += wrap
  zone = ""; signer = ""
  for (i = 2; i <= NF; i++) {
    if ($i ~ /^zone=/) zone = substr($i, 6)
    if ($i ~ /^signer=/) signer = substr($i, 8)
  }
  k = zone " " signer
  if ($0 ~ /event=command_applied/) { if (!(k in pending)) pending[k] = t; next }
  if (k in pending) { print t - pending[k]; delete pending[k] }
}' | sort -n | awk '
{ v[NR] = $1 }
END {
  if (NR == 0) { print "observe_lag n=0"; exit }
  i50 = int(NR * 0.5) + 1; if (i50 > NR) i50 = NR
  i90 = int(NR * 0.9) + 1; if (i90 > NR) i90 = NR
  printf "observe_lag n=%d p50_s=%.1f p90_s=%.1f max_s=%.1f\n", NR, v[i50], v[i90], v[NR]
}'
