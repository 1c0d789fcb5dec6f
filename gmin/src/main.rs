//! `GMIN`: basin-hopping global optimisation, a drop-in replacement for the Fortran GMIN.
//!
//! Usage: `GMIN [output]` in a working directory holding `data`, `coords` and, for networks,
//! `MLPdata`. Writes the main output (`GMIN_out`, or the named file), `lowest` and the optional
//! files. `GMIN --ljat3-dataset ...` generates the LJAT3 classification datasets (see `--help`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Parallel work is rayon's (see common::linalg::set_blas_threads).
    common::linalg::set_blas_threads(1);
    let result = match args.first().map(String::as_str) {
        Some("--help") | Some("-h") => {
            common::terminal::print_line(gmin::cli::USAGE);
            Ok(())
        }
        Some("--ljat3-dataset") => gmin::cli::dataset(&args[1..]),
        Some(k) if k == "--keywords" || k.starts_with("--keywords=") => {
            common::terminal::print_keywords(&gmin::keywords::table(), k)
        }
        Some("--version") | Some("-V") => {
            common::terminal::print_line(&format!("GMIN {}", env!("CARGO_PKG_VERSION")));
            Ok(())
        }
        Some(a) if a.starts_with('-') => {
            eprintln!("GMIN: error: unknown option {a:?}\n{}", gmin::cli::USAGE);
            return ExitCode::from(2);
        }
        _ => {
            if args.len() > 1 {
                eprintln!(
                    "GMIN: error: at most one argument (the main output file)\n{}",
                    gmin::cli::USAGE
                );
                return ExitCode::from(2);
            }
            // The Fortran's rule (files.md §1.2): the first argument names the main output
            // file (the LJ38 tutorial's scripts run `GMIN output`); the deck is always `data`.
            let output = args.first().map_or("GMIN_out", String::as_str).to_string();
            // On a worker of rayon's pool (see OPTIM's main): the energy calls made outside
            // the walkers' parallel loop do not hand their work to the pool from outside.
            rayon::scope(|_| {
                gmin::run::prepare(&PathBuf::from("."), &PathBuf::from("data")).and_then(|mut p| {
                    p.output = output;
                    gmin::run::execute(p)
                })
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("GMIN: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
