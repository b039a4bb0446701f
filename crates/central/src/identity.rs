//! The receiver's own keys, created in its data directory on first start: the P-256 key that signs
//! receipts and device credentials, and the TLS certificate stations pin at enrolment.

use anyhow::{Context as _, Result};
use p256::ecdsa::SigningKey;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use std::path::{Path, PathBuf};

pub const RECEIPT_KEY_FILE: &str = "receipt-key.pem";
pub const TLS_CERT_FILE: &str = "tls-cert.pem";
pub const TLS_KEY_FILE: &str = "tls-key.pem";
pub const DATABASE_FILE: &str = "central.db";

pub struct Identity {
    pub receipt_key: SigningKey,
    pub tls_cert_pem: String,
    pub tls_key_pem: String,
    /// SHA-256 (hex) of the TLS certificate's DER: what stations pin.
    pub fingerprint: String,
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a crash never leaves half a
/// key, and readable by the owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn first_cert_der(pem: &str) -> Result<Vec<u8>> {
    let mut reader = pem.as_bytes();
    let cert = rustls_pemfile::certs(&mut reader)
        .next()
        .context("no certificate in the TLS certificate file")??;
    Ok(cert.to_vec())
}

impl Identity {
    /// Loads the keys from `data`, creating any that are missing. `hostnames` go into a new TLS
    /// certificate (127.0.0.1 and localhost always do).
    pub fn load_or_create(data: &Path, hostnames: &[String]) -> Result<Identity> {
        crate::storage::private_dir(data)?;
        let key_path = data.join(RECEIPT_KEY_FILE);
        let receipt_key = if key_path.exists() {
            let pem = std::fs::read_to_string(&key_path)?;
            SigningKey::from_pkcs8_pem(&pem).context("reading the receipt key")?
        } else {
            let key = SigningKey::random(&mut rand::rngs::OsRng);
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|e| anyhow::anyhow!("encoding the receipt key: {e}"))?;
            write_private(&key_path, pem.as_bytes())?;
            key
        };
        let (cert_path, tls_key_path) = Self::tls_paths(data);
        if !cert_path.exists() || !tls_key_path.exists() {
            let mut names = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
            names.extend(hostnames.iter().cloned());
            let certified = rcgen::generate_simple_self_signed(names)
                .context("creating the TLS certificate")?;
            write_private(&tls_key_path, certified.key_pair.serialize_pem().as_bytes())?;
            write_private(&cert_path, certified.cert.pem().as_bytes())?;
        }
        let tls_cert_pem = std::fs::read_to_string(&cert_path)?;
        let tls_key_pem = std::fs::read_to_string(&tls_key_path)?;
        let fingerprint = banthuek_sync::protocol::sha256_hex(&first_cert_der(&tls_cert_pem)?);
        Ok(Identity {
            receipt_key,
            tls_cert_pem,
            tls_key_pem,
            fingerprint,
        })
    }

    fn tls_paths(data: &Path) -> (PathBuf, PathBuf) {
        (data.join(TLS_CERT_FILE), data.join(TLS_KEY_FILE))
    }
}
