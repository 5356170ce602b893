#!/usr/bin/env bash
# Prepares this host to run AIMS and its tests: Debian packages, a Docker engine with address pools
# large enough for hundreds of instance networks, and npm dependencies. Idempotent: a second run only
# checks and returns quickly.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else log "not root and no sudo: install packages by hand"; fi
fi

# 1. Debian packages (only the missing ones).
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
if ! dpkg -s busybox-static >/dev/null 2>&1; then need+=(busybox-static); fi
command -v nginx >/dev/null 2>&1 || need+=(nginx)
# The host firewall (step 5) is iptables rules; Debian's iptables drives nf_tables or legacy alike.
command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || need+=(iptables)
# Local PostgreSQL/Redis images are built from Debian packages (`aims images build-local`).
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
# The test suite checks /metrics with Prometheus's own promtool.
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# PostgreSQL, for `databaseUrl: postgres://…` and the test suite's postgres project (step 6).
command -v pg_lsclusters >/dev/null 2>&1 || need+=(postgresql)
# The dashboard's browser tests drive Debian's Chromium through playwright-core (no browser download).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Exported bundles are checked with Debian's docker-compose (1.29), which they must run under.
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. Docker engine: address pools, then start it when nothing answers.
socket="${AIMS_DOCKER_SOCKET:-/var/run/docker.sock}"
engine_up() { docker -H "unix://$socket" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! engine_up; then
  if [ ! -f /etc/docker/daemon.json ] || ! grep -q default-address-pools /etc/docker/daemon.json; then
    log "writing default-address-pools to /etc/docker/daemon.json (room for 1024 instance networks)"
    $SUDO mkdir -p /etc/docker
    if [ -f /etc/docker/daemon.json ] && [ -s /etc/docker/daemon.json ]; then
      $SUDO cp /etc/docker/daemon.json "/etc/docker/daemon.json.bak-$(date +%s)"
      node -e '
        const fs = require("fs");
        const cfg = JSON.parse(fs.readFileSync("/etc/docker/daemon.json", "utf8"));
        cfg["default-address-pools"] = ["10.210", "10.211", "10.212", "10.213"].map((b) => ({ base: `${b}.0.0/16`, size: 24 }));
        process.stdout.write(JSON.stringify(cfg, null, 2));' | $SUDO tee /etc/docker/daemon.json.new >/dev/null
      $SUDO mv /etc/docker/daemon.json.new /etc/docker/daemon.json
    else
      printf '{\n  "default-address-pools": [\n    {"base": "10.210.0.0/16", "size": 24},\n    {"base": "10.211.0.0/16", "size": 24},\n    {"base": "10.212.0.0/16", "size": 24},\n    {"base": "10.213.0.0/16", "size": 24}\n  ]\n}\n' | $SUDO tee /etc/docker/daemon.json >/dev/null
    fi
  fi
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    log "starting docker with systemctl"
    $SUDO systemctl start docker || true
  fi
  if ! engine_up; then
    log "starting dockerd in the background (log: /var/log/aims-dockerd.log)"
    $SUDO sh -c 'nohup dockerd >/var/log/aims-dockerd.log 2>&1 &'
  fi
  for _ in $(seq 1 60); do engine_up && break; sleep 0.5; done
  engine_up || { log "Docker engine did not start; see /var/log/aims-dockerd.log"; exit 1; }
elif [ -f /etc/docker/daemon.json ] && ! grep -q default-address-pools /etc/docker/daemon.json; then
  log "warning: the running engine has no default-address-pools; only ~31 instance networks fit (see docs/operations.md)"
fi

# 3. Keep the kernel from handing AIMS's host ports (51000-51999 by default) to outgoing connections as
#    their source ports; they lie inside Linux's ephemeral range (32768-60999). So are the fixed ranges the
#    test suite's files and the benchmarks use (52000-59999): an outgoing connection that happened to take one
#    made a test fail. Best effort: some sandboxes do not allow it, and AIMS still probes and skips ports in use.
# The kernel merges adjacent ranges (51000-51999,52000-59999 reads back as 51000-59999): a range counts as
# reserved when one reserved range holds it.
reserved_holds() {
  tr ',' '\n' <<<"$1" | awk -F- -v lo="${2%-*}" -v hi="${2#*-}" \
    '{ b = ($2 == "" ? $1 : $2); if ($1 + 0 <= lo + 0 && hi + 0 <= b + 0) held = 1 } END { exit !held }'
}
for range in "${AIMS_PORT_RANGE:-51000-51999}" 52000-59999; do
  reserved=$(cat /proc/sys/net/ipv4/ip_local_reserved_ports 2>/dev/null || true)
  reserved_holds "$reserved" "$range" && continue
  $SUDO sysctl -q -w "net.ipv4.ip_local_reserved_ports=${reserved:+$reserved,}$range" 2>/dev/null \
    && log "reserved ports $range from the ephemeral range" || log "could not reserve ports $range (continuing)"
done

# 4. npm dependencies, reinstalled only when package-lock.json changed.
stamp=node_modules/.aims-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -L node_modules ]; then
  # A worktree sharing another checkout's node_modules: npm ci would wipe that tree through the link.
  log "node_modules is a link to $(readlink node_modules): leaving its packages alone"
elif [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing npm dependencies"
  # From the committed lockfile exactly: a fresh checkout stays clean (npm install would rewrite it).
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" > "$stamp"
fi
# 5. Host firewall: a chain of AIMS's own (AIMS-INPUT, jumped to from INPUT) drops traffic from the engine's
#    address pools to this host's addresses, so no container reaches a service listening on 0.0.0.0.
#    Idempotent; the reconciler puts it back when it goes missing, and `aims doctor` checks it.
if $SUDO env AIMS_DOCKER_SOCKET="$socket" node bin/aims.js firewall install >&2; then
  :
else
  log "could not install the host firewall (continuing; \`aims doctor\` reports why)"
fi

# 6. PostgreSQL: start each cluster that is not online (create one when there is none). The test suite's
#    postgres project connects as the `postgres` user through `runuser` to create a throw-away role, which then
#    reaches the server on 127.0.0.1 with a password (Debian's default pg_hba.conf allows that).
if command -v pg_lsclusters >/dev/null 2>&1; then
  if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    log "creating PostgreSQL $version cluster main"
    $SUDO pg_createcluster "$version" main >/dev/null
  fi
  pg_lsclusters -h | while read -r version cluster port status _; do
    case "$status" in online*) continue ;; esac
    log "starting PostgreSQL $version/$cluster on port $port"
    $SUDO pg_ctlcluster "$version" "$cluster" start
    for _ in $(seq 1 60); do pg_isready -q -p "$port" && break; sleep 0.5; done
    pg_isready -q -p "$port" || { log "PostgreSQL $version/$cluster did not start; see /var/log/postgresql/"; exit 1; }
  done
fi

log "host ready: PostgreSQL $(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1; exit}'), $(docker -H "unix://$socket" version --format 'Docker {{.Server.Version}}'), node $(node --version)"
