//! The TypeScript bindings in ui/src/bindings/ are exactly what the Rust types generate.
//! `BANTHUEK_WRITE_BINDINGS=1 cargo test -p banthuek-app --test bindings` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "ts") {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn bindings_are_current() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
    if std::env::var_os("BANTHUEK_WRITE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        banthuek_app::bindings::export_all(&committed).expect("bindings written");
    }
    let fresh = tempfile::tempdir().expect("temp dir");
    banthuek_app::bindings::export_all(fresh.path()).expect("bindings generated");
    let want = files(fresh.path());
    let have = files(&committed);
    assert!(want.contains_key(Path::new("RecordView.ts")));
    assert_eq!(
        have.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "ui/src/bindings differs from the Rust types; regenerate with BANTHUEK_WRITE_BINDINGS=1 cargo test -p banthuek-app --test bindings"
    );
    for (path, text) in &want {
        assert_eq!(
            have.get(path),
            Some(text),
            "{} is stale; regenerate with BANTHUEK_WRITE_BINDINGS=1 cargo test -p banthuek-app --test bindings",
            path.display()
        );
    }
}
