//! The station's small PKI: a self-signed P-256 station CA that issues each officer and supervisor
//! a P-256 signing certificate. Private keys leave this module only as PKCS#8 DER bytes, which the
//! store keeps encrypted under the user's key slot.

use crate::error::{DocumentError, Result};
use der::asn1::GeneralizedTime;
use der::{Decode, Encode, EncodePem};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rand_core::{OsRng, RngCore};
use std::str::FromStr;
use std::time::{Duration, SystemTime};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

pub use x509_cert::Certificate as X509Certificate;

const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
/// Validity of user certificates.
pub const USER_CERT_YEARS: u32 = 3;
/// Validity of the station CA.
pub const CA_YEARS: u32 = 10;

/// A user's role as written into the certificate's OU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertRole {
    Officer,
    Supervisor,
}

impl CertRole {
    fn ou(self) -> &'static str {
        match self {
            CertRole::Officer => "officer",
            CertRole::Supervisor => "supervisor",
        }
    }
}

/// A key pair with its certificate (the station CA, or a user).
#[derive(Clone)]
pub struct Credential {
    pub cert: Certificate,
    pub key: SigningKey,
}

impl Credential {
    /// The private key as unencrypted PKCS#8 DER: hand it straight to the store's encryption.
    pub fn key_pkcs8_der(&self) -> Result<Vec<u8>> {
        key_to_pkcs8_der(&self.key)
    }

    pub fn cert_pem(&self) -> Result<String> {
        cert_to_pem(&self.cert)
    }

    /// Rebuilds a credential from stored parts, checking that they belong together.
    pub fn from_parts(cert_der: &[u8], key_pkcs8_der: &[u8]) -> Result<Self> {
        let cert = cert_from_der(cert_der)?;
        let key = key_from_pkcs8_der(key_pkcs8_der)?;
        if !key_matches_cert(&key, &cert) {
            return Err(DocumentError::KeyMismatch);
        }
        Ok(Credential { cert, key })
    }
}

/// Who signs: key, certificate chain (leaf first, then the CA) and the name shown on the page.
#[derive(Clone)]
pub struct SigningIdentity {
    pub key: SigningKey,
    pub chain: Vec<Certificate>,
    pub display_name: String,
}

impl SigningIdentity {
    /// An identity whose display name is the certificate's CN.
    pub fn new(key: SigningKey, chain: Vec<Certificate>) -> Result<Self> {
        let leaf = chain
            .first()
            .ok_or_else(|| DocumentError::BadKey("empty certificate chain".to_owned()))?;
        let display_name =
            common_name(leaf).unwrap_or_else(|| leaf.tbs_certificate.subject.to_string());
        Ok(SigningIdentity {
            key,
            chain,
            display_name,
        })
    }

    pub fn leaf(&self) -> Result<&Certificate> {
        self.chain
            .first()
            .ok_or_else(|| DocumentError::BadKey("empty certificate chain".to_owned()))
    }
}

/// Escapes a value for an RFC 4514 name string.
fn rdn_value(v: &str) -> String {
    let mut out = String::new();
    for (i, c) in v.chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (i == 0 && (c == '#' || c == ' '))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn name(parts: &[(&str, &str)]) -> Result<Name> {
    let text: Vec<String> = parts
        .iter()
        .map(|(k, v)| format!("{k}={}", rdn_value(v)))
        .collect();
    Name::from_str(&text.join(",")).map_err(|e| DocumentError::BadKey(format!("name: {e}")))
}

fn random_serial() -> Result<SerialNumber> {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    // Positive and without a leading zero byte, as RFC 5280 asks.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::new(&bytes).map_err(|e| DocumentError::Crypto(e.to_string()))
}

fn validity(not_before: SystemTime, not_after: SystemTime) -> Result<Validity> {
    let t = |s: SystemTime| -> Result<Time> {
        let secs = s
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_err(|e| DocumentError::Crypto(e.to_string()))?;
        GeneralizedTime::from_unix_duration(Duration::from_secs(secs.as_secs()))
            .map(Time::GeneralTime)
            .map_err(|e| DocumentError::Crypto(e.to_string()))
    };
    Ok(Validity {
        not_before: t(not_before)?,
        not_after: t(not_after)?,
    })
}

/// Creates the station CA: P-256, self-signed, keyUsage keyCertSign + cRLSign, 10 years.
pub fn create_station_ca(station: &str) -> Result<Credential> {
    let key = SigningKey::random(&mut OsRng);
    let subject = name(&[
        ("CN", &format!("{station} Banthuek Station CA")),
        ("O", station),
        ("C", "TH"),
    ])?;
    let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key())
        .map_err(|e| DocumentError::Crypto(e.to_string()))?;
    let now = SystemTime::now();
    let builder = CertificateBuilder::new(
        Profile::Root,
        random_serial()?,
        validity(now - Duration::from_secs(300), now + YEAR * CA_YEARS)?,
        subject,
        spki,
        &key,
    )
    .map_err(|e| DocumentError::Crypto(e.to_string()))?;
    let cert = builder
        .build::<DerSignature>()
        .map_err(|e| DocumentError::Crypto(e.to_string()))?;
    Ok(Credential { cert, key })
}

/// Issues a user a fresh P-256 key and a certificate valid for [`USER_CERT_YEARS`].
pub fn issue_user_cert(ca: &Credential, user: &str, role: CertRole) -> Result<Credential> {
    let now = SystemTime::now();
    issue_user_cert_valid(
        ca,
        user,
        role,
        now - Duration::from_secs(300),
        now + YEAR * USER_CERT_YEARS,
    )
}

/// As [`issue_user_cert`] with an explicit validity period.
pub fn issue_user_cert_valid(
    ca: &Credential,
    user: &str,
    role: CertRole,
    not_before: SystemTime,
    not_after: SystemTime,
) -> Result<Credential> {
    let key = SigningKey::random(&mut OsRng);
    let org = org_of(&ca.cert).unwrap_or_else(|| "Banthuek".to_owned());
    let subject = name(&[("CN", user), ("OU", role.ou()), ("O", &org), ("C", "TH")])?;
    let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key())
        .map_err(|e| DocumentError::Crypto(e.to_string()))?;
    // The Leaf profile sets keyUsage digitalSignature + nonRepudiation, and the authority key
    // identifier from the CA.
    let builder = CertificateBuilder::new(
        Profile::Leaf {
            issuer: ca.cert.tbs_certificate.subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        random_serial()?,
        validity(not_before, not_after)?,
        subject,
        spki,
        &ca.key,
    )
    .map_err(|e| DocumentError::Crypto(e.to_string()))?;
    let cert = builder
        .build::<DerSignature>()
        .map_err(|e| DocumentError::Crypto(e.to_string()))?;
    Ok(Credential { cert, key })
}

fn attr_of(cert: &Certificate, oid: const_oid::ObjectIdentifier) -> Option<String> {
    for rdn in cert.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid == oid {
                if let Ok(s) = der::asn1::Utf8StringRef::try_from(&atv.value) {
                    return Some(s.as_str().to_owned());
                }
                if let Ok(s) = der::asn1::PrintableStringRef::try_from(&atv.value) {
                    return Some(s.as_str().to_owned());
                }
            }
        }
    }
    None
}

/// The subject's common name.
pub fn common_name(cert: &Certificate) -> Option<String> {
    attr_of(cert, const_oid::db::rfc4519::CN)
}

fn org_of(cert: &Certificate) -> Option<String> {
    attr_of(cert, const_oid::db::rfc4519::O)
}

pub fn cert_to_pem(cert: &Certificate) -> Result<String> {
    cert.to_pem(der::pem::LineEnding::LF)
        .map_err(|e| DocumentError::BadKey(e.to_string()))
}

pub fn cert_to_der(cert: &Certificate) -> Result<Vec<u8>> {
    cert.to_der()
        .map_err(|e| DocumentError::BadKey(e.to_string()))
}

pub fn cert_from_der(der: &[u8]) -> Result<Certificate> {
    Certificate::from_der(der).map_err(|e| DocumentError::BadKey(format!("certificate: {e}")))
}

/// One or more PEM certificates (a chain file) or a single DER certificate.
pub fn certs_from_pem_or_der(bytes: &[u8]) -> Result<Vec<Certificate>> {
    // x509-cert's PEM chain reader indexes `len - 1` of what is left after trimming line
    // breaks: an empty input must not reach it.
    if bytes.trim_ascii().is_empty() {
        return Err(DocumentError::BadKey("no certificate".into()));
    }
    if bytes.starts_with(b"-----") || bytes.iter().take(64).all(u8::is_ascii) {
        Certificate::load_pem_chain(bytes)
            .map_err(|e| DocumentError::BadKey(format!("certificate PEM: {e}")))
    } else {
        Ok(vec![cert_from_der(bytes)?])
    }
}

pub fn key_to_pkcs8_der(key: &SigningKey) -> Result<Vec<u8>> {
    key.to_pkcs8_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|e| DocumentError::BadKey(e.to_string()))
}

pub fn key_to_pem(key: &SigningKey) -> Result<String> {
    key.to_pkcs8_pem(der::pem::LineEnding::LF)
        .map(|p| p.to_string())
        .map_err(|e| DocumentError::BadKey(e.to_string()))
}

pub fn key_from_pkcs8_der(der: &[u8]) -> Result<SigningKey> {
    SigningKey::from_pkcs8_der(der).map_err(|e| DocumentError::BadKey(format!("private key: {e}")))
}

/// A PKCS#8 PEM ("PRIVATE KEY") or SEC1 PEM ("EC PRIVATE KEY") P-256 key.
pub fn key_from_pem(pem: &str) -> Result<SigningKey> {
    if let Ok(k) = SigningKey::from_pkcs8_pem(pem) {
        return Ok(k);
    }
    use p256::elliptic_curve::SecretKey;
    SecretKey::<p256::NistP256>::from_sec1_pem(pem)
        .map(SigningKey::from)
        .map_err(|e| DocumentError::BadKey(format!("private key PEM: {e}")))
}

/// True when `key` is the private half of `cert`'s public key.
pub fn key_matches_cert(key: &SigningKey, cert: &Certificate) -> bool {
    match cert_verifying_key(cert) {
        Ok(vk) => vk == *key.verifying_key(),
        Err(_) => false,
    }
}

/// The P-256 public key of a certificate.
pub fn cert_verifying_key(cert: &Certificate) -> Result<VerifyingKey> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| DocumentError::BadKey("public key bit string".to_owned()))?;
    VerifyingKey::from_sec1_bytes(bytes)
        .map_err(|_| DocumentError::BadKey("not a P-256 public key".to_owned()))
}

/// Checks that `issuer` signed `cert` (ECDSA P-256 with SHA-256).
pub fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    use signature::Verifier;
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return false;
    }
    if cert.signature_algorithm.oid != const_oid::db::rfc5912::ECDSA_WITH_SHA_256 {
        return false;
    }
    let Ok(vk) = cert_verifying_key(issuer) else {
        return false;
    };
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    let Some(sig_bytes) = cert.signature.as_bytes() else {
        return false;
    };
    let Ok(sig) = p256::ecdsa::DerSignature::from_bytes(sig_bytes) else {
        return false;
    };
    vk.verify(&tbs, &sig).is_ok()
}

/// Whether `at` lies within the certificate's validity period.
pub fn valid_at(cert: &Certificate, at: SystemTime) -> bool {
    let v = &cert.tbs_certificate.validity;
    v.not_before.to_system_time() <= at && at <= v.not_after.to_system_time()
}

/// Whether the certificate allows signing documents (keyUsage digitalSignature or
/// nonRepudiation; a certificate without keyUsage allows everything).
pub fn may_sign_documents(cert: &Certificate) -> bool {
    let Some(exts) = &cert.tbs_certificate.extensions else {
        return true;
    };
    for ext in exts {
        if ext.extn_id == const_oid::db::rfc5280::ID_CE_KEY_USAGE {
            return match KeyUsage::from_der(ext.extn_value.as_bytes()) {
                Ok(ku) => {
                    ku.0.contains(KeyUsages::DigitalSignature)
                        || ku.0.contains(KeyUsages::NonRepudiation)
                }
                Err(_) => false,
            };
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_blank_certificate_is_an_error_not_a_panic() {
        for input in [&b""[..], b"\n", b"\r\n\n", b"   "] {
            assert!(certs_from_pem_or_der(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn user_cert_is_issued_by_the_station_ca_and_may_sign() {
        let ca = create_station_ca("สถานีตำรวจภูธรเมืองเชียงใหม่").unwrap();
        assert!(issued_by(&ca.cert, &ca.cert));
        let user = issue_user_cert(&ca, "ร.ต.อ. สมศักดิ์ รักชาติ", CertRole::Officer).unwrap();
        assert!(issued_by(&user.cert, &ca.cert));
        assert!(may_sign_documents(&user.cert));
        assert!(!may_sign_documents(&ca.cert));
        assert!(valid_at(&user.cert, SystemTime::now()));
        assert_eq!(
            common_name(&user.cert).as_deref(),
            Some("ร.ต.อ. สมศักดิ์ รักชาติ")
        );
        let back =
            Credential::from_parts(&user.cert.to_der().unwrap(), &user.key_pkcs8_der().unwrap())
                .unwrap();
        assert_eq!(back.key.verifying_key(), user.key.verifying_key());
        let other = issue_user_cert(&ca, "x", CertRole::Supervisor).unwrap();
        assert!(matches!(
            Credential::from_parts(
                &user.cert.to_der().unwrap(),
                &other.key_pkcs8_der().unwrap()
            ),
            Err(DocumentError::KeyMismatch)
        ));
    }

    #[test]
    fn names_with_commas_survive() {
        let ca = create_station_ca("Station, \"A\"").unwrap();
        let user = issue_user_cert(&ca, "Doe, John", CertRole::Officer).unwrap();
        assert_eq!(common_name(&user.cert).as_deref(), Some("Doe, John"));
        let pem = cert_to_pem(&user.cert).unwrap();
        let back = certs_from_pem_or_der(pem.as_bytes()).unwrap();
        assert_eq!(back[0], user.cert);
    }
}
