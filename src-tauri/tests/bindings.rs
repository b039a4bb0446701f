//! The TypeScript bindings in ui/src/bindings/ are exactly what the Rust types and the Tauri
//! command signatures generate. `BANTHUEK_WRITE_BINDINGS=1 cargo test -p banthuek-app --test
//! bindings` rewrites them.

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
        std::fs::write(committed.join("commands.ts"), commands_ts()).expect("commands.ts written");
    }
    let fresh = tempfile::tempdir().expect("temp dir");
    banthuek_app::bindings::export_all(fresh.path()).expect("bindings generated");
    std::fs::write(fresh.path().join("commands.ts"), commands_ts()).expect("commands.ts");
    let want = files(fresh.path());
    for t in imported_types(&want[Path::new("commands.ts")]) {
        assert!(
            want.contains_key(&PathBuf::from(format!("{t}.ts"))),
            "commands.ts refers to {t}, which has no binding: export it in bindings::export_all"
        );
    }
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

/// One `#[tauri::command]` as its Rust signature declares it.
struct Signature {
    name: String,
    /// (Rust name, Rust type) of each argument the page passes (not the managed state).
    args: Vec<(String, String)>,
    /// The Rust return type; `()` when none.
    returns: String,
}

/// Every `#[tauri::command]` function in src-tauri/src, read from its source.
fn signatures() -> Vec<Signature> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src/") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("source");
        let mut rest = text.as_str();
        // The attribute at the start of a line (not in a comment that names it).
        while let Some(at) = rest.find("\n#[tauri::command") {
            rest = &rest[at + 1..];
            assert!(
                rest.starts_with("#[tauri::command]"),
                "{}: only plain #[tauri::command] is understood (arguments are camelCased)",
                path.display()
            );
            let fn_at = rest.find("fn ").expect("fn after #[tauri::command]") + 3;
            rest = &rest[fn_at..];
            let open = rest.find('(').expect("(");
            let name = rest[..open].trim().to_owned();
            let mut depth = 0;
            let mut close = 0;
            for (i, c) in rest.char_indices().skip(open) {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            close = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let params = &rest[open + 1..close];
            let body = rest[close + 1..].find('{').expect("body") + close + 1;
            let returns = rest[close + 1..body]
                .trim()
                .strip_prefix("->")
                .map(|r| r.trim().to_owned())
                .unwrap_or_else(|| "()".to_owned());
            let args = split_top_level(params)
                .into_iter()
                .filter_map(|p| {
                    let (n, t) = p.split_once(':')?;
                    let t = t.trim();
                    // Managed state (`State<'_, …>` and its aliases) and the app handle are
                    // Tauri's, not the page's.
                    (!t.contains("'_") && !t.ends_with("AppHandle"))
                        .then(|| (n.trim().to_owned(), t.to_owned()))
                })
                .collect();
            found.push(Signature {
                name,
                args,
                returns,
            });
            rest = &rest[body..];
        }
    }
    found
}

/// `s` split at the commas outside any `<…>` or `(…)`, blanks dropped.
fn split_top_level(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    for c in s.chars() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The TypeScript of a Rust argument or result type, as serde sends it and ts-rs names it.
fn ts_type(rust: &str) -> String {
    let t = rust.trim();
    let inner = |prefix: &str| {
        t.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix('>'))
            .map(str::to_owned)
    };
    if let Some(x) = inner("AppResult<") {
        return ts_type(&x);
    }
    if let Some(x) = inner("Option<") {
        return format!("{} | null", ts_type(&x));
    }
    if let Some(x) = inner("Vec<") {
        return format!("Array<{}>", ts_type(&x));
    }
    match t {
        "()" => "void".into(),
        "String" | "&str" => "string".into(),
        "bool" => "boolean".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "f32" | "f64" => "number".into(),
        "Value" | "serde_json::Value" => "JsonValue".into(),
        named
            if named.chars().all(|c| c.is_ascii_alphanumeric())
                && named.starts_with(|c: char| c.is_ascii_uppercase()) =>
        {
            named.into()
        }
        other => panic!("no TypeScript for the command type `{other}`: teach tests/bindings.rs"),
    }
}

/// Tauri's name for an argument: camelCase.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The named types a generated file imports.
fn imported_types(ts: &str) -> Vec<String> {
    ts.lines()
        .filter_map(|l| l.strip_prefix("import type { "))
        .filter_map(|l| l.split(' ').next())
        .filter(|t| *t != "JsonValue")
        .map(str::to_owned)
        .collect()
}

/// `ui/src/bindings/commands.ts`: every registered command with its arguments and result, from
/// its Rust signature, so a renamed or retyped argument fails the page's type check.
fn commands_ts() -> String {
    let signatures = signatures();
    let registered = banthuek_app::COMMANDS;
    let mut names: Vec<&str> = signatures.iter().map(|s| s.name.as_str()).collect();
    names.sort();
    let mut want: Vec<&str> = registered.to_vec();
    want.sort();
    assert_eq!(
        names, want,
        "the #[tauri::command] functions in src/ and the commands registered in lib.rs"
    );
    let mut body = String::new();
    let mut types = std::collections::BTreeSet::new();
    for name in registered {
        let sig = signatures
            .iter()
            .find(|s| s.name == *name)
            .expect("signature");
        let args = if sig.args.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            let fields: Vec<String> = sig
                .args
                .iter()
                .map(|(n, t)| format!("{}: {}", camel(n), ts_type(t)))
                .collect();
            format!("{{ {} }}", fields.join("; "))
        };
        let returns = ts_type(&sig.returns);
        for t in [&args, &returns] {
            for word in t.split(|c: char| !c.is_ascii_alphanumeric()) {
                if word.starts_with(|c: char| c.is_ascii_uppercase())
                    && !["Array", "Record"].contains(&word)
                {
                    types.insert(word.to_owned());
                }
            }
        }
        body.push_str(&format!(
            "  \"{name}\": {{ args: {args}; returns: {returns} }};\n"
        ));
    }
    let mut out = String::from(
        "// Generated from the #[tauri::command] signatures in src-tauri/src and the command list in\n// src-tauri/src/lib.rs by the bindings test. Do not edit.\n",
    );
    for t in &types {
        let from = if t == "JsonValue" {
            "./serde_json/JsonValue".to_owned()
        } else {
            format!("./{t}")
        };
        out.push_str(&format!("import type {{ {t} }} from \"{from}\";\n"));
    }
    out.push_str("\n/** Every command the page may call: its arguments (Tauri's camelCase names) and its result. */\nexport interface Commands {\n");
    out.push_str(&body);
    out.push_str(
        "}\n\n/** Every command the page may call. */\nexport type Command = keyof Commands;\n",
    );
    out
}

/// The names in backquotes of a COMMANDS.md args cell, outside its parenthesised notes and
/// without their types: "`id, record` (the record as shown), `reason?`, `comments: C[] {a, b}`"
/// → id, record, reason, comments.
fn documented_args(cell: &str) -> Vec<String> {
    let mut outside = String::new();
    let mut depth = 0;
    for c in cell.chars() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    outside
        .split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|quoted| quoted.split(','))
        .map(|a| {
            let name = a.split(':').next().unwrap_or("");
            name.trim().trim_end_matches('?').to_owned()
        })
        .filter(|a| !a.is_empty())
        .collect()
}

/// COMMANDS.md's args column names each command's arguments as the page passes them (camelCase,
/// from the Rust signature), no more and no fewer.
#[test]
fn commands_md_lists_each_commands_arguments() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("COMMANDS.md"))
        .expect("COMMANDS.md");
    let signatures = signatures();
    let mut checked = 0;
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        // An escaped bar belongs to a cell's text.
        let line = line.replace("\\|", "/");
        let cells: Vec<&str> = line.split('|').collect();
        let (Some(name), Some(args)) = (cells.get(1).and_then(|c| backquoted(c)), cells.get(2))
        else {
            continue;
        };
        let sig = signatures
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("COMMANDS.md names {name}, which has no signature"));
        let want: Vec<String> = sig.args.iter().map(|(n, _)| camel(n)).collect();
        assert_eq!(
            documented_args(args),
            want,
            "COMMANDS.md's arguments of {name} and its signature"
        );
        checked += 1;
    }
    assert_eq!(checked, signatures.len(), "a row for every command");
}
