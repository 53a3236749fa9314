//! Every file of the black-box suite (`tests/it/*.rs`) is one of its modules: the list is
//! made here from the folder, so that a test file can never be left out of the suite by a
//! forgotten `mod` line (a test that never runs cannot fail).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read when the script runs, not baked in when it was compiled: a target folder copied
    // from another checkout keeps the compiled script, which must still list this one.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("tests/it");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter_map(|n| n.strip_suffix(".rs").map(str::to_string))
                .filter(|n| n != "main" && n != "support")
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::new();
    for name in names {
        let path = dir.join(format!("{name}.rs"));
        let _ = writeln!(
            out,
            "#[path = {:?}]\nmod {name};",
            path.display().to_string()
        );
    }
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("it_modules.rs");
    if let Err(e) = std::fs::write(&target, out) {
        panic!("cannot write {}: {e}", target.display());
    }
}
