// The libraries the benchmark compares, and where each one's adapter lives for Node, esbuild and the browser.

/**
 * @typedef {object} Library
 * @property {string} id          short name, used in file names and URLs
 * @property {string} name        what the tables call it
 * @property {string} adapter     the adapter module (bench/adapters/), imported by Node
 * @property {string} [browserAdapter] the adapter esbuild bundles for the browser, when it is not `adapter`
 * @property {string[]} [assets] files (from the repository root) the bundle fetches beside itself: a wasm
 */

/** The library every other one must agree with. */
export const REFERENCE_ID = "google-libphonenumber";

/** The library this project ships. */
export const SUBJECT_ID = "verify-edge";

/** @type {Library[]} */
export const LIBRARIES = [
  {
    id: "verify-edge",
    name: "verify-edge",
    adapter: "verify-edge.node.mjs",
    browserAdapter: "verify-edge.browser.mjs",
    assets: ["dist/npm/phone/verify_edge_phone_bg.wasm"],
  },
  { id: "libphonenumber-js-min", name: "libphonenumber-js (min)", adapter: "libphonenumber-js-min.mjs" },
  { id: "libphonenumber-js-max", name: "libphonenumber-js (max)", adapter: "libphonenumber-js-max.mjs" },
  { id: "google-libphonenumber", name: "google-libphonenumber", adapter: "google-libphonenumber.mjs" },
];

/**
 * Bundles measured for size only: libphonenumber-js doing all that verify-edge's phone entry does (its wasm holds
 * every phone function, called or not), where `LIBRARIES`' adapters bundle only what one answer needs.
 * @type {Library[]}
 */
export const SIZE_ONLY = [
  {
    id: "libphonenumber-js-max-full",
    name: "libphonenumber-js (max) with formatting and AsYouType",
    adapter: "libphonenumber-js-max-full.mjs",
  },
];

/** The adapter's file URL, for Node's `import()`. */
export function adapterUrl(library) {
  return new URL(`./adapters/${library.adapter}`, import.meta.url).href;
}

/** The adapter esbuild bundles for the browser. */
export function browserAdapterPath(library) {
  return new URL(`./adapters/${library.browserAdapter ?? library.adapter}`, import.meta.url).pathname;
}

/** The path the benchmark's HTTP server serves this library's browser bundle at (its assets sit beside it). */
export function browserModulePath(library) {
  return `/bundles/${library.id}.js`;
}
