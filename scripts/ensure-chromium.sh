#!/usr/bin/env bash
# Headless Chromium for the browser tests (test/integration/htmlBrowser.test.ts), from Debian's own packages:
# playwright-core drives it and downloads no browser. Does nothing when it is there; installs it as root otherwise
# (CI runs as root on a clean Debian machine; .ci/run starts it in the background first thing). Prints the executable's
# path.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
# One install at a time: .ci/run starts this in the background while the browser test may ask for it too; a second
# caller waits here for the first, then finds Chromium installed.
exec 9>"${TMPDIR:-/tmp}/plugin-conversation-ensure-chromium.lock"
flock 9
if [ -x "$CHROMIUM" ]; then
  echo "$CHROMIUM"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Chromium is not installed at $CHROMIUM. Install it as root (apt-get install -y chromium), or set CHROMIUM_PATH." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "Chromium is not installed at $CHROMIUM and this machine has no apt-get. Install Chromium, or set CHROMIUM_PATH." >&2
  exit 1
fi
started=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
# Lock timeouts: another apt run (unattended upgrades) may hold the lock for a while.
apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium >&2
echo "Installed chromium in $(( $(date +%s) - started )) s" >&2
echo "$CHROMIUM"
