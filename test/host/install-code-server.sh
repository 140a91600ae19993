#!/usr/bin/env bash
# Installs the browser-based VS Code used by the integration tests (code-server from npm, = VS Code 1.100.3)
# into a cache folder outside the checkout, without any download but the npm registry.
# Idempotent: a complete install is reused. Usage: bash test/host/install-code-server.sh [CACHE_DIR]
# (or ASM_VSCODE_HOST_CACHE=<dir>; a fresh dir measures a cold install).
set -euo pipefail
CACHE="${1:-${ASM_VSCODE_HOST_CACHE:-$HOME/.cache/asm-troubleshooter/vscode-host}}"
CS_VERSION="${CS_VERSION:-4.100.3}"   # the newest code-server whose engines.node is 20
CS="$CACHE/code-server-$CS_VERSION"
if [ -x "$CS/node_modules/.bin/code-server" ] && [ -f "$CS/.complete" ]; then
  echo "$CS"; exit 0
fi
# ASM_INSTALL_PROBE=1: only report whether the cached install is complete (exit 3 when it is not).
[ "${ASM_INSTALL_PROBE:-0}" = 1 ] && exit 3
command -v rg >/dev/null || { echo "install-code-server: ripgrep (Debian package 'ripgrep') is required" >&2; exit 1; }
rm -rf "$CS"; mkdir -p "$CS/tmp"
# Native modules build against the running node's own headers, <prefix>/include/node (the nodejs package puts them
# in /usr, the nodejs.org tarball beside its bin/); without them node-gyp fetches the matching ones itself.
NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$NODE_PREFIX/include/node/common.gypi" ]; then export npm_config_nodedir="$NODE_PREFIX"; fi
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export XDG_CACHE_HOME="$CS/xdg" XDG_CONFIG_HOME="$CS/xdg" XDG_DATA_HOME="$CS/xdg"
# @vscode/ripgrep's postinstall looks for this archive before it tries GitHub: give it Debian's rg.
RGVER=1.15.11 RGASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
mkdir -p "$CS/tmp/vscode-ripgrep-cache-$RGVER"
cp "$(command -v rg)" "$CS/tmp/rg"
tar -C "$CS/tmp" -czf "$CS/tmp/vscode-ripgrep-cache-$RGVER/$RGASSET" rg
rm "$CS/tmp/rg"
cd "$CS"
echo '{"name":"asm-vscode-host","private":true,"allowScripts":{"code-server":true,"argon2":true}}' > package.json
# unsafe_perm: code-server's postinstall refuses root without it; yes: node-pty's postinstall runs npx node-gyp.
if ! TMPDIR="$CS/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
     npm install --foreground-scripts "code-server@$CS_VERSION" > "$CS/install.log" 2>&1; then
  echo "install-code-server: npm install failed; last lines of $CS/install.log:" >&2
  tail -30 "$CS/install.log" >&2; exit 1
fi
"$CS/node_modules/.bin/code-server" --version >/dev/null
touch "$CS/.complete"
echo "$CS"
