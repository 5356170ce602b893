/**
 * Which compose service keys AIMS refuses (with the reason), replaces with its own behaviour (reported as
 * changed), ignores (listed), or translates. docs/compose.md has the same tables for people.
 */

/** Keys refused outright, with the reason a person reads. */
export const REFUSED: Record<string, (value: unknown) => string | undefined> = {
  build: () =>
    "AIMS builds no images from the server's disk: push the image to a registry (or `docker load` it on the host) and name it in `image:`",
  privileged: (v) => (v ? "a privileged container has full control of the host" : undefined),
  network_mode: (v) =>
    /^(host|container:|service:)/.test(String(v))
      ? `network_mode ${String(v)} would share another network stack; every service runs on its instance's own network`
      : undefined,
  pid: (v) => (v ? `pid ${String(v)} would share another process namespace` : undefined),
  ipc: (v) =>
    /^(host|container:|service:)/.test(String(v))
      ? `ipc ${String(v)} would share another IPC namespace`
      : undefined,
  uts: (v) => (v === "host" ? "uts host would share the host's hostname namespace" : undefined),
  userns_mode: (v) => (v === "host" ? "userns_mode host turns off user namespace remapping" : undefined),
  cgroup: (v) => (v === "host" ? "cgroup host would share the host's cgroup namespace" : undefined),
  cgroup_parent: () => "a custom cgroup parent would escape the limits AIMS sets",
  devices: () => "host devices are never passed into a service",
  device_cgroup_rules: () => "device rules would open host devices to the service",
  sysctls: () => "kernel parameters (sysctls) are not set per service",
  volumes_from: () => "volumes_from mounts another container's volumes; name the volumes instead",
  extends: () => "extends reads another file on the server; inline the settings",
  runtime: () => "a custom container runtime is not supported",
  oom_kill_disable: (v) =>
    v ? "turning the OOM killer off lets a service starve the host of memory" : undefined,
  gpus: () => "GPUs are not passed into imported services",
};

/** Keys AIMS replaces with its own behaviour: accepted, and reported as changed. */
export const REPLACED: Record<string, string> = {
  container_name: "container names are AIMS's own (one per instance, service and replica)",
  networks: "every service joins its instance's own network, where it answers to its service name",
  extra_hosts: "extra host entries are not added; services reach each other by service name",
  hostname: "the container's hostname is AIMS's; other services reach it by its service name",
  domainname: "the container's domain name is AIMS's",
  dns: "services use the engine's DNS on the instance network",
  dns_search: "services use the engine's DNS on the instance network",
  dns_opt: "services use the engine's DNS on the instance network",
  init: "AIMS always runs an init process (tini) as PID 1",
  logging: "AIMS keeps each service's logs (json-file, rotated at 10 MB × 3)",
  restart:
    "AIMS's reconciler restarts a service that exits, with backoff (the engine's own restart policy stays off)",
  pull_policy: "AIMS pulls an image when it is not on the host",
  scale: "taken as the number of replicas",
};

/** Keys that have no effect in AIMS: accepted and listed as ignored. */
export const IGNORED: Record<string, string> = {
  tty: "no terminal is attached",
  stdin_open: "no input is attached",
  platform: "the host's platform is used",
  profiles: "every service of the file is imported",
  mem_reservation: "only limits are set",
  memswap_limit: "AIMS allows no swap beyond the memory limit",
  shm_size: "the engine's default /dev/shm size is used",
  ulimits: "the engine's default ulimits are used",
  read_only: "not supported yet: the container's filesystem stays writable",
  group_add: "supplementary groups are not added",
  oom_score_adj: "the engine's default is used",
  cpu_shares: "only a CPU limit is set (cpus)",
  cpuset: "services are not pinned to CPUs",
  mac_address: "addresses are the engine's",
  tmpfs: "tmpfs mounts are not supported; the path stays in the container's own filesystem",
  annotations: "not used",
  attach: "not used",
  develop: "compose watch is a development tool",
  configs: "configs are not supported: put the values in environment variables",
  secrets:
    "compose secrets are files on the server: use environment variables named *_PASSWORD, *_SECRET, *_TOKEN or *_KEY, which AIMS generates or takes at deploy",
  links: "services reach each other by service name",
  external_links: "services reach only their own instance's services",
  label_file: "not read: labels come from `labels`",
  post_start: "lifecycle hooks are not run",
  pre_stop: "lifecycle hooks are not run",
};

/** Every service key with its translator in translateService.ts, for the unknown-key check. */
export const HANDLED = new Set([
  "image",
  "command",
  "entrypoint",
  "environment",
  "env_file",
  "ports",
  "expose",
  "volumes",
  "depends_on",
  "healthcheck",
  "deploy",
  "mem_limit",
  "cpus",
  "pids_limit",
  "user",
  "working_dir",
  "stop_signal",
  "stop_grace_period",
  "labels",
  "cap_add",
  "cap_drop",
  "security_opt",
]);
