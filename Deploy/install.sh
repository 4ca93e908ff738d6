#!/usr/bin/env bash
# Installs umweltd and umwelt (release build), the default configuration, the example
# twin and the systemd unit. Usage: Deploy/install.sh [PREFIX]  (default /usr/local)
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${1:-/usr/local}
BIN=$(swift build -c release --show-bin-path)
install -d "$PREFIX/bin" /etc/umwelt /etc/umwelt/twins "$PREFIX/share/doc/umwelt"
install -m 0755 "$BIN/umweltd" "$BIN/umwelt" "$PREFIX/bin/"
[ -e /etc/umwelt/umwelt.yaml ] || install -m 0644 Config/umwelt.yaml /etc/umwelt/umwelt.yaml
[ -e /etc/umwelt/twins/demo-office.yaml ] || install -m 0644 Twins/demo-office.yaml /etc/umwelt/twins/
install -m 0644 README.md docs/ARCHITECTURE.md "$PREFIX/share/doc/umwelt/"
if [ -d /etc/systemd/system ]; then
    sed "s#/usr/local#$PREFIX#g" Deploy/umweltd.service > /etc/systemd/system/umweltd.service
    if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
fi
echo "installed to $PREFIX; edit /etc/umwelt/umwelt.yaml and /etc/umwelt/twins/, then: systemctl enable --now umweltd"
