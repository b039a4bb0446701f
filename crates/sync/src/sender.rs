//! The outbox sender: enrolment, then rows sent one at a time in queue order.
//!
//! Failure policy, per row:
//! - timeouts, connection errors, 408, 429 and 5xx are transient: the same row is tried again after
//!   a pause drawn with full jitter from an exponentially growing window, or exactly the server's
//!   `Retry-After` when it sends one (capped);
//! - 401 on an upload means the session expired (e.g. the receiver restarted): a new session is
//!   opened with the device credential and the row is sent again; if the credential itself is
//!   refused the run stops with the reason and every row stays queued (nothing is lost: re-enrol);
//! - any other 4xx rejects that row for good with the receiver's reason, shown to the user, and the
//!   rest of the queue goes on;
//! - a 2xx is only believed with a receipt signed by the key pinned at enrolment that names this
//!   row's key and hashes; the receipt is stored with the record.
//!
//! Rows are sent one at a time so memory holds one record, whatever the length of the queue.

use crate::outbox::{OutboxItem, OutboxSource, SourceError};
use crate::protocol::{
    self, AudioAttachment, EnrolRequest, EnrolResponse, ErrorBody, Receipt, RenewResponse,
    SessionResponse, UploadRequest, UploadResponse, API_PREFIX, IDEMPOTENCY_HEADER,
};
use crate::tls::PinnedTls;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use p256::ecdsa::VerifyingKey;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a station keeps after enrolment (in its encrypted store): where the central system is, how
/// to recognise it, and the device's credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub url: String,
    /// SHA-256 (hex) of the receiver's TLS certificate.
    pub pin_sha256: String,
    pub device_id: String,
    pub credential: String,
    pub credential_expires_at: DateTime<Utc>,
    pub receipt_key_pem: String,
}

/// Tunables; the defaults suit a station, tests shorten the waits.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    pub connect_timeout: Duration,
    /// Whole-request limit (an upload of a large PDF over a slow link needs more).
    pub request_timeout: Duration,
    /// First backoff window; it doubles per consecutive failure up to `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Longest `Retry-After` obeyed, so a misconfigured server cannot stall a station for days.
    pub retry_after_cap: Duration,
    /// Consecutive transient failures on one row before the run gives up (`None`: never).
    pub max_attempts: Option<u32>,
    /// Rows read from the outbox at a time.
    pub batch: usize,
    /// Send the dictation audio an outbox item carries. The station's outbox attaches audio only
    /// where its policy and the record allow it (`Session::may_sync_audio`), so this is on by
    /// default; off sends records without audio whatever the policy.
    pub include_audio: bool,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(300),
            retry_after_cap: Duration::from_secs(3600),
            max_attempts: None,
            batch: 8,
            include_audio: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the central system refused this device ({code}): {reason}; enrol it again / ระบบกลางปฏิเสธเครื่องนี้ ({code}): {reason_th} ต้องลงทะเบียนเครื่องใหม่")]
    Auth {
        code: String,
        reason: String,
        reason_th: String,
    },
    #[error(
        "enrolment refused ({code}): {reason} / การลงทะเบียนเครื่องถูกปฏิเสธ ({code}): {reason_th}"
    )]
    Enrol {
        code: String,
        reason: String,
        reason_th: String,
    },
    #[error("the central system could not be reached after {attempts} attempts: {last_error}; records stay queued / ติดต่อระบบกลางไม่ได้หลังพยายาม {attempts} ครั้ง บันทึกยังอยู่ในคิว")]
    Unreachable { attempts: u32, last_error: String },
    #[error("the central system presented certificate {seen}, not the one pinned at enrolment; not sending / ใบรับรองของระบบกลางไม่ตรงกับที่บันทึกไว้ตอนลงทะเบียน จึงไม่ส่งข้อมูล")]
    PinMismatch { seen: String },
    #[error("the central system's receipt is not valid: {0}; the record stays queued / ใบตอบรับจากระบบกลางไม่ถูกต้อง: {0} บันทึกยังอยู่ในคิว")]
    BadReceipt(String),
    #[error(
        "the central system's address must start with https:// / ที่อยู่ระบบกลางต้องขึ้นต้นด้วย https://"
    )]
    NotHttps,
    #[error("TLS set-up failed: {0} / ตั้งค่า TLS ไม่สำเร็จ: {0}")]
    Tls(String),
    #[error("unexpected answer from the central system: {0} / ระบบกลางตอบกลับผิดรูปแบบ: {0}")]
    Protocol(String),
    #[error("outbox: {0} / คิวส่งข้อมูล: {0}")]
    Outbox(SourceError),
    #[error("sync stopped / หยุดการส่งข้อมูลแล้ว")]
    Stopped,
}

impl From<SourceError> for SyncError {
    fn from(e: SourceError) -> Self {
        SyncError::Outbox(e)
    }
}

/// What happened, as it happens (for progress output and tests).
#[derive(Debug, Clone)]
pub enum SyncEvent {
    Synced {
        key: String,
        receipt: Receipt,
        replay: bool,
    },
    Rejected {
        key: String,
        reason: String,
    },
    Retrying {
        key: String,
        error: String,
        wait: Duration,
        /// The wait is the server's Retry-After rather than our backoff.
        retry_after: bool,
    },
    Reauthenticated,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Rejection {
    pub record_id: String,
    pub version: u32,
    pub reason: String,
}

/// What one drain did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DrainReport {
    pub synced: usize,
    pub rejected: Vec<Rejection>,
    pub retries: usize,
}

/// Normalises the receiver address (`https://host:port`, no trailing slash).
fn base_url(url: &str) -> Result<String, SyncError> {
    let url = url.trim().trim_end_matches('/');
    if !url.starts_with("https://") {
        return Err(SyncError::NotHttps);
    }
    Ok(url.to_owned())
}

fn agent(tls: &PinnedTls, config: &SyncConfig) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .tls_config(tls.config.clone())
        .timeout_connect(config.connect_timeout)
        .timeout(config.request_timeout)
        // One connection at a time; keep it alive between rows.
        .max_idle_connections(1)
        .build()
}

/// Enrols this device with a one-time code. `pin` is the receiver certificate's SHA-256 as the
/// administrator read it from the receiver; without it the certificate seen now is pinned (and
/// returned in the enrolment for the administrator to compare).
pub fn enrol(
    url: &str,
    code: &str,
    device_name: &str,
    station_ca_pem: &str,
    pin: Option<&str>,
    config: &SyncConfig,
) -> Result<Enrolment, SyncError> {
    let url = base_url(url)?;
    let tls = PinnedTls::new(pin).map_err(|e| SyncError::Tls(e.to_string()))?;
    let agent = agent(&tls, config);
    let body = serde_json::to_string(&EnrolRequest {
        code: code.trim().to_owned(),
        device_name: device_name.to_owned(),
        station_ca_pem: station_ca_pem.to_owned(),
    })
    .map_err(|e| SyncError::Protocol(e.to_string()))?;
    let result = agent
        .post(&format!("{url}{API_PREFIX}/enrol"))
        .set("Content-Type", "application/json")
        .send_string(&body);
    let response: EnrolResponse = match classify(result) {
        Reply::Ok(text) => {
            serde_json::from_str(&text).map_err(|e| SyncError::Protocol(e.to_string()))?
        }
        Reply::Transient { error, .. } => {
            if let Some(seen) = pin_mismatch(&tls, pin) {
                return Err(SyncError::PinMismatch { seen });
            }
            return Err(SyncError::Unreachable {
                attempts: 1,
                last_error: error,
            });
        }
        Reply::Unauthorized(e) | Reply::Rejected(e) => {
            return Err(SyncError::Enrol {
                code: e.code,
                reason: e.reason,
                reason_th: e.reason_th,
            })
        }
    };
    let pin_sha256 = tls
        .seen_fingerprint()
        .ok_or_else(|| SyncError::Tls("no certificate seen".into()))?;
    protocol::public_key_from_pem(&response.receipt_key_pem)
        .map_err(|e| SyncError::Protocol(e.to_string()))?;
    Ok(Enrolment {
        url,
        pin_sha256,
        device_id: response.device_id,
        credential: response.credential,
        credential_expires_at: response.credential_expires_at,
        receipt_key_pem: response.receipt_key_pem,
    })
}

fn pin_mismatch(tls: &PinnedTls, pin: Option<&str>) -> Option<String> {
    let pin = crate::tls::normalise_fingerprint(pin?);
    tls.seen_fingerprint().filter(|seen| *seen != pin)
}

/// How one HTTP exchange ended, as far as the retry policy cares.
enum Reply {
    Ok(String),
    Transient {
        error: String,
        retry_after: Option<Duration>,
    },
    Unauthorized(ErrorBody),
    Rejected(ErrorBody),
}

fn error_body(status: u16, response: ureq::Response) -> ErrorBody {
    let text = response.into_string().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|_| ErrorBody {
        code: format!("http_{status}"),
        reason: format!("HTTP {status}"),
        reason_th: format!("HTTP {status}"),
    })
}

fn classify(result: Result<ureq::Response, ureq::Error>) -> Reply {
    match result {
        Ok(response) => match response.into_string() {
            Ok(text) => Reply::Ok(text),
            // The body was cut off: the receiver may have accepted; a replay will tell.
            Err(e) => Reply::Transient {
                error: format!("reading the answer: {e}"),
                retry_after: None,
            },
        },
        Err(ureq::Error::Status(status, response)) => {
            let retry_after = response.header("Retry-After").and_then(parse_retry_after);
            match status {
                401 => Reply::Unauthorized(error_body(status, response)),
                408 | 429 | 500..=599 => Reply::Transient {
                    error: format!("HTTP {status}"),
                    retry_after,
                },
                _ => Reply::Rejected(error_body(status, response)),
            }
        }
        Err(ureq::Error::Transport(t)) => Reply::Transient {
            error: t.to_string(),
            retry_after: None,
        },
    }
}

/// `Retry-After` as seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.with_timezone(&Utc) - Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// The pause before retry number `failures` (1-based): full jitter, i.e. uniform in
/// [0, min(cap, base·2^(failures−1))], unless the server said when to come back.
pub fn backoff(failures: u32, retry_after: Option<Duration>, config: &SyncConfig) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(config.retry_after_cap);
    }
    let exp = failures.saturating_sub(1).min(30);
    let window = config
        .backoff_base
        .saturating_mul(1u32 << exp)
        .min(config.backoff_cap);
    let millis = window.as_millis() as u64;
    Duration::from_millis(rand::thread_rng().gen_range(0..=millis))
}

/// Sends a station's outbox to the central system it is enrolled with.
pub struct Sender {
    url: String,
    credential: String,
    receipt_key: VerifyingKey,
    tls: PinnedTls,
    pin: String,
    agent: ureq::Agent,
    session: Option<String>,
    config: SyncConfig,
    stop: Arc<AtomicBool>,
}

impl Sender {
    pub fn new(enrolment: &Enrolment, config: SyncConfig) -> Result<Sender, SyncError> {
        let url = base_url(&enrolment.url)?;
        let tls = PinnedTls::new(Some(&enrolment.pin_sha256))
            .map_err(|e| SyncError::Tls(e.to_string()))?;
        let receipt_key = protocol::public_key_from_pem(&enrolment.receipt_key_pem)
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        Ok(Sender {
            agent: agent(&tls, &config),
            url,
            credential: enrolment.credential.clone(),
            receipt_key,
            tls,
            pin: enrolment.pin_sha256.clone(),
            session: None,
            config,
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Set it to stop a running drain at the next pause (the app does this on exit).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Sends every row now in the outbox, in order, then returns.
    pub fn drain(
        &mut self,
        source: &mut dyn OutboxSource,
        on_event: &mut dyn FnMut(&SyncEvent),
    ) -> Result<DrainReport, SyncError> {
        let mut report = DrainReport::default();
        loop {
            let batch = source.next_batch(self.config.batch.max(1))?;
            if batch.is_empty() {
                return Ok(report);
            }
            for item in batch {
                self.send_one(source, &item, &mut report, on_event)?;
            }
        }
    }

    /// The background loop: drains, waits `poll`, drains again, until stopped or refused.
    pub fn run(
        &mut self,
        source: &mut dyn OutboxSource,
        poll: Duration,
        on_event: &mut dyn FnMut(&SyncEvent),
    ) -> Result<(), SyncError> {
        loop {
            self.drain(source, on_event)?;
            self.pause(poll)?;
        }
    }

    /// The status query: the receipt for a record version, if the receiver has it.
    pub fn status(&mut self, record_id: &str, version: u32) -> Result<Option<Receipt>, SyncError> {
        let token = self.session_token()?;
        let url = format!(
            "{}{API_PREFIX}/records/{record_id}/versions/{version}",
            self.url
        );
        let result = self
            .agent
            .get(&url)
            .set("Authorization", &format!("Bearer {token}"))
            .call();
        match result {
            Err(ureq::Error::Status(404, _)) => Ok(None),
            other => match classify(other) {
                Reply::Ok(text) => {
                    let answer: UploadResponse = serde_json::from_str(&text)
                        .map_err(|e| SyncError::Protocol(e.to_string()))?;
                    let receipt = answer
                        .receipt
                        .verify(&self.receipt_key)
                        .map_err(|e| SyncError::BadReceipt(e.to_string()))?;
                    Ok(Some(receipt))
                }
                Reply::Transient { error, .. } => Err(self.transport_error(1, error)),
                Reply::Unauthorized(e) => {
                    self.session = None;
                    Err(auth_error(e))
                }
                Reply::Rejected(e) => Err(SyncError::Protocol(e.reason)),
            },
        }
    }

    /// Exchanges the current credential for a new one (`POST /v1/credential`, before it expires,
    /// no enrolment code), checks that this receiver signed it for this device, and uses it from
    /// now on. The caller keeps it (see [`crate::station::renew_enrolment_if_due`]).
    pub fn renew_credential(&mut self) -> Result<RenewResponse, SyncError> {
        let result = self
            .agent
            .post(&format!("{}{API_PREFIX}/credential", self.url))
            .set("Authorization", &format!("Bearer {}", self.credential))
            .call();
        match classify(result) {
            Reply::Ok(text) => {
                let renewed: RenewResponse =
                    serde_json::from_str(&text).map_err(|e| SyncError::Protocol(e.to_string()))?;
                let claims = protocol::verify_credential(&renewed.credential, &self.receipt_key)
                    .map_err(|e| SyncError::Protocol(format!("renewed credential: {e}")))?;
                let current = protocol::verify_credential(&self.credential, &self.receipt_key)
                    .map_err(|e| SyncError::Protocol(format!("current credential: {e}")))?;
                if claims.device_id != current.device_id {
                    return Err(SyncError::Protocol(
                        "the renewed credential is for another device".into(),
                    ));
                }
                self.credential = renewed.credential.clone();
                Ok(renewed)
            }
            Reply::Transient { error, .. } => Err(self.transport_error(1, error)),
            Reply::Unauthorized(e) | Reply::Rejected(e) => Err(auth_error(e)),
        }
    }

    fn pause(&self, wait: Duration) -> Result<(), SyncError> {
        let until = Instant::now() + wait;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Err(SyncError::Stopped);
            }
            let now = Instant::now();
            if now >= until {
                return Ok(());
            }
            std::thread::sleep((until - now).min(Duration::from_millis(100)));
        }
    }

    fn transport_error(&self, attempts: u32, last_error: String) -> SyncError {
        match pin_mismatch(&self.tls, Some(&self.pin)) {
            Some(seen) => SyncError::PinMismatch { seen },
            None => SyncError::Unreachable {
                attempts,
                last_error,
            },
        }
    }

    /// One attempt at opening a session.
    fn open_session(&mut self) -> Reply {
        let result = self
            .agent
            .post(&format!("{}{API_PREFIX}/session", self.url))
            .set("Authorization", &format!("Bearer {}", self.credential))
            .call();
        match classify(result) {
            Reply::Ok(text) => match serde_json::from_str::<SessionResponse>(&text) {
                Ok(session) => {
                    self.session = Some(session.access_token);
                    Reply::Ok(String::new())
                }
                Err(e) => Reply::Transient {
                    error: format!("bad session answer: {e}"),
                    retry_after: None,
                },
            },
            other => other,
        }
    }

    fn session_token(&mut self) -> Result<String, SyncError> {
        if let Some(token) = &self.session {
            return Ok(token.clone());
        }
        match self.open_session() {
            Reply::Ok(_) => self
                .session
                .clone()
                .ok_or_else(|| SyncError::Protocol("no session".into())),
            Reply::Transient { error, .. } => Err(self.transport_error(1, error)),
            Reply::Unauthorized(e) | Reply::Rejected(e) => Err(auth_error(e)),
        }
    }

    fn upload_body(&self, item: &OutboxItem) -> Result<String, String> {
        let record = serde_json::value::RawValue::from_string(item.record_json.clone())
            .map_err(|e| format!("the record in the outbox is not valid JSON: {e}"))?;
        let audio = match (&item.audio, self.config.include_audio) {
            (Some(a), true) => Some(AudioAttachment {
                mime: a.mime.clone(),
                data_base64: STANDARD.encode(&a.data),
                sha256: protocol::sha256_hex(&a.data),
            }),
            _ => None,
        };
        serde_json::to_string(&UploadRequest {
            idempotency_key: item.idempotency_key.clone(),
            record_id: item.record_id.clone(),
            version: item.version,
            record,
            pdf_base64: STANDARD.encode(&item.pdf),
            pdf_sha256: protocol::sha256_hex(&item.pdf),
            audio,
            classification: item.classification.clone(),
            juvenile: item.juvenile,
            audit_anchor: item.audit_anchor.clone(),
        })
        .map_err(|e| e.to_string())
    }

    /// Checks that a receipt is signed by the pinned key and acknowledges exactly this row.
    fn check_receipt(
        &self,
        item: &OutboxItem,
        text: &str,
    ) -> Result<(Receipt, String, bool), SyncError> {
        let answer: UploadResponse =
            serde_json::from_str(text).map_err(|e| SyncError::BadReceipt(e.to_string()))?;
        let receipt = answer
            .receipt
            .verify(&self.receipt_key)
            .map_err(|e| SyncError::BadReceipt(e.to_string()))?;
        let pdf_sha256 = protocol::sha256_hex(&item.pdf);
        let record_sha256 = protocol::sha256_hex(item.record_json.as_bytes());
        if receipt.idempotency_key != item.idempotency_key
            || receipt.pdf_sha256 != pdf_sha256
            || receipt.record_sha256 != record_sha256
        {
            return Err(SyncError::BadReceipt(
                "it acknowledges other content than was sent".into(),
            ));
        }
        let replay = answer.state == protocol::RecordState::AlreadyAccepted;
        // A first receipt signs the anchor sent; a replay's is the one the first upload carried.
        if !replay && receipt.audit_anchor != item.audit_anchor {
            return Err(SyncError::BadReceipt(
                "it anchors another audit-chain head than was sent".into(),
            ));
        }
        let stored = serde_json::to_string(&answer.receipt)
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        Ok((receipt, stored, replay))
    }

    fn send_one(
        &mut self,
        source: &mut dyn OutboxSource,
        item: &OutboxItem,
        report: &mut DrainReport,
        on_event: &mut dyn FnMut(&SyncEvent),
    ) -> Result<(), SyncError> {
        let key = item.idempotency_key.as_str();
        let body = match self.upload_body(item) {
            Ok(body) => body,
            Err(reason) => {
                source.mark_rejected(key, &reason)?;
                self.rejected(item, reason, report, on_event);
                return Ok(());
            }
        };
        source.mark_sending(key)?;
        let mut failures = 0u32;
        let mut fresh_session = false;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Err(SyncError::Stopped);
            }
            let reply = if self.session.is_none() {
                fresh_session = true;
                match self.open_session() {
                    Reply::Ok(_) => continue,
                    Reply::Unauthorized(e) | Reply::Rejected(e) => return Err(auth_error(e)),
                    transient => transient,
                }
            } else {
                let token = self.session.clone().unwrap_or_default();
                let result = self
                    .agent
                    .post(&format!("{}{API_PREFIX}/records", self.url))
                    .set("Authorization", &format!("Bearer {token}"))
                    .set(IDEMPOTENCY_HEADER, key)
                    .set("Content-Type", "application/json")
                    .send_string(&body);
                classify(result)
            };
            match reply {
                Reply::Ok(text) => {
                    let (receipt, stored, replay) = self.check_receipt(item, &text)?;
                    source.mark_synced(key, &stored)?;
                    report.synced += 1;
                    on_event(&SyncEvent::Synced {
                        key: key.to_owned(),
                        receipt,
                        replay,
                    });
                    return Ok(());
                }
                Reply::Unauthorized(e) => {
                    self.session = None;
                    if fresh_session {
                        // A session we just opened is refused: not an expiry, stop.
                        return Err(auth_error(e));
                    }
                    on_event(&SyncEvent::Reauthenticated);
                }
                Reply::Rejected(e) => {
                    let reason = format!("{} ({}) / {}", e.reason, e.code, e.reason_th);
                    source.mark_rejected(key, &reason)?;
                    self.rejected(item, reason, report, on_event);
                    return Ok(());
                }
                Reply::Transient { error, retry_after } => {
                    failures += 1;
                    report.retries += 1;
                    source.mark_retry(key, &error)?;
                    if let Some(seen) = pin_mismatch(&self.tls, Some(&self.pin)) {
                        return Err(SyncError::PinMismatch { seen });
                    }
                    if self.config.max_attempts.is_some_and(|max| failures >= max) {
                        return Err(SyncError::Unreachable {
                            attempts: failures,
                            last_error: error,
                        });
                    }
                    let wait = backoff(failures, retry_after, &self.config);
                    tracing::debug!(%error, ?wait, "sync: retrying");
                    on_event(&SyncEvent::Retrying {
                        key: key.to_owned(),
                        error,
                        wait,
                        retry_after: retry_after.is_some(),
                    });
                    self.pause(wait)?;
                }
            }
        }
    }

    fn rejected(
        &self,
        item: &OutboxItem,
        reason: String,
        report: &mut DrainReport,
        on_event: &mut dyn FnMut(&SyncEvent),
    ) {
        on_event(&SyncEvent::Rejected {
            key: item.idempotency_key.clone(),
            reason: reason.clone(),
        });
        report.rejected.push(Rejection {
            record_id: item.record_id.clone(),
            version: item.version,
            reason,
        });
    }
}

fn auth_error(e: ErrorBody) -> SyncError {
    SyncError::Auth {
        code: e.code,
        reason: e.reason,
        reason_th: e.reason_th,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_in_the_growing_window() {
        let config = SyncConfig {
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_millis(1000),
            ..SyncConfig::default()
        };
        for failures in 1..20 {
            let window = Duration::from_millis(100 * (1u64 << (failures - 1).min(20)))
                .min(config.backoff_cap);
            for _ in 0..50 {
                assert!(backoff(failures, None, &config) <= window);
            }
        }
        // Full jitter: waits spread over the window rather than sitting at its edge.
        let waits: Vec<_> = (0..200).map(|_| backoff(10, None, &config)).collect();
        assert!(waits.iter().any(|w| *w < Duration::from_millis(300)));
        assert!(waits.iter().any(|w| *w > Duration::from_millis(700)));
    }

    #[test]
    fn retry_after_is_obeyed_and_capped() {
        let config = SyncConfig {
            retry_after_cap: Duration::from_secs(60),
            ..SyncConfig::default()
        };
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            backoff(1, parse_retry_after("7"), &config),
            Duration::from_secs(7)
        );
        assert_eq!(
            backoff(1, parse_retry_after("86400"), &config),
            Duration::from_secs(60)
        );
        let past = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_retry_after(past), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn only_https_addresses_are_accepted() {
        assert!(matches!(base_url("http://x"), Err(SyncError::NotHttps)));
        assert_eq!(base_url("https://x:1/").unwrap(), "https://x:1");
    }
}
