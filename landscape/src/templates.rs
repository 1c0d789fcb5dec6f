//! The decks the driver writes for the four programs: GMIN `data` and `coords`, OPTIM
//! `odata.connect`, PATHSAMPLE `pathdata`, disconnectionDPS `dinfo`. Each starts from
//! defaults that work for small networks; a deck line `GMIN ...`, `OPTIM ...`, `PATHSAMPLE ...`
//! or `DINFO ...` replaces the default line with the same keyword, or is added.

use crate::deck::{fortran_real, Study};
use common::rng::Stream;
use std::fmt::Write as _;
use std::path::Path;

/// GMIN's DUMPMINDB file, read by PATHSAMPLE's READMIN.
pub const GMIN_MINIMA: &str = "min.data.info";

fn keyword(line: &str) -> String {
    line.split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase()
}

/// Replace the first default line with the keyword of each extra line (dropping later ones
/// with that keyword), or append the extra line.
pub fn merge(defaults: Vec<String>, extra: &[String]) -> Vec<String> {
    let mut out = defaults;
    for e in extra {
        let k = keyword(e);
        match out.iter().position(|l| keyword(l) == k) {
            Some(p) => {
                out[p] = e.clone();
                let mut i = p + 1;
                while i < out.len() {
                    if keyword(&out[i]) == k {
                        out.remove(i);
                    } else {
                        i += 1;
                    }
                }
            }
            None => out.push(e.clone()),
        }
    }
    out
}

fn lines(v: &[String]) -> String {
    v.iter().map(|l| format!("{l}\n")).collect()
}

/// The flags, the network line and (unless `PERMDIST OFF`) PERMDIST, which follows the
/// network line because PATHSAMPLE needs the system before it.
fn flags_and_network(study: &Study) -> Vec<String> {
    let mut v: Vec<String> = study
        .network_flags()
        .into_iter()
        .map(String::from)
        .collect();
    v.push(study.network_line.clone());
    if study.permdist {
        v.push("PERMDIST".into());
    }
    v
}

/// GMIN `data`: the network, basin-hopping and DUMPMINDB.
pub fn gmin_data(study: &Study) -> String {
    let h = &study.hopping;
    let mut v = flags_and_network(study);
    v.extend([
        format!("STEPS {} 1.0", h.steps),
        format!("TEMPERATURE {}", fortran_real(h.temperature)),
        format!("STEP {}", fortran_real(h.step)),
        "SAVE 10".into(),
        format!("EDIFF {}", fortran_real(study.edifftol)),
        "SLOPPYCONV 1.0D-6".into(),
        "TIGHTCONV 1.0D-9".into(),
        "MAXIT 5000 20000".into(),
        format!("RANSEED {}", study.seed),
        format!("PARALLEL {}", h.walkers),
        format!("DUMPMINDB {GMIN_MINIMA}"),
        // Blocks of DUMPINT steps: min.data.info and GMIN_out grow (and GMIN.dump is a restart
        // point) after every block, which is what the progress lines count.
        format!("DUMPINT {}", (h.steps / 10).clamp(1, 50)),
    ]);
    lines(&merge(v, &study.extra_gmin))
}

/// GMIN `coords`: NOPT values uniform in ±STARTRANGE from the deck's seed.
pub fn gmin_coords(study: &Study) -> String {
    let mut s = Stream::new(study.seed, 0xC0_0D5);
    let r = study.hopping.start_range;
    let mut out = String::new();
    for _ in 0..study.network.nopt() {
        let _ = writeln!(out, "{:.15}", s.uniform_in(-r, r));
    }
    out
}

/// Networks with at most this many variables get the exact Hessian in OPTIM's TS searches
/// (no `NOHESS`): for the LJAT3 networks (tens of variables) the exact lowest eigenvector is
/// cheap, and Rayleigh-Ritz on their nearly flat spectra loses the negative mode, so that
/// most TS searches fail. Larger networks (MNIST) use `NOHESS`.
pub const EXACT_HESSIAN_MAX_VARIABLES: usize = 1000;

/// OPTIM `odata.connect`: the template of every connection job (ends with VARIABLES).
///
/// Networks searched with the exact Hessian (at most [`EXACT_HESSIAN_MAX_VARIABLES`]) get step
/// limits that suit loss landscapes, whose lowest Hessian eigenvalues are of the order of the
/// regularisation (1e-4): `STEPS 1000` TS macro-iterations with a trust radius starting at
/// `MAXSTEP 0.1` and capped at `MAXMAX 0.2`, and `BFGSSTEPS 100000` LBFGS steps for the
/// minimisations down from each TS. With OPTIM's limits for an unset STEPS (200
/// macro-iterations, 10,000 LBFGS steps, trust radius up to 0.5) the searches on MLPMULTI
/// networks wandered along near-flat directions and the minimisations from the TSs that did
/// converge ran out of steps, so that whole connection stages found no TS. Larger (NOHESS)
/// networks keep OPTIM's limits: with the longer ones an MNIST job (three studies sharing two
/// cores) ran into its 600 s JOBTIMEOUT without a TS, where it had found TSs before.
pub fn odata_connect(study: &Study) -> String {
    let mut v: Vec<String> = [
        "NEWCONNECT 30 3 10.0 30.0 30 0.5 0.01",
        "NEWNEB 10 500 0.01",
        "BFGSTS 500 10 100 1.0D-8",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if study.network.nopt() > EXACT_HESSIAN_MAX_VARIABLES {
        v.push("NOHESS".into());
    } else {
        v.extend(
            [
                "STEPS 1000",
                "BFGSSTEPS 100000",
                "MAXSTEP 0.1",
                "MAXMAX 0.2",
            ]
            .map(String::from),
        );
    }
    v.push("BFGSMIN 1.0D-7".into());
    v.push("CONVERGE 1.0D-7 1.0D-7".into());
    v.push(format!("EDIFFTOL {}", fortran_real(study.edifftol)));
    v.push(format!("GEOMDIFFTOL {}", fortran_real(study.geomdifftol)));
    v.push("DUMPALLPATHS".into());
    if study.nofrqs {
        v.push("NOFRQS".into());
    }
    let mut v = merge(v, &study.extra_optim);
    v.extend(flags_and_network(study));
    v.push("VARIABLES".into());
    lines(&v)
}

/// PATHSAMPLE `pathdata` for one run: `tail` holds the run's own lines (CYCLES and the
/// strategy, or READMIN).
pub fn pathdata(study: &Study, optim: &Path, tail: &[String]) -> String {
    let mut v = vec![
        format!("EXEC {}", optim.display()),
        format!("CPUS {}", study.jobs()),
    ];
    v.extend(flags_and_network(study));
    v.extend([
        format!("SEED {}", study.seed),
        "TEMPERATURE 1.0".into(),
        format!("EDIFFTOL {}", fortran_real(study.edifftol)),
        format!("GEOMDIFFTOL {}", fortran_real(study.geomdifftol)),
        format!("JOBTIMEOUT {}", fortran_real(study.job_timeout)),
    ]);
    if study.nofrqs {
        v.push("NOFRQS".into());
    }
    if let Some(line) = &study.cluster {
        // Slurm jobs run in optim.N/: OPTIM reads the training set there.
        v.push(line.clone());
        v.push("COPYFILES MLPdata".into());
    }
    let mut v = merge(v, &study.extra_pathsample);
    v.extend(tail.iter().cloned());
    lines(&v)
}

/// The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) not below `x > 0`.
pub fn nice_up(x: f64) -> f64 {
    let k = x.log10().floor();
    let base = 10f64.powf(k);
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let v = m * base;
        if v >= x * (1.0 - 1e-12) {
            return v;
        }
    }
    10.0 * base
}

/// The levels of a graph: (FIRST, DELTA, LEVELS). Unset values are chosen for a readable
/// axis: DELTA a nice number (see [`nice_up`]) such that about `levels` levels span the drawn
/// part of the database, FIRST the first multiple of DELTA above its highest transition
/// state, and as many levels as reach **below** the global minimum (so that its branch ends on
/// the drawing). `e_min` is the global minimum, `e_top` the highest transition state drawn (or
/// the highest minimum drawn when there is none). Given values are kept.
pub fn graph_levels(
    levels: usize,
    first: Option<f64>,
    delta: Option<f64>,
    e_min: f64,
    e_top: f64,
) -> (f64, f64, usize) {
    let n = levels.max(3);
    let floor = 1.0e-6 * e_min.abs().max(1.0);
    let above = |d: f64| ((e_top / d).floor() + 1.0) * d;
    let count = |f: f64, d: f64| (((f - e_min) / d + 1e-9).floor() as usize + 2).max(2);
    match (first, delta) {
        (Some(f), Some(d)) => (f, d, levels),
        (None, Some(d)) => {
            let f = above(d);
            (f, d, count(f, d))
        }
        (Some(f), None) => {
            let d = nice_up(((f - e_min) / (n - 1) as f64).max(floor));
            (f, d, count(f, d))
        }
        (None, None) => {
            let range = (e_top - e_min).max(floor);
            let d = nice_up(range / (n - 2) as f64);
            let f = above(d);
            (f, d, count(f, d))
        }
    }
}

/// An axis-label format with as many decimals as the multiples of `delta` need (a nice
/// spacing `m·10^k`: `−k` decimals, one more for `m = 2.5`), at least 2, at most 8.
pub fn label_format(delta: f64) -> String {
    let d = if delta > 0.0 && delta.is_finite() {
        let k = delta.log10().floor();
        let mantissa = delta / 10f64.powf(k);
        let extra = usize::from((mantissa - 2.5).abs() < 1e-9);
        ((-k).max(0.0) as usize + extra).clamp(2, 8)
    } else {
        2
    };
    format!("F{}.{d}", d + 5)
}

/// The texts of a graph (`tree.svg` only): the energy axis' title, the colour bar's title and
/// a one-line caption.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphText {
    /// YLABEL.
    pub ylabel: String,
    /// COLOURBARTITLE.
    pub bar_title: String,
    /// CAPTION.
    pub caption: String,
}

/// disconnectionDPS `dinfo` colouring the branches by the values of `values_file`, with
/// `levels` levels from `first` down by `delta`, and the texts of `tree.svg`.
pub fn dinfo(
    study: &Study,
    (first, delta, levels): (f64, f64, usize),
    values_file: &str,
    text: &GraphText,
) -> String {
    let g = &study.graph;
    let range = match g.range {
        Some((lo, hi)) => format!(" {} {}", fortran_real(lo), fortran_real(hi)),
        None => String::new(),
    };
    let v = vec![
        format!("DELTA {delta:.10e}").replace('e', "D"),
        format!("FIRST {first:.10e}").replace('e', "D"),
        format!("LEVELS {levels}"),
        "MINIMA min.data".into(),
        "TS ts.data".into(),
        format!("COLOURBYVALUE {values_file}{range} {}", g.palette),
        format!("LABELFORMAT {}", label_format(delta)),
        format!("YLABEL {}", text.ylabel),
        format!("COLOURBARTITLE {}", text.bar_title),
        format!("CAPTION {}", text.caption),
    ];
    lines(&merge(v, &study.extra_dinfo))
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::deck::Deck;

    fn study(extra: &str) -> Study {
        Study::parse(
            &format!(
                "DATASET LJAT3 D2 200 100 4\nMLPVB3 2 1 5 4 200 1.0D-4\nNOREGBIAS\nSEED 9\n\
                 BASINHOPPING 50 0.5 0.7\nWALKERS 2\nCPUS 2\nNOFRQS\n{extra}"
            ),
            Path::new("landscape.in"),
        )
        .unwrap()
    }

    #[test]
    fn label_format_resolves_the_level_spacing() {
        assert_eq!(label_format(0.5), "F7.2");
        assert_eq!(label_format(1.0e-4), "F9.4");
        assert_eq!(label_format(2.5e-5), "F11.6");
        assert_eq!(label_format(2.0e-5), "F10.5");
        assert_eq!(label_format(1.0e-12), "F13.8");
        assert_eq!(label_format(0.0), "F7.2");
        assert_eq!(label_format(5.0), "F7.2");
    }

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_up(0.7), 1.0);
        assert_eq!(nice_up(1.0), 1.0);
        assert_eq!(nice_up(1.2e-4), 2.0e-4);
        assert!((nice_up(2.1e-5) - 2.5e-5).abs() < 1e-20);
        assert_eq!(nice_up(3.0), 5.0);
        assert_eq!(nice_up(6.0), 10.0);
    }

    #[test]
    fn extra_lines_replace_or_add() {
        let d = vec!["A 1".to_string(), "B 2".into(), "A 3".into()];
        assert_eq!(
            merge(d.clone(), &["a 9".into(), "C 4".into()]),
            vec!["a 9", "B 2", "C 4"]
        );
        assert_eq!(merge(d.clone(), &[]), d);
    }

    #[test]
    fn gmin_deck_reads_back_with_the_lexer() {
        let s = study("GMIN MAXIT 100 200\nGMIN TRACKDATA\n");
        let text = gmin_data(&s);
        let deck = Deck::parse(&text, "data").unwrap();
        let kws: Vec<&str> = deck.lines().iter().map(|l| l.keyword()).collect();
        assert_eq!(kws[0], "NOREGBIAS");
        assert_eq!(kws[1], "MLPVB3");
        assert!(text.contains("STEPS 50 1.0\n"));
        assert!(text.contains("TEMPERATURE 0.5\n") && text.contains("STEP 0.7\n"));
        assert!(text.contains("MAXIT 100 200\n") && !text.contains("MAXIT 5000"));
        assert!(text.contains("PARALLEL 2\nDUMPMINDB min.data.info\nDUMPINT 5\n"));
        assert!(text.ends_with("TRACKDATA\n"));
        assert!(text.contains("EDIFF 1.0D-7\n") && text.contains("RANSEED 9\n"));
        let coords = gmin_coords(&s);
        let v: Vec<f64> = coords.lines().map(|l| l.parse().unwrap()).collect();
        assert_eq!(v.len(), 39);
        assert!(v.iter().all(|x| x.abs() <= 1.0));
        assert_eq!(coords, gmin_coords(&s));
    }

    #[test]
    fn odata_connect_ends_with_the_network_and_variables() {
        let defaults = odata_connect(&study(""));
        for l in [
            "STEPS 1000",
            "BFGSSTEPS 100000",
            "MAXSTEP 0.1",
            "MAXMAX 0.2",
        ] {
            assert_eq!(defaults.matches(&format!("\n{l}\n")).count(), 1, "{l}");
        }
        let s = study("OPTIM BFGSTS 100 10 100 1.0D-7\nOPTIM MAXSTEP 0.05\n");
        let text = odata_connect(&s);
        assert!(text.contains("\nMAXSTEP 0.05\n") && !text.contains("MAXSTEP 0.1"));
        let deck = Deck::parse_with_terminators(&text, "odata.connect", &["VARIABLES"]).unwrap();
        let kws: Vec<&str> = deck.lines().iter().map(|l| l.keyword()).collect();
        let n = kws.len();
        assert_eq!(
            &kws[n - 4..],
            ["NOREGBIAS", "MLPVB3", "PERMDIST", "VARIABLES"]
        );
        assert!(kws.contains(&"NOFRQS") && kws.contains(&"MAXSTEP"));
        assert!(text.contains("BFGSTS 100 10 100 1.0D-7\n") && !text.contains("BFGSTS 500"));
        assert!(text.contains("GEOMDIFFTOL 0.01\n"));
        // 39 variables: the exact Hessian; a deck line asks for Rayleigh-Ritz all the same.
        assert!(!kws.contains(&"NOHESS"));
        let forced = odata_connect(&study("OPTIM NOHESS\n"));
        assert_eq!(forced.matches("NOHESS\n").count(), 1);
    }

    #[test]
    fn large_networks_search_without_the_hessian() {
        let s = Study::parse(
            "DATASET MNIST mnist.data 1000 1000\nMLPVB3 784 1 10 10 1000 0.1\n",
            Path::new("landscape.in"),
        )
        .unwrap();
        assert!(s.network.nopt() > EXACT_HESSIAN_MAX_VARIABLES);
        let text = odata_connect(&s);
        assert_eq!(text.matches("NOHESS\n").count(), 1);
        // OPTIM's own step limits: the longer ones outran JOBTIMEOUT on MNIST.
        assert!(!text.contains("STEPS") && !text.contains("MAXMAX") && !text.contains("MAXSTEP"));
    }

    #[test]
    fn pathdata_holds_exec_and_the_run_lines() {
        let s = study("PATHSAMPLE CPUS 1\n");
        let text = pathdata(
            &s,
            Path::new("/opt/bin/OPTIM"),
            &["CYCLES 5".into(), "CONNECTUNC LOWEST 2".into()],
        );
        assert!(text.starts_with("EXEC /opt/bin/OPTIM\nCPUS 1\n"), "{text}");
        assert!(text.ends_with("CYCLES 5\nCONNECTUNC LOWEST 2\n"));
        assert!(
            text.contains("MLPVB3 2 1 5 4 200 1.0D-4\nPERMDIST\n") && text.contains("NOFRQS\n")
        );
        // PERMDIST OFF: no program deck asks for the network symmetry.
        let off = study("PERMDIST OFF\n");
        assert!(!off.permdist);
        let p = Path::new("/opt/bin/OPTIM");
        for text in [gmin_data(&off), odata_connect(&off), pathdata(&off, p, &[])] {
            assert!(!text.contains("PERMDIST"), "{text}");
        }
        assert!(gmin_data(&s).contains("PERMDIST\n"));
    }

    #[test]
    fn levels_span_the_database() {
        // 11 levels asked for from -1 (highest TS) down to -2: a spacing of 0.2 (nice, at
        // least 1/9), the first level -0.8 above the TS, the last below the global minimum.
        let (f, d, n) = graph_levels(11, None, None, -2.0, -1.0);
        assert!((d - 0.2).abs() < 1e-12, "{d}");
        assert!((f + 0.8).abs() < 1e-12, "{f}");
        assert!(f > -1.0 && f - (n - 1) as f64 * d < -2.0, "{f} {d} {n}");
        assert!(
            f - (n - 2) as f64 * d >= -2.0 - 1e-12,
            "one level below is enough"
        );
        // Given values are kept.
        assert_eq!(
            graph_levels(5, Some(1.0), Some(0.2), -2.0, -1.0),
            (1.0, 0.2, 5)
        );
        let (f, d, n) = graph_levels(5, None, Some(0.2), -2.0, -1.0);
        assert!((f + 0.8).abs() < 1e-12 && d == 0.2 && f - (n - 1) as f64 * d < -2.0);
        let (f, d, n) = graph_levels(5, Some(0.0), None, -2.0, -1.0);
        assert_eq!(f, 0.0);
        assert!(d > 0.0 && f - (n - 1) as f64 * d < -2.0);
        // One minimum and no TS: a positive level spacing all the same.
        let (_, d, n) = graph_levels(5, None, None, 0.3, 0.3);
        assert!(d > 0.0 && n >= 2);
        // Loss-landscape sizes: nice spacings, tick values with few decimals.
        let (f, d, _) = graph_levels(40, None, None, 0.78337, 0.78801);
        assert!(
            (d - 1.25e-4).abs() > 0.0
                && [1e-4, 2e-4, 2.5e-4, 5e-4]
                    .iter()
                    .any(|v| (d - v).abs() < 1e-15),
            "{d}"
        );
        assert!(
            ((f / d).round() * d - f).abs() < 1e-12,
            "{f} is a multiple of {d}"
        );
    }

    #[test]
    fn dinfo_colours_by_the_value_file() {
        let s = study("AUCRANGE 0.5 1\nPALETTE jet\nLEVELS 12\nDINFO IDENTIFY\n");
        let words = GraphText {
            ylabel: "training loss".into(),
            bar_title: "test AUC".into(),
            caption: "12 of 14 minima".into(),
        };
        let text = dinfo(&s, (-0.25, 0.05, 12), "auc_test.dat", &words);
        assert!(
            text.contains("COLOURBYVALUE auc_test.dat 0.5 1.0 jet\n"),
            "{text}"
        );
        assert!(text.contains("LEVELS 12\n") && !text.contains("LEVELS 30"));
        assert!(text.contains("MINIMA min.data\nTS ts.data\n"));
        assert!(text.ends_with("IDENTIFY\n"));
        assert!(text
            .contains("YLABEL training loss\nCOLOURBARTITLE test AUC\nCAPTION 12 of 14 minima\n"));
        let first = text.lines().nth(1).unwrap();
        let v: f64 = first[6..].replace('D', "e").parse().unwrap();
        assert_eq!(v, -0.25);
    }
}
