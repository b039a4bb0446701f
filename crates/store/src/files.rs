//! Files at rest are their owner's alone: the store's home is 0700 and every file the store
//! writes there (the database, its WAL and shared-memory files, the key slots, their lock) is
//! created 0600. Opening an existing store repairs modes left wider by an older release.

use crate::error::{Result, StoreError};
use std::fs::OpenOptions;
use std::path::Path;

/// Options that create a file readable and writable by its owner only.
pub(crate) fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(StoreError::io(path))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Creates `home` if needed and makes it 0700.
pub(crate) fn private_home(home: &Path) -> Result<()> {
    std::fs::create_dir_all(home).map_err(StoreError::io(home))?;
    set_mode(home, 0o700)
}

/// Creates an empty database file 0600 unless it exists, so that SQLite, which gives the WAL
/// and shared-memory files the database's mode, creates those 0600 too.
pub(crate) fn precreate_database(path: &Path) -> Result<()> {
    if !path.exists() {
        private_options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(StoreError::io(path))?;
    }
    Ok(())
}

/// Makes `home` 0700 and each of the store's files in it 0600.
pub(crate) fn secure_home(home: &Path, names: &[&str]) -> Result<()> {
    set_mode(home, 0o700)?;
    for name in names {
        let path = home.join(name);
        if path.exists() {
            set_mode(&path, 0o600)?;
        }
    }
    Ok(())
}
