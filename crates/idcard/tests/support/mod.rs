//! The virtual card reader for tests that need one: pcscd, started and stopped here, with the two
//! slots of Debian's vsmartcard-vpcd ("Virtual PCD 00 00" on port 35963, "… 00 01" on 35964), and
//! `thai_id_card.py` connected to a slot as the card. No mock: the crate talks to the real pcscd.
//! pcscd's socket is global, so a test holds [`lock`] from start to end, and starts its own
//! pcscd. pcscd polls readers about every 0.4 s: after inserting or pulling a card, wait until
//! pcscd has seen it ([`wait_for_card_state`]) before the next step.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

static PCSC: Mutex<()> = Mutex::new(());

/// Serialises the tests that use pcscd.
pub fn lock() -> MutexGuard<'static, ()> {
    PCSC.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `crates/idcard/tests`, from any package of the workspace that includes this module.
pub fn support_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("crates/idcard/tests"))
        .find(|dir| dir.is_dir())
        .expect("the workspace's crates/idcard/tests")
}

pub fn cards_file() -> PathBuf {
    support_dir().join("data/cards.json")
}

pub fn cards() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(cards_file()).expect("tests/data/cards.json");
    let all: serde_json::Value = serde_json::from_str(&text).expect("cards.json is JSON");
    all["cards"].as_array().expect("a list of cards").clone()
}

pub fn slot_name(slot: u8) -> String {
    format!("Virtual PCD 00 {slot:02}")
}

fn poll<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A pcscd of our own, in the foreground; stopped (SIGTERM) when dropped.
pub struct Pcscd {
    child: Child,
}

impl Pcscd {
    /// With the readers configured on this machine (vpcd's two slots).
    pub fn start() -> Pcscd {
        let p = Pcscd::spawn(None);
        poll(
            "pcscd and vpcd's two slots",
            Duration::from_secs(10),
            || match banthuek_idcard::readers() {
                Ok(r) if r.len() >= 2 => Some(()),
                _ => None,
            },
        );
        p
    }

    /// With a configuration directory that names no reader.
    pub fn start_without_readers(empty_config_dir: &Path) -> Pcscd {
        let p = Pcscd::spawn(Some(empty_config_dir));
        poll(
            "pcscd without readers",
            Duration::from_secs(10),
            || match banthuek_idcard::readers() {
                Err(banthuek_idcard::IdCardError::NoReader) => Some(()),
                _ => None,
            },
        );
        p
    }

    fn spawn(config: Option<&Path>) -> Pcscd {
        assert!(
            !pcscd_running(),
            "another pcscd is running; these tests start their own (stop it first)"
        );
        let mut c = Command::new("pcscd");
        c.arg("--foreground");
        if let Some(dir) = config {
            c.arg("--config").arg(dir);
        }
        let child = c
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pcscd starts (Debian package pcscd; scripts/setup-deps.sh installs it)");
        Pcscd { child }
    }
}

fn pcscd_running() -> bool {
    Command::new("pgrep")
        .args(["-x", "pcscd"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        // SIGTERM, so pcscd removes its socket and pid file (the shell's kill is always there).
        let _ = Command::new("sh")
            .args(["-c", &format!("kill {}", self.child.id())])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn card_state_is(slot: u8, present: bool) -> bool {
    let name = slot_name(slot);
    banthuek_idcard::readers().is_ok_and(|readers| {
        readers
            .iter()
            .any(|r| r.name == name && r.card_present == present)
    })
}

/// Waits until pcscd reports `slot` with (or without) a card.
pub fn wait_for_card_state(slot: u8, present: bool) {
    poll(
        &format!("{} to show card_present = {present}", slot_name(slot)),
        Duration::from_secs(5),
        || card_state_is(slot, present).then_some(()),
    );
}

/// A card in the virtual reader: `thai_id_card.py` connected to a slot. Pulled when dropped.
pub struct Card {
    child: Child,
    pub slot: u8,
}

impl Card {
    /// Inserts card `id` of tests/data/cards.json into `slot` (0 or 1), with extra emulator
    /// options (`--non-thai`, `--pull-after N`, …), and waits until pcscd has seen it.
    pub fn insert(id: &str, slot: u8, extra: &[&str]) -> Card {
        // Once in a few runs, right after a card was pulled mid-command, pcscd did not report
        // the next card on that slot within 5 s (cause in vpcd not found); pulling and
        // inserting again, as a person would, cleared it.
        for _ in 0..3 {
            let mut card = Card::connect(id, slot, extra);
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if card_state_is(slot, true) {
                    return card;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            card.stop();
            wait_for_card_state(slot, false);
        }
        panic!("pcscd never saw card {id} in {}", slot_name(slot));
    }

    fn connect(id: &str, slot: u8, extra: &[&str]) -> Card {
        let mut child = Command::new("python3")
            .arg(support_dir().join("support/thai_id_card.py"))
            .arg("--cards")
            .arg(cards_file())
            .args([
                "--card",
                id,
                "--port",
                &(35963 + u32::from(slot)).to_string(),
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the card emulator");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the emulator says it is inserted");
        assert_eq!(line.trim(), "inserted", "the emulator connected to vpcd");
        Card { child, slot }
    }

    /// Pulls the card and waits until pcscd has seen it go.
    pub fn pull(mut self) {
        self.stop();
        wait_for_card_state(self.slot, false);
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Card {
    fn drop(&mut self) {
        self.stop();
    }
}
