//! What every subcommand needs: where the data lives and who is acting.

use anyhow::{bail, Context as _, Result};
use std::path::PathBuf;

pub struct Context {
    pub home: PathBuf,
    pub user: Option<String>,
}

impl Context {
    pub fn new(home: Option<PathBuf>, user: Option<String>) -> Self {
        let home = home.unwrap_or_else(default_home);
        Context { home, user }
    }

    /// The acting user, required by commands that act on records.
    pub fn user(&self) -> Result<&str> {
        match self.user.as_deref() {
            Some(u) => Ok(u),
            None => bail!("no user given: pass --user NAME or set BANTHUEK_USER / ไม่ได้ระบุผู้ใช้"),
        }
    }

    /// The acting user's password: BANTHUEK_PASSWORD, else a prompt on the terminal.
    pub fn password(&self) -> Result<String> {
        secret_from_env_or_prompt("BANTHUEK_PASSWORD", "Password / รหัสผ่าน: ")
    }

    /// A password being set: BANTHUEK_NEW_PASSWORD, else a prompt.
    pub fn new_password(&self) -> Result<String> {
        secret_from_env_or_prompt("BANTHUEK_NEW_PASSWORD", "New password / รหัสผ่านใหม่: ")
    }
}

fn default_home() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("banthuek")
}

fn secret_from_env_or_prompt(var: &str, prompt: &str) -> Result<String> {
    if let Ok(v) = std::env::var(var) {
        return Ok(v);
    }
    rpassword::prompt_password(prompt).with_context(|| format!("reading password (or set {var})"))
}
