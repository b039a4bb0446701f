//! Helpers shared by the CLI's integration tests.

use std::path::Path;
use std::process::Command;

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
