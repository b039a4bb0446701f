//! Session tokens that every receiver of a deployment can check without asking the others.
//!
//! A session is `bs1.<claims, base64url>.<ECDSA P-256 signature, DER, base64url>`, signed with the
//! deployment's receipt key (in the data directory the receivers share). A receiver checks the
//! signature and the expiry from the token alone: no session table, nothing lost when a receiver
//! restarts, any receiver behind a load balancer accepts a session another opened. The claims
//! name the device and the moment the session ends; a session cannot be mistaken for a device
//! credential (another prefix, other claims). A revoked device gets no new session, and every
//! upload reads the device row, so revocation stops its uploads at once on every receiver; other
//! requests of an open session end with its lifetime.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

const PREFIX: &str = "bs1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionClaims {
    /// Marks the claims as a session's, whatever else ever gets signed with the key.
    pub kind: String,
    pub device_id: String,
    pub expires_at: DateTime<Utc>,
    /// Random, so that two sessions opened in one instant differ.
    pub nonce: String,
}

const KIND: &str = "session";

/// A session for `device_id` that ends at `expires_at`.
pub fn issue(device_id: &str, expires_at: DateTime<Utc>, key: &SigningKey) -> String {
    let claims = SessionClaims {
        kind: KIND.into(),
        device_id: device_id.into(),
        expires_at,
        nonce: hex::encode(rand::random::<[u8; 12]>()),
    };
    let payload = serde_json::to_string(&claims).unwrap_or_default();
    let signature: Signature = key.sign(payload.as_bytes());
    format!(
        "{PREFIX}.{}.{}",
        URL_SAFE_NO_PAD.encode(payload.as_bytes()),
        URL_SAFE_NO_PAD.encode(signature.to_der().as_bytes())
    )
}

/// The device of a session token that this deployment signed and that has not ended at `now`.
pub fn check(token: &str, key: &VerifyingKey, now: DateTime<Utc>) -> Option<String> {
    let mut parts = token.split('.');
    let (Some(PREFIX), Some(payload), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let sig = Signature::from_der(&URL_SAFE_NO_PAD.decode(sig).ok()?).ok()?;
    key.verify(&payload, &sig).ok()?;
    let claims: SessionClaims = serde_json::from_slice(&payload).ok()?;
    (claims.kind == KIND && claims.expires_at > now).then_some(claims.device_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_checked_by_signature_and_expiry() {
        let key = SigningKey::random(&mut rand::rngs::OsRng);
        let other = SigningKey::random(&mut rand::rngs::OsRng);
        let now = Utc::now();
        let token = issue("dev-1", now + chrono::Duration::seconds(60), &key);
        assert_eq!(
            check(&token, key.verifying_key(), now).as_deref(),
            Some("dev-1")
        );
        assert_eq!(
            check(&token, other.verifying_key(), now),
            None,
            "another deployment's key"
        );
        assert_eq!(
            check(
                &token,
                key.verifying_key(),
                now + chrono::Duration::seconds(61)
            ),
            None,
            "ended"
        );
        // A changed claim breaks the signature.
        let parts: Vec<&str> = token.split('.').collect();
        let forged = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap())
            .unwrap()
            .replace("dev-1", "dev-2");
        let forged = format!("bs1.{}.{}", URL_SAFE_NO_PAD.encode(forged), parts[2]);
        assert_eq!(check(&forged, key.verifying_key(), now), None);
        assert_ne!(
            issue("dev-1", now, &key),
            issue("dev-1", now, &key),
            "sessions differ"
        );
    }
}
