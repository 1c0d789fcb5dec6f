//! `PATHSAMPLE`: reads `pathdata` in the working directory and maintains the stationary-point
//! database, a drop-in replacement for the Fortran PATHSAMPLE.

use std::process::ExitCode;

const USAGE: &str = "\
usage: PATHSAMPLE
    Maintains the stationary-point database of the current directory as pathdata says:
    reads pathdata, min.data, ts.data, points.min, points.ts, min.A, min.B (and the files its
    keywords name); runs the EXEC program (OPTIM) for connection jobs; appends to the
    database. Keywords: docs/keywords.md (section 4 and the extensions of section 0); our
    choices in docs/open-questions.md, network PERMDIST in docs/network-symmetry.md.
usage: PATHSAMPLE --keywords[=markdown]
    Every pathdata keyword: arguments and defaults, meaning, class (docs/reference/).
usage: PATHSAMPLE --help | --version";

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    // Options are answered before anything in the directory is opened.
    if let Some(a) = std::env::args().nth(1) {
        return match a.as_str() {
            "--help" | "-h" => {
                common::terminal::print_line(USAGE);
                ExitCode::SUCCESS
            }
            "--version" | "-V" => {
                common::terminal::print_line(&format!("PATHSAMPLE {}", env!("CARGO_PKG_VERSION")));
                ExitCode::SUCCESS
            }
            k if k == "--keywords" || k.starts_with("--keywords=") => {
                match common::terminal::print_keywords(&pathsample::keywords::table(), k) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("PATHSAMPLE: error: {e}");
                        ExitCode::from(2)
                    }
                }
            }
            _ => {
                eprintln!("PATHSAMPLE: error: unexpected argument {a:?}\n{USAGE}");
                ExitCode::from(2)
            }
        };
    }
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
