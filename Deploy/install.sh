#!/usr/bin/env bash
# Installs umweltd and umwelt, the default configuration, the example twin and the systemd
# unit. Usage: Deploy/install.sh [PREFIX]   (default /usr/local)
# DESTDIR stages everything under another root (packaging, tests); BIN picks the build
# directory holding the binaries (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${1:-/usr/local}
DESTDIR=${DESTDIR:-}
BIN=${BIN:-$(swift build -c release --show-bin-path)}
etc="$DESTDIR/etc/umwelt"
install -d "$DESTDIR$PREFIX/bin" "$etc" "$etc/twins" "$DESTDIR$PREFIX/share/doc/umwelt" \
    "$DESTDIR$PREFIX/share/umwelt"
install -m 0755 "$BIN/umweltd" "$BIN/umwelt" "$DESTDIR$PREFIX/bin/"
[ -e "$etc/umwelt.yaml" ] || install -m 0644 Config/umwelt.yaml "$etc/umwelt.yaml"
[ -e "$etc/twins/demo-office.yaml" ] || install -m 0644 Twins/demo-office.yaml "$etc/twins/"
install -m 0644 README.md docs/ARCHITECTURE.md "$DESTDIR$PREFIX/share/doc/umwelt/"
for extra in Deploy/mosquitto-acl.conf Deploy/grafana-umwelt.json docs/openapi.yaml; do
    if [ -e "$extra" ]; then install -m 0644 "$extra" "$DESTDIR$PREFIX/share/umwelt/"; fi
done
if [ -n "$DESTDIR" ] || [ -d /etc/systemd/system ]; then
    install -d "$DESTDIR/etc/systemd/system"
    sed "s#/usr/local#$PREFIX#g" Deploy/umweltd.service > "$DESTDIR/etc/systemd/system/umweltd.service"
    if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
fi
echo "installed to $DESTDIR$PREFIX; edit /etc/umwelt/umwelt.yaml and /etc/umwelt/twins/, then: systemctl enable --now umweltd"
