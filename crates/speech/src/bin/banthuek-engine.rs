//! The speech worker as a program of its own, for the app to ship beside itself and for tests;
//! `banthuek engine` runs the same loop.

banthuek_speech::pin_blas_threads!();

fn main() -> std::process::ExitCode {
    match banthuek_speech::worker::run_stdio() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("speech worker: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
