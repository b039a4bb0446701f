//! The session manager: the store session of whoever is logged in, who that is as the page
//! shows it, when they last did something (for the idle lock), and this laptop's preferences.
//! It knows nothing of dictation or sync; what must happen to them when a person logs in or
//! out is `lifecycle`'s.

use crate::contract::{Event, Events};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::prefs::Prefs;
use crate::views::{AppInfo, Digits, SessionInfo, SessionLocked, Settings};
use banthuek_store::{Session, Store};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Store settings the app keeps for the whole station (administrators change them).
pub const SETTING_MODEL: &str = "app.model";
pub const SETTING_DIGITS: &str = "app.digits";
pub const SETTING_IDLE_LOCK: &str = "app.idle_lock_minutes";

/// A poisoned lock means a thread panicked mid-update; the data behind these locks stays
/// consistent (the store is transactional), so carry on with it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
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

pub struct SessionManager {
    home: PathBuf,
    events: Events,
    session: Mutex<Option<Session>>,
    /// Who is logged in, as shown to the page (kept beside the session).
    who: Mutex<Option<SessionInfo>>,
    last_activity: Mutex<Instant>,
    prefs: Mutex<Prefs>,
}

impl SessionManager {
    pub fn new(home: PathBuf, events: Events) -> SessionManager {
        SessionManager {
            prefs: Mutex::new(Prefs::load(&home)),
            home,
            events,
            session: Mutex::new(None),
            who: Mutex::new(None),
            last_activity: Mutex::new(Instant::now()),
        }
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn emit<E: Event>(&self, payload: &E) {
        self.events.emit(payload)
    }

    pub fn touch(&self) {
        *lock(&self.last_activity) = Instant::now();
    }

    /// Runs `f` on the logged-in session; counts as activity for the idle lock.
    pub fn with_session<T>(&self, f: impl FnOnce(&mut Session) -> AppResult<T>) -> AppResult<T> {
        self.touch();
        self.with_session_quiet(f)
    }

    /// Like `with_session`, but not user activity (background work must not keep the screen
    /// unlocked).
    pub fn with_session_quiet<T, E: From<AppError>>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut guard = lock(&self.session);
        let session = guard.as_mut().ok_or_else(AppError::locked)?;
        f(session)
    }

    pub fn is_logged_in(&self) -> bool {
        lock(&self.session).is_some()
    }

    pub fn logged_in(&self) -> Option<SessionInfo> {
        if !self.is_logged_in() {
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

    pub fn info(&self) -> AppInfo {
        let p = self.prefs();
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            station: p.station,
            digits: p.digits,
            language: p.language,
            idle_lock_minutes: p.idle_lock_minutes,
            session: self.logged_in(),
            initialised: Store::is_initialised(&self.home),
        }
    }

    /// Opens `user`'s session (a wrong password counts towards that account's lockout).
    pub fn login(&self, user: &str, password: &str) -> AppResult<SessionInfo> {
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
        *lock(&self.session) = Some(session);
        *lock(&self.who) = Some(info.clone());
        self.touch();
        tracing::info!(role = ?info.role, "logged in");
        Ok(info)
    }

    /// First start on this laptop: creates the encrypted store with `admin` as its
    /// administrator and the station's CA (as `banthuek init` does). Returns the recovery key,
    /// to be shown once. Refused when a station exists.
    pub fn create_station(&self, station: &str, admin: &str, password: &str) -> AppResult<String> {
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
        tracing::info!("station created on this laptop");
        Ok(recovery.0)
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

    /// Closes the session. Returns whether one was open.
    pub fn end(&self) -> bool {
        let ended = lock(&self.session).take().is_some();
        if ended {
            tracing::info!("logged out");
        }
        ended
    }

    /// Locks the session when no command has come for the idle time, and tells the page.
    /// Returns whether it locked.
    pub fn lock_if_idle(&self, now: Instant) -> bool {
        let minutes = lock(&self.prefs).idle_lock_minutes.max(1) as u64;
        let idle = now.saturating_duration_since(*lock(&self.last_activity));
        if idle < Duration::from_secs(minutes * 60) {
            return false;
        }
        if lock(&self.session).take().is_none() {
            return false;
        }
        tracing::info!("session locked after {minutes} idle minutes");
        self.emit(&SessionLocked {
            reason: "idle".into(),
        });
        true
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
