//! The Banthuek desktop app: a Tauri 2 shell over the library crates. [`app::App`] holds the
//! state (store session, speech engine and dictation, sync, preferences) and does the work;
//! [`commands`] are the thin Tauri entry points; [`views`] are the types the page sees,
//! exported to TypeScript by [`bindings`].

pub mod app;
pub mod bindings;
pub mod commands;
pub mod contract;
pub mod dictation;
pub mod error;
pub mod idcard;
pub mod models;
pub mod prefs;
pub mod records;
pub mod sync;
pub mod views;

use app::{App, EventSink};
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

impl App {
    pub fn info(&self) -> views::AppInfo {
        let p = self.prefs();
        views::AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            station: p.station,
            digits: p.digits,
            language: p.language,
            idle_lock_minutes: p.idle_lock_minutes,
            session: self.logged_in(),
            initialised: banthuek_store::Store::is_initialised(&self.home),
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

pub fn main() -> ExitCode {
    // The same program is the speech worker when started with `engine` (see app::worker_command).
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
    let built = tauri::Builder::default()
        .setup(|app| {
            let sink = Arc::new(WindowEvents(app.handle().clone()));
            let core = App::new(app::default_home(), sink);
            core.watch_idle();
            app.manage(core);
            app.manage(Arc::new(idcard::CardReading::default()));
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
            if let Some(core) = handle.try_state::<Arc<App>>() {
                core.logout();
            }
        }
    });
    ExitCode::SUCCESS
}
