//! Key derivation and sealing of small secrets: the data key in each key slot and per-user
//! secrets. Argon2id turns a password into a key-encryption key; XChaCha20-Poly1305 (random
//! 192-bit nonces, so no nonce bookkeeping) wraps data under it, with associated data that binds
//! each sealed blob to where it belongs (store, account, secret name).

use crate::error::StoreError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub type Key = Zeroizing<[u8; 32]>;

/// Argon2id cost. Stored with every key slot, so raising the default later only affects slots
/// written afterwards; old slots still open with the cost they were made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for KdfParams {
    /// 128 MiB, 3 passes, 1 lane: an unlock takes about 0.3–0.5 s on the 2-core reference
    /// machine (`banthuek bench store` prints the measured median; 64 MiB gave 0.23 s, under the
    /// 0.3 s floor). Memory-hard enough that a stolen laptop's key slots cost an attacker real
    /// money per guess.
    fn default() -> Self {
        KdfParams {
            m_kib: 128 * 1024,
            t: 3,
            p: 1,
        }
    }
}

impl KdfParams {
    /// Very cheap parameters for tests only: they make a password no harder to guess than a
    /// single SHA-256.
    pub const INSECURE_FOR_TESTS: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    /// Parses "M_KIB,T,P" (the form of the `BANTHUEK_KDF` override used by test harnesses).
    pub fn parse(text: &str) -> Option<KdfParams> {
        let mut it = text.split(',').map(|s| s.trim().parse::<u32>().ok());
        let (m_kib, t, p) = (it.next()??, it.next()??, it.next()??);
        if it.next().is_some() {
            return None;
        }
        let params = KdfParams { m_kib, t, p };
        params.argon2().ok().map(|_| params)
    }

    fn argon2(&self) -> Result<argon2::Argon2<'static>, argon2::Error> {
        let params = argon2::Params::new(self.m_kib, self.t, self.p, Some(32))?;
        Ok(argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }

    /// The key-encryption key for `password` with `salt`.
    pub fn derive(&self, password: &str, salt: &[u8]) -> Result<Key, StoreError> {
        let mut out = Zeroizing::new([0u8; 32]);
        self.argon2()
            .and_then(|a| a.hash_password_into(password.as_bytes(), salt, out.as_mut()))
            .map_err(|e| StoreError::Crypto(format!("argon2: {e}")))?;
        Ok(out)
    }
}

/// A fresh random 256-bit key.
pub fn random_key() -> Key {
    let mut k = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(k.as_mut());
    k
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

/// Encrypts `plain` under `key`; returns (nonce, ciphertext with tag).
pub fn seal(key: &[u8; 32], plain: &[u8], aad: &[u8]) -> Result<([u8; 24], Vec<u8>), StoreError> {
    let nonce = random_bytes::<24>();
    let cipher = XChaCha20Poly1305::new(key.into());
    let ct = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        .map_err(|_| StoreError::Crypto("seal failed".into()))?;
    Ok((nonce, ct))
}

/// Decrypts; `None` when the key is wrong or the data or its associated data were altered.
pub fn open(key: &[u8; 32], nonce: &[u8], sealed: &[u8], aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if nonce.len() != 24 {
        return None;
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad })
        .ok()
        .map(Zeroizing::new)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The recovery key as printed: 32 random bytes in eight groups of eight hex digits.
pub fn format_recovery_key(key: &[u8; 32]) -> String {
    let h = hex::encode_upper(key);
    h.as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Reads a recovery key as typed: hex digits in any case, dashes and spaces ignored.
pub fn parse_recovery_key(text: &str) -> Option<Key> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let bytes = hex::decode(cleaned).ok()?;
    let arr: [u8; 32] = bytes.try_into().ok()?;
    Some(Zeroizing::new(arr))
}

/// The recovery key is 256 random bits, so a plain hash (domain-separated) is a sufficient KDF.
pub fn recovery_kek(recovery: &[u8; 32]) -> Key {
    let mut h = Sha256::new();
    h.update(b"banthuek recovery slot v1\0");
    h.update(recovery);
    Zeroizing::new(h.finalize().into())
}
