#!/bin/sh
# read-zone-events.sh -- the auditor's recipe outside the JVM: kcat reads multisigner.zone.events
# (read_committed, from the beginning to the current end), decode-zone-events.py decodes every
# record with the schemas' JSON and checks each zone's hash chain.
#
# Usage: read-zone-events.sh BOOTSTRAP SCHEMA_DIR [kcat options, e.g. -X security.protocol=SASL_SSL]
set -eu
bootstrap=$1; schemas=$2; shift 2
kcat -C -b "$bootstrap" -t multisigner.zone.events -o beginning -e -q \
     -X isolation.level=read_committed "$@" \
     -f '%k\t%p\t%o\t%S\n%s\n' \
  | python3 "$(dirname "$0")/decode-zone-events.py" "$schemas"
