//! OPTIM job files written by PATHSAMPLE (files.md §2.2, §2.3, §3.7; DECISION 6).
//!
//! Each job has a unique increasing numeric suffix N: `odata.N` (the `odata.connect` template
//! followed by the first end point's coordinates), `finish.N` (the second end point),
//! `path.info.N` and `min.data.info.N` (written by OPTIM) and `OPTIM.connect.N` (the child's
//! stdout and stderr). Coordinates are written:
//! - atoms, after a template ending with `POINTS`: `(A2,2X,3F20.10)` with the SYSTEM symbol,
//!   one atom per line; `finish.N`: `(3F20.10)` one atom per line;
//! - networks, after a template ending with `VARIABLES`: `(F25.15)` one value per line, in both
//!   files (DECISION 5).

use crate::fortran_fmt::{fmt_a, fmt_f};

/// The kind of coordinates a job file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobCoords {
    /// Atoms: 3 Cartesians per atom, labelled with the SYSTEM symbol (`AX` for LJAT).
    Atoms {
        /// The symbol written in the `A2` field.
        symbol: String,
    },
    /// Network variables, one per line.
    Variables,
}

/// Names of the files of job `n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFiles {
    /// `odata.N`.
    pub odata: String,
    /// `finish.N`.
    pub finish: String,
    /// `path.info.N`.
    pub path_info: String,
    /// `min.data.info.N`.
    pub min_data_info: String,
    /// `OPTIM.connect.N`.
    pub log: String,
    /// `EofS.N` (OPTIM's energy profile of the path).
    pub eofs: String,
    /// `path.N.xyz` (OPTIM's path frames).
    pub xyz: String,
}

impl JobFiles {
    /// The names for job suffix `n`.
    pub fn new(n: usize) -> Self {
        Self {
            odata: format!("odata.{n}"),
            finish: format!("finish.{n}"),
            path_info: format!("path.info.{n}"),
            min_data_info: format!("min.data.info.{n}"),
            log: format!("OPTIM.connect.{n}"),
            eofs: format!("EofS.{n}"),
            xyz: format!("path.{n}.xyz"),
        }
    }

    /// Every file name of the job (what PATHSAMPLE removes after it unless DEBUG/COPYOPTIM).
    pub fn all(&self) -> [&str; 7] {
        [
            &self.odata,
            &self.finish,
            &self.path_info,
            &self.min_data_info,
            &self.log,
            &self.eofs,
            &self.xyz,
        ]
    }
}

/// The coordinate lines that follow the `POINTS`/`VARIABLES` keyword of `odata.N`.
pub fn render_start_coords(coords: &[f64], kind: &JobCoords) -> String {
    let mut s = String::new();
    match kind {
        JobCoords::Atoms { symbol } => {
            for a in coords.chunks(3) {
                s.push_str(&fmt_a(symbol, Some(2)));
                s.push_str("  ");
                for &v in a {
                    s.push_str(&fmt_f(v, 20, 10));
                }
                s.push('\n');
            }
        }
        JobCoords::Variables => push_one_per_line(&mut s, coords),
    }
    s
}

fn push_one_per_line(s: &mut String, coords: &[f64]) {
    for &v in coords {
        s.push_str(&fmt_f(v, 25, 15));
        s.push('\n');
    }
}

/// The text of `finish.N`.
pub fn render_finish(coords: &[f64], kind: &JobCoords) -> String {
    let mut s = String::new();
    match kind {
        JobCoords::Atoms { .. } => {
            for a in coords.chunks(3) {
                for &v in a {
                    s.push_str(&fmt_f(v, 20, 10));
                }
                s.push('\n');
            }
        }
        JobCoords::Variables => push_one_per_line(&mut s, coords),
    }
    s
}

/// The text of `odata.N`: the template (which must end with `POINTS`, or `VARIABLES` for
/// networks, as its last non-blank line's first word, any case) followed by the coordinates.
/// Errors name the template's problem.
pub fn render_odata(template: &str, coords: &[f64], kind: &JobCoords) -> Result<String, String> {
    let last = template
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or("")
        .to_ascii_uppercase();
    let want = match kind {
        JobCoords::Atoms { .. } => "POINTS",
        JobCoords::Variables => "VARIABLES",
    };
    if last != want {
        return Err(format!(
            "the odata template must end with {want} (its last keyword is '{last}')"
        ));
    }
    let mut s = template.trim_end_matches(['\n', ' ']).to_string();
    s.push('\n');
    s.push_str(&render_start_coords(coords, kind));
    Ok(s)
}

/// True for the name of a stale job file removed at PATHSAMPLE startup: `odata.<digits>`,
/// `finish.<digits>`, `path.info.<digits>`, `min.data.info.<digits>`,
/// `OPTIM.connect.<digits>`, `EofS.<digits>`, `path.<digits>.xyz`,
/// `path.<digits>.xyz.<digits>`.
pub fn is_stale_job_file(name: &str) -> bool {
    fn digits(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    }
    for p in [
        "odata.",
        "finish.",
        "path.info.",
        "min.data.info.",
        "OPTIM.connect.",
        "EofS.",
    ] {
        if let Some(rest) = name.strip_prefix(p) {
            if digits(rest) {
                return true;
            }
        }
    }
    if let Some(rest) = name.strip_prefix("path.") {
        if let Some((n, tail)) = rest.split_once(".xyz") {
            if digits(n) {
                return tail.is_empty() || tail.strip_prefix('.').is_some_and(digits);
            }
        }
    }
    false
}
