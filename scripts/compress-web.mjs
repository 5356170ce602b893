// After `vite build`: writes a .gz and a .br beside each built file of the dashboard (dist/web), which
// `aims serve` sends to browsers that accept them (@fastify/static's preCompressed), and prints the size of the
// first page: index.html and every asset it loads, gzipped. The goal is under 300 kB (docs/dashboard.md).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "../dist/web");
const COMPRESSIBLE = /\.(html|js|css|svg|json|txt)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.test(name)) yield path;
  }
}

const gzipped = new Map();
for (const path of files(root)) {
  const body = readFileSync(path);
  const gz = gzipSync(body, { level: 9 });
  writeFileSync(`${path}.gz`, gz);
  writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  gzipped.set(`/${relative(root, path)}`, { raw: body.length, gz: gz.length });
}

const html = readFileSync(join(root, "index.html"), "utf8");
const loaded = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
const first = ["/index.html", ...loaded].map((path) => ({ path, ...gzipped.get(path) }));
const total = first.reduce((sum, f) => sum + (f.gz ?? 0), 0);
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
process.stdout.write(
  `dashboard: first page ${kB(total)} gzipped (goal < 300 kB): ${first.map((f) => `${f.path} ${kB(f.gz ?? 0)}`).join(", ")}\n`,
);
// For the bench (bench/dashboard.bench.ts) and anyone who wants the figure without parsing the line above.
writeFileSync(
  join(root, "..", "web-size.json"),
  `${JSON.stringify({ firstPageGzipBytes: total, files: first }, null, 2)}\n`,
);
