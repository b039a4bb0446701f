//! Helpers shared by the CLI's integration tests. Each test binary compiles this module and uses
//! only part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub const PASSWORD: &str = "correct horse battery";

/// The real `banthuek` binary on a test home, acting as `user`, with the test password and
/// nothing inherited from the caller's environment.
pub fn banthuek(home: &Path, user: Option<&str>, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_banthuek"));
    c.arg("--home").arg(home);
    if let Some(u) = user {
        c.args(["--user", u]);
    }
    c.args(args)
        .env("BANTHUEK_PASSWORD", PASSWORD)
        // Cheap Argon2 for tests; the default cost is measured by `banthuek bench store`.
        .env("BANTHUEK_KDF", "64,1,1")
        .env_remove("BANTHUEK_NEW_PASSWORD")
        .env_remove("BANTHUEK_HOME")
        .env_remove("BANTHUEK_USER");
    c
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A station in a temporary home: `init` with the administrator `admin`, then the given
/// accounts (name, role), all with [`PASSWORD`].
pub struct Station {
    dir: tempfile::TempDir,
}

impl Station {
    pub fn new(accounts: &[(&str, &str)]) -> Station {
        let station = Station {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = station
            .cmd(None, &["init", "--admin", "admin"])
            .env("BANTHUEK_NEW_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        for (name, role) in accounts {
            let out = station
                .cmd(Some("admin"), &["user", "add", name, "--role", role])
                .env("BANTHUEK_NEW_PASSWORD", PASSWORD)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        }
        station
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary on this station. It gets the station's own model folder: without it the CLI
    /// would find the source tree's models/ (set-up's default) and an import would land there.
    pub fn cmd(&self, user: Option<&str>, args: &[&str]) -> Command {
        let mut c = banthuek(self.path(), user, args);
        c.env("BANTHUEK_MODELS", self.path().join("models"));
        c
    }

    pub fn run(&self, user: &str, args: &[&str]) -> Output {
        self.cmd(Some(user), args).output().unwrap()
    }

    /// Runs and requires success; returns standard output.
    pub fn ok(&self, user: &str, args: &[&str]) -> String {
        let out = self.run(user, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    }

    /// `record new` from `json` as `officer`; returns the new record's id.
    pub fn new_record(&self, officer: &str, json: &serde_json::Value) -> String {
        let file = self.path().join("in.json");
        std::fs::write(&file, json.to_string()).unwrap();
        self.ok(
            officer,
            &["record", "new", "--from-json", file.to_str().unwrap()],
        )
        .trim()
        .to_owned()
    }
}
