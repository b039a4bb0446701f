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

/// The first backquoted word of `s`.
fn backquoted(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some(&s[start..start + len])
}

/// COMMANDS.md documents the contract the page is generated against: every registered command
/// has its row, every event its description, and nothing else is named as one.
#[test]
fn commands_md_names_every_command_and_event_and_no_other() {
    use std::collections::BTreeSet;
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("COMMANDS.md"))
        .expect("COMMANDS.md");
    let mut documented = BTreeSet::new();
    let mut events = BTreeSet::new();
    let mut in_table = false;
    for line in doc.lines() {
        if line.starts_with("| command |") {
            in_table = true;
            continue;
        }
        if !line.starts_with('|') {
            in_table = false;
        }
        if in_table && !line.starts_with("|---") {
            let first = line.split('|').nth(1).unwrap_or("");
            documented.insert(
                backquoted(first)
                    .expect("a command in backquotes")
                    .to_owned(),
            );
        }
        if let Some(item) = line.strip_prefix("- `") {
            events.insert(item.split('`').next().unwrap_or("").to_owned());
        }
    }
    let registered: BTreeSet<String> = banthuek_app::COMMANDS
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    assert_eq!(
        documented, registered,
        "COMMANDS.md's tables and the registered commands"
    );
    let sent: BTreeSet<String> = banthuek_app::contract::events()
        .into_iter()
        .map(|(name, _)| name.to_owned())
        .collect();
    for e in &sent {
        assert!(
            doc.contains(&format!("`{e}`")),
            "COMMANDS.md does not describe {e}"
        );
    }
    assert!(
        events.is_subset(&sent),
        "COMMANDS.md describes events the app does not send: {:?}",
        events.difference(&sent).collect::<Vec<_>>()
    );
}
