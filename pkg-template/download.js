// The main entry's wasm, requested as soon as the entry is imported: index.js imports this module before the phone
// entry, whose top-level await would otherwise hold the request back until the phone engine is instantiated.
export const wasm = fetch(new URL("./verify_edge_bg.wasm", import.meta.url));
// index.js awaits it (and fails to import if it failed); until then, a failure is not an unhandled rejection.
wasm.catch(() => {});
