//! `landscape`: the end-to-end landscape driver (see the library documentation).

use anyhow::{bail, Context, Result};
use landscape::deck::Study;
use landscape::programs::{Programs, Progress};
use landscape::signals::{Interrupt, Interrupted};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn deck_and_dir(args: &[String]) -> Result<(Study, PathBuf)> {
    let mut deck: Option<&str> = None;
    let mut dir: Option<PathBuf> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--dir" => {
                dir = Some(PathBuf::from(
                    args.get(i + 1).context("--dir needs a directory")?,
                ));
                i += 1;
            }
            a if a.starts_with('-') => bail!("unknown option {a} (see landscape --help)"),
            a if deck.is_none() => deck = Some(a),
            a => bail!("unexpected argument {a} (see landscape --help)"),
        }
        i += 1;
    }
    let deck = deck.context("the deck file is missing (see landscape --help)")?;
    let study = Study::read(Path::new(deck))?;
    let dir = landscape::run::work_dir(&study, dir.as_deref());
    Ok((study, dir))
}

fn main_inner(args: &[String]) -> Result<()> {
    let stdout = || Progress::new(Box::new(std::io::stdout()));
    match args.first().map(String::as_str) {
        Some("run") => {
            let (study, dir) = deck_and_dir(&args[1..])?;
            let interrupt = Interrupt::install().context("cannot install the signal handlers")?;
            landscape::run::run(&study, &dir, &mut stdout(), &interrupt)?;
            common::terminal::print_line(
                std::fs::read_to_string(dir.join(landscape::run::SUMMARY))?.trim_end(),
            );
            Ok(())
        }
        Some("analyse") | Some("analyze") => {
            let (study, dir) = deck_and_dir(&args[1..])?;
            let programs = Programs::locate(study.bindir.as_deref())?;
            let mut p = stdout();
            p.log_to(&dir.join(landscape::run::LANDSCAPE_LOG))?;
            let interrupt = Interrupt::install().context("cannot install the signal handlers")?;
            landscape::run::analyse_and_draw(&study, &dir, &programs, &mut p, &interrupt)?;
            common::terminal::print_line(
                std::fs::read_to_string(dir.join(landscape::run::SUMMARY))?.trim_end(),
            );
            Ok(())
        }
        Some("convert-mnist") => {
            if args.len() != 3 {
                bail!("usage: landscape convert-mnist DIGITS_DIR OUT");
            }
            let counts =
                landscape::dataset::convert_mnist(Path::new(&args[1]), Path::new(&args[2]))?;
            common::terminal::print_line(&format!(
                "{} images written to {} (per digit: {:?})",
                counts.iter().sum::<usize>(),
                args[2],
                counts
            ));
            Ok(())
        }
        Some("bench") => {
            let a = landscape::bench::parse_args(&args[1..])?;
            let r = landscape::bench::run(&a)?;
            common::terminal::print_line(landscape::bench::render(&a, &r).trim_end());
            Ok(())
        }
        Some("--version") | Some("-V") => {
            common::terminal::print_line(&format!("landscape {}", env!("CARGO_PKG_VERSION")));
            Ok(())
        }
        Some(k) if k == "--keywords" || k.starts_with("--keywords=") => {
            common::terminal::print_keywords(&landscape::deck::table(), k)
        }
        Some("--help") | Some("-h") | Some("help") => {
            common::terminal::print_line(landscape::USAGE);
            Ok(())
        }
        Some(other) => bail!("unknown command {other} (see landscape --help)"),
        None => bail!("no command given (see landscape --help)"),
    }
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Parallel work is rayon's (see common::linalg::set_blas_threads).
    common::linalg::set_blas_threads(1);
    match main_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => match e.downcast_ref::<Interrupted>() {
            Some(i) => {
                eprintln!("landscape: {i}");
                ExitCode::from(i.exit_code())
            }
            None => {
                eprintln!("landscape: error: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}
