#!/usr/bin/env bash
# Install the Debian 12 packages flowdex needs to build, test and benchmark.
# Installs only what is missing, so it is cheap to run before every build.
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config libuv1-dev libjson-c-dev libcurl4-openssl-dev
            libmaxminddb-dev libpcap-dev zlib1g-dev)
test_pkgs=(clang libclang-rt-14-dev python3 tshark pmacct nfdump nfdump-sflow softflowd tcpreplay
           libmaxmind-db-writer-perl curl procps)

want=("${build_pkgs[@]}")
if [ "${1:-}" != "--build-only" ]; then
    want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run as root (or install them with apt-get) and try again" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
