// Sizes as a browser downloads them: raw, gzip -9 and brotli at maximum quality, measured with node:zlib.
import { copyFileSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

/**
 * The files of the package's main entry a page loads unbundled: the wasm, and the JS that loads it; since the main
 * entry borrows the phone entry's engine (a94f1af), the phone entry's too. Before, the engine was in the main wasm.
 */
function mainEntryFiles(packageDir) {
  const index = readFileSync(join(packageDir, "index.js"), "utf8");
  const errorModule = index.match(/from "\.\/(snippets\/[^"]+\/error\.js)"/)?.[1];
  if (!errorModule) throw new Error(`${packageDir}/index.js imports no snippets/.../error.js: is the package built?`);
  const snippets = errorModule.replace(/error\.js$/, "");
  const files = ["verify_edge_bg.wasm", "verify_edge.js", "index.js", errorModule, `${snippets}phone.js`];
  if (index.includes("./phone/index.js")) {
    files.push("download.js", `${snippets}phone-link.js`, "phone/index.js", "phone/verify_edge_phone.js",
      "phone/verify_edge_phone_bg.wasm");
  }
  return files;
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

/** The package's main entry (VerifyClient and all) as shipped in `packageDir`, its files fetched one by one. */
export function mainEntrySizes(packageDir) {
  return sumSizes(mainEntryFiles(packageDir).map((file) =>
    compressedSizes(readFileSync(join(packageDir, file)), { text: !file.endsWith(".wasm") })));
}

/**
 * Bundles one adapter with esbuild as a browser app would (minified ESM) into `outfile` and copies its `assets`
 * beside it; returns the sizes of the bundle, of the assets, and of both (each file compressed on its own).
 */
export async function bundleSizes(entry, outfile, assets = []) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    logLevel: "error",
  });
  const bundle = compressedSizes(readFileSync(outfile), { text: true });
  const assetSizes = assets.map((file) => {
    copyFileSync(file, join(dirname(outfile), basename(file)));
    return compressedSizes(readFileSync(file), { text: false });
  });
  return { bundle, assets: assetSizes.length ? sumSizes(assetSizes) : null, total: sumSizes([bundle, ...assetSizes]) };
}
