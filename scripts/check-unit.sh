#!/usr/bin/env bash
# Checks Deploy/umweltd.service offline: `systemd-analyze verify` must print nothing (it
# exits 0 on warnings) and `systemd-analyze security` must rate the unit 2.0 or lower.
# The unit's ExecStart must exist for verify, so a copy points at the debug build.
# Usage: scripts/check-unit.sh [MAX_EXPOSURE]   (default 2.0)
set -euo pipefail
cd "$(dirname "$0")/.."
max=${1:-2.0}
binary="$PWD/.build/debug/umweltd"
[ -x "$binary" ] || { echo "build umweltd first ($binary missing)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s#/usr/local/bin/umweltd#$binary#" Deploy/umweltd.service > "$work/umweltd.service"
verify=$(cd "$work" && systemd-analyze verify ./umweltd.service 2>&1 || true)
if [ -n "$verify" ]; then
    echo "systemd-analyze verify reported:" >&2
    echo "$verify" >&2
    exit 1
fi
echo "systemd-analyze verify: clean"
security=$(cd "$work" && systemd-analyze security --offline=yes ./umweltd.service 2>&1)
score=$(echo "$security" | sed -n 's/.*Overall exposure level for umweltd.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || { echo "$security" >&2; echo "no exposure score found" >&2; exit 1; }
echo "systemd-analyze security: exposure $score (limit $max)"
if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s > m) }'; then
    echo "$security" | grep -v '^✓' >&2
    exit 1
fi
