//! An open session must keep SQLite's locks on the database file whatever else this process
//! does with the store: without them another process (the command line beside the app) takes
//! itself for the only user, checkpoints and deletes the WAL, and the session's later saves go
//! to a deleted file.

mod common;

use banthuek_store::Store;
use common::*;
use std::path::Path;
use std::process::Command;

/// Asks another process whether anyone holds a lock on SQLite's shared-lock bytes of `db`
/// (`fcntl(F_GETLK)` from outside, since a process never sees its own POSIX locks as a conflict).
fn locked_by_another_process(db: &Path) -> bool {
    const PROBE: &str = r#"
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
# struct flock on Linux x86-64/arm64: l_type, l_whence, l_start, l_len, l_pid (+ padding).
shape = "hhqqi4x"
# SQLite's lock bytes start at 1 GiB: pending, reserved, then 510 shared bytes.
ask = struct.pack(shape, fcntl.F_WRLCK, os.SEEK_SET, 0x40000000, 512, 0)
answer = struct.unpack(shape, fcntl.fcntl(fd, fcntl.F_GETLK, ask))
print("locked" if answer[0] != fcntl.F_UNLCK else "free")
"#;
    let out = Command::new("python3")
        .args(["-c", PROBE])
        .arg(db)
        .output()
        .expect("python3 runs the lock probe");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    match String::from_utf8_lossy(&out.stdout).trim() {
        "locked" => true,
        "free" => false,
        other => panic!("unexpected probe answer {other:?}"),
    }
}

#[test]
fn opening_the_store_again_leaves_an_open_sessions_locks_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let (admin, _) = Store::init(dir.path(), "admin", PASSWORD, opts()).unwrap();
    let db = dir.path().join("banthuek.db");
    admin.list_records(None).unwrap();
    assert!(
        locked_by_another_process(&db),
        "an open session holds its lock"
    );

    // What the app does beside its open session: look at the store again (sign-in screen
    // information, the signing ceremony's second unlock).
    let again = Store::open_with(dir.path(), opts()).unwrap();
    assert!(
        locked_by_another_process(&db),
        "opening the store again dropped the session's lock"
    );
    let second = again.unlock("admin", PASSWORD).unwrap();
    drop(second);
    assert!(
        locked_by_another_process(&db),
        "a second session, closed, dropped the first one's lock"
    );
    drop(admin);
}
