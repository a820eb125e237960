// Sizes as a browser downloads them: raw, gzip -9 and brotli at maximum quality, measured with node:zlib.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The files of the browser package a page loads: the wasm, and the JS that loads it. */
function browserPackageFiles(packageDir) {
  const index = readFileSync(join(packageDir, "index.js"), "utf8");
  const errorModule = index.match(/from "\.\/(snippets\/[^"]+\/error\.js)"/)?.[1];
  if (!errorModule) throw new Error(`${packageDir}/index.js imports no snippets/.../error.js: is the package built?`);
  return { wasm: "verify_edge_bg.wasm", glue: ["verify_edge.js", "index.js", errorModule] };
}

/** Raw, gzip -9 and brotli (quality 11, largest window) sizes of one file's bytes, in bytes. */
export function compressedSizes(bytes, { text }) {
  const brotli = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_MODE]: text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotli.length };
}

/** The sum of several files' sizes: each file is fetched, and compressed, on its own. */
function sumSizes(sizes) {
  return sizes.reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }));
}

/** The verify-edge browser package as shipped in `packageDir`: its wasm, its JS glue, and both together. */
export function packageSizes(packageDir) {
  const files = browserPackageFiles(packageDir);
  const sizeOf = (file, text) => compressedSizes(readFileSync(join(packageDir, file)), { text });
  const wasm = sizeOf(files.wasm, false);
  const glue = sumSizes(files.glue.map((file) => sizeOf(file, true)));
  return { wasm, glue, total: sumSizes([wasm, glue]), glueFiles: files.glue };
}

/** Bundles one adapter with esbuild as a browser app would (minified ESM) into `outfile`; returns its sizes. */
export async function bundleSizes(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    logLevel: "error",
  });
  return compressedSizes(readFileSync(outfile), { text: true });
}
