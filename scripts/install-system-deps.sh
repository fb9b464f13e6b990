#!/usr/bin/env bash
# System packages the project needs: PostgreSQL 15 (server for tests, client tools pg_dump/psql
# for the engine), openssl (test certificates), Chromium (webview and end-to-end tests),
# pgcopydb (benchmarks), and what code-server's install needs (kerberos headers, ripgrep).
set -euo pipefail
pkgs=(postgresql-15 postgresql-client-15 postgresql-contrib openssl chromium libkrb5-dev ripgrep pgcopydb)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian package starts a cluster of its own on 5432; the project never uses it.
if command -v pg_lsclusters >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  pg_ctlcluster 15 main stop 2>/dev/null || true
fi
