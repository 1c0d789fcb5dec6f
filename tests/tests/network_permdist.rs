//! PERMDIST for networks end to end: PATHSAMPLE's READMIN keeps one minimum per network
//! under PERMDIST (two without), OPTIM asked to connect a minimum to its permuted,
//! sign-flipped copy stops without a search, and GMIN's DUMPMINDB identity.

use common::files::min_data_info::MinDataInfo;
use common::hessian_data::{point_data, System};
use common::lbfgs::{minimise, LbfgsConfig};
use common::mlp::{Mlp, MlpSpec};
use common::potential::Potential;
use common::system::{Symmetry, UnitMap};
use e2e::{bin, ok, read, run, write};
use std::path::Path;

const NETWORK: &str = "MLPVB3 2 1 5 4 200 1.0D-4";

fn spec() -> MlpSpec {
    MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 5.0, 4.0, 200.0, 1.0e-4]).unwrap()
}

/// A 200-item LJAT3 D2 training set in `d`, a converged minimum of the [2,5,4] network on it
/// and a copy with units permuted (4 2 0 1 3) and units 0, 3 sign-flipped.
fn minimum_and_copy(d: &Path) -> (Mlp, Vec<f64>, Vec<f64>) {
    e2e::ljat3_d2_training_set(d);
    let mlp = Mlp::load(&spec(), d.join("MLPdata")).unwrap();
    let x0: Vec<f64> = (0..mlp.nopt())
        .map(|i| ((i * 37 % 11) as f64 - 5.0) * 0.2)
        .collect();
    let cfg = LbfgsConfig {
        tolerance: 1.0e-9,
        max_iterations: 50_000,
        ..Default::default()
    };
    let r = minimise(&mlp, &x0, &cfg);
    assert!(r.converged());
    let g = Symmetry::network_group(&spec(), &[]).unwrap();
    let map = UnitMap {
        perm: vec![vec![4, 2, 0, 1, 3]],
        sign: vec![vec![-1.0, 1.0, 1.0, -1.0, 1.0]],
    };
    let copy = g.apply(&r.x, &map);
    (mlp, r.x, copy)
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    common::geometry::euclidean_distance(a, b)
}

#[test]
fn readmin_keeps_one_minimum_per_network_with_permdist_and_two_without() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (mlp, x, copy) = minimum_and_copy(d);
    assert!(distance(&x, &copy) > 1.0, "{}", distance(&x, &copy));
    assert!((mlp.energy(&x) - mlp.energy(&copy)).abs() < 1e-12);
    let mut text = String::new();
    for p in [&x, &copy] {
        let data = point_data(&mlp, p, System::Network { nzero: 0 }, false).unwrap();
        text.push_str(&MinDataInfo::from_point(&data, p).render());
    }
    for permdist in [true, false] {
        let sub = d.join(if permdist { "with" } else { "without" });
        std::fs::create_dir(&sub).unwrap();
        std::fs::copy(d.join("MLPdata"), sub.join("MLPdata")).unwrap();
        write(&sub, "min.data.info", &text);
        write(
            &sub,
            "pathdata",
            &format!(
                "EXEC {}\n{NETWORK}\n{}EDIFFTOL 1.0D-7\nGEOMDIFFTOL 0.01\nREADMIN min.data.info\n",
                bin("OPTIM").display(),
                if permdist { "PERMDIST\n" } else { "" }
            ),
        );
        let log = ok(&run("PATHSAMPLE", &[], &sub));
        let nmin = read(&sub, "min.data").lines().count();
        assert_eq!(nmin, if permdist { 1 } else { 2 }, "{log}");
        assert!(
            log.contains(&format!("{nmin} new minima")),
            "permdist {permdist}: {log}"
        );
    }
}

/// An `odata` connecting `x` to `finish`: one cycle with one short band when `quick`.
fn odata(permdist: bool, x: &[f64], quick: bool) -> String {
    let mut s = String::from(if quick {
        "NEWCONNECT 1 1 10.0 30.0 5 0.5 0.01\nNEWNEB 5 20 0.01\nBFGSTS 20 10 100 1.0D-8\n"
    } else {
        "NEWCONNECT 10 3 10.0 30.0 30 0.5 0.01\nNEWNEB 10 500 0.01\nBFGSTS 500 10 100 1.0D-8\n"
    });
    s.push_str(
        "BFGSMIN 1.0D-7\nCONVERGE 1.0D-7 1.0D-7\nEDIFFTOL 1.0D-7\nGEOMDIFFTOL 0.01\nDUMPALLPATHS\n",
    );
    s.push_str(NETWORK);
    s.push('\n');
    if permdist {
        s.push_str("PERMDIST\n");
    }
    s.push_str("VARIABLES\n");
    for v in x {
        s.push_str(&format!("{v:.17e}\n"));
    }
    s
}

fn values(x: &[f64]) -> String {
    x.iter().map(|v| format!("{v:.17e}\n")).collect()
}

#[test]
fn optim_connecting_a_minimum_to_its_copy_stops_without_a_search_under_permdist() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, x, copy) = minimum_and_copy(d);
    write(d, "odata", &odata(true, &x, false));
    write(d, "finish", &values(&copy));
    let log = ok(&run("OPTIM", &[], d));
    assert!(
        log.contains("the start and finish points are the same minimum"),
        "{log}"
    );
    assert!(log.contains("with PERMDIST"), "{log}");
    assert!(!log.contains("DNEB") && !log.contains("bfgsts"), "{log}");
    // No triple: path.info exists (DUMPALLPATHS) but is empty.
    assert_eq!(read(d, "path.info"), "");
}

/// The distance OPTIM logs for its first band.
fn logged_band_distance(log: &str) -> f64 {
    let line = log
        .lines()
        .find(|l| l.contains("DNEB between minima 1 and 2"))
        .unwrap_or_else(|| panic!("{log}"));
    line.split("distance ")
        .nth(1)
        .and_then(|t| t.split(',').next())
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn optim_aligns_the_finish_point_before_the_band() {
    // The finish point is a permuted, sign-flipped copy of a second minimum: with PERMDIST the
    // band runs to its best image, at the aligned distance; without, across the plain one.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (mlp, x, _) = minimum_and_copy(d);
    let cfg = LbfgsConfig {
        tolerance: 1.0e-9,
        max_iterations: 50_000,
        ..Default::default()
    };
    // A second minimum from deterministic pseudo-random starts.
    let other = (1..40)
        .map(|k| {
            let x0: Vec<f64> = (0..mlp.nopt())
                .map(|i| (((i * 7919 + k * 104_729) % 1000) as f64 / 500.0 - 1.0) * 2.0)
                .collect();
            minimise(&mlp, &x0, &cfg)
        })
        .find(|r| r.converged() && (r.energy - mlp.energy(&x)).abs() > 1e-4)
        .expect("a second minimum");
    let g = Symmetry::network_group(&spec(), &[]).unwrap();
    let map = UnitMap {
        perm: vec![vec![1, 4, 3, 0, 2]],
        sign: vec![vec![1.0, -1.0, -1.0, 1.0, -1.0]],
    };
    let finish = g.apply(&other.x, &map);
    let plain = distance(&x, &finish);
    let aligned = g.align(&x, &finish).distance;
    assert!(aligned < plain - 0.1, "{aligned} vs {plain}");
    for permdist in [true, false] {
        write(d, "odata", &odata(permdist, &x, true));
        write(d, "finish", &values(&finish));
        let out = run("OPTIM", &[], d);
        let log = String::from_utf8_lossy(&out.stdout).to_string();
        let logged = logged_band_distance(&log);
        let expected = if permdist { aligned } else { plain };
        assert!(
            (logged - expected).abs() < 1e-5,
            "PERMDIST {permdist}: {logged} vs {expected}\n{log}"
        );
    }
}

#[test]
fn gmin_dumpmindb_and_save_with_permdist_identify_copies() {
    // GMIN's identity with PERMDIST is the system's: the SAVE list holds distinct minima whose
    // pairwise aligned distances are at least GEOMDIFFTOL, or whose energies differ.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    e2e::gmin_mlp_study(d, 150, 1.5, "DUMPMINDB\nPERMDIST\nGEOMDIFFTOL 0.01\n");
    let text = read(d, "min.data.info");
    let minima = common::files::min_data_info::parse(&text, "min.data.info", 39).unwrap();
    assert!(minima.len() >= 2, "{text}");
    let g = Symmetry::network(0, Some(Symmetry::network_group(&spec(), &[]).unwrap()));
    for (i, a) in minima.iter().enumerate() {
        for b in &minima[i + 1..] {
            let same =
                (a.energy - b.energy).abs() < 1.0e-5 && g.distance(&a.coords, &b.coords) < 0.01;
            assert!(!same, "two copies of one minimum in min.data.info");
        }
    }
}
