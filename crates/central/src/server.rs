//! The HTTPS server: enrolment, sessions, upload, status query and a small status page.
//!
//! Handlers do their blocking work (the database, PAdES verification) on tokio's blocking pool. Every
//! upload is checked in this order, and nothing is stored unless all pass: session (from the
//! headers, before a byte of the body is read) → idempotency key header → body size → body →
//! idempotency key → PDF and audio hashes → classification → (replay? the same receipt when
//! everything is the same, 409 otherwise) → exchange-format schema → PAdES signatures against the
//! device's station CA and the embedded record → the device's audit anchor (no older than the
//! newest it sent) → insert-if-absent → signed receipt (which signs the anchor).
//!
//! Every answer other than a success is an [`ErrorBody`] with a status the OpenAPI document
//! (docs/sync-openapi.yaml) lists, unknown paths and methods included, and every refusal is
//! logged with its status and code only (a reason may quote the record).

use crate::identity::Identity;
use crate::session;
use crate::storage::{AnchorOutcome, CentralStore, Device, Existing, Insert, NewRecord};
use crate::verify::PdfVerifier;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use banthuek_sync::protocol::{
    self, codes, CredentialClaims, EnrolRequest, EnrolResponse, ErrorBody, Receipt, RecordState,
    RenewResponse, SessionResponse, SignedReceipt, UploadRequest, UploadResponse,
    IDEMPOTENCY_HEADER,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::Utc;
use http_body_util::BodyExt as _;
use rand::Rng as _;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
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

    fn bad_request(reason: String, reason_th: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::BAD_REQUEST,
            reason,
            reason_th,
        )
    }

    fn too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::TOO_LARGE,
            format!("the body is larger than this receiver accepts ({limit} bytes)"),
            "ข้อมูลที่ส่งมีขนาดใหญ่เกินกว่าที่ระบบกลางรับได้",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Status and code only: a reason may quote the record (names, ID numbers).
        if self.status.is_client_error() {
            tracing::warn!(
                status = self.status.as_u16(),
                code = %self.body.code,
                "central: request refused"
            );
        }
        (self.status, Json(self.body)).into_response()
    }
}

/// The largest enrolment body: a code, a label and a certificate or two.
pub const MAX_ENROL_BYTES: usize = 256 * 1024;

/// Reads a body of at most `limit` bytes. One that declares a larger `Content-Length` is refused
/// before any of it is read; one that turns out larger is refused when it passes the limit.
async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::too_large(limit));
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        if e.into_inner()
            .downcast_ref::<http_body_util::LengthLimitError>()
            .is_some()
        {
            ApiError::too_large(limit)
        } else {
            ApiError::bad_request(
                "the request body could not be read".into(),
                "อ่านข้อมูลที่ส่งมาไม่ได้",
            )
        }
    })
}

/// The device of a valid session, put into the request by [`require_session`].
#[derive(Clone)]
struct SessionDevice(String);

/// Checks the session token in `Authorization` from the headers alone, before any handler runs:
/// a request without a valid session is answered 401 without its body being read.
async fn require_session(
    State(state): State<Shared>,
    mut request: Request,
    next: Next,
) -> Response {
    match session_device(&state, request.headers()) {
        Ok(device) => {
            request.extensions_mut().insert(SessionDevice(device));
            next.run(request).await
        }
        Err(refusal) => refuse_unread(request.into_body(), state.config.max_upload_bytes, refusal),
    }
}

/// Answers `refusal` without having read `body`. The body is then discarded as it arrives (never
/// kept: memory stays flat), up to `limit` bytes and 30 s, so that a client still sending reads
/// the answer instead of a connection reset.
fn refuse_unread(body: Body, limit: usize, refusal: ApiError) -> Response {
    tokio::spawn(async move {
        let mut body = body;
        let mut seen = 0usize;
        let drain = async {
            while seen <= limit {
                match body.frame().await {
                    Some(Ok(frame)) => seen += frame.data_ref().map_or(0, |d| d.len()),
                    _ => break,
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(30), drain).await;
    });
    refusal.into_response()
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
    let chaos_on = config.chaos.active();
    let state: Shared = Arc::new(AppState {
        store,
        identity,
        config,
    });
    // Faults are injected into the record traffic only: enrolment is a one-time step every fault
    // test must get through first, and a failed one would only fail the test's set-up.
    let with_session = Router::new()
        .route("/v1/records", post(upload))
        .route(
            "/v1/records/{record_id}/versions/{version}",
            get(record_status),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            require_session,
        ));
    let mut api = Router::new()
        .route("/v1/session", post(open_session))
        .route("/v1/credential", post(renew_credential))
        .merge(with_session);
    if chaos_on {
        api = api.layer(middleware::from_fn_with_state(state.clone(), chaos));
    }
    Router::new()
        .merge(api)
        .route("/v1/enrol", post(enrol))
        .route("/", get(status_page))
        .route("/v1/health", get(|| async { "ok" }))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                codes::NOT_FOUND,
                "no such path in the sync API (docs/sync-openapi.yaml)",
                "ไม่มีเส้นทางนี้ใน API การส่งข้อมูล",
            )
        })
        // After every route: it applies to the routes registered so far. axum adds `Allow`.
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                codes::METHOD_NOT_ALLOWED,
                "this path does not take this method; see the Allow header",
                "เส้นทางนี้ไม่รองรับวิธีเรียกนี้",
            )
        })
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

async fn enrol(State(state): State<Shared>, request: Request) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let body = read_body(body, &parts.headers, MAX_ENROL_BYTES).await?;
    let request: EnrolRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!("bad enrolment request: {e}"), "คำขอลงทะเบียนไม่ถูกต้อง")
    })?;
    if banthuek_document::pki::certs_from_pem_or_der(request.station_ca_pem.as_bytes())
        .map(|c| c.is_empty())
        .unwrap_or(true)
    {
        return Err(ApiError::unprocessable(
            codes::STATION_CA_INVALID,
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

/// The token of an `Authorization: Bearer …` header; the scheme name is case-insensitive
/// (RFC 9110, 11.1).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim_start().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn unknown_device() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        codes::UNKNOWN_DEVICE,
        "this device is not enrolled with this central system",
        "เครื่องนี้ยังไม่ได้ลงทะเบียนกับระบบกลางนี้",
    )
}

/// The device a current credential in `Authorization` speaks for: signed by this deployment,
/// device enrolled and not revoked, not expired (the stored expiry rules; the signed one is a
/// ceiling).
async fn credential_device(
    state: &Shared,
    headers: &HeaderMap,
) -> Result<(CredentialClaims, Device), ApiError> {
    let token = bearer(headers).ok_or_else(unknown_device)?.to_owned();
    let claims = protocol::verify_credential(&token, state.identity.receipt_key.verifying_key())
        .map_err(|_| unknown_device())?;
    let st = state.clone();
    let device_id = claims.device_id.clone();
    let device = blocking(move || st.store.device(&device_id).map_err(ApiError::internal)).await?;
    let Some(device) = device.filter(|d| !d.revoked) else {
        return Err(unknown_device());
    };
    let expires = device.credential_expires_at.min(claims.expires_at);
    if expires <= Utc::now() {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            codes::CREDENTIAL_EXPIRED,
            format!("this device's credential expired at {expires}; enrol it again"),
            "ใบรับรองของเครื่องนี้หมดอายุแล้ว ต้องลงทะเบียนเครื่องใหม่",
        ));
    }
    Ok((claims, device))
}

async fn open_session(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, device) = credential_device(&state, &headers).await?;
    let ttl = state.config.session_ttl;
    // Signed, not remembered: any receiver of this deployment accepts it (crate::session).
    let ends = Utc::now() + chrono::Duration::from_std(ttl).map_err(ApiError::internal)?;
    let access_token = session::issue(&device.device_id, ends, &state.identity.receipt_key);
    Ok(Json(SessionResponse {
        access_token,
        expires_in_secs: ttl.as_secs(),
    })
    .into_response())
}

/// A new credential before the current one expires, with the same lifetime from now; the device
/// row's expiry follows. No enrolment code is needed; a revoked or expired device gets nothing.
async fn renew_credential(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (claims, device) = credential_device(&state, &headers).await?;
    let now = Utc::now();
    let lifetime = (claims.expires_at - claims.issued_at).max(chrono::Duration::zero());
    let renewed = CredentialClaims {
        device_id: device.device_id.clone(),
        issued_at: now,
        expires_at: now + lifetime,
    };
    let st = state.clone();
    let (device_id, expires_at) = (renewed.device_id.clone(), renewed.expires_at);
    blocking(move || {
        st.store
            .set_credential_expiry(&device_id, expires_at)
            .map_err(ApiError::internal)
    })
    .await?;
    tracing::info!(device_id = %renewed.device_id, "central: credential renewed");
    Ok(Json(RenewResponse {
        credential: protocol::sign_credential(&renewed, &state.identity.receipt_key),
        credential_expires_at: renewed.expires_at,
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
    session::check(
        token,
        state.identity.receipt_key.verifying_key(),
        Utc::now(),
    )
    .ok_or_else(invalid)
}

/// What an upload sent, as far as a replay must repeat it to get the stored receipt.
struct Sent<'a> {
    device_id: &'a str,
    record_sha256: &'a str,
    pdf_sha256: &'a str,
    audio_sha256: Option<&'a str>,
    classification: Option<&'a str>,
    juvenile: bool,
}

/// The stored receipt when `sent` is what was stored under the key, 409 when anything differs:
/// the device, the record, the PDF, the audio, the classification or the juvenile mark.
fn replay_or_conflict(existing: Existing, sent: &Sent<'_>) -> Result<Response, ApiError> {
    let receipt: Option<SignedReceipt> = serde_json::from_str(&existing.receipt_json).ok();
    let stored_audio = receipt
        .as_ref()
        .and_then(|r| serde_json::from_str::<Receipt>(&r.payload).ok())
        .and_then(|r| r.audio_sha256);
    let same = existing.device_id == sent.device_id
        && existing.record_sha256 == sent.record_sha256
        && existing.pdf_sha256 == sent.pdf_sha256
        && stored_audio.as_deref() == sent.audio_sha256
        && existing.classification.as_deref() == sent.classification
        && existing.juvenile == sent.juvenile;
    let (true, Some(receipt)) = (same, receipt) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            codes::CONFLICT,
            "this record version was already received with different content",
            "บันทึกฉบับนี้เคยได้รับแล้วแต่เนื้อหาไม่ตรงกัน",
        ));
    };
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
    Extension(SessionDevice(device_id)): Extension<SessionDevice>,
    request: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let Some(header_key) = parts
        .headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return Ok(refuse_unread(
            body,
            state.config.max_upload_bytes,
            ApiError::bad_request(
                format!("the {IDEMPOTENCY_HEADER} header is missing"),
                "ไม่มีคีย์ป้องกันการส่งซ้ำในส่วนหัวของคำขอ",
            ),
        ));
    };
    let body = read_body(body, &parts.headers, state.config.max_upload_bytes).await?;
    let request: UploadRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            format!("the upload is not well-formed: {e}"),
            "ข้อมูลที่ส่งมามีรูปแบบไม่ถูกต้อง",
        )
    })?;
    drop(body);
    if request.version == 0 {
        return Err(ApiError::bad_request(
            "version must be 1 or more".into(),
            "ฉบับที่ต้องเริ่มจาก 1",
        ));
    }
    let expected_key = protocol::idempotency_key(&request.record_id, request.version);
    if request.idempotency_key != expected_key || header_key != expected_key {
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
    let pdf = STANDARD
        .decode(&request.pdf_base64)
        .map_err(|e| ApiError::bad_request(format!("pdf_base64: {e}"), "ไฟล์ PDF เข้ารหัสไม่ถูกต้อง"))?;
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
                ApiError::bad_request(format!("audio: {e}"), "ไฟล์เสียงเข้ารหัสไม่ถูกต้อง")
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
    // Stored as its code, so the central side can restrict who reads the record. The wire
    // carries the code only (unclassified, secret, top_secret), as the OpenAPI document says.
    let classification = match request.classification.as_deref() {
        None => None,
        Some(text) => Some(
            banthuek_core::classification::Classification::ALL
                .into_iter()
                .map(|c| c.as_str())
                .find(|code| *code == text)
                .ok_or_else(|| {
                    ApiError::unprocessable(
                        codes::SCHEMA_INVALID,
                        "classification: use unclassified, secret or top_secret".into(),
                        "ชั้นความลับของบันทึกไม่ถูกต้อง",
                    )
                })?,
        ),
    };
    let sent = Sent {
        device_id,
        record_sha256: &record_sha256,
        pdf_sha256: &pdf_sha256,
        audio_sha256: request.audio.as_ref().map(|a| a.sha256.as_str()),
        classification,
        juvenile: request.juvenile,
    };
    // A replay gets the receipt already given, without doing the checks again.
    if let Some(existing) = state.store.existing(key).map_err(ApiError::internal)? {
        return replay_or_conflict(existing, &sent);
    }
    let value: serde_json::Value = serde_json::from_str(record_json).map_err(ApiError::internal)?;
    if let Err(e) = banthuek_core::schema::validate(&value) {
        return Err(ApiError::unprocessable(
            codes::SCHEMA_INVALID,
            e.to_string(),
            "ข้อมูลบันทึกไม่ตรงตามรูปแบบการแลกเปลี่ยนข้อมูล",
        ));
    }
    // The signing rules' input limits hold here too: a PDF signed outside our signer may carry
    // what ours refuses (a quantity of −5, a direction override in a name). The problems name
    // fields, never their values.
    let problems = banthuek_core::ArrestRecord::from_value(value.clone())
        .map(|record| banthuek_core::check_input(&record))
        .map_err(|e| e.to_string());
    match problems {
        Ok(problems) if problems.is_empty() => {}
        Ok(problems) => {
            let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
            return Err(ApiError::unprocessable(
                codes::SCHEMA_INVALID,
                reasons.join("; "),
                "ข้อมูลบันทึกเกินขอบเขตที่รับได้ (ขนาด ความยาว อักขระ หรือช่วงของตัวเลข)",
            ));
        }
        Err(reason) => {
            return Err(ApiError::unprocessable(
                codes::SCHEMA_INVALID,
                reason,
                "ข้อมูลบันทึกไม่ตรงตามรูปแบบการแลกเปลี่ยนข้อมูล",
            ))
        }
    }
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
        .filter(|d| !d.revoked)
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
    if let Some(anchor) = &request.audit_anchor {
        let outcome = state
            .store
            .advance_audit_anchor(device_id, anchor.sequence, &anchor.hash)
            .map_err(ApiError::internal)?;
        let refusal = |reason: String| {
            tracing::warn!(device_id, "central: audit anchor refused");
            ApiError::new(
                StatusCode::CONFLICT,
                codes::AUDIT_ROLLBACK,
                reason,
                "บันทึกการตรวจสอบของเครื่องนี้ย้อนกลับหรือถูกแก้ไข (เช่น กู้คืนจากสำเนาเก่า) ติดต่อผู้ดูแลระบบ",
            )
        };
        match outcome {
            AnchorOutcome::Accepted => {}
            AnchorOutcome::Older { held } => {
                return Err(refusal(format!(
                    "this device's audit chain ends at entry {} but it already sent entry {held}: \
                     the laptop was rolled back or its audit log cut; ask the administrator",
                    anchor.sequence
                )))
            }
            AnchorOutcome::Forked => {
                return Err(refusal(format!(
                    "audit entry {} differs from the one this device sent before: the audit log \
                     was rewritten; ask the administrator",
                    anchor.sequence
                )))
            }
        }
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
        audit_anchor: request.audit_anchor.clone(),
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
        Insert::Existing(existing) => replay_or_conflict(existing, &sent),
    }
}

async fn record_status(
    State(state): State<Shared>,
    Extension(SessionDevice(device_id)): Extension<SessionDevice>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let bad_path = || {
        ApiError::bad_request(
            "the path must be /v1/records/{record_id}/versions/{version} with a version from 1 to 4294967295".into(),
            "รูปแบบเส้นทางไม่ถูกต้อง ฉบับที่ต้องเป็นตัวเลขตั้งแต่ 1 ขึ้นไป",
        )
    };
    let Path((record_id, version)) = path.map_err(|_| bad_path())?;
    let version = version
        .parse::<u32>()
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(bad_path)?;
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
