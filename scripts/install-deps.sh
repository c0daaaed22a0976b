#!/bin/sh
# scripts/install-deps.sh - installs the Debian packages gazouillis needs to
# build and to run its tests. Safe to run again: apt-get skips what is there.
# Uses sudo when not run as root. make calls it only when pkg-config cannot
# find a library; run it by hand after adding a package here.
set -eu

PACKAGES="
    build-essential pkg-config
    libutf8proc-dev libpcre2-dev libjansson-dev unicode-data
    libmicrohttpd-dev libsqlite3-dev libsodium-dev libcmark-dev libqrencode-dev libzip-dev zlib1g-dev
    libcmocka-dev libyaml-dev
    clang libclang-rt-14-dev clang-format
    python3 python3-pytest python3-requests
    chromium chromium-driver python3-selenium
    python3-mastodon toot openssl
    gcovr
"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "install-deps: every package is installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: need root or sudo to install:$missing" >&2
    exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
