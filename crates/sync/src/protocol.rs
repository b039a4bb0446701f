//! The wire protocol between a station and the central system (docs/sync-api.md,
//! docs/sync-openapi.yaml): request and response bodies, the idempotency key, and the two signed
//! objects both sides must agree on byte for byte: the device credential and the receipt.
//!
//! Signed objects carry their payload as the exact JSON text that was signed (never re-serialised),
//! so a receipt stays verifiable after it has been stored, copied or printed.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// Every path of the API starts with this; a breaking change gets a new prefix.
pub const API_PREFIX: &str = "/v1";
/// The header that carries the idempotency key of an upload (also in the body; they must agree).
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Prefix of a device credential, so a pasted token can be recognised.
pub const CREDENTIAL_PREFIX: &str = "bt1";

/// The idempotency key of one record version: the central system accepts it exactly once.
pub fn idempotency_key(record_id: &str, version: u32) -> String {
    format!("{record_id}:{version}")
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `POST /v1/enrol`: a laptop presents the one-time code an administrator gave it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    /// A label for the administrator (e.g. the laptop's asset tag); never personal data.
    pub device_name: String,
    /// The station CA (PEM) whose certificates sign this station's records.
    pub station_ca_pem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub device_id: String,
    /// Signed device credential, presented to `POST /v1/session`.
    pub credential: String,
    pub credential_expires_at: DateTime<Utc>,
    /// The receiver's receipt-signing public key (SPKI PEM); receipts are checked against it.
    pub receipt_key_pem: String,
}

/// `POST /v1/session`: a short-lived access token for uploads, exchanged for the credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionResponse {
    pub access_token: String,
    pub expires_in_secs: u64,
}

/// `POST /v1/credential`: a new credential for the device, in exchange for its current one before
/// that expires (same lifetime as the current one, counted from now). A revoked device gets none.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenewResponse {
    pub credential: String,
    pub credential_expires_at: DateTime<Utc>,
}

/// An optional audio recording of the dictation, sent only where the station's policy allows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AudioAttachment {
    pub mime: String,
    pub data_base64: String,
    pub sha256: String,
}

/// The head of the station's audit chain when it sent an upload: the newest entry's sequence
/// and hash. The receipt signs it, so a station whose newest audit entries were deleted (or a
/// laptop restored from an older copy) is found out: `banthuek audit verify` checks the local
/// chain against the newest receipt's anchor, and the receiver refuses an anchor older than the
/// newest it holds for the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    pub sequence: i64,
    pub hash: String,
}

/// `POST /v1/records`: one final record version.
#[derive(Debug, Serialize, Deserialize)]
pub struct UploadRequest {
    pub idempotency_key: String,
    pub record_id: String,
    pub version: u32,
    /// The exchange-format record, kept as the exact text the station sent so that its hash in
    /// the receipt is the hash of what the station holds.
    pub record: Box<RawValue>,
    pub pdf_base64: String,
    pub pdf_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioAttachment>,
    /// The station's classification of the record (unclassified, secret, top_secret): optional,
    /// so receivers that predate it accept the request unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// An arrestee is under 18 (the central side must protect the child's identity).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub juvenile: bool,
    /// The station's audit-chain head (optional, so older stations are still accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_anchor: Option<AuditAnchor>,
}

/// What the receiver acknowledges. Signed; see [`SignedReceipt`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub receipt_id: String,
    pub idempotency_key: String,
    pub record_id: String,
    pub version: u32,
    pub device_id: String,
    pub received_at: DateTime<Utc>,
    pub record_sha256: String,
    pub pdf_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_sha256: Option<String>,
    /// The audit-chain head the upload carried, signed with the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_anchor: Option<AuditAnchor>,
}

/// A receipt as the receiver signed it: `payload` is the receipt's JSON text, `signature` an
/// ECDSA P-256 signature (DER, base64) over those bytes, `key_id` names the receiver's key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedReceipt {
    pub payload: String,
    pub signature: String,
    pub key_id: String,
}

/// Answer to an upload (201 first time, 200 for a replay) and to the status query.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UploadResponse {
    pub state: RecordState,
    pub receipt: SignedReceipt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordState {
    /// Accepted by this request.
    Accepted,
    /// Accepted earlier; this is the same receipt again.
    AlreadyAccepted,
}

/// Every error answer: a stable machine code and a reason a person can read, in both languages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub reason: String,
    pub reason_th: String,
}

/// Stable error codes (the `code` of [`ErrorBody`]).
pub mod codes {
    pub const BAD_CODE: &str = "enrolment_code_invalid";
    pub const BAD_REQUEST: &str = "bad_request";
    pub const UNKNOWN_DEVICE: &str = "unknown_device";
    pub const CREDENTIAL_EXPIRED: &str = "credential_expired";
    pub const SESSION_INVALID: &str = "session_invalid";
    pub const KEY_MISMATCH: &str = "idempotency_key_mismatch";
    pub const HASH_MISMATCH: &str = "hash_mismatch";
    pub const SCHEMA_INVALID: &str = "schema_invalid";
    pub const SIGNATURE_INVALID: &str = "signature_invalid";
    pub const CONFLICT: &str = "conflict";
    /// The upload's audit anchor is older than (or forks from) one the device already sent.
    pub const AUDIT_ROLLBACK: &str = "audit_rollback";
    pub const NOT_FOUND: &str = "not_found";
    pub const INTERNAL: &str = "internal";
    pub const UNAVAILABLE: &str = "unavailable";
    /// The station CA sent at enrolment is missing or not a certificate (422).
    pub const STATION_CA_INVALID: &str = "station_ca_invalid";
    /// The body is larger than the receiver accepts (413).
    pub const TOO_LARGE: &str = "payload_too_large";
    /// The path exists but not with this method (405, with `Allow`).
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
}

#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("malformed signed object: {0} / ข้อมูลที่ลงนามมีรูปแบบผิด: {0}")]
    Malformed(String),
    #[error("signature does not verify / ลายมือชื่อดิจิทัลไม่ถูกต้อง")]
    BadSignature,
    #[error("signed by another key ({0}) / ลงนามด้วยกุญแจอื่น ({0})")]
    WrongKey(String),
    #[error("bad public key: {0} / กุญแจสาธารณะไม่ถูกต้อง: {0}")]
    BadKey(String),
}

/// Identifies a P-256 public key: the first 16 hex digits of the SHA-256 of its SPKI DER.
pub fn key_id(key: &VerifyingKey) -> String {
    match key.to_public_key_der() {
        Ok(der) => sha256_hex(der.as_bytes())[..16].to_owned(),
        Err(_) => String::new(),
    }
}

pub fn public_key_pem(key: &VerifyingKey) -> Result<String, ProtocolError> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| ProtocolError::BadKey(e.to_string()))
}

pub fn public_key_from_pem(pem: &str) -> Result<VerifyingKey, ProtocolError> {
    VerifyingKey::from_public_key_pem(pem).map_err(|e| ProtocolError::BadKey(e.to_string()))
}

impl SignedReceipt {
    pub fn sign(receipt: &Receipt, key: &SigningKey) -> SignedReceipt {
        // Serialising plain data with string keys cannot fail.
        let payload = serde_json::to_string(receipt).unwrap_or_default();
        let signature: Signature = key.sign(payload.as_bytes());
        SignedReceipt {
            signature: STANDARD.encode(signature.to_der().as_bytes()),
            key_id: key_id(key.verifying_key()),
            payload,
        }
    }

    /// Checks the signature with the receiver's key pinned at enrolment and returns the receipt.
    pub fn verify(&self, key: &VerifyingKey) -> Result<Receipt, ProtocolError> {
        let expected = key_id(key);
        if self.key_id != expected {
            return Err(ProtocolError::WrongKey(self.key_id.clone()));
        }
        let der = STANDARD
            .decode(&self.signature)
            .map_err(|e| ProtocolError::Malformed(e.to_string()))?;
        let sig = Signature::from_der(&der).map_err(|e| ProtocolError::Malformed(e.to_string()))?;
        key.verify(self.payload.as_bytes(), &sig)
            .map_err(|_| ProtocolError::BadSignature)?;
        serde_json::from_str(&self.payload).map_err(|e| ProtocolError::Malformed(e.to_string()))
    }
}

/// What a device credential asserts, signed by the receiver at enrolment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialClaims {
    pub device_id: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// `bt1.<claims, base64url>.<ECDSA P-256 signature over the claims text, DER, base64url>`.
pub fn sign_credential(claims: &CredentialClaims, key: &SigningKey) -> String {
    let payload = serde_json::to_string(claims).unwrap_or_default();
    let signature: Signature = key.sign(payload.as_bytes());
    format!(
        "{CREDENTIAL_PREFIX}.{}.{}",
        URL_SAFE_NO_PAD.encode(payload.as_bytes()),
        URL_SAFE_NO_PAD.encode(signature.to_der().as_bytes())
    )
}

/// Checks a credential's signature (not its expiry, which the caller judges against its clock).
pub fn verify_credential(
    token: &str,
    key: &VerifyingKey,
) -> Result<CredentialClaims, ProtocolError> {
    let mut parts = token.split('.');
    let (Some(CREDENTIAL_PREFIX), Some(payload), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ProtocolError::Malformed("not a bt1 credential".into()));
    };
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| ProtocolError::Malformed(e.to_string()))?;
    let sig = URL_SAFE_NO_PAD
        .decode(sig)
        .map_err(|e| ProtocolError::Malformed(e.to_string()))?;
    let sig = Signature::from_der(&sig).map_err(|e| ProtocolError::Malformed(e.to_string()))?;
    key.verify(&payload, &sig)
        .map_err(|_| ProtocolError::BadSignature)?;
    serde_json::from_slice(&payload).map_err(|e| ProtocolError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::OsRng;

    #[test]
    fn classification_is_an_optional_field_of_an_upload() {
        let old = r#"{"idempotency_key":"rec:1","record_id":"rec","version":1,"record":{},"pdf_base64":"","pdf_sha256":""}"#;
        let parsed: UploadRequest = serde_json::from_str(old).unwrap();
        assert_eq!(parsed.classification, None);
        assert!(!parsed.juvenile);
        let new = UploadRequest {
            classification: Some("secret".into()),
            juvenile: true,
            ..serde_json::from_str(old).unwrap()
        };
        let text = serde_json::to_string(&new).unwrap();
        assert!(text.contains(r#""classification":"secret""#), "{text}");
        assert!(text.contains(r#""juvenile":true"#), "{text}");
        // Unclassified-by-omission requests keep their old shape.
        assert!(!serde_json::to_string(&parsed).unwrap().contains("juvenile"));
    }

    fn receipt() -> Receipt {
        Receipt {
            receipt_id: "r-1".into(),
            idempotency_key: idempotency_key("rec", 2),
            record_id: "rec".into(),
            version: 2,
            device_id: "dev".into(),
            received_at: Utc::now(),
            record_sha256: sha256_hex(b"{}"),
            pdf_sha256: sha256_hex(b"%PDF"),
            audio_sha256: None,
            audit_anchor: None,
        }
    }

    #[test]
    fn receipt_round_trips_and_catches_tampering() {
        let key = SigningKey::random(&mut OsRng);
        let signed = SignedReceipt::sign(&receipt(), &key);
        assert_eq!(
            signed.verify(key.verifying_key()).unwrap(),
            receipt_with(&signed)
        );

        let mut tampered = signed.clone();
        tampered.payload = tampered.payload.replace("\"version\":2", "\"version\":3");
        assert!(matches!(
            tampered.verify(key.verifying_key()),
            Err(ProtocolError::BadSignature)
        ));

        let other = SigningKey::random(&mut OsRng);
        assert!(matches!(
            signed.verify(other.verifying_key()),
            Err(ProtocolError::WrongKey(_))
        ));
    }

    fn receipt_with(signed: &SignedReceipt) -> Receipt {
        serde_json::from_str(&signed.payload).unwrap()
    }

    #[test]
    fn credential_round_trips_and_rejects_forgery() {
        let key = SigningKey::random(&mut OsRng);
        let claims = CredentialClaims {
            device_id: "dev-1".into(),
            issued_at: Utc::now(),
            expires_at: Utc::now() + chrono::Duration::days(1),
        };
        let token = sign_credential(&claims, &key);
        assert_eq!(
            verify_credential(&token, key.verifying_key()).unwrap(),
            claims
        );

        // Another receiver's credential (an unknown device) does not verify here.
        let other = SigningKey::random(&mut OsRng);
        let forged = sign_credential(&claims, &other);
        assert!(verify_credential(&forged, key.verifying_key()).is_err());
        assert!(verify_credential("bt1.e30", key.verifying_key()).is_err());
    }

    #[test]
    fn public_key_pem_round_trips() {
        let key = SigningKey::random(&mut OsRng);
        let pem = public_key_pem(key.verifying_key()).unwrap();
        assert_eq!(&public_key_from_pem(&pem).unwrap(), key.verifying_key());
    }
}
