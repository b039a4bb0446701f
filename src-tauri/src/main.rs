// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

banthuek_speech::pin_blas_threads!();

fn main() -> std::process::ExitCode {
    banthuek_app::main()
}
