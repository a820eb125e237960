//! The generated phone tables (`src/phone/tables.rs`) are what the generator makes of their source, libphonenumber's
//! `PhoneNumberMetadata.xml` as the `phonenumber` crate ships it.
//!
//! With `PHONE_TABLES_WRITE=1` this test writes the tables instead of checking them (`scripts/phone-tables.sh` runs
//! it so); `PHONE_METADATA_XML=path` reads another (newer) metadata file. Without it, the file is the one in the
//! `phonenumber` crate's source that cargo unpacked to build this test (`$CARGO_HOME/registry/src/*/phonenumber-*`,
//! the version Cargo.lock pins).

use std::path::{Path, PathBuf};

#[path = "../../scripts/phone-tables/generate.rs"]
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
    let version = locked_version("phonenumber");
    let crate_dir = format!("phonenumber-{version}");
    let relative = Path::new(&crate_dir).join("assets/PhoneNumberMetadata.xml");
    // This test binary depends on the crate, so cargo has unpacked its source into the registry's source cache,
    // under one folder per registry index. Cargo.lock alone says which version; no other package of the lock
    // needs to be downloaded (as `cargo metadata` would need).
    let sources = cargo_home().join("registry").join("src");
    let mut indexes: Vec<PathBuf> = std::fs::read_dir(&sources)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    indexes.sort();
    let Some(path) = indexes
        .iter()
        .map(|index| index.join(&relative))
        .find(|path| path.is_file())
    else {
        let tried: Vec<String> = indexes
            .iter()
            .map(|index| index.join(&relative).display().to_string())
            .collect();
        panic!(
            "the phonenumber crate's metadata file is not in cargo's registry sources under {}: \
             looked for {} (tried: [{}]). Run this test with the CARGO_HOME that built it, \
             or set PHONE_METADATA_XML to the file",
            sources.display(),
            relative.display(),
            tried.join(", ")
        );
    };
    (
        path,
        format!("phonenumber-{version}/assets/PhoneNumberMetadata.xml"),
    )
}

/// The version Cargo.lock (beside Cargo.toml) pins for the package `name`, build metadata included
/// (`0.3.10+9.0.33`, as the registry's folder is named).
fn locked_version(name: &str) -> String {
    let lock_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", lock_path.display()));
    let name_line = format!("name = \"{name}\"");
    let mut lines = lock.lines().map(str::trim);
    let mut versions = Vec::new();
    while let Some(line) = lines.next() {
        if line == name_line {
            // Cargo writes `version` on the line after `name` in every [[package]].
            if let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
            {
                versions.push(version.to_owned());
            }
        }
    }
    match versions.as_slice() {
        [version] => version.clone(),
        [] => panic!("{} has no package {name}", lock_path.display()),
        _ => panic!(
            "{} has several versions of {name} ({}); set PHONE_METADATA_XML to the metadata file",
            lock_path.display(),
            versions.join(", ")
        ),
    }
}

/// Cargo's home: `CARGO_HOME`, else `$HOME/.cargo` (as cargo itself decides).
fn cargo_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(home);
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .expect("CARGO_HOME or HOME is set");
    PathBuf::from(home).join(".cargo")
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
