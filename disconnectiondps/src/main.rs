//! `disconnectionDPS`: draws the disconnectivity graph of a PATHSAMPLE database.
//!
//! Usage: `disconnectionDPS` in a directory holding `dinfo` and the files it names.
//! Writes `tree.ps`, `tree.svg` and the optional node files there, and a summary on stdout.
//! Errors go to stderr with a non-zero exit status.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: disconnectionDPS\n\
    Reads dinfo in the current directory (keywords: docs/keywords.md section 5 and the\n\
    extensions of section 0; our choices in docs/open-questions.md) and writes tree.ps, tree.svg and, when asked,\n\
    node_numbers, node_sizes, node_sections.\n\
usage: disconnectionDPS --keywords[=markdown]\n\
    Every dinfo keyword: arguments and defaults, meaning (docs/reference/).\n\
usage: disconnectionDPS --help | --version";

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(a) = args.first() {
        if a == "--help" || a == "-h" {
            common::terminal::print_line(USAGE);
            return ExitCode::SUCCESS;
        }
        if a == "--version" || a == "-V" {
            common::terminal::print_line(&format!(
                "disconnectionDPS {}",
                env!("CARGO_PKG_VERSION")
            ));
            return ExitCode::SUCCESS;
        }
        if a == "--keywords" || a.starts_with("--keywords=") {
            let table = disconnectiondps::config::table();
            return match common::terminal::print_keywords(&table, a) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("disconnectionDPS: error: {e}");
                    ExitCode::from(2)
                }
            };
        }
        eprintln!("disconnectionDPS: error: unexpected argument {a:?}\n{USAGE}");
        return ExitCode::FAILURE;
    }
    match disconnectiondps::run(Path::new(".")) {
        Ok(summary) => {
            common::terminal::print_line(&summary.to_string());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("disconnectionDPS: error: {e}");
            ExitCode::FAILURE
        }
    }
}
