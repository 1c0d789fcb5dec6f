//! GMIN's output lines and files, in the Fortran layouts of files.md §1.2–1.4.

use crate::hopping::{AcceptanceReport, QuenchReport, ADJUST_FACTOR};
use crate::save::SavedMinimum;
use common::fortran_fmt::{fmt_f, fmt_g, fmt_i, fmt_list_int};

/// `Qu n E= ... steps= ... RMS= ... Markov E= ... t= ...`
/// (`'Qu ',I10,' E=',G20.10,' steps=',I5,' RMS=',G12.5,' Markov E=',G20.10,' t=',F11.1`).
pub fn quench_line(q: &QuenchReport, seconds: f64) -> String {
    format!(
        "Qu {} E={} steps={} RMS={} Markov E={} t={}",
        fmt_i(q.step as i64, 10),
        fmt_g(q.energy, 20, 10),
        fmt_i(q.iterations as i64, 5),
        fmt_g(q.rms, 12, 5),
        fmt_g(q.markov_energy, 20, 10),
        fmt_f(seconds, 11, 1)
    )
}

/// The two acceptance-check lines (`'Acceptance ratio for previous ',I6,' steps=',F8.4,'  FAC=',F8.4`
/// and `'Steps are now:  STEP=',F10.4,'  ASTEP=',F10.4,' Temperature is now:',F10.4`).
pub fn acceptance_lines(a: &AcceptanceReport) -> [String; 2] {
    [
        format!(
            "Acceptance ratio for previous {} steps={}  FAC={}",
            fmt_i(a.block as i64, 6),
            fmt_f(a.ratio, 8, 4),
            fmt_f(ADJUST_FACTOR, 8, 4)
        ),
        format!(
            "Steps are now:  STEP={}  ASTEP={} Temperature is now:{}",
            fmt_f(a.step, 10, 4),
            fmt_f(a.astep, 10, 4),
            fmt_f(a.temperature, 10, 4)
        ),
    ]
}

/// End-of-run line
/// (`'Acceptance ratio for run=',F12.5,' Step=',F12.5,' Angular step factor=',F12.5,' T=',F12.5`).
pub fn run_acceptance_line(ratio: f64, step: f64, astep: f64, temperature: f64) -> String {
    format!(
        "Acceptance ratio for run={} Step={} Angular step factor={} T={}",
        fmt_f(ratio, 12, 5),
        fmt_f(step, 12, 5),
        fmt_f(astep, 12, 5),
        fmt_f(temperature, 12, 5)
    )
}

/// `'Final Quench ',I6,' energy=',G20.10,' steps=',I5,' RMS force=',G15.7,' time=',F12.2`.
pub fn final_quench_line(
    index: usize,
    energy: f64,
    iterations: usize,
    rms: f64,
    seconds: f64,
) -> String {
    format!(
        "Final Quench {} energy={} steps={} RMS force={} time={}",
        fmt_i(index as i64, 6),
        fmt_g(energy, 20, 10),
        fmt_i(iterations as i64, 5),
        fmt_g(rms, 15, 7),
        fmt_f(seconds, 12, 2)
    )
}

/// `'Lowest Minimum ',I6,' Energy= ',G20.10`.
pub fn lowest_minimum_line(index: usize, energy: f64) -> String {
    format!(
        "Lowest Minimum {} Energy= {}",
        fmt_i(index as i64, 6),
        fmt_g(energy, 20, 10)
    )
}

/// MLPPROB (project format): `AUC for minimum <I6> = <F20.10>`.
pub fn auc_line(index: usize, auc: f64) -> String {
    format!(
        "AUC for minimum {} = {}",
        fmt_i(index as i64, 6),
        fmt_f(auc, 20, 10)
    )
}

/// How `lowest` writes coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordStyle {
    /// One atom per line, `'SI '` then `3F20.10`.
    Atoms,
    /// One value per line, `F20.10` (MLP, DECISION 5).
    Values,
}

/// The `lowest` file (files.md §1.3), lowest first.
pub fn lowest_file(minima: &[SavedMinimum], style: CoordStyle) -> String {
    let mut out = String::new();
    for (k, m) in minima.iter().enumerate() {
        let count = match style {
            CoordStyle::Atoms => m.coords.len() / 3,
            CoordStyle::Values => m.coords.len(),
        };
        out.push_str(&fmt_list_int(count as i64));
        out.push('\n');
        out.push_str(&format!(
            "Energy of minimum {}={} first found at step {} after {} function calls\n",
            fmt_i(k as i64 + 1, 6),
            fmt_g(m.energy, 20, 10),
            fmt_i(m.step as i64, 8),
            fmt_i(m.calls as i64, 20)
        ));
        match style {
            CoordStyle::Atoms => {
                for a in m.coords.chunks(3) {
                    out.push_str("SI ");
                    for c in a {
                        out.push_str(&fmt_f(*c, 20, 10));
                    }
                    out.push('\n');
                }
            }
            CoordStyle::Values => {
                for c in &m.coords {
                    out.push_str(&fmt_f(*c, 20, 10));
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// TRACKDATA `energy` line `(I10,F20.10)`.
pub fn track_energy_line(step: usize, e: f64) -> String {
    format!("{}{}", fmt_i(step as i64, 10), fmt_f(e, 20, 10))
}

/// TRACKDATA `markov` / `best` line `(I10,G20.10)`.
pub fn track_g_line(step: usize, e: f64) -> String {
    format!("{}{}", fmt_i(step as i64, 10), fmt_g(e, 20, 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_lines_from_the_spec() {
        let q = QuenchReport {
            step: 1,
            energy: -168.6121576,
            iterations: 107,
            rms: 0.39064e-2,
            markov_energy: -167.3731638,
            accepted: true,
            best_energy: -168.6121576,
            coords: vec![],
        };
        assert_eq!(
            quench_line(&q, 0.0),
            "Qu          1 E=    -168.6121576     steps=  107 RMS= 0.39064E-02 Markov E=    -167.3731638     t=        0.0"
        );
        let a = AcceptanceReport {
            block: 50,
            ratio: 0.62,
            step: 0.42,
            astep: 0.5355,
            temperature: 1.0,
        };
        let [l1, l2] = acceptance_lines(&a);
        assert_eq!(
            l1,
            "Acceptance ratio for previous     50 steps=  0.6200  FAC=  1.0500"
        );
        assert_eq!(
            l2,
            "Steps are now:  STEP=    0.4200  ASTEP=    0.5355 Temperature is now:    1.0000"
        );
        assert_eq!(
            run_acceptance_line(0.4846, 0.4, 0.51, 1.0),
            "Acceptance ratio for run=     0.48460 Step=     0.40000 Angular step factor=     0.51000 T=     1.00000"
        );
        assert_eq!(
            final_quench_line(1, -173.9284262, 5, 0.6150277e-3, 12.72),
            "Final Quench      1 energy=    -173.9284262     steps=    5 RMS force=  0.6150277E-03 time=       12.72"
        );
        assert_eq!(
            lowest_minimum_line(1, -173.9284262),
            "Lowest Minimum      1 Energy=     -173.9284262    "
        );
        assert_eq!(
            track_energy_line(1, -168.6121575988),
            "         1     -168.6121575988"
        );
        assert_eq!(
            track_g_line(1, -167.3731638),
            "         1    -167.3731638    "
        );
    }

    #[test]
    fn lowest_header_golden_f3() {
        let m = SavedMinimum {
            energy: -173.9284262,
            coords: vec![0.6299851998, 0.3044874184, -1.6035162520],
            step: 108,
            calls: 14890,
        };
        let text = lowest_file(std::slice::from_ref(&m), CoordStyle::Atoms);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "           1");
        assert_eq!(
            lines[1],
            "Energy of minimum      1=    -173.9284262     first found at step      108 after                14890 function calls"
        );
        assert_eq!(
            lines[2],
            "SI         0.6299851998        0.3044874184       -1.6035162520"
        );
        // The energy occupies columns 26-45 (PATHSAMPLE's FROMLOWEST reads it there).
        assert_eq!(
            lines[1][25..45].trim().parse::<f64>().unwrap(),
            -173.9284262
        );
        let v = lowest_file(&[m], CoordStyle::Values);
        let vl: Vec<&str> = v.lines().collect();
        assert_eq!(vl[0], "           3");
        assert_eq!(vl[2], "        0.6299851998");
        assert_eq!(vl.len(), 5);
    }
}
