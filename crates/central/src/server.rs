//! The HTTPS server: enrolment, sessions, upload, status query and a small status page.
//!
//! Handlers do their blocking work (SQLite, PAdES verification) on tokio's blocking pool. Every
//! upload is checked in this order, and nothing is stored unless all pass: session → idempotency
//! key → (replay? same receipt) → PDF hash → exchange-format schema → PAdES signatures against
//! the device's station CA and the embedded record → insert-if-absent → signed receipt.

use crate::identity::Identity;
use crate::storage::{CentralStore, Device, Existing, Insert, NewRecord};
use crate::verify::PdfVerifier;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use banthuek_sync::protocol::{
    self, codes, CredentialClaims, EnrolRequest, EnrolResponse, ErrorBody, Receipt, RecordState,
    SessionResponse, SignedReceipt, UploadRequest, UploadResponse, IDEMPOTENCY_HEADER,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::Utc;
use http_body_util::BodyExt as _;
use rand::Rng as _;
use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt as _;

/// Fault injection for tests (docs/sync-api.md, "Test tooling"). Every probability is per API
/// request; all zero in production.
#[derive(Debug, Clone, Copy, Default)]
pub struct Chaos {
    /// Answer 500 without doing anything.
    pub fail_5xx: f64,
    /// Do the work, then wait `delay` before answering (past the client's timeout).
    pub delay: f64,
    pub delay_by: Duration,
    /// Read about half the request body, then drop the connection without answering.
    pub drop: f64,
    /// Send this `Retry-After` with injected 5xx answers (503 instead of 500).
    pub retry_after_secs: Option<u64>,
}

impl Chaos {
    fn active(&self) -> bool {
        self.fail_5xx > 0.0 || self.delay > 0.0 || self.drop > 0.0
    }
}

#[derive(Clone)]
pub struct Config {
    pub session_ttl: Duration,
    pub max_upload_bytes: usize,
    pub verify_pdf: PdfVerifier,
    pub chaos: Chaos,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_ttl: Duration::from_secs(15 * 60),
            max_upload_bytes: 64 * 1024 * 1024,
            verify_pdf: crate::verify::verify_signed_pdf,
            chaos: Chaos::default(),
        }
    }
}

struct AppState {
    store: Arc<dyn CentralStore>,
    identity: Identity,
    config: Config,
    /// Sessions live in memory: a restart makes stations open new ones (they do, on 401).
    sessions: Mutex<HashMap<String, (String, Instant)>>,
}

type Shared = Arc<AppState>;

/// An error answer: status, stable code, and the reason in English and Thai.
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    fn new(
        status: StatusCode,
        code: &str,
        reason: impl Into<String>,
        reason_th: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                code: code.to_owned(),
                reason: reason.into(),
                reason_th: reason_th.into(),
            },
        }
    }

    fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "central: internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "internal error; try again later",
            "ระบบกลางขัดข้อง กรุณาลองใหม่ภายหลัง",
        )
    }

    fn unprocessable(code: &str, reason: String, reason_th: &str) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, reason, reason_th)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Marks a connection to be cut (chaos "drop"): the stream fails every read and write after.
#[derive(Clone, Default)]
struct Cut(Arc<AtomicBool>);

struct CuttableStream {
    inner: TcpStream,
    cut: Arc<AtomicBool>,
}

fn cut_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionReset,
        "connection cut (test fault injection)",
    )
}

impl AsyncRead for CuttableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.cut.load(Ordering::Relaxed) {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CuttableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.cut.load(Ordering::Relaxed) {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Test fault injection around the API routes.
async fn chaos(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let chaos = state.config.chaos;
    let (fail, drop, delay) = {
        let mut rng = rand::thread_rng();
        (
            rng.gen_bool(chaos.fail_5xx.clamp(0.0, 1.0)),
            rng.gen_bool(chaos.drop.clamp(0.0, 1.0)),
            rng.gen_bool(chaos.delay.clamp(0.0, 1.0)),
        )
    };
    if fail {
        let mut response = ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::UNAVAILABLE,
            "injected failure",
            "ข้อผิดพลาดทดสอบ",
        )
        .into_response();
        if let Some(secs) = chaos.retry_after_secs {
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            response
                .headers_mut()
                .insert("Retry-After", HeaderValue::from(secs));
        }
        return response;
    }
    if drop {
        let cut = request.extensions().get::<Cut>().cloned();
        let half = request
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0)
            / 2;
        let mut body = request.into_body();
        let mut read = 0;
        while read < half {
            match body.frame().await {
                Some(Ok(frame)) => read += frame.data_ref().map_or(0, |d| d.len()),
                _ => break,
            }
        }
        if let Some(cut) = cut {
            cut.0.store(true, Ordering::Relaxed);
        }
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let response = next.run(request).await;
    if delay {
        tokio::time::sleep(chaos.delay_by).await;
    }
    response
}

pub fn router(store: Arc<dyn CentralStore>, identity: Identity, config: Config) -> Router {
    let limit = config.max_upload_bytes;
    let chaos_on = config.chaos.active();
    let state: Shared = Arc::new(AppState {
        store,
        identity,
        config,
        sessions: Mutex::new(HashMap::new()),
    });
    // Faults are injected into the record traffic only: enrolment is a one-time step every fault
    // test must get through first, and a failed one would only fail the test's set-up.
    let mut api = Router::new()
        .route("/v1/session", post(open_session))
        .route("/v1/records", post(upload))
        .route(
            "/v1/records/{record_id}/versions/{version}",
            get(record_status),
        );
    if chaos_on {
        api = api.layer(middleware::from_fn_with_state(state.clone(), chaos));
    }
    Router::new()
        .merge(api)
        .route("/v1/enrol", post(enrol))
        .route("/", get(status_page))
        .route("/v1/health", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

fn code_hash(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    protocol::sha256_hex(normalised.as_bytes())
}

/// A one-time enrolment code: 12 characters from an alphabet without look-alikes, in groups of 4.
pub fn new_enrolment_code() -> (String, String) {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let raw: String = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    let code = format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12]);
    let hash = code_hash(&code);
    (code, hash)
}

async fn enrol(State(state): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let request: EnrolRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::BAD_REQUEST,
            format!("bad enrolment request: {e}"),
            "คำขอลงทะเบียนไม่ถูกต้อง",
        )
    })?;
    if banthuek_document::pki::certs_from_pem_or_der(request.station_ca_pem.as_bytes())
        .map(|c| c.is_empty())
        .unwrap_or(true)
    {
        return Err(ApiError::unprocessable(
            codes::BAD_REQUEST,
            "the station CA certificate is missing or unreadable".into(),
            "ไม่พบหรืออ่านใบรับรองของสถานีไม่ได้",
        ));
    }
    let st = state.clone();
    blocking(move || {
        let now = Utc::now();
        let device_id = uuid::Uuid::new_v4().to_string();
        let mut device = Device {
            device_id: device_id.clone(),
            name: request.device_name.chars().take(100).collect(),
            station_ca_pem: request.station_ca_pem,
            enrolled_at: now,
            credential_expires_at: now,
            revoked: false,
        };
        // The expiry depends on the code; the device row is written with it just below.
        let Some(ttl) = st
            .store
            .redeem_enrolment_code(&code_hash(&request.code), now, &device)
            .map_err(ApiError::internal)?
        else {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                codes::BAD_CODE,
                "the enrolment code is unknown, used or expired; ask the administrator for a new one",
                "รหัสลงทะเบียนไม่ถูกต้อง ใช้แล้ว หรือหมดอายุ กรุณาขอรหัสใหม่จากผู้ดูแลระบบ",
            ));
        };
        device.credential_expires_at = now + chrono::Duration::seconds(ttl);
        st.store
            .set_credential_expiry(&device_id, device.credential_expires_at)
            .map_err(ApiError::internal)?;
        let claims = CredentialClaims {
            device_id: device_id.clone(),
            issued_at: now,
            expires_at: device.credential_expires_at,
        };
        tracing::info!(%device_id, "central: device enrolled");
        Ok(EnrolResponse {
            device_id,
            credential: protocol::sign_credential(&claims, &st.identity.receipt_key),
            credential_expires_at: claims.expires_at,
            receipt_key_pem: protocol::public_key_pem(st.identity.receipt_key.verifying_key())
                .map_err(ApiError::internal)?,
        })
    })
    .await
    .map(|r| (StatusCode::CREATED, Json(r)).into_response())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn unknown_device() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        codes::UNKNOWN_DEVICE,
        "this device is not enrolled with this central system",
        "เครื่องนี้ยังไม่ได้ลงทะเบียนกับระบบกลางนี้",
    )
}

async fn open_session(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = bearer(&headers).ok_or_else(unknown_device)?.to_owned();
    let claims = protocol::verify_credential(&token, state.identity.receipt_key.verifying_key())
        .map_err(|_| unknown_device())?;
    let st = state.clone();
    let device_id = claims.device_id.clone();
    let device = blocking(move || st.store.device(&device_id).map_err(ApiError::internal)).await?;
    let Some(device) = device.filter(|d| !d.revoked) else {
        return Err(unknown_device());
    };
    // The stored expiry rules (an administrator may shorten it); the signed one is a ceiling.
    let expires = device.credential_expires_at.min(claims.expires_at);
    if expires <= Utc::now() {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            codes::CREDENTIAL_EXPIRED,
            format!("this device's credential expired at {expires}; enrol it again"),
            "ใบรับรองของเครื่องนี้หมดอายุแล้ว ต้องลงทะเบียนเครื่องใหม่",
        ));
    }
    let access_token = hex::encode(rand::random::<[u8; 32]>());
    let ttl = state.config.session_ttl;
    if let Ok(mut sessions) = state.sessions.lock() {
        let now = Instant::now();
        sessions.retain(|_, (_, until)| *until > now);
        sessions.insert(access_token.clone(), (device.device_id, now + ttl));
    }
    Ok(Json(SessionResponse {
        access_token,
        expires_in_secs: ttl.as_secs(),
    })
    .into_response())
}

fn session_device(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            codes::SESSION_INVALID,
            "no valid session; open one with POST /v1/session",
            "ไม่มีเซสชันที่ใช้ได้ กรุณาเข้าสู่ระบบใหม่",
        )
    };
    let token = bearer(headers).ok_or_else(invalid)?;
    let sessions = state.sessions.lock().map_err(ApiError::internal)?;
    match sessions.get(token) {
        Some((device, until)) if *until > Instant::now() => Ok(device.clone()),
        _ => Err(invalid()),
    }
}

fn replay_or_conflict(
    existing: Existing,
    device_id: &str,
    record_sha256: &str,
    pdf_sha256: &str,
) -> Result<Response, ApiError> {
    if existing.device_id != device_id
        || existing.record_sha256 != record_sha256
        || existing.pdf_sha256 != pdf_sha256
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            codes::CONFLICT,
            "this record version was already received with different content",
            "บันทึกฉบับนี้เคยได้รับแล้วแต่เนื้อหาไม่ตรงกัน",
        ));
    }
    let receipt: SignedReceipt =
        serde_json::from_str(&existing.receipt_json).map_err(ApiError::internal)?;
    Ok((
        StatusCode::OK,
        Json(UploadResponse {
            state: RecordState::AlreadyAccepted,
            receipt,
        }),
    )
        .into_response())
}

async fn upload(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let device_id = session_device(&state, &headers)?;
    let request: UploadRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::BAD_REQUEST,
            format!("the upload is not well-formed: {e}"),
            "ข้อมูลที่ส่งมามีรูปแบบไม่ถูกต้อง",
        )
    })?;
    drop(body);
    let expected_key = protocol::idempotency_key(&request.record_id, request.version);
    let header_key = headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok());
    if request.idempotency_key != expected_key || header_key != Some(expected_key.as_str()) {
        return Err(ApiError::unprocessable(
            codes::KEY_MISMATCH,
            format!("the idempotency key must be '{expected_key}' in the body and the {IDEMPOTENCY_HEADER} header"),
            "คีย์ป้องกันการส่งซ้ำไม่ตรงกับรหัสบันทึกและฉบับ",
        ));
    }
    let st = state.clone();
    blocking(move || accept(&st, &device_id, request)).await
}

fn accept(state: &AppState, device_id: &str, request: UploadRequest) -> Result<Response, ApiError> {
    let key = request.idempotency_key.as_str();
    let record_json = request.record.get();
    let record_sha256 = protocol::sha256_hex(record_json.as_bytes());
    // A replay gets the receipt already given, without doing the checks again.
    if let Some(existing) = state.store.existing(key).map_err(ApiError::internal)? {
        return replay_or_conflict(existing, device_id, &record_sha256, &request.pdf_sha256);
    }
    let pdf = STANDARD.decode(&request.pdf_base64).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::BAD_REQUEST,
            format!("pdf_base64: {e}"),
            "ไฟล์ PDF เข้ารหัสไม่ถูกต้อง",
        )
    })?;
    let pdf_sha256 = protocol::sha256_hex(&pdf);
    if pdf_sha256 != request.pdf_sha256 {
        return Err(ApiError::unprocessable(
            codes::HASH_MISMATCH,
            "the PDF does not match its SHA-256 (damaged in transit?)".into(),
            "ไฟล์ PDF ไม่ตรงกับค่าแฮช อาจเสียหายระหว่างส่ง",
        ));
    }
    let audio = match &request.audio {
        None => None,
        Some(a) => {
            let data = STANDARD.decode(&a.data_base64).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    codes::BAD_REQUEST,
                    format!("audio: {e}"),
                    "ไฟล์เสียงเข้ารหัสไม่ถูกต้อง",
                )
            })?;
            if protocol::sha256_hex(&data) != a.sha256 {
                return Err(ApiError::unprocessable(
                    codes::HASH_MISMATCH,
                    "the audio does not match its SHA-256".into(),
                    "ไฟล์เสียงไม่ตรงกับค่าแฮช",
                ));
            }
            Some((a.mime.clone(), data))
        }
    };
    let value: serde_json::Value = serde_json::from_str(record_json).map_err(ApiError::internal)?;
    if let Err(e) = banthuek_core::schema::validate(&value) {
        return Err(ApiError::unprocessable(
            codes::SCHEMA_INVALID,
            e.to_string(),
            "ข้อมูลบันทึกไม่ตรงตามรูปแบบการแลกเปลี่ยนข้อมูล",
        ));
    }
    // Stored as its code, so the central side can restrict who reads the record.
    let classification = match request.classification.as_deref() {
        None => None,
        Some(text) => Some(
            text.parse::<banthuek_core::classification::Classification>()
                .map_err(|e| {
                    ApiError::unprocessable(codes::SCHEMA_INVALID, e, "ชั้นความลับของบันทึกไม่ถูกต้อง")
                })?
                .as_str(),
        ),
    };
    if value.get("record_id").and_then(|v| v.as_str()) != Some(request.record_id.as_str()) {
        return Err(ApiError::unprocessable(
            codes::KEY_MISMATCH,
            "record_id in the record differs from the upload's record_id".into(),
            "รหัสบันทึกในข้อมูลไม่ตรงกับรหัสที่ส่งมา",
        ));
    }
    let device = state
        .store
        .device(device_id)
        .map_err(ApiError::internal)?
        .ok_or_else(unknown_device)?;
    if let Err(reason) = (state.config.verify_pdf)(
        &pdf,
        &device.station_ca_pem,
        record_json,
        &request.record_id,
        request.version,
    ) {
        return Err(ApiError::unprocessable(
            codes::SIGNATURE_INVALID,
            reason,
            "ลายมือชื่อดิจิทัลในไฟล์ PDF ไม่ถูกต้องหรือไม่ได้ออกโดยสถานีที่ลงทะเบียน",
        ));
    }
    let now = Utc::now();
    let receipt = Receipt {
        receipt_id: uuid::Uuid::new_v4().to_string(),
        idempotency_key: key.to_owned(),
        record_id: request.record_id.clone(),
        version: request.version,
        device_id: device_id.to_owned(),
        received_at: now,
        record_sha256: record_sha256.clone(),
        pdf_sha256: pdf_sha256.clone(),
        audio_sha256: request.audio.as_ref().map(|a| a.sha256.clone()),
    };
    let signed = SignedReceipt::sign(&receipt, &state.identity.receipt_key);
    let receipt_json = serde_json::to_string(&signed).map_err(ApiError::internal)?;
    let outcome = state
        .store
        .insert_record(&NewRecord {
            idempotency_key: key,
            record_id: &request.record_id,
            version: request.version,
            device_id,
            received_at: now,
            record_json,
            pdf: &pdf,
            audio: audio.as_ref().map(|(m, d)| (m.as_str(), d.as_slice())),
            record_sha256: &record_sha256,
            pdf_sha256: &pdf_sha256,
            receipt_json: &receipt_json,
            classification,
            juvenile: request.juvenile,
        })
        .map_err(ApiError::internal)?;
    match outcome {
        Insert::Inserted => {
            tracing::info!(key, "central: record accepted");
            Ok((
                StatusCode::CREATED,
                Json(UploadResponse {
                    state: RecordState::Accepted,
                    receipt: signed,
                }),
            )
                .into_response())
        }
        Insert::Existing(existing) => {
            replay_or_conflict(existing, device_id, &record_sha256, &pdf_sha256)
        }
    }
}

async fn record_status(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((record_id, version)): Path<(String, u32)>,
) -> Result<Response, ApiError> {
    let device_id = session_device(&state, &headers)?;
    let key = protocol::idempotency_key(&record_id, version);
    let st = state.clone();
    let existing = blocking(move || st.store.existing(&key).map_err(ApiError::internal)).await?;
    match existing.filter(|e| e.device_id == device_id) {
        Some(existing) => {
            let receipt: SignedReceipt =
                serde_json::from_str(&existing.receipt_json).map_err(ApiError::internal)?;
            Ok(Json(UploadResponse {
                state: RecordState::AlreadyAccepted,
                receipt,
            })
            .into_response())
        }
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            codes::NOT_FOUND,
            "no such record version has been received from this device",
            "ยังไม่ได้รับบันทึกฉบับนี้จากเครื่องนี้",
        )),
    }
}

/// Counts only: the page is for operators and must show no personal data.
async fn status_page(State(state): State<Shared>) -> Result<Html<String>, ApiError> {
    let st = state.clone();
    let stats = blocking(move || st.store.stats().map_err(ApiError::internal)).await?;
    let last = stats
        .last_received_at
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| "—".into());
    Ok(Html(format!(
        "<!doctype html><html lang=\"th\"><head><meta charset=\"utf-8\"><title>Banthuek central</title></head>\
         <body><h1>Banthuek central / ระบบกลางรับบันทึกการจับกุม</h1><table>\
         <tr><th>Enrolled devices / เครื่องที่ลงทะเบียน</th><td id=\"devices\">{}</td></tr>\
         <tr><th>Records accepted / บันทึกที่รับแล้ว</th><td id=\"records\">{}</td></tr>\
         <tr><th>Last received / รับล่าสุด</th><td id=\"last\">{}</td></tr>\
         <tr><th>Certificate SHA-256 / ลายนิ้วมือใบรับรอง</th><td><code>{}</code></td></tr>\
         </table></body></html>",
        stats.devices, stats.records, last, state.identity.fingerprint
    )))
}

/// Serves the API over TLS on `listener` until the process ends.
pub async fn serve(
    listener: TcpListener,
    store: Arc<dyn CentralStore>,
    identity: Identity,
    config: Config,
) -> anyhow::Result<()> {
    let acceptor = tls_acceptor(&identity.tls_cert_pem, &identity.tls_key_pem)?;
    let app = router(store, identity, config);
    loop {
        let (tcp, _) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                // Out of file descriptors and the like: pause rather than spin.
                tracing::warn!(error = %e, "central: accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let cut = Cut::default();
            let stream = CuttableStream {
                inner: tcp,
                cut: cut.0.clone(),
            };
            let Ok(Ok(tls)) =
                tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await
            else {
                return;
            };
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(cut.clone());
                    app.clone().oneshot(request.map(Body::new))
                },
            );
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                .await;
        });
    }
}

fn tls_acceptor(cert_pem: &str, key_pem: &str) -> anyhow::Result<tokio_rustls::TlsAcceptor> {
    use anyhow::Context as _;
    let certs = rustls_pemfile::certs(&mut cert_pem.as_bytes()).collect::<Result<Vec<_>, _>>()?;
    let key =
        rustls_pemfile::private_key(&mut key_pem.as_bytes())?.context("no TLS private key")?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}
