#!/usr/bin/env bash
# The demo: a private mosquitto on a free loopback port, the simulated demo office at
# ten simulated minutes per second, umweltd learning it, and its forecasts and anomalies
# printed as they are published. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
BIN=$(swift build --show-bin-path)
WORK=$(mktemp -d /tmp/umwelt-demo.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Start on a Monday at 06:00 UTC, 7 to 13 days ago: the first minutes show a working day
# (people arriving, CO2 rising, heating on) while the model warms up.
DAYS=$(python3 -c 'import time; now = time.time(); d = 7 * 86400
start = (now - d) // 86400 * 86400 + 6 * 3600
while time.gmtime(start).tm_wday != 0 or start > now - d: start -= 86400
print(round((now - start) / 86400, 4))')
mkdir -p "$WORK/twins" "$WORK/state"
cp Twins/demo-office.yaml "$WORK/twins/"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n' "$PORT" > "$WORK/mosquitto.conf"

pids=()
cleanup() {
    trap - INT TERM EXIT
    echo
    echo "stopping (state kept in $WORK/state)"
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
"$MOSQUITTO" -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

"$BIN/umweltd" --broker "127.0.0.1:$PORT" --twins "$WORK/twins" --state-dir "$WORK/state" \
    --http "127.0.0.1:$HTTP_PORT" > "$WORK/umweltd.log" 2>&1 &
pids+=($!)
"$BIN/umwelt" simulate --twin Twins/demo-office.yaml --broker "127.0.0.1:$PORT" --speed 600 --days "$DAYS" \
    > "$WORK/simulator.log" 2>&1 &
pids+=($!)

cat <<INFO
Umwelt demo
  broker     mosquitto on 127.0.0.1:$PORT
  building   Twins/demo-office.yaml, simulated from Monday 06:00 UTC, $DAYS days ago, at 600x
             (10 simulated minutes per second; the clock catches up with now and goes on in real time)
  daemon     umweltd, HTTP on http://127.0.0.1:$HTTP_PORT (try /v1/twins/demo-office)
  logs       $WORK/*.log
Forecasts below: per zone the next step and the value in one hour with its 80 % band.
The model warms up for about half a simulated day (~70 s), then learns as it goes.

INFO
"$BIN/umwelt" watch --broker "127.0.0.1:$PORT" --every 5
