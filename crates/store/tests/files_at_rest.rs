//! The store's files at rest are their owner's alone (issue 15): the home 0700, the database,
//! its WAL, the key slots and their lock 0600, from `init` on, after unlocks that rewrite the
//! key slots, and on a store an older release left world-readable (repaired on open).

mod common;

use banthuek_core::Role;
use banthuek_store::Store;
use common::*;
use std::os::unix::fs::PermissionsExt as _;

#[test]
fn a_new_store_and_every_file_it_writes_are_private() {
    let dir = tempfile::tempdir().unwrap();
    // The parent is a shared 0755 directory; the home the store creates is not.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.path().join("station");
    let (mut admin, _recovery) = Store::init(&home, "admin", PASSWORD, opts()).unwrap();
    admin
        .add_user("somsak", Role::Officer, PASSWORD, None, None)
        .unwrap();
    let mut officer = Store::open_with(&home, opts())
        .unwrap()
        .unlock("somsak", PASSWORD)
        .unwrap();
    officer
        .create_record(
            complete_record(),
            banthuek_store::VersionSource::Typed,
            "new",
        )
        .unwrap();
    assert_private_home(&home);
    // A refused unlock rewrites the key slots (its failure is kept there).
    let locked = Store::open_with(&home, opts()).unwrap();
    assert!(locked.unlock("somsak", "not the password").is_err());
    drop(locked.unlock("somsak", PASSWORD).unwrap());
    assert_private_home(&home);
}

#[test]
fn opening_a_store_an_older_release_left_readable_makes_it_private() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("station");
    drop(Store::init(&home, "admin", PASSWORD, opts()).unwrap());
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o755)).unwrap();
    for entry in std::fs::read_dir(&home).unwrap() {
        let path = entry.unwrap().path();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    drop(
        Store::open_with(&home, opts())
            .unwrap()
            .unlock("admin", PASSWORD)
            .unwrap(),
    );
    assert_private_home(&home);
}
