//! The app's modules depend on each other in one direction only: each layer below may use
//! only the layers before it (the order `lib.rs` and ARCHITECTURE.md write down). A module that
//! reached up — the old `App` imported `dictation` and `sync`, which imported it — fails here.

use std::path::Path;

/// Lowest first; modules in one layer do not use each other.
const LAYERS: &[&[&str]] = &[
    &["error"],
    &["views"],
    &["contract", "prefs", "records"],
    &["models", "session"],
    &["dictation", "sync", "idcard"],
    &["bindings", "lifecycle"],
    &["commands"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The modules of this crate that `source` refers to as `crate::<module>` outside comments.
fn uses(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && !found.contains(&name) {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn modules_depend_on_lower_layers_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src/") {
        let path = entry.expect("entry").path();
        let module = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("file name")
            .to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let layer = layer_of(&module).unwrap_or_else(|| {
            panic!("src/{module}.rs is in no layer of tests/modules.rs; add it where it belongs")
        });
        let source = std::fs::read_to_string(&path).expect("source");
        for used in uses(&source) {
            let below = layer_of(&used)
                .unwrap_or_else(|| panic!("src/{module}.rs uses crate::{used}, in no layer"));
            assert!(
                below < layer,
                "src/{module}.rs (layer {layer}) uses crate::{used} (layer {below}): modules may \
                 use only the layers below them"
            );
        }
        checked.push(module);
    }
    for module in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(
            checked.iter().any(|c| c == module),
            "tests/modules.rs lists {module}, which src/ does not have"
        );
    }
}
