//! TLS to the central system with its certificate pinned at enrolment.
//!
//! Stations are enrolled against one receiver, often with a certificate from an internal CA or a
//! self-signed one, so trust is not the public web PKI: the laptop remembers the SHA-256 of the
//! receiver's certificate (given by the administrator, or seen at enrolment and shown for
//! comparison) and refuses any other. Handshake signatures are still checked with rustls' own
//! algorithms, so a pinned certificate cannot be replayed without its private key.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use std::sync::{Arc, Mutex};

/// Normalises a fingerprint as printed by tools ("AB:CD:…" or plain hex) to lower-case hex.
pub fn normalise_fingerprint(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_hexdigit())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[derive(Debug)]
struct PinnedVerifier {
    /// `None` while enrolling without a pin: accept the certificate and remember it.
    pin: Option<String>,
    seen: Mutex<Option<String>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let fingerprint = crate::protocol::sha256_hex(end_entity.as_ref());
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(fingerprint.clone());
        }
        match &self.pin {
            Some(pin) if *pin != fingerprint => Err(rustls::Error::General(format!(
                "the central system's certificate ({fingerprint}) is not the one pinned at enrolment"
            ))),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A client configuration and, for enrolment without a pin, a way to read the certificate seen.
pub struct PinnedTls {
    pub config: Arc<ClientConfig>,
    verifier: Arc<PinnedVerifier>,
}

impl PinnedTls {
    /// `pin`: lower-case hex SHA-256 of the receiver's certificate; `None` trusts on first use.
    pub fn new(pin: Option<&str>) -> Result<PinnedTls, rustls::Error> {
        let provider = Arc::new(ring::default_provider());
        let verifier = Arc::new(PinnedVerifier {
            pin: pin.map(normalise_fingerprint),
            seen: Mutex::new(None),
            provider: provider.clone(),
        });
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth();
        Ok(PinnedTls {
            config: Arc::new(config),
            verifier,
        })
    }

    /// The fingerprint of the last certificate the server presented.
    pub fn seen_fingerprint(&self) -> Option<String> {
        self.verifier.seen.lock().ok().and_then(|s| s.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_normalise_from_colon_form() {
        assert_eq!(normalise_fingerprint("AB:cd:0F"), "abcd0f");
    }
}
