//! The phone engine's tests, natively, in one test binary (`cargo test --test phone`).

/// Generated inputs give the answers of the engine the tables replaced (`differential/legacy.rs`).
mod differential;
/// `src/phone/tables.rs` is what the generator makes of the metadata (`PHONE_TABLES_WRITE=1` rewrites it).
mod generated_tables_are_fresh;
/// Generated hostile strings never panic and always answer well-formed.
mod hostile;
/// `src/browser/phone.js`'s lists of number types and error codes follow the Rust enums.
mod js_unpacker_lists;
/// `tests/data/phone-oracle.json`: every case agrees with Google's libphonenumber, parsed, formatted and typed.
mod oracle;
/// `tests/data/phone_table_cases.rs`: the inputs people type, each given Google's exact answer.
mod typed_inputs;

/// The seeded random numbers of the generated-input tests (shared with `src/phone`'s unit tests).
#[path = "../support/rng.rs"]
mod rng;
