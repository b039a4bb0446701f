//! What happens across the managers when a person logs in or out, when the screen locks, and
//! when settings change: the only place that knows both the session and dictation. The managers
//! are built here once, for the window (each registered with `.manage()`) and for tests (driven
//! with no window).

use crate::contract::{EventSink, Events};
use crate::dictation::DictationManager;
use crate::error::AppResult;
use crate::idcard::CardReading;
use crate::session::SessionManager;
use crate::sync::SyncManager;
use crate::views::{AccountRole, FirstRun, SessionInfo, Settings};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Every manager of the app, over one data home and one event sink.
#[derive(Clone)]
pub struct Managers {
    pub session: Arc<SessionManager>,
    pub dictation: Arc<DictationManager>,
    pub sync: Arc<SyncManager>,
    pub card: Arc<CardReading>,
}

impl Managers {
    pub fn new(home: PathBuf, sink: Arc<dyn EventSink>) -> Managers {
        let events = Events::new(sink);
        let session = Arc::new(SessionManager::new(home, events.clone()));
        Managers {
            dictation: Arc::new(DictationManager::new(session.clone(), events.clone())),
            sync: Arc::new(SyncManager::new(session.clone(), events)),
            card: Arc::new(CardReading::default()),
            session,
        }
    }
}

/// Logs `user` in, after ending what the previous user left running; an officer's speech engine
/// starts loading at once, so the first dictation does not wait for it.
pub fn login(
    session: &SessionManager,
    dictation: &Arc<DictationManager>,
    user: &str,
    password: &str,
) -> AppResult<SessionInfo> {
    dictation.stop_everything();
    let info = session.login(user, password)?;
    if info.role == AccountRole::Officer {
        dictation.prewarm_engine();
    }
    Ok(info)
}

/// First start on this laptop: the station and its administrator, then the administrator
/// logged in. The recovery key is returned to be shown once.
pub fn create_station(
    session: &SessionManager,
    dictation: &Arc<DictationManager>,
    station: &str,
    admin: &str,
    password: &str,
) -> AppResult<FirstRun> {
    let recovery_key = session.create_station(station, admin, password)?;
    let session = login(session, dictation, admin, password)?;
    Ok(FirstRun {
        session,
        recovery_key,
    })
}

/// Ends the session: dictation is finished and stored first, so nothing is lost.
pub fn logout(session: &SessionManager, dictation: &DictationManager) {
    dictation.stop_everything();
    session.end();
}

/// Locks the session when no command has come for the idle time (never while recording).
/// Returns whether it locked.
pub fn check_idle(session: &SessionManager, dictation: &DictationManager, now: Instant) -> bool {
    if dictation.is_dictating() {
        session.touch();
        return false;
    }
    if !session.lock_if_idle(now) {
        return false;
    }
    dictation.stop_everything();
    true
}

/// Starts the idle-lock watcher thread (it ends with the managers).
pub fn watch_idle(session: &Arc<SessionManager>, dictation: &Arc<DictationManager>) {
    let (session, dictation) = (Arc::downgrade(session), Arc::downgrade(dictation));
    let _ = std::thread::Builder::new()
        .name("idle-lock".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_secs(5));
            match (session.upgrade(), dictation.upgrade()) {
                (Some(s), Some(d)) => {
                    check_idle(&s, &d, Instant::now());
                }
                _ => return,
            }
        });
}

/// Saves settings; a changed model drops the warm engine, which has the old one loaded.
pub fn set_settings(
    session: &SessionManager,
    dictation: &DictationManager,
    new: Settings,
) -> AppResult<Settings> {
    let old_model = session.settings().model;
    let saved = session.set_settings(new)?;
    if saved.model != old_model {
        dictation.drop_engine();
    }
    Ok(saved)
}
