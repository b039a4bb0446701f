//! The app's state, without a window: the store session, the speech engine and dictation, the
//! microphone test, sync, and this laptop's preferences. The Tauri layer (`commands`) holds one
//! `Arc<App>` and turns each call into a method call here off the main thread; events go out
//! through an [`EventSink`], so tests run all of this against a real store with no window.

use crate::contract::Event;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::prefs::Prefs;
use crate::views::{
    Digits, EngineState, EngineStatus, FirstRun, SessionInfo, SessionLocked, Settings,
};
use banthuek_speech::models::{ModelKind, ModelStore};
use banthuek_speech::supervisor::{Supervisor, WorkerCommand};
use banthuek_store::{Session, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Where events go: the window in the app, a list in tests.
pub trait EventSink: Send + Sync + 'static {
    fn emit(&self, event: &str, payload: Value);
}

/// Store settings the app keeps for the whole station (administrators change them).
pub const SETTING_MODEL: &str = "app.model";
pub const SETTING_DIGITS: &str = "app.digits";
pub const SETTING_IDLE_LOCK: &str = "app.idle_lock_minutes";

pub struct App {
    pub home: PathBuf,
    pub models_dir: PathBuf,
    sink: Arc<dyn EventSink>,
    session: Mutex<Option<Session>>,
    /// Who is logged in, as shown to the page (kept beside the session).
    who: Mutex<Option<SessionInfo>>,
    last_activity: Mutex<Instant>,
    pub(crate) prefs: Mutex<Prefs>,
    /// A loaded engine waiting for the next dictation, so speaking starts without a model load.
    engine: Mutex<Option<Supervisor>>,
    warming: AtomicBool,
    pub(crate) dictation: Mutex<Option<crate::dictation::Active>>,
    /// Held while a dictation is being stopped, so a logout that comes meanwhile waits until the
    /// recording is stored (else the session would be gone and the recording look like a crash).
    pub(crate) stopping: Mutex<()>,
    pub(crate) mic_test: Mutex<Option<crate::dictation::MicTest>>,
    pub(crate) sync: crate::sync::SyncState,
}

/// A poisoned lock means a thread panicked mid-update; the data behind these locks stays
/// consistent (the store is transactional), so carry on with it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Where models live: BANTHUEK_MODELS, else `<home>/models` (as the CLI), else the source tree's
/// `models/` (a developer's checkout).
pub fn models_dir(home: &Path) -> PathBuf {
    if let Some(d) = std::env::var_os("BANTHUEK_MODELS") {
        return PathBuf::from(d);
    }
    let in_home = home.join("models");
    if in_home.is_dir() {
        return in_home;
    }
    let in_tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    if in_tree.is_dir() {
        return in_tree;
    }
    in_home
}

/// The data home: BANTHUEK_HOME, else the same default as the CLI.
pub fn default_home() -> PathBuf {
    if let Some(h) = std::env::var_os("BANTHUEK_HOME") {
        return PathBuf::from(h);
    }
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("banthuek")
}

/// How to start the speech worker: BANTHUEK_ENGINE, else `banthuek-engine` beside this program,
/// else this program itself with the `engine` argument (see `crate::main`).
pub fn worker_command() -> AppResult<WorkerCommand> {
    if let Some(p) = std::env::var_os("BANTHUEK_ENGINE") {
        return Ok(WorkerCommand {
            program: PathBuf::from(p),
            args: Vec::new(),
        });
    }
    let exe = std::env::current_exe()?;
    let beside = exe.with_file_name(if cfg!(windows) {
        "banthuek-engine.exe"
    } else {
        "banthuek-engine"
    });
    if beside.is_file() {
        return Ok(WorkerCommand {
            program: beside,
            args: Vec::new(),
        });
    }
    Ok(WorkerCommand::current_exe_engine()?)
}

fn engine_status(state: EngineState, en: &str, th: &str) -> EngineStatus {
    EngineStatus {
        state,
        en: en.to_owned(),
        th: th.to_owned(),
    }
}

impl App {
    pub fn new(home: PathBuf, sink: Arc<dyn EventSink>) -> Arc<App> {
        let prefs = Prefs::load(&home);
        Arc::new(App {
            models_dir: models_dir(&home),
            home,
            sink,
            session: Mutex::new(None),
            who: Mutex::new(None),
            last_activity: Mutex::new(Instant::now()),
            prefs: Mutex::new(prefs),
            engine: Mutex::new(None),
            warming: AtomicBool::new(false),
            dictation: Mutex::new(None),
            stopping: Mutex::new(()),
            mic_test: Mutex::new(None),
            sync: Default::default(),
        })
    }

    /// Sends `payload` to the page under its event's name ([`Event::NAME`]).
    pub fn emit<E: Event>(&self, payload: &E) {
        match serde_json::to_value(payload) {
            Ok(v) => self.sink.emit(E::NAME, v),
            Err(e) => tracing::warn!("event {} not serialisable: {e}", E::NAME),
        }
    }

    pub fn touch(&self) {
        *lock(&self.last_activity) = Instant::now();
    }

    /// Runs `f` on the logged-in session; counts as activity for the idle lock.
    pub fn with_session<T>(&self, f: impl FnOnce(&mut Session) -> AppResult<T>) -> AppResult<T> {
        self.touch();
        let mut guard = lock(&self.session);
        let session = guard.as_mut().ok_or_else(AppError::locked)?;
        f(session)
    }

    pub(crate) fn session_lock(&self) -> &Mutex<Option<Session>> {
        &self.session
    }

    pub fn logged_in(&self) -> Option<SessionInfo> {
        if lock(&self.session).is_none() {
            return None;
        }
        lock(&self.who).clone()
    }

    pub fn prefs(&self) -> Prefs {
        lock(&self.prefs).clone()
    }

    pub fn update_prefs(&self, f: impl FnOnce(&mut Prefs)) -> AppResult<()> {
        let mut p = lock(&self.prefs);
        f(&mut p);
        p.save(&self.home)?;
        Ok(())
    }

    pub fn login(self: &Arc<Self>, user: &str, password: &str) -> AppResult<SessionInfo> {
        self.stop_everything();
        let locked = Store::open(&self.home)?;
        let session = locked.unlock(user.trim(), password)?;
        let display_name = session
            .list_users()?
            .into_iter()
            .find(|u| u.name == session.user())
            .map(|u| {
                [u.rank, u.full_name]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|s| !s.is_empty());
        let info = SessionInfo {
            user: session.user().to_owned(),
            role: session.role().into(),
            display_name,
        };
        self.mirror_station_settings(&session)?;
        let officer = session.role() == banthuek_core::Role::Officer;
        *lock(&self.session) = Some(session);
        *lock(&self.who) = Some(info.clone());
        self.touch();
        tracing::info!(role = ?info.role, "logged in");
        if officer {
            self.prewarm_engine();
        }
        Ok(info)
    }

    /// First start on this laptop: creates the encrypted store with `admin` as its
    /// administrator and the station's CA (as `banthuek init` does), then logs the administrator
    /// in. The recovery key is returned to be shown once. Refused when a station exists.
    pub fn create_station(
        self: &Arc<Self>,
        station: &str,
        admin: &str,
        password: &str,
    ) -> AppResult<FirstRun> {
        let station = station.trim();
        if station.is_empty() {
            return Err(AppError::new(
                ErrorCode::StationRequired,
                "Enter the station's name",
                "กรุณาใส่ชื่อสถานี",
            ));
        }
        // Test harnesses make key derivation cheap (as for the CLI); stations use the default.
        let kdf = match std::env::var("BANTHUEK_KDF") {
            Ok(v) => banthuek_store::KdfParams::parse(&v).ok_or_else(|| {
                AppError::new(
                    ErrorCode::BadKdf,
                    format!("BANTHUEK_KDF must be M_KIB,T,P, got '{v}'"),
                    format!("BANTHUEK_KDF ต้องเป็น M_KIB,T,P ได้ '{v}'"),
                )
            })?,
            Err(_) => banthuek_store::KdfParams::default(),
        };
        let opts = banthuek_store::StoreOptions {
            kdf,
            policy: Default::default(),
        };
        let (mut session, recovery) = Store::init(&self.home, admin.trim(), password, opts)?;
        banthuek_station::create_station_ca(&mut session, station)?;
        drop(session);
        tracing::info!("station created on this laptop");
        let session = self.login(admin, password)?;
        Ok(FirstRun {
            session,
            recovery_key: recovery.0,
        })
    }

    /// Copies the station settings (and the station's name) to the preferences file, so the
    /// login screen shows them while the store is locked.
    fn mirror_station_settings(&self, session: &Session) -> AppResult<()> {
        let digits = match session.setting(SETTING_DIGITS)?.as_deref() {
            Some("arabic") => Digits::Arabic,
            _ => Digits::Thai,
        };
        let idle = session
            .setting(SETTING_IDLE_LOCK)?
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or_else(crate::views::default_idle_lock);
        let model = session.setting(SETTING_MODEL)?;
        let station = banthuek_station::station_ca_pem(session)
            .ok()
            .and_then(|pem| station_name(&pem));
        self.update_prefs(|p| {
            p.digits = digits;
            p.idle_lock_minutes = idle;
            p.model = model;
            if station.is_some() {
                p.station = station;
            }
        })
    }

    /// Ends the session: dictation is finished and stored first, so nothing is lost.
    pub fn logout(&self) {
        self.stop_everything();
        if lock(&self.session).take().is_some() {
            tracing::info!("logged out");
        }
    }

    fn stop_everything(&self) {
        if let Err(e) = self.stop_dictation() {
            tracing::warn!("stopping dictation at logout: {e}");
        }
        self.stop_mic_test();
        *lock(&self.engine) = None;
    }

    /// Locks the session when no command has come for the idle time (never while recording).
    /// Returns whether it locked.
    pub fn check_idle(&self, now: Instant) -> bool {
        if lock(&self.dictation).is_some() {
            self.touch();
            return false;
        }
        let minutes = lock(&self.prefs).idle_lock_minutes.max(1) as u64;
        let idle = now.saturating_duration_since(*lock(&self.last_activity));
        if idle < Duration::from_secs(minutes * 60) {
            return false;
        }
        if lock(&self.session).take().is_none() {
            return false;
        }
        self.stop_mic_test();
        *lock(&self.engine) = None;
        tracing::info!("session locked after {minutes} idle minutes");
        self.emit(&SessionLocked {
            reason: "idle".into(),
        });
        true
    }

    /// Starts the idle-lock watcher thread.
    pub fn watch_idle(self: &Arc<Self>) {
        let app = Arc::downgrade(self);
        let _ = std::thread::Builder::new()
            .name("idle-lock".into())
            .spawn(move || loop {
                std::thread::sleep(Duration::from_secs(5));
                match app.upgrade() {
                    Some(a) => {
                        a.check_idle(Instant::now());
                    }
                    None => return,
                }
            });
    }

    pub fn settings(&self) -> Settings {
        let p = self.prefs();
        Settings {
            microphone: p.microphone,
            model: p.model,
            digits: p.digits,
            idle_lock_minutes: p.idle_lock_minutes,
            language: p.language,
        }
    }

    /// Saves settings. Microphone and language belong to this laptop; model, digits and idle
    /// lock are station settings in the store, which only an administrator may change.
    pub fn set_settings(&self, new: Settings) -> AppResult<Settings> {
        let old = self.settings();
        if !(1..=240).contains(&new.idle_lock_minutes) {
            return Err(AppError::new(
                ErrorCode::BadSetting,
                "Idle lock must be between 1 and 240 minutes",
                "เวลาล็อกหน้าจออัตโนมัติต้องอยู่ระหว่าง 1 ถึง 240 นาที",
            ));
        }
        let station_changed = new.model != old.model
            || new.digits != old.digits
            || new.idle_lock_minutes != old.idle_lock_minutes;
        if station_changed {
            self.with_session(|s| {
                if new.model != old.model {
                    s.set_setting(SETTING_MODEL, new.model.as_deref().unwrap_or(""))?;
                }
                if new.digits != old.digits {
                    let d = match new.digits {
                        Digits::Thai => "thai",
                        Digits::Arabic => "arabic",
                    };
                    s.set_setting(SETTING_DIGITS, d)?;
                }
                if new.idle_lock_minutes != old.idle_lock_minutes {
                    s.set_setting(SETTING_IDLE_LOCK, &new.idle_lock_minutes.to_string())?;
                }
                Ok(())
            })?;
            if new.model != old.model {
                // The warm engine has the old model loaded.
                *lock(&self.engine) = None;
            }
        }
        self.update_prefs(|p| {
            p.microphone = new.microphone.clone().filter(|m| !m.is_empty());
            p.language = new.language;
            p.model = new.model.clone().filter(|m| !m.is_empty());
            p.digits = new.digits;
            p.idle_lock_minutes = new.idle_lock_minutes;
        })?;
        self.touch();
        Ok(self.settings())
    }

    pub fn model_store(&self) -> AppResult<ModelStore> {
        Ok(ModelStore::open(&self.models_dir)?)
    }

    /// Name of the model dictation uses: the station's choice, else the manifest's default.
    pub fn model_name(&self) -> AppResult<String> {
        if let Some(m) = self.prefs().model {
            return Ok(m);
        }
        let store = self.model_store()?;
        store
            .manifest()
            .default_of(ModelKind::Whisper)
            .map(|m| m.name.clone())
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::NoModel,
                    "No speech model is installed",
                    "ยังไม่ได้ติดตั้งโมเดลรู้จำเสียง",
                )
            })
    }

    /// Loads a fresh engine (blocking: a second or two), reporting it as engine-status events.
    pub fn start_engine(&self) -> AppResult<Supervisor> {
        self.emit(&engine_status(
            EngineState::Loading,
            "Loading the speech model…",
            "กำลังโหลดโมเดลรู้จำเสียง…",
        ));
        let result = (|| {
            let store = self.model_store()?;
            let model = store.resolve(Some(&self.model_name()?), ModelKind::Whisper)?;
            let vad = store.resolve(None, ModelKind::Vad).ok();
            Ok::<_, AppError>(Supervisor::start(
                worker_command()?,
                &model,
                vad.as_deref(),
            )?)
        })();
        match &result {
            Ok(_) => self.emit(&engine_status(
                EngineState::Ready,
                "Speech engine ready",
                "พร้อมรับเสียงพูด",
            )),
            Err(e) => self.emit(&engine_status(
                EngineState::Crashed,
                &format!("The speech engine could not start: {}", e.en),
                &format!("เริ่มเครื่องมือรู้จำเสียงไม่ได้: {}", e.th),
            )),
        }
        result
    }

    pub fn engine_crashed(&self, status: &str) {
        self.emit(&engine_status(
            EngineState::Restarted,
            &format!("The speech engine stopped ({status}) and was restarted; nothing was lost"),
            "เครื่องมือรู้จำเสียงหยุดทำงานและเริ่มใหม่แล้ว ไม่มีข้อมูลสูญหาย",
        ));
    }

    /// The warm engine if there is one, else a fresh one.
    pub fn take_engine(&self) -> AppResult<Supervisor> {
        if let Some(e) = lock(&self.engine).take() {
            return Ok(e);
        }
        self.start_engine()
    }

    pub fn give_back_engine(&self, engine: Supervisor) {
        if lock(&self.session).is_some() {
            *lock(&self.engine) = Some(engine);
        }
    }

    /// Loads an engine in the background so the next dictation starts at once.
    pub fn prewarm_engine(self: &Arc<Self>) {
        if lock(&self.engine).is_some() || self.warming.swap(true, Ordering::SeqCst) {
            return;
        }
        let app = self.clone();
        let _ = std::thread::Builder::new()
            .name("engine-warmup".into())
            .spawn(move || {
                if let Ok(engine) = app.start_engine() {
                    if lock(&app.dictation).is_none() {
                        app.give_back_engine(engine);
                    }
                }
                app.warming.store(false, Ordering::SeqCst);
            });
    }
}

/// The station's name: the common name of its CA certificate, less the suffix the document
/// crate adds (`<station> Banthuek Station CA`).
fn station_name(pem: &str) -> Option<String> {
    use x509_cert::der::DecodePem;
    let cert = x509_cert::Certificate::from_pem(pem.as_bytes()).ok()?;
    let subject = cert.tbs_certificate.subject.to_string();
    subject
        .split(',')
        .find_map(|part| part.trim().strip_prefix("CN="))
        .map(|cn| cn.trim_end_matches(" Banthuek Station CA").to_owned())
}
