// Every export, with types generated from the Rust source by wasm-bindgen and tsify.
export * from "./__MODULE__.js";
