// The libraries the benchmark compares, and where each one's adapter lives for Node, esbuild and the browser.

/**
 * @typedef {object} Library
 * @property {string} id          short name, used in file names and URLs
 * @property {string} name        what the tables call it
 * @property {string} adapter     the adapter module (bench/adapters/), imported by Node
 * @property {boolean} bundled    whether the browser gets an esbuild bundle of the adapter (else `browserAdapter`)
 * @property {string} [browserAdapter] the adapter module the browser imports as it is, for a package shipped unbundled
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
    bundled: false,
    browserAdapter: "verify-edge.browser.mjs",
  },
  { id: "libphonenumber-js-min", name: "libphonenumber-js (min)", adapter: "libphonenumber-js-min.mjs", bundled: true },
  { id: "libphonenumber-js-max", name: "libphonenumber-js (max)", adapter: "libphonenumber-js-max.mjs", bundled: true },
  { id: "google-libphonenumber", name: "google-libphonenumber", adapter: "google-libphonenumber.mjs", bundled: true },
];

/** The adapter's file URL, for Node's `import()`. */
export function adapterUrl(library) {
  return new URL(`./adapters/${library.adapter}`, import.meta.url).href;
}

/** The path the benchmark's HTTP server serves this library's browser module at. */
export function browserModulePath(library) {
  return library.bundled ? `/bundles/${library.id}.js` : `/bench/adapters/${library.browserAdapter}`;
}
