//! `OPTIM`: transition-state searches and connections, a drop-in replacement for the Fortran
//! OPTIM. `OPTIM` reads `odata`; `OPTIM s` reads `odata.s`/`finish.s` and writes `.s` files.

use std::process::ExitCode;

const USAGE: &str = "\
usage: OPTIM [s]
    Reads odata (odata.s), finish (finish.s) for a connection and MLPdata for networks in the
    current directory; writes path.info, min.data.info, EofS, path.xyz (each .s with a
    suffix) and its log on stdout. Keywords: docs/keywords.md (section 3 and the
    extensions of section 0); our choices in docs/open-questions.md, network PERMDIST in
    docs/network-symmetry.md.
usage: OPTIM --keywords[=markdown]
    Every odata keyword: arguments and defaults, meaning, class (docs/reference/).
usage: OPTIM --help | --version";

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let suffix = std::env::args().nth(1);
    // Options are answered before any deck is read.
    if let Some(a) = suffix.as_deref().filter(|a| a.starts_with('-')) {
        return match a {
            "--help" | "-h" => {
                common::terminal::print_line(USAGE);
                ExitCode::SUCCESS
            }
            "--version" | "-V" => {
                common::terminal::print_line(&format!("OPTIM {}", env!("CARGO_PKG_VERSION")));
                ExitCode::SUCCESS
            }
            k if k == "--keywords" || k.starts_with("--keywords=") => {
                match common::terminal::print_keywords(&optim::keywords::table(), k) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("OPTIM: error: {e}");
                        ExitCode::from(2)
                    }
                }
            }
            _ => {
                eprintln!("OPTIM: error: unknown option {a:?}\n{USAGE}");
                ExitCode::from(2)
            }
        };
    }
    // Parallel work is rayon's (see common::linalg::set_blas_threads).
    common::linalg::set_blas_threads(1);
    // The whole job runs on a worker of rayon's pool, so that the energy calls' parallel loops
    // start there instead of being handed to the pool from outside at every call.
    let result = rayon::scope(|_| {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        optim::run::prepare(std::path::Path::new("."), suffix.as_deref())
            .and_then(|p| optim::run::execute(p, &mut out))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("OPTIM: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
