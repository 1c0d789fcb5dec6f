//! `PATHSAMPLE`: reads `pathdata` in the working directory and maintains the stationary-point
//! database, a drop-in replacement for the Fortran PATHSAMPLE.

use std::process::ExitCode;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let dir = std::path::Path::new(".");
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = pathsample::run::read_input(dir)
        .and_then(|input| pathsample::run::Run::new(dir, input, &mut out).execute());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("PATHSAMPLE: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
