//! The Banthuek desktop app: a Tauri 2 shell over the library crates. Its state is three
//! managers, each registered with `.manage()` (built together in [`lifecycle::Managers`]):
//! [`session::SessionManager`] (the store session, who is logged in, the idle lock,
//! preferences), [`dictation::DictationManager`] (the speech engine, the dictation in progress,
//! the microphone test) and [`sync::SyncManager`], plus the ID-card read ([`idcard`]);
//! [`lifecycle`] is what logging in and out does to more than one of them. [`commands`] are the
//! thin Tauri entry points; [`views`] are the types the page sees, exported to TypeScript by
//! [`bindings`].
//!
//! Modules depend on each other in one direction only, lower first (`tests/modules.rs` checks
//! it): `error` → `views` → `contract`, `prefs`, `records` → `models`, `session` →
//! `dictation`, `sync`, `idcard` → `bindings`, `lifecycle` → `commands` → this file.

pub mod bindings;
pub mod commands;
pub mod contract;
pub mod dictation;
pub mod error;
pub mod idcard;
pub mod lifecycle;
pub mod models;
pub mod prefs;
pub mod records;
pub mod session;
pub mod sync;
pub mod views;

use contract::EventSink;
use lifecycle::Managers;
use std::process::ExitCode;
use std::sync::Arc;
use tauri::{Emitter, Manager};

/// Events go to every window of the app.
struct WindowEvents(tauri::AppHandle);

impl EventSink for WindowEvents {
    fn emit(&self, event: &str, payload: serde_json::Value) {
        if let Err(e) = self.0.emit(event, payload) {
            tracing::warn!("event {event} not delivered: {e}");
        }
    }
}

/// Registers the commands and lists their names in one place: `COMMANDS` is what the page's
/// generated `Command` type holds.
macro_rules! commands {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// Every command the page may call (generated into `ui/src/bindings/commands.ts`).
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$name),*]
        }
    };
}

commands! {
    commands::quit,
    commands::app_info,
    commands::login,
    commands::create_station,
    commands::logout,
    commands::activity,
    commands::list_records,
    commands::new_record,
    commands::get_record,
    commands::set_classification,
    commands::access_report,
    commands::save_record,
    commands::confirm_field,
    commands::confirm_all,
    commands::history,
    commands::start_dictation,
    commands::stop_dictation,
    commands::field_audio,
    commands::sign_and_submit,
    commands::review_queue,
    commands::return_record,
    commands::approve_and_countersign,
    commands::record_pdf,
    commands::sync_status,
    commands::sync_now,
    commands::retry,
    commands::get_settings,
    commands::set_settings,
    commands::list_microphones,
    commands::mic_test,
    commands::list_models,
    commands::pending_resume,
    commands::resume,
    commands::discard_resume,
    idcard::idcard_read,
    idcard::idcard_fill,
    idcard::idcard_cancel,
}

/// Has WebKitGTK paint the page without its GL compositor, unless the environment already says
/// (`WEBKIT_DISABLE_COMPOSITING_MODE=0` keeps it). Where the laptop has no working GPU driver
/// the compositor renders every frame of the whole window in software: while the officer spoke,
/// the level meter and the arriving text kept the page at 80–110 % of a core (Xvfb, Mesa's
/// software GL), taken from the speech engine; painting only what changed, 6 %
/// (`tests/e2e/bench.mjs`). A form, its text and the PDF preview's canvas need no compositor.
/// Set before the window (and its web process, which inherits it) exists. (WebKitWebDriver's
/// screenshot then waits for the page's next paint: see `tests/e2e/lib/webdriver.mjs`.)
fn paint_without_compositing() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if cfg!(target_os = "linux") && std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
        tracing::info!("WebKit paints without its compositor ({VAR}=1)");
    }
}

pub fn main() -> ExitCode {
    // The same program is the speech worker when started with `engine` (see dictation::worker_command).
    if std::env::args().nth(1).as_deref() == Some("engine") {
        return match banthuek_speech::worker::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("speech worker: {e}");
                ExitCode::FAILURE
            }
        };
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BANTHUEK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    paint_without_compositing();
    let built = tauri::Builder::default()
        .setup(|app| {
            let sink = Arc::new(WindowEvents(app.handle().clone()));
            let managers = Managers::new(session::default_home(), sink);
            lifecycle::watch_idle(&managers.session, &managers.dictation);
            app.manage(managers.session);
            app.manage(managers.dictation);
            app.manage(managers.sync);
            app.manage(managers.card);
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing asks the page first: it saves what is pending and warns when something
            // still is not saved; it then calls `quit`.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                if let Err(e) = window.emit(
                    <contract::CloseRequested as contract::Event>::NAME,
                    contract::CloseRequested,
                ) {
                    tracing::warn!("close-requested not delivered: {e}");
                    window.app_handle().exit(0);
                }
            }
        })
        .invoke_handler(invoke_handler())
        .build(tauri::generate_context!());
    let built = match built {
        Ok(b) => b,
        Err(e) => {
            eprintln!("the window could not be opened: {e} / เปิดหน้าต่างโปรแกรมไม่ได้");
            return ExitCode::FAILURE;
        }
    };
    built.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            // Finish and store a dictation in progress before leaving.
            let session = handle.try_state::<Arc<session::SessionManager>>();
            let dictation = handle.try_state::<Arc<dictation::DictationManager>>();
            if let (Some(session), Some(dictation)) = (session, dictation) {
                lifecycle::logout(&session, &dictation);
            }
        }
    });
    ExitCode::SUCCESS
}
