//! The generated phone tables (`src/phone/tables.rs`) are what the generator makes of their source, libphonenumber's
//! `PhoneNumberMetadata.xml` as the `phonenumber` crate ships it.
//!
//! With `PHONE_TABLES_WRITE=1` this test writes the tables instead of checking them (`scripts/phone-tables.sh` runs
//! it so); `PHONE_METADATA_XML=path` reads another (newer) metadata file.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../scripts/phone-tables/generate.rs"]
mod generate;

/// The metadata file and how the generated file names it (no machine-specific path).
fn source() -> (PathBuf, String) {
    if let Some(path) = std::env::var_os("PHONE_METADATA_XML") {
        let path = PathBuf::from(path);
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        return (path, name);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let package = meta["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "phonenumber"))
        .expect("the phonenumber crate is a dependency");
    let manifest = Path::new(package["manifest_path"].as_str().expect("a manifest path"));
    let version = package["version"].as_str().expect("a version");
    let path = manifest
        .with_file_name("assets")
        .join("PhoneNumberMetadata.xml");
    (
        path,
        format!("phonenumber-{version}/assets/PhoneNumberMetadata.xml"),
    )
}

#[test]
fn the_tables_are_generated_from_the_metadata() {
    let (path, label) = source();
    let xml = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let expected = generate::generate(&xml, &label);
    let tables = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/phone/tables.rs");
    if std::env::var_os("PHONE_TABLES_WRITE").is_some() {
        std::fs::write(&tables, &expected).expect("writing src/phone/tables.rs");
        eprintln!("wrote {} from {label}", tables.display());
        return;
    }
    let actual = std::fs::read_to_string(&tables).unwrap_or_default();
    assert!(
        actual == expected,
        "src/phone/tables.rs is not what the generator makes of {label}: run `bash scripts/phone-tables.sh` \
         (or set PHONE_METADATA_XML to the file the tables came from)"
    );
}
