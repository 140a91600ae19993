#!/usr/bin/env bash
# Verifies the README's two commands on a bare Debian machine: a debootstrap'ed bookworm root with only Node.js 20
# and npm (copied from this host), git and ca-certificates (what a machine that ran `git clone` has), and a fresh
# clone of a branch of this repository. Not part of `npm test`; needs root, debootstrap, deb.debian.org and the npm
# registry. Prints PASS/FAIL per step and a timing per step; logs go to $LOGS.
#
#   sudo bash scripts/verify-bare-debian.sh [--branch B] [--root DIR] [--logs DIR] [--only STEP,…]
#
# Steps (in order; --only picks some; a step needs the ones before it to have run once with the same --root):
#   root       debootstrap --variant=minbase bookworm into DIR (removed first), Node.js 20 + npm copied in
#              (binary, npm, headers: what the nodejs package or the nodejs.org tarball installs), git and
#              ca-certificates through apt-get, /etc/resolv.conf; a copy DIR.pristine is kept for the user steps
#   user-nosudo  user `dev` (no sudo), fresh clone: `npm start` must stop with one line saying what to run
#   user-sudo  sudo installed, password-less for `dev` in /etc/sudoers.d: `npm start --smoke` (as `npm start -- --smoke`)
#              must install the Debian packages through `sudo -n` itself and serve the workbench
#   user-test  as `dev` with that sudo: `CI=true npm test` must install Chromium through `sudo -n` and go green
#   root-smoke as root in DIR, fresh clone: `npm start -- --smoke`
#   root-serve as root: plain `npm start` until it prints the URL, then the workbench is fetched with curl from
#              inside the root, then it is stopped (SIGINT)
#   root-test  as root: `CI=true npm test` (every stage, the host stage included) must end `tests: N passed, 0 failed`
# The user steps run in DIR.user (a copy of DIR.pristine), so root's installs do not hide what a user lacks.
# proc, sys, dev, dev/pts and dev/shm are mounted into each root while it is used and unmounted at exit; only
# processes whose root is one of these directories are ever stopped.
set -uo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BRANCH="$(git -C "$REPO" rev-parse --abbrev-ref HEAD)"
ROOT=/work/bare-root
LOGS=/work/bare-logs
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --branch) BRANCH="$2"; shift 2 ;;
    --root) ROOT="$2"; shift 2 ;;
    --logs) LOGS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    *) echo "usage: $0 [--branch B] [--root DIR] [--logs DIR] [--only STEP,…]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "verify-bare-debian: run as root (debootstrap, chroot, mount)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "verify-bare-debian: install debootstrap first: apt-get install -y debootstrap" >&2; exit 2; }
mkdir -p "$LOGS"
USER_ROOT="$ROOT.user"
PATH_IN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
FAILED=0
declare -a SUMMARY

want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }
now() { date +%s; }

mount_root() { # idempotent
  local r="$1"
  USED+=("$r")
  mountpoint -q "$r/proc" || mount -t proc proc "$r/proc"
  mountpoint -q "$r/sys" || mount -t sysfs sys "$r/sys"
  mountpoint -q "$r/dev" || mount --bind /dev "$r/dev"
  mountpoint -q "$r/dev/pts" || mount --bind /dev/pts "$r/dev/pts"
  mountpoint -q "$r/dev/shm" || mount -t tmpfs -o size=1g,mode=1777 shm "$r/dev/shm"
  cp /etc/resolv.conf "$r/etc/resolv.conf"
}

# Stops what still runs inside a root (matched by /proc/PID/root), then unmounts.
umount_root() {
  local r="$1" p
  [ -d "$r" ] || return 0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && kill -TERM "${p#/proc/}" 2>/dev/null
  done
  sleep 1
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && kill -KILL "${p#/proc/}" 2>/dev/null
  done
  for m in dev/shm dev/pts dev sys proc; do mountpoint -q "$r/$m" && umount "$r/$m"; done
  return 0
}
# Only the roots this run used (two runs, one with root steps and one with user steps, may go side by side).
USED=()
cleanup() {
  local r
  for r in "${USED[@]}"; do umount_root "$r"; done
}
trap cleanup EXIT

# in_root ROOT USER CMD: runs CMD with bash in the root, as USER (root or dev), with a clean environment.
in_root() {
  local r="$1" u="$2" cmd="$3" home=/root spec=()
  if [ "$u" != root ]; then home="/home/$u"; spec=(--userspec="$(awk -F: -v u="$u" '$1 == u { print $3 ":" $4 }' "$r/etc/passwd")"); fi
  chroot "${spec[@]}" "$r" /usr/bin/env -i HOME="$home" USER="$u" LOGNAME="$u" PATH="$PATH_IN" LANG=C.UTF-8 TERM=dumb \
    ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"} ${EXTRA_ENV:-} /bin/bash -c "cd ~ && $cmd"
}

result() { # result STEP OK SECONDS DETAIL
  local s="PASS"
  [ "$2" = 1 ] || { s="FAIL"; FAILED=1; }
  SUMMARY+=("$(printf '%-4s %-12s %6ss  %s' "$s" "$1" "$3" "$4")")
  echo "=== $s $1 (${3}s) $4"
}

clone_into() { # clone_into ROOT USER: a fresh clone of $BRANCH at ~/asm-troubleshooter
  local r="$1" u="$2" home=/root
  [ "$u" != root ] && home="/home/$u"
  rm -rf "$r$home/asm-troubleshooter" "$r/tmp/asm-src.git"
  git clone -q --bare --branch "$BRANCH" --single-branch "$REPO" "$r/tmp/asm-src.git" || return 1
  # owned by the cloning user (git refuses a repository of another owner)
  [ "$u" != root ] && chown -R "$(awk -F: -v u="$u" '$1 == u { print $3 ":" $4 }' "$r/etc/passwd")" "$r/tmp/asm-src.git"
  in_root "$r" "$u" "git clone -q --branch '$BRANCH' /tmp/asm-src.git asm-troubleshooter && git -C asm-troubleshooter log -1 --format='clone at %h %s'"
}

# --- root: the bare machine
if want root; then
  t=$(now)
  umount_root "$ROOT"; umount_root "$USER_ROOT"
  rm -rf "$ROOT" "$ROOT.pristine" "$USER_ROOT"
  ok=1
  t1=$(now)
  debootstrap --variant=minbase bookworm "$ROOT" http://deb.debian.org/debian >"$LOGS/debootstrap.log" 2>&1 || ok=0
  echo "debootstrap: $(( $(now) - t1 ))s"
  if [ $ok = 1 ]; then
    # Node.js 20 and npm, as this host has them (the nodejs package: binary, npm, headers in <prefix>/include/node).
    NODE="$(readlink -f "$(command -v node)")"
    PREFIX="$(dirname "$(dirname "$NODE")")"
    NPMDIR="$PREFIX/lib/node_modules/npm"
    mkdir -p "$ROOT$PREFIX/bin" "$ROOT$PREFIX/lib/node_modules" "$ROOT$PREFIX/include"
    cp -a "$NODE" "$ROOT$PREFIX/bin/node"
    cp -a "$NPMDIR" "$ROOT$PREFIX/lib/node_modules/"
    [ -d "$PREFIX/include/node" ] && cp -a "$PREFIX/include/node" "$ROOT$PREFIX/include/"
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT$PREFIX/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOT$PREFIX/bin/npx"
    mount_root "$ROOT"
    in_root "$ROOT" root "export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends git ca-certificates" \
      >"$LOGS/base-apt.log" 2>&1 || ok=0
    # This host's network trust (a TLS-intercepting egress proxy here): its extra CAs, /etc/npmrc and
    # NODE_EXTRA_CA_CERTS, as on the host; none of it is part of what the README's commands need.
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
      cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"
      in_root "$ROOT" root 'update-ca-certificates' >>"$LOGS/base-apt.log" 2>&1 || ok=0
    fi
    [ -f /etc/npmrc ] && cp /etc/npmrc "$ROOT/etc/npmrc"
    # What Debian's installer writes and debootstrap does not (sudo and `localhost` need it).
    printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$(cat "$ROOT/etc/hostname")" >"$ROOT/etc/hosts"
    in_root "$ROOT" root 'echo "node $(node --version), npm $(npm --version), $(git --version)"' || ok=0
    umount_root "$ROOT"
    cp -a "$ROOT" "$ROOT.pristine" || ok=0
  fi
  result root $ok $(( $(now) - t )) "minbase bookworm + Node.js $(node --version) + npm + git"
fi

# --- user steps, on a copy of the pristine root
if want user-nosudo || want user-sudo; then
  [ -d "$ROOT.pristine" ] || { echo "no $ROOT.pristine: run the root step first" >&2; exit 1; }
  if want user-nosudo; then
    umount_root "$USER_ROOT"; rm -rf "$USER_ROOT"; cp -a "$ROOT.pristine" "$USER_ROOT"
  fi
  mount_root "$USER_ROOT"
  in_root "$USER_ROOT" root 'id dev >/dev/null 2>&1 || useradd -m -s /bin/bash dev'
fi
if want user-nosudo; then
  t=$(now)
  ok=1
  clone_into "$USER_ROOT" dev >"$LOGS/user-nosudo.log" 2>&1 || ok=0
  in_root "$USER_ROOT" dev 'cd asm-troubleshooter && npm start' >>"$LOGS/user-nosudo.log" 2>&1 </dev/null
  rc=$?
  # The stop: a non-zero exit, one line with the apt-get command to run as root (no sudo here), nothing installed.
  line="$(grep -c 'apt-get update && ' "$LOGS/user-nosudo.log")"
  grep -q '; as root, run: apt-get update && apt-get install -y --no-install-recommends ' "$LOGS/user-nosudo.log" || ok=0
  [ "$rc" != 0 ] && [ "$line" = 1 ] || ok=0
  grep -v '^[[:space:]]*$' "$LOGS/user-nosudo.log" | tail -1 | grep -q 'apt-get update && ' || ok=0 # and it is the last line
  in_root "$USER_ROOT" root 'command -v rg' >/dev/null && ok=0
  result user-nosudo $ok $(( $(now) - t )) "exit $rc; $line line(s): $(grep 'apt-get update && ' "$LOGS/user-nosudo.log" | head -1)"
fi
if want user-sudo; then
  t=$(now)
  ok=1
  {
    in_root "$USER_ROOT" root 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends sudo && echo "dev ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/dev && chmod 440 /etc/sudoers.d/dev'
    [ -d "$USER_ROOT/home/dev/asm-troubleshooter" ] || clone_into "$USER_ROOT" dev
  } >"$LOGS/user-sudo.log" 2>&1 || ok=0
  in_root "$USER_ROOT" dev 'cd asm-troubleshooter && npm start -- --smoke' >>"$LOGS/user-sudo.log" 2>&1 </dev/null || ok=0
  grep -q 'with apt-get (sudo)' "$LOGS/user-sudo.log" || ok=0
  grep -q 'smoke: workbench HTTP 200, extension installed: true' "$LOGS/user-sudo.log" || ok=0
  result user-sudo $ok $(( $(now) - t )) "$(grep -o 'installing Debian packages.*(sudo)' "$LOGS/user-sudo.log" | head -1); $(grep -o 'code-server installed in [0-9.]* s' "$LOGS/user-sudo.log" | head -1)"
fi
if want user-test; then
  # `npm test` as that user (after user-sudo): Chromium through `sudo -n`, then every stage green.
  t=$(now)
  ok=1
  [ -f "$USER_ROOT/etc/sudoers.d/dev" ] || { echo "no sudo for dev in $USER_ROOT: run user-sudo first" >&2; exit 1; }
  mount_root "$USER_ROOT"
  clone_into "$USER_ROOT" dev >"$LOGS/user-test.log" 2>&1 || ok=0 # a fresh clone again (code-server stays installed)
  EXTRA_ENV="CI=true" in_root "$USER_ROOT" dev 'cd asm-troubleshooter && npm test' >>"$LOGS/user-test.log" 2>&1 </dev/null || ok=0
  grep -q 'installing Debian packages chromium with apt-get (sudo)' "$LOGS/user-test.log" || ok=0
  last="$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed$' "$LOGS/user-test.log" | tail -1)"
  [[ "$last" == *" passed, 0 failed" ]] || ok=0
  result user-test $ok $(( $(now) - t )) "$last; $(grep -E '^(ok  |FAIL) +[a-z]+ +[0-9.]+s$' "$LOGS/user-test.log" | tr -s ' ' | paste -sd, -)"
fi
if want user-nosudo || want user-sudo || want user-test; then umount_root "$USER_ROOT"; fi

# --- root steps
if want root-smoke || want root-serve || want root-test; then
  [ -d "$ROOT" ] || { echo "no $ROOT: run the root step first" >&2; exit 1; }
  mount_root "$ROOT"
fi
if want root-smoke; then
  t=$(now)
  ok=1
  clone_into "$ROOT" root >"$LOGS/root-smoke.log" 2>&1 || ok=0
  in_root "$ROOT" root 'cd asm-troubleshooter && npm start -- --smoke' >>"$LOGS/root-smoke.log" 2>&1 </dev/null || ok=0
  grep -q 'smoke: workbench HTTP 200, extension installed: true' "$LOGS/root-smoke.log" || ok=0
  result root-smoke $ok $(( $(now) - t )) "$(grep -o 'installing Debian packages [^:]*' "$LOGS/root-smoke.log" | head -1); $(grep -o 'code-server installed in [0-9.]* s' "$LOGS/root-smoke.log" | head -1)"
fi
if want root-serve; then
  t=$(now)
  ok=1
  [ -d "$ROOT/root/asm-troubleshooter" ] || clone_into "$ROOT" root >"$LOGS/root-serve.log" 2>&1
  in_root "$ROOT" root 'cd asm-troubleshooter && exec npm start' >"$LOGS/root-serve.log" 2>&1 </dev/null &
  serve=$!
  url=""
  for _ in $(seq 1 600); do # at most 10 minutes
    url="$(grep -oE 'http://127\.0\.0\.1:[0-9]+/\?folder=[^ ]+' "$LOGS/root-serve.log" | head -1)"
    [ -n "$url" ] && break
    kill -0 $serve 2>/dev/null || break
    sleep 1
  done
  code=none
  if [ -n "$url" ]; then
    in_root "$ROOT" root "command -v curl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends curl >/dev/null 2>&1"
    code="$(in_root "$ROOT" root "curl -s -o /tmp/workbench.html -w '%{http_code}' --max-time 20 '$url'")"
    grep -q 'vscode-workbench-web-configuration' "$ROOT/tmp/workbench.html" 2>/dev/null || ok=0
  fi
  [ "$code" = 200 ] || ok=0
  # Ctrl-C: SIGINT to npm start's processes in the root (start.mjs stops code-server's process group).
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && grep -qa 'scripts/start.mjs' "$p/cmdline" 2>/dev/null && kill -INT "${p#/proc/}"
  done
  for _ in $(seq 1 30); do kill -0 $serve 2>/dev/null || break; sleep 1; done
  kill -0 $serve 2>/dev/null && ok=0
  grep -q 'stopping code-server' "$LOGS/root-serve.log" || ok=0
  result root-serve $ok $(( $(now) - t )) "curl $url → HTTP $code"
fi
if want root-test; then
  t=$(now)
  ok=1
  : >"$LOGS/root-test.log"
  [ -d "$ROOT/root/asm-troubleshooter" ] || clone_into "$ROOT" root >>"$LOGS/root-test.log" 2>&1
  EXTRA_ENV="CI=true" in_root "$ROOT" root 'cd asm-troubleshooter && npm test' >>"$LOGS/root-test.log" 2>&1 </dev/null || ok=0
  last="$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed$' "$LOGS/root-test.log" | tail -1)"
  [[ "$last" == *" passed, 0 failed" ]] || ok=0
  result root-test $ok $(( $(now) - t )) "$last; $(grep -E '^(ok  |FAIL) +[a-z]+ +[0-9.]+s$' "$LOGS/root-test.log" | tr -s ' ' | paste -sd, -)"
fi

echo
echo "=== verify-bare-debian summary (branch $BRANCH, logs in $LOGS)"
printf '%s\n' "${SUMMARY[@]}"
exit $FAILED
