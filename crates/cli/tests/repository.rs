//! The repository's documents agree with the code (issue 15): ARCHITECTURE.md's table of which
//! crate may depend on which, against `cargo metadata`; docs/sync-api.md's error codes and
//! statuses against the OpenAPI document, the protocol's codes and the receiver's source; and
//! its `sync enrol` command line against the real `banthuek sync enrol --help`. (What the
//! receiver answers on the wire is schemathesis's job: crates/central/tests/conformance.rs.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("reading {relative}: {e}"))
}

/// The text between the first backquote pair after `from` in `s`.
fn backquoted(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some(&s[start..start + len])
}

/// ARCHITECTURE.md's crate table: package → (may depend on, may depend on in its tests only).
fn architecture_table() -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let text = read("ARCHITECTURE.md");
    let mut rows = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `crates/x` (`banthuek-x`, …) | owns | may depend on |
        if cells.len() != 5 || !cells[1].starts_with('`') {
            continue;
        }
        let Some(open) = cells[1].find('(') else {
            continue; // ui/: not a cargo package
        };
        let package = backquoted(&cells[1][open..]).expect("package name in backquotes");
        rows.push((package.to_owned(), cells[3].to_owned()));
    }
    assert!(rows.len() > 10, "the crate table was not found");
    let libraries: BTreeSet<String> = rows
        .iter()
        .map(|(p, _)| p.clone())
        .filter(|p| p != "banthuek-cli" && p != "banthuek-app")
        .collect();
    let names = |list: &str| -> BTreeSet<String> {
        // "core, extract (lexicons), speech": parentheses explain, they do not name crates.
        let mut plain = String::new();
        let mut depth = 0;
        for c in list.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        plain
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("banthuek-{s}"))
            .collect()
    };
    rows.into_iter()
        .map(|(package, rule)| {
            let allowed = if rule == "nothing of ours" {
                (BTreeSet::new(), BTreeSet::new())
            } else if let Some(rest) = rule.strip_prefix("every library crate") {
                let except = rest.trim().strip_prefix("except").map(names);
                let all = libraries
                    .iter()
                    .filter(|l| **l != package && !except.as_ref().is_some_and(|e| e.contains(*l)))
                    .cloned()
                    .collect();
                (all, BTreeSet::new())
            } else {
                // "core, document, sync (protocol types); store only in its tests"
                let mut parts = rule.split(';');
                let normal = names(parts.next().unwrap_or(""));
                let mut tests_only = BTreeSet::new();
                for part in parts {
                    let part = part.trim();
                    let crates = part
                        .strip_suffix("only in its tests")
                        .unwrap_or_else(|| panic!("{package}: cannot read '{part}'"));
                    tests_only.extend(names(crates));
                }
                (normal, tests_only)
            };
            (package, allowed)
        })
        .collect()
}

fn cargo_metadata() -> serde_json::Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata is JSON")
}

#[test]
fn architecture_md_names_every_crate_and_what_it_may_depend_on() {
    let table = architecture_table();
    let metadata = cargo_metadata();
    let packages = metadata["packages"].as_array().expect("packages");
    let ours: BTreeSet<String> = packages
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(
        ours,
        table.keys().cloned().collect::<BTreeSet<_>>(),
        "ARCHITECTURE.md's crate table and the workspace differ"
    );
    let mut wrong = Vec::new();
    let mut external: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in packages {
        let name = p["name"].as_str().expect("name");
        let (normal, tests_only) = &table[name];
        for d in p["dependencies"].as_array().expect("dependencies") {
            let dep = d["name"].as_str().expect("dependency name");
            if !ours.contains(dep) {
                external
                    .entry(dep.to_owned())
                    .or_default()
                    .insert(name.to_owned());
                continue;
            }
            let dev = d["kind"].as_str() == Some("dev");
            // A crate's tests may enable its own test-support feature.
            if dev && dep == name {
                continue;
            }
            if !(normal.contains(dep) || dev && tests_only.contains(dep)) {
                wrong.push(format!(
                    "{name} → {dep}{}",
                    if dev { " (tests)" } else { "" }
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies ARCHITECTURE.md does not allow: {wrong:?}"
    );
    // "whisper-rs appears only in speech; SQLCipher only in store (and the receiver's own
    // database)."
    let only = |dep: &str, allowed: &[&str]| {
        let users = external.get(dep).cloned().unwrap_or_default();
        assert!(
            !users.is_empty() && users.iter().all(|u| allowed.contains(&u.as_str())),
            "{dep} is used by {users:?}; ARCHITECTURE.md allows only {allowed:?}"
        );
    };
    only("whisper-rs", &["banthuek-speech"]);
    only("rusqlite", &["banthuek-store", "banthuek-central"]);
}

/// Test fixtures stay out of what ships: a crate's `test-support` feature (the raw store
/// connection, the tone WAV) is enabled only by dev-dependencies and never by default, so
/// `cargo build --release -p banthuek-cli` compiles none of it.
#[test]
fn test_support_features_are_enabled_only_by_tests() {
    let metadata = cargo_metadata();
    let packages = metadata["packages"].as_array().expect("packages");
    let mut with_feature = Vec::new();
    let mut wrong = Vec::new();
    for p in packages {
        let name = p["name"].as_str().expect("name");
        let features = &p["features"];
        if features.get("test-support").is_some() {
            with_feature.push(name.to_owned());
        }
        let default = features["default"].as_array().cloned().unwrap_or_default();
        if default.iter().any(|f| f.as_str() == Some("test-support")) {
            wrong.push(format!("{name}: test-support is a default feature"));
        }
        for d in p["dependencies"].as_array().expect("dependencies") {
            let enables = d["features"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f.as_str() == Some("test-support")));
            if enables && d["kind"].as_str() != Some("dev") {
                wrong.push(format!(
                    "{name} → {} enables test-support outside its tests",
                    d["name"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    assert!(
        with_feature.contains(&"banthuek-store".to_owned()),
        "the store's test-support feature is gone: {with_feature:?}"
    );
    assert!(wrong.is_empty(), "{wrong:?}");
}

/// docs/sync-api.md's "Error codes": code → statuses.
fn documented_codes(doc: &str) -> BTreeMap<String, BTreeSet<u16>> {
    let start = doc.find("## Error codes").expect("an Error codes section");
    let section = &doc[start + 3..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut codes = BTreeMap::new();
    let mut rest = section;
    while let Some(code) = backquoted(rest) {
        let after = &rest[rest.find(code).expect("found") + code.len() + 1..];
        rest = after;
        let Some(paren) = after.strip_prefix(" (") else {
            continue; // `Allow`
        };
        let inside = &paren[..paren.find(')').expect("closing parenthesis")];
        let statuses: BTreeSet<u16> = inside
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| s.len() == 3)
            .map(|s| s.parse().expect("status"))
            .collect();
        assert!(!statuses.is_empty(), "{code}: no status in '({inside})'");
        codes.insert(code.to_owned(), statuses);
    }
    codes
}

#[test]
fn sync_api_md_the_openapi_document_and_the_receiver_agree_on_error_codes() {
    let doc = read("docs/sync-api.md");
    let spec = read("docs/sync-openapi.yaml");
    let codes = documented_codes(&doc);
    assert!(codes.len() > 10, "{codes:?}");

    // The OpenAPI ErrorBody's code enum is exactly the documented list.
    let body = &spec[spec.find("ErrorBody:").expect("ErrorBody")..];
    let list = &body[body.find("enum: [").expect("code enum") + 7..];
    let list = &list[..list.find(']').expect("end of enum")];
    let enumerated: BTreeSet<String> = list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        enumerated,
        codes.keys().cloned().collect::<BTreeSet<_>>(),
        "docs/sync-api.md's codes and the OpenAPI document's differ"
    );

    // Every status the spec gives a documented code is a status the docs give it.
    let mut status = None;
    for line in spec.lines() {
        let t = line.trim();
        if let Some(s) = t.strip_prefix('"').and_then(|s| s.get(..3)) {
            if t.get(4..6) == Some("\":") {
                status = s.parse::<u16>().ok();
                continue;
            }
        }
        if t.ends_with(':') && !t.starts_with("description") && !line.starts_with("          ") {
            status = None; // the next operation or section
        }
        let Some(status) = status else { continue };
        for word in t.split(|c: char| !(c.is_ascii_lowercase() || c == '_')) {
            if let Some(documented) = codes.get(word) {
                assert!(
                    documented.contains(&status),
                    "the spec gives {word} status {status}; docs/sync-api.md says {documented:?}"
                );
            }
        }
    }

    // Every status-and-code pair in the prose ("401 `session_invalid`") is in the list.
    for (i, _) in doc.match_indices(" `") {
        let before = &doc[..i];
        let Some(status) = before.get(before.len().saturating_sub(3)..) else {
            continue;
        };
        let Ok(status) = status.parse::<u16>() else {
            continue;
        };
        let code = backquoted(&doc[i..]).expect("closing backquote");
        let documented = codes
            .get(code)
            .unwrap_or_else(|| panic!("{status} `{code}` is not in the list of error codes"));
        assert!(
            documented.contains(&status),
            "{status} `{code}`: the list says {documented:?}"
        );
    }

    // The protocol's codes (crates/sync) are the documented ones, and the receiver answers
    // with each of them.
    let protocol = read("crates/sync/src/protocol.rs");
    let module = &protocol[protocol.find("pub mod codes {").expect("codes module")..];
    let module = &module[..module.find("\n}").expect("end of the codes module")];
    let mut constants = BTreeMap::new();
    for line in module.lines() {
        let Some(rest) = line.trim().strip_prefix("pub const ") else {
            continue;
        };
        let name = &rest[..rest.find(':').expect("a typed constant")];
        let value = rest.split('"').nth(1).expect("a string constant");
        constants.insert(value.to_owned(), name.to_owned());
    }
    assert_eq!(
        constants.keys().cloned().collect::<BTreeSet<_>>(),
        codes.keys().cloned().collect::<BTreeSet<_>>(),
        "crates/sync's protocol codes and docs/sync-api.md's differ"
    );
    let mut source = String::new();
    let mut dirs = vec![root().join("crates/central/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("central source") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                source.push_str(&std::fs::read_to_string(&path).expect("source"));
            }
        }
    }
    for (code, constant) in &constants {
        assert!(
            source.contains(&format!("codes::{constant}")),
            "the receiver never answers `{code}` (codes::{constant})"
        );
    }
}

#[test]
fn sync_api_md_gives_the_enrol_command_line_the_binary_takes() {
    let doc = read("docs/sync-api.md");
    // The documented command, with its continuation line.
    let start = doc.find("sync enrol ").expect("the enrol command");
    let end = doc[start..]
        .find("\n   ```")
        .expect("end of the code block")
        + start;
    let documented: BTreeSet<&str> = doc[start..end]
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .collect();
    let help = Command::new(env!("CARGO_BIN_EXE_banthuek"))
        .args(["sync", "enrol", "--help"])
        .output()
        .expect("banthuek runs");
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let usage = help
        .lines()
        .find(|l| l.starts_with("Usage:"))
        .expect("usage line");
    let required: BTreeSet<&str> = usage
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .collect();
    assert!(required.contains("--station-ca"), "{usage}");
    for flag in &required {
        assert!(
            documented.contains(flag),
            "docs/sync-api.md's enrol command lacks the required {flag}"
        );
    }
    for flag in &documented {
        assert!(
            help.contains(&format!("{flag} ")),
            "docs/sync-api.md gives {flag}, which `sync enrol` does not take"
        );
    }
}

/// Cargo.toml's dev profile optimises dependencies and names the workspace's own crates one by
/// one (unoptimised, or optimised for a reason): a crate missing there would silently compile
/// as a dependency, without line tables.
#[test]
fn every_crate_has_its_own_dev_profile() {
    let manifest = read("Cargo.toml");
    let metadata = cargo_metadata();
    let missing: Vec<&str> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .filter(|name| !manifest.contains(&format!("[profile.dev.package.{name}]")))
        .collect();
    assert!(
        missing.is_empty(),
        "Cargo.toml has no [profile.dev.package.…] for {missing:?}"
    );
}
