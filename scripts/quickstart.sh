#!/usr/bin/env bash
# Quick start: prepare the host, build AIMS, deploy the demo static site for tenant "demo" and print its URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-host.sh
npm run build --silent
node bin/aims.js doctor || true
node bin/aims.js deploy static-site --tenant demo --name web --verbose
# The control plane: restarts crashed containers and heals drift while you are away.
data_dir="${AIMS_DATA_DIR:-$HOME/.aims}"
if [ -f "$data_dir/serve.pid" ] && kill -0 "$(cat "$data_dir/serve.pid")" 2>/dev/null; then
  echo "aims serve already running (pid $(cat "$data_dir/serve.pid"))"
else
  nohup node bin/aims.js serve >>"$data_dir/serve.log" 2>&1 &
  for _ in $(seq 1 50); do [ -f "$data_dir/serve.pid" ] && break; sleep 0.2; done
  echo "aims serve started (pid $(cat "$data_dir/serve.pid" 2>/dev/null || echo '?'), log: $data_dir/serve.log)"
fi
url=$(node bin/aims.js ps --tenant demo --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const i=JSON.parse(s).find(x=>x.name==="web");console.log(i?i.url+(i.proxyUrl?" (through the proxy: "+i.proxyUrl+")":""):"")})')
printf '\nAIMS is running the demo plug: %s\n' "$url"
# The dashboard's address and the first sign-in, as `aims serve` printed them (it runs in the background).
for _ in $(seq 1 50); do grep -q 'aims serve: \(dashboard at\|no dashboard\)' "$data_dir/serve.log" 2>/dev/null && break; sleep 0.2; done
dashboard=$(grep -o 'aims serve: \(dashboard at\|no dashboard\).*' "$data_dir/serve.log" 2>/dev/null | tail -1 | sed 's/^aims serve: //')
printf 'Deploy Dock, the dashboard: %s\n' "${dashboard:-see $data_dir/serve.log}"
printf 'Next:\n  npx aims ps\n  npx aims logs web --tenant demo\n  npx aims rm web --tenant demo --yes\n'
