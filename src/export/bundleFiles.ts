import {
  COMPOSE_NETWORK,
  type ComposeOutput,
  type ComposeVariable,
  composeYaml,
} from "../compose/writeCompose.js";
import type { SizedPlug } from "../domain/sizedPlug.js";

/**
 * The text files of an export bundle, from the Compose emission and what the export found on the engine.
 * Pure: every file is a string; `assembleBundle` writes them and the archives beside them.
 */

/** An image archive of the bundle: `images/<file>`, which `setup.sh` loads. */
export interface BundleImage {
  ref: string;
  file: string;
}

/** A volume's data in the bundle: `data/<file>`, a tar of the volume's directory, restored by `setup.sh`. */
export interface BundleData {
  /** The key under the Compose file's `volumes:`. */
  key: string;
  service: string;
  path: string;
  file: string;
}

export interface BundleInput {
  plug: SizedPlug;
  compose: ComposeOutput;
  /** The Compose project name (`COMPOSE_PROJECT_NAME`). */
  project: string;
  tenant: string;
  instance: string;
  /** Images that no public registry serves, saved into the bundle. */
  saved: BundleImage[];
  /** Images referenced by their pinned tags (pulled on the new host). */
  pulled: string[];
  data: BundleData[];
  /** The instance's secret values, only when the export was asked to include them. */
  secrets?: Record<string, string>;
  exportedAt: string;
  aimsVersion: string;
}

/** A file of the bundle: its path inside the bundle, its text and its mode. */
export interface BundleFile {
  path: string;
  text: string;
  mode: number;
}

/** An `.env` value as both Compose versions read it: plain, or single-quoted when it holds a special character. */
export function envText(value: string): string {
  if (/^[A-Za-z0-9_./:@,+=-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function envFile(input: BundleInput, withSecrets: boolean): string {
  const lines = [
    `# Variables of ${input.plug.name} (${input.tenant}/${input.instance}), read by docker-compose and setup.sh.`,
    "# setup.sh copies this file to .env (mode 0600) and fills every blank secret with a generated one.",
    "",
    "# Compose's project name: the prefix of this stack's containers, network and volumes.",
    `COMPOSE_PROJECT_NAME=${input.project}`,
  ];
  for (const v of input.compose.variables) {
    lines.push("", `# ${v.comment}`);
    const value = v.kind === "secret" ? (withSecrets ? (input.secrets?.[v.key] ?? "") : "") : v.value;
    lines.push(`${v.key}=${envText(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

const secretsOf = (vars: ComposeVariable[]) => vars.filter((v) => v.kind === "secret");

/** Shell helpers both scripts share: where the bundle is, which Compose runs it. */
const PRELUDE = `set -eu
cd "$(dirname "$0")"
fail() { echo "$0: $*" >&2; exit 1; }
command -v docker >/dev/null 2>&1 || fail "docker is not installed (https://docs.docker.com/engine/install/)"
if docker compose version >/dev/null 2>&1; then
  compose() { docker compose "$@"; }
elif command -v docker-compose >/dev/null 2>&1; then
  compose() { docker-compose "$@"; }
else
  fail "neither 'docker compose' nor 'docker-compose' is installed"
fi`;

const ALPHABETS: Record<string, string> = { alnum: "A-Za-z0-9", hex: "a-f0-9", base64url: "A-Za-z0-9_-" };

/** Which volumes get the exported data: only those this run of setup.sh is about to create, never one already there. */
function restoreCheck(data: BundleData[]): string {
  return `# Data is restored only into a volume this script is about to create: never over data already there.
for key in ${data.map((d) => d.key).join(" ")}; do
  docker volume inspect "\${project}_\${key}" >/dev/null 2>&1 || restore="$restore $key"
done`;
}

function setupScript(input: BundleInput): string {
  const { compose } = input;
  const secretLines = secretsOf(compose.variables).map(
    (v) => `ensure_secret ${v.key} ${v.secret?.length ?? 32} '${ALPHABETS[v.secret?.alphabet ?? "alnum"]}'`,
  );
  const loads = input.saved.map((i) => `load_image '${i.ref}' 'images/${i.file}'`);
  const restores = input.data.map(
    (d) => `restore_volume '${d.key}' '${d.service}' '${d.path}' 'data/${d.file}'`,
  );
  const http = compose.ports.find((p) => p.protocol === "http");
  const url = http
    ? `echo "$0: ${input.plug.name} is up at http://127.0.0.1:$(env_value ${http.variable})/"`
    : `echo "$0: ${input.plug.name} is up"`;
  return `#!/bin/sh
# Sets up ${input.plug.name} (${input.tenant}/${input.instance}, exported from AIMS) on this Docker host:
# checks Docker and Compose, loads the saved images, writes .env (mode 0600) with generated secrets,
# restores the exported data into new volumes, starts the stack and waits until every service is healthy.
# Running it again changes nothing that is already in place: .env, volumes and data are kept.
${PRELUDE}
docker info >/dev/null 2>&1 || fail "the Docker engine does not answer (is it running? may this user use it?)"

umask 077
[ -f .env ] || cp .env.example .env
chmod 600 .env
# Variables the bundle names that .env lacks (an older .env) are added from .env.example.
grep -E '^[A-Z_][A-Z0-9_]*=' .env.example | while IFS= read -r line; do
  grep -q "^\${line%%=*}=" .env || printf '%s\\n' "$line" >> .env
done

env_value() { sed -n "s/^$1=//p" .env | tail -n 1 | sed "s/^'\\(.*\\)'$/\\1/"; }

ensure_secret() {
  [ -n "$(env_value "$1")" ] && return 0
  value=$(LC_ALL=C tr -dc "$3" </dev/urandom | head -c "$2")
  grep -v "^$1=" .env > .env.new || true
  printf '%s=%s\\n' "$1" "$value" >> .env.new
  chmod 600 .env.new
  mv .env.new .env
  echo "$0: generated $1 into .env"
}
${secretLines.join("\n")}

load_image() {
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  echo "$0: loading $1 from $2"
  docker load -i "$2" >/dev/null
}
${loads.join("\n")}

project=$(env_value COMPOSE_PROJECT_NAME)
[ -n "$project" ] || fail "COMPOSE_PROJECT_NAME is empty in .env"
restore=""
${input.data.length ? restoreCheck(input.data) : ""}
compose up --no-start
restore_volume() {
  case " $restore " in *" $1 "*) ;; *) return 0 ;; esac
  container=$(compose ps -q "$2")
  [ -n "$container" ] || fail "no container for service $2"
  echo "$0: restoring $1 from $4"
  docker cp - "$container:$(dirname "$3")" < "$4"
}
${restores.join("\n")}

compose up -d
echo "$0: waiting for every service to be healthy"
tries=0
until ./healthcheck.sh >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 120 ] || { ./healthcheck.sh || true; fail "the stack did not become healthy in 4 minutes (see: docker-compose logs)"; }
  sleep 2
done
${url}
`;
}

function healthScript(input: BundleInput): string {
  return `#!/bin/sh
# Exits 0 only when every service of ${input.plug.name} runs and, where it has a health check, is healthy.
${PRELUDE}
status=0
for service in ${input.compose.order.join(" ")}; do
  container=$(compose ps -q "$service" 2>/dev/null || true)
  if [ -z "$container" ]; then
    echo "$service: not created"; status=1; continue
  fi
  state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$container")
  case "$state" in
    "running healthy"|"running none") echo "$service: healthy" ;;
    *) echo "$service: $state"; status=1 ;;
  esac
done
exit $status
`;
}

function nginxConf(input: BundleInput): string | undefined {
  const http = input.compose.ports.find((p) => p.protocol === "http");
  if (!http) return undefined;
  return `# A reverse-proxy site for ${input.plug.name}: put it in /etc/nginx/conf.d/ (or sites-enabled/), set
# server_name, and reload nginx. It forwards to ${http.service}'s ${http.name} port, published on
# 127.0.0.1:${http.defaultHostPort} (${http.variable} in .env; change both together).
upstream ${input.project.replace(/[^a-zA-Z0-9_]/g, "_")} {
    server 127.0.0.1:${http.defaultHostPort};
    keepalive 16;
}

server {
    listen 80;
    server_name _;
    client_max_body_size 50m;

    location / {
        proxy_pass http://${input.project.replace(/[^a-zA-Z0-9_]/g, "_")};
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 300s;
        proxy_buffering off;
    }
}

map $http_upgrade $connection_upgrade {
    default upgrade;
    '' '';
}
`;
}

function readme(input: BundleInput): string {
  const { compose, plug } = input;
  const ports = compose.ports.length
    ? compose.ports.map(
        (p) =>
          `- \`${p.service}\` ${p.name}: container port ${p.container} (${p.protocol}), published on \`127.0.0.1:${p.defaultHostPort}\` (\`${p.variable}\` in \`.env\`)`,
      )
    : ["- none published"];
  const volumes = compose.volumes.length
    ? compose.volumes.map(
        (v) =>
          `- \`${input.project}_${v.key}\`: \`${v.service}\`'s \`${v.path}\`${input.data.some((d) => d.key === v.key) ? " (its exported data is in `data/`)" : ""}`,
      )
    : ["- none"];
  const images = [
    ...input.saved.map((i) => `- \`${i.ref}\`: saved in \`images/${i.file}\` (no public registry serves it)`),
    ...input.pulled.map((r) => `- \`${r}\`: pulled by its pinned tag`),
  ];
  return `# ${plug.name}

${plug.description || plug.name} — plug \`${plug.id}\` ${plug.version}, exported from AIMS as \`${input.tenant}/${input.instance}\` at ${input.exportedAt} (AIMS ${input.aimsVersion}).

This folder runs it on any host with Docker and Compose (\`docker compose\` v2 or \`docker-compose\` 1.29), without AIMS.

## Start

    ./setup.sh

It checks Docker and Compose, loads the images in \`images/\`, writes \`.env\` (mode 0600) from \`.env.example\` with
every blank secret generated, ${input.data.length ? "restores the data in `data/` into new volumes, " : ""}starts the stack and waits until
\`./healthcheck.sh\` (exit 0 only when every service is healthy) passes. Running it again keeps \`.env\` and the volumes.

Services, in start order: ${compose.order.map((s) => `\`${s}\``).join(", ")}.

## Ports

${ports.join("\n")}

Published ports listen on \`BIND_ADDRESS\` (127.0.0.1). To serve it on a domain, use \`nginx.conf\` (a reverse-proxy
site for the HTTP port) or set \`BIND_ADDRESS=0.0.0.0\` in \`.env\`.

## Volumes

${volumes.join("\n")}

## Images

${images.join("\n")}

## Back up

Stop the stack briefly and copy each volume's directory out of a container, for example:

    docker-compose stop
${compose.volumes.map((v) => `    docker cp "$(docker-compose ps -q ${v.service})":${v.path} ./backup-${v.key}`).join("\n") || "    # (no volumes)"}
    docker-compose start

Keep \`.env\` with the backup: it holds the secrets the data was written with.

## Upgrade

Change an image tag in \`docker-compose.yml\` (or \`docker load\` a newer archive), then \`docker-compose up -d\`.
Volumes and \`.env\` are kept.

## Remove

    docker-compose down        # containers and network; volumes are kept
    docker-compose down -v     # and the volumes: the data is gone

(\`docker compose\` instead of \`docker-compose\` with Compose v2.)
`;
}

/** Every text file of the bundle. `.env` is written only when the export includes the instance's secrets. */
export function bundleFiles(input: BundleInput): BundleFile[] {
  const header = [
    `${input.plug.name} (${input.plug.id} ${input.plug.version}), exported from AIMS: ${input.tenant}/${input.instance}.`,
    "Variables come from .env (see .env.example); ./setup.sh sets everything up.",
  ].join("\n");
  const files: BundleFile[] = [
    { path: "docker-compose.yml", text: composeYaml(input.compose.file, header), mode: 0o644 },
    { path: ".env.example", text: envFile(input, false), mode: 0o644 },
    { path: "setup.sh", text: setupScript(input), mode: 0o755 },
    { path: "healthcheck.sh", text: healthScript(input), mode: 0o755 },
    { path: "README.md", text: readme(input), mode: 0o644 },
  ];
  const nginx = nginxConf(input);
  if (nginx) files.push({ path: "nginx.conf", text: nginx, mode: 0o644 });
  if (input.secrets) files.push({ path: ".env", text: envFile(input, true), mode: 0o600 });
  return files;
}

/** The network Compose creates for the bundle, as Docker names it. */
export function bundleNetwork(project: string): string {
  return `${project}_${COMPOSE_NETWORK}`;
}
