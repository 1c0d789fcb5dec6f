//! End-to-end tests of `OPTIM` in temporary working directories.

use common::files::path_info;
use common::linalg::{count_negative, sym_eigenvalues};
use common::ljat::Ljat;
use common::mlp::{Mlp, MlpSpec};
use common::potential::{rms, Potential};
use e2e::{lowest_coordinates, ok, parse_path_info, read, run, workdir, write};

const TS_E: f64 = -1.985069657957;
const TS_EIG: f64 = -3.53942100564;

#[test]
fn ljat3_newconnect_finds_the_golden_ts_between_the_two_minima() {
    let dir = workdir("optim_ljat3_connect");
    let log = ok(&run("OPTIM", &[], dir.path()));
    assert!(log.contains("Connected path found"), "{log}");
    let text = read(dir.path(), "path.info");
    // The file round-trips byte for byte through the common reader and writer.
    let info = path_info::parse(&text, "path.info", 9, path_info::Eigenvalues::Auto).unwrap();
    assert!(info.has_eigenvalues && info.incomplete.is_none());
    assert_eq!(path_info::render(&info.blocks), text);
    let blocks = parse_path_info(&text, 9, true);
    assert_eq!(blocks.len() % 3, 0);
    let ts = &blocks[1];
    assert!((ts.energy - TS_E).abs() < 1e-8, "{}", ts.energy);
    let ev = ts.eigenvalues.as_ref().unwrap();
    assert_eq!(count_negative(ev, 1e-6), 1);
    assert!((ev[8] - TS_EIG).abs() < 1e-6, "{ev:?}");
    assert!(
        ev.windows(2).all(|w| w[0] >= w[1]),
        "eigenvalues descending"
    );
    assert_eq!(ts.order, 4);
    let mut ends = [blocks[0].energy, blocks[2].energy];
    ends.sort_by(f64::total_cmp);
    assert!(
        (ends[0] + 2.219098169601).abs() < 1e-8 && (ends[1] + 2.185098840269).abs() < 1e-8,
        "{ends:?}"
    );
    // Independent recomputation from the printed TS coordinates.
    let p = Ljat::new(3, 2.0);
    assert!((p.energy(&ts.coords) - TS_E).abs() < 1e-9);
    assert!(rms(&p.gradient(&ts.coords)) < 1e-6);
}

#[test]
fn bfgsts_from_a_perturbed_geometry_converges_and_path_writes_its_files() {
    let dir = workdir("optim_ljat3_ts");
    let log = ok(&run("OPTIM", &[], dir.path()));
    assert!(log.contains("TS search converged"), "{log}");
    let blocks = parse_path_info(&read(dir.path(), "path.info"), 9, true);
    assert_eq!(blocks.len(), 3);
    assert!((blocks[1].energy - TS_E).abs() < 1e-8);
    let eofs = read(dir.path(), "EofS");
    let n = eofs.lines().count();
    assert!(n > 10);
    let energies: Vec<f64> = eofs
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap())
        .collect();
    // The path climbs from the + minimum to the TS and descends to the − minimum.
    let top = energies.iter().cloned().fold(f64::MIN, f64::max);
    assert!((top - TS_E).abs() < 1e-8, "highest frame {top}");
    let k = energies.iter().position(|&e| e == top).unwrap();
    assert!(energies[..=k].windows(2).all(|w| w[0] <= w[1] + 1e-12));
    assert!(energies[k..].windows(2).all(|w| w[0] + 1e-12 >= w[1]));
    assert!((energies[0] - blocks[0].energy).abs() < 1e-6);
    assert!(read(dir.path(), "path.xyz").starts_with("3\nEnergy="));
}

#[test]
fn a_job_suffix_reads_and_writes_only_suffixed_files() {
    let src = workdir("optim_ljat3_connect");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(src.path().join("odata"), dir.path().join("odata.7")).unwrap();
    std::fs::copy(src.path().join("finish"), dir.path().join("finish.7")).unwrap();
    ok(&run("OPTIM", &["7"], dir.path()));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, vec!["finish.7", "odata.7", "path.info.7"]);
}

#[test]
fn endnumhess_and_endhess_agree() {
    let a = workdir("optim_ljat3_connect");
    ok(&run("OPTIM", &[], a.path()));
    let b = workdir("optim_ljat3_connect");
    let deck = read(b.path(), "odata").replace("DUMPALLPATHS", "DUMPALLPATHS\nENDNUMHESS");
    write(b.path(), "odata", &deck);
    ok(&run("OPTIM", &[], b.path()));
    let pa = parse_path_info(&read(a.path(), "path.info"), 9, true);
    let pb = parse_path_info(&read(b.path(), "path.info"), 9, true);
    assert_eq!(pa.len(), pb.len());
    for (x, y) in pa.iter().zip(&pb) {
        for (u, v) in x
            .eigenvalues
            .as_ref()
            .unwrap()
            .iter()
            .zip(y.eigenvalues.as_ref().unwrap())
        {
            assert!((u - v).abs() < 1e-4 * u.abs().max(1.0), "{u} vs {v}");
        }
    }
}

#[test]
fn lj13_connection_between_two_different_minima() {
    // Two LJ13 minima: the icosahedron and a minimum from a perturbed start.
    let p = Ljat::new(13, 0.0);
    let cfg = common::lbfgs::LbfgsConfig {
        tolerance: 1e-8,
        max_iterations: 10_000,
        ..Default::default()
    };
    let ico = common::lbfgs::minimise(&p, &common::ljat::geometry::icosahedron13(1.1), &cfg);
    // Move surface atom 1 to a capping site over the face farthest from it and relax.
    let mut x = ico.x.clone();
    let pos = |x: &[f64], i: usize| [x[3 * i], x[3 * i + 1], x[3 * i + 2]];
    let dist = |a: [f64; 3], b: [f64; 3]| {
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
    };
    let centre = common::geometry::centre_of_mass(&x);
    let a1 = pos(&x, 1);
    let mut best: Option<([f64; 3], f64)> = None;
    for i in 2..13 {
        for j in (i + 1)..13 {
            for k in (j + 1)..13 {
                let (pi, pj, pk) = (pos(&x, i), pos(&x, j), pos(&x, k));
                if dist(pi, pj) > 1.35 || dist(pi, pk) > 1.35 || dist(pj, pk) > 1.35 {
                    continue;
                }
                let c = [0, 1, 2].map(|m| (pi[m] + pj[m] + pk[m]) / 3.0);
                let far = dist(c, a1);
                if best.is_none_or(|b| far > b.1) {
                    best = Some((c, far));
                }
            }
        }
    }
    let (c, _) = best.expect("a surface face");
    let out = [0, 1, 2].map(|m| c[m] - centre[m]);
    let len = (out[0] * out[0] + out[1] * out[1] + out[2] * out[2]).sqrt();
    for m in 0..3 {
        x[3 + m] = c[m] + 0.9 * out[m] / len;
    }
    let other = common::lbfgs::minimise(&p, &x, &cfg);
    assert!(
        other.energy > ico.energy + 0.1,
        "{} vs {}",
        other.energy,
        ico.energy
    );
    let dir = tempfile::tempdir().unwrap();
    let atoms = |x: &[f64]| -> String {
        x.chunks(3)
            .map(|a| format!("AX {:.12} {:.12} {:.12}\n", a[0], a[1], a[2]))
            .collect()
    };
    write(
        dir.path(),
        "odata",
        &format!(
            "NEWCONNECT 20 3 10.0 30.0 30 0.5 0.01\nNEWNEB 15 500 0.01\nBFGSTS 500 10 100 1.0D-6\n\
             BFGSMIN 1.0D-6\nCONVERGE 1.0D-6 1.0D-6\nEDIFFTOL 1.0D-6\nGEOMDIFFTOL 0.2\nPERMDIST\nDUMPPATH\nPARAMS 0.0\nPOINTS\n{}",
            atoms(&ico.x)
        ),
    );
    write(
        dir.path(),
        "finish",
        &other
            .x
            .chunks(3)
            .map(|a| format!("{} {} {}\n", a[0], a[1], a[2]))
            .collect::<String>(),
    );
    let log = ok(&run("OPTIM", &[], dir.path()));
    assert!(log.contains("Connected path found"), "{log}");
    let blocks = parse_path_info(&read(dir.path(), "path.info"), 39, true);
    assert!(blocks.len() >= 3 && blocks.len().is_multiple_of(3));
    // The path runs from the start's energy to the finish's, each TS index one.
    assert!((blocks[0].energy - ico.energy).abs() < 1e-5);
    assert!((blocks[blocks.len() - 1].energy - other.energy).abs() < 1e-5);
    for t in blocks.iter().skip(1).step_by(3) {
        assert_eq!(count_negative(t.eigenvalues.as_ref().unwrap(), 1e-6), 1);
    }
}

/// MLPVB3 [2,5,4,200]: connect two distinct minima found by GMIN (with PERMDIST, so that the band
/// runs to the nearest copy of the second minimum).
#[test]
fn mlp_newconnect_between_gmin_minima() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    e2e::gmin_mlp_study(d, 100, 1.5, "");
    let spec = MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 5.0, 4.0, 200.0, 1.0e-4]).unwrap();
    let mlp = Mlp::load(&spec, d.join("MLPdata")).unwrap();
    // GMIN's list may hold a point its quench stopped at with a small negative Hessian
    // eigenvalue (a saddle that relaxes to a listed minimum): only true minima are end points.
    let minima: Vec<Vec<f64>> = lowest_coordinates(&read(d, "lowest"))
        .into_iter()
        .filter(|x| {
            let h = mlp.hessian(x);
            sym_eigenvalues(&h)
                .unwrap()
                .last()
                .is_some_and(|&l| l > -1e-6)
        })
        .collect();
    assert!(
        minima.len() >= 2,
        "GMIN found fewer than two distinct minima"
    );
    // The closest pair (network landscapes have many symmetry-related minima far apart).
    let dist = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt()
    };
    let mut pair = (0, 1);
    for a in 0..minima.len() {
        for b in (a + 1)..minima.len() {
            if dist(&minima[a], &minima[b]) < dist(&minima[pair.0], &minima[pair.1]) {
                pair = (a, b);
            }
        }
    }
    let values = |x: &[f64]| -> String { x.iter().map(|v| format!("{v:.15}\n")).collect() };
    write(
        d,
        "odata",
        &format!(
            "NEWCONNECT 30 3 10.0 30.0 30 0.5 0.01\nNEWNEB 10 500 0.01\nBFGSTS 500 10 100 1.0D-8\nNOHESS\n\
             BFGSMIN 1.0D-7\nCONVERGE 1.0D-7 1.0D-7\nEDIFFTOL 1.0D-7\nGEOMDIFFTOL 0.01\nREOPTIMISEENDPOINTS\nDUMPALLPATHS\n\
             MLPVB3 2 1 5 4 200 1.0D-4\nPERMDIST\nVARIABLES\n{}",
            values(&minima[pair.0])
        ),
    );
    write(d, "finish", &values(&minima[pair.1]));
    let log = ok(&run("OPTIM", &[], d));
    assert!(log.contains("Connected path found"), "{log}");
    let blocks = parse_path_info(&read(d, "path.info"), 39, true);
    assert!(!blocks.is_empty() && blocks.len().is_multiple_of(3));
    for (k, b) in blocks.iter().enumerate() {
        assert_eq!(b.order, 1);
        let g = mlp.gradient(&b.coords);
        let ev = sym_eigenvalues(&mlp.hessian(&b.coords)).unwrap();
        let index = count_negative(&ev, 1e-6);
        if k % 3 == 1 {
            assert!(rms(&g) < 1e-6, "TS {k}: RMS {}", rms(&g));
            assert_eq!(index, 1, "TS {k}: index {index}");
        } else {
            assert!(rms(&g) < 1e-6, "minimum {k}: RMS {}", rms(&g));
            assert_eq!(index, 0, "minimum {k}: index {index}");
        }
        assert!((mlp.energy(&b.coords) - b.energy).abs() < 1e-9);
    }
}

#[test]
fn malformed_odata_gives_clear_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "BFGSTS 500 10 100 1.0D-8\nWIBBLE\nPOINTS\nAX 0 0 0\n",
            "Unrecognized command WIBBLE",
        ),
        ("BFGSTS 5x0\nPOINTS\nAX 0 0 0\n", "odata:1"),
        ("BFGSTS 500\n", "POINTS or VARIABLES"),
        ("PARAMS 2.0\nPOINTS\nXX 0 0 0\nXX 1 0 0\n", "XX"),
        ("PARAMS 2.0\nPOINTS\nAX 0 0\n", "odata:3"),
        (
            "MLPVB3 2 1 2 2 3 0.0\nVARIABLES\n0.1\n0.2\n",
            "NATOMS,NMLP=",
        ),
        (
            "NEWCONNECT\nPARAMS 2.0\nPOINTS\nAX 0 0 0\nAX 1.1 0 0\n",
            "finish",
        ),
    ];
    for (deck, expect) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "odata", deck);
        let out = run("OPTIM", &[], dir.path());
        assert!(!out.status.success(), "{deck}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "deck {deck:?}: stderr {err}");
        assert!(!dir.path().join("path.info").exists());
    }
}

#[test]
fn bfgsmin_with_dumpdata_writes_min_data_info() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "odata",
        "BFGSMIN 1.0D-9\nDUMPDATA\nPARAMS 2.0\nPOINTS\nAX 0.0 0.0 0.0\nAX 1.2 0.0 0.0\nAX 0.6 1.0 0.0\n",
    );
    let log = ok(&run("OPTIM", &[], dir.path()));
    assert!(log.contains("minimisation converged"), "{log}");
    let text = read(dir.path(), "min.data.info");
    let recs = common::files::min_data_info::parse(&text, "min.data.info", 9).unwrap();
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert!((r.energy + 2.185098840269).abs() < 1e-10);
    assert!((r.fvib - 11.693670447770367).abs() < 1e-6);
    assert_eq!(r.order, 12);
    assert!((r.inertia[2] - 1.3659819793).abs() < 1e-8);
}

/// The public LJ38 tutorial, step 03 (`wales-group/examples`, LJ38/03_Connecting_minima_with_OPTIM):
/// its `odata` (NEWCONNECT, PERMDIST, RANROT, NOHESS, DUMPALLPATHS, ...) and `finish`, unchanged.
/// OPTIM connects the two minima: the (min, TS, min) triples of `path.info` form one connected
/// graph that holds the start and the finish minimum (energies of the given coordinates).
#[test]
fn lj38_tutorial_03_writes_a_connected_path() {
    let dir = workdir("lj38_tutorial_03");
    let log = ok(&run("OPTIM", &[], dir.path()));
    assert!(log.contains("Connected path found"), "{log}");
    // Coordinates: `AX x y z` lines after POINTS in odata, plain `x y z` lines in finish.
    let coords = |text: &str| -> Vec<f64> {
        text.lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let f = if f.first() == Some(&"AX") {
                    &f[1..]
                } else {
                    &f[..]
                };
                let v: Vec<f64> = f.iter().filter_map(|t| t.parse().ok()).collect();
                (f.len() == 3 && v.len() == 3).then_some(v)
            })
            .flatten()
            .collect()
    };
    let p = Ljat::new(38, 0.0);
    let start = p.energy(&coords(&read(dir.path(), "odata")));
    let finish = p.energy(&coords(&read(dir.path(), "finish")));
    let text = read(dir.path(), "path.info");
    let info = path_info::parse(&text, "path.info", 114, path_info::Eigenvalues::Auto).unwrap();
    let layout = path_info::detect_layout(&info);
    let triples = path_info::triples(&info.blocks, layout);
    assert!(!triples.is_empty());
    // Minima identified by energy (1e-6, the deck's EDIFFTOL); union-find over the triples.
    let mut energies: Vec<f64> = Vec::new();
    let id = |e: f64, energies: &mut Vec<f64>| -> usize {
        match energies.iter().position(|&x| (x - e).abs() < 1e-6) {
            Some(k) => k,
            None => {
                energies.push(e);
                energies.len() - 1
            }
        }
    };
    let mut edges = Vec::new();
    for t in &triples {
        assert!(t.ts.energy > t.plus.energy.max(t.minus.energy) - 1e-9);
        edges.push((
            id(t.plus.energy, &mut energies),
            id(t.minus.energy, &mut energies),
        ));
    }
    let mut parent: Vec<usize> = (0..energies.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            x = p[x];
        }
        x
    }
    for (a, b) in edges {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        parent[ra] = rb;
    }
    let find = |e: f64| energies.iter().position(|&x| (x - e).abs() < 1e-4);
    let (s, f) = (
        find(start).expect("start minimum in path.info"),
        find(finish).expect("finish minimum in path.info"),
    );
    assert_eq!(
        root(&mut parent, s),
        root(&mut parent, f),
        "start and finish are not connected"
    );
}
