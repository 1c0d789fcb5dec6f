//! NGT (algorithms.md §12.1): goldens N1, N2 (goldens.md §7), NOFRQS through `pathdata`, and
//! random networks against an independent dense linear solve of the committor and
//! mean-first-passage equations.

mod util;

use common::database::Database;
use common::fortran_fmt::fmt_g;
use std::f64::consts::PI;
use util::*;

/// N1: chain A(1, E 0) – I(2, E 0.5) – B(3, E 0.2), TSs at 1.0 and 1.2.
fn n1(dir: &std::path::Path) -> Database {
    let mut db = Database::open(dir, cfg()).unwrap();
    min(&mut db, 0.0, 1.0, 1, 0.0);
    min(&mut db, 0.5, 1.0, 1, 1.0);
    min(&mut db, 0.2, 1.0, 1, 2.0);
    ts(&mut db, 1.0, 1.0, 1, 1, 2, 0.5);
    ts(&mut db, 1.2, 1.0, 1, 2, 3, 1.5);
    db.set_ab(&[1], &[3]).unwrap();
    db
}

fn g(v: f64) -> String {
    fmt_g(v, 20, 10)
}

#[test]
fn n1_golden() {
    let dir = tempfile::tempdir().unwrap();
    let db = n1(dir.path());
    let out = analyse(dir.path(), &input("TEMPERATURE 1.0\nNGT\n"), &db).unwrap();
    // Exact lines (the goldens to 10 significant digits).
    assert!(
        out.contains("NGT> kSS (A<-B)=    0.3219268791E-01   kSS (B<-A)=    0.2635714362E-01\n"),
        "{out}"
    );
    assert!(
        out.contains("NGT> kNSS(A<-B)=    0.2414165797E-01   kNSS(B<-A)=    0.1976551781E-01\n"),
        "{out}"
    );
    let kss = values(line(&out, "NGT> kSS "));
    let knss = values(line(&out, "NGT> kNSS"));
    assert!((kss[0] - 0.0321926879).abs() < 1e-10);
    assert!((kss[1] - 0.0263571436).abs() < 1e-10);
    assert!((knss[0] - 0.0241416580).abs() < 1e-10);
    assert!((knss[1] - 0.0197655178).abs() < 1e-10);
    // Detailed balance.
    let ratios: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("NGT> detailed balance"))
        .collect();
    assert_eq!(ratios.len(), 2, "{out}");
    for r in ratios {
        assert!(r.ends_with(&format!("={}", g(1.0))), "{r}");
    }
    assert!(!out.contains("kKMC"));
    // Committor files: from A the probability of returning to A first is the branching
    // 2 → 1; from B the probability of reaching A first.
    let k21 = (-0.5f64).exp();
    let k23 = (-0.7f64).exp();
    let pa = k21 / (k21 + k23);
    let ab = read(dir.path(), "commit.ngt.AB");
    let ba = read(dir.path(), "commit.ngt.BA");
    assert_eq!(ab.lines().count(), 3);
    let ab: Vec<f64> = ab.lines().map(|l| l.trim().parse().unwrap()).collect();
    let ba: Vec<f64> = ba.lines().map(|l| l.trim().parse().unwrap()).collect();
    for (got, want) in ab.iter().zip([pa, 0.0, pa]) {
        assert!((got - want).abs() < 1e-10, "{ab:?}");
    }
    for (got, want) in ba.iter().zip([1.0 - pa, 0.0, 1.0 - pa]) {
        assert!((got - want).abs() < 1e-10, "{ba:?}");
    }
}

#[test]
fn n1_kmc_equals_knss_with_one_source_minimum() {
    let dir = tempfile::tempdir().unwrap();
    let db = n1(dir.path());
    let out = analyse(dir.path(), &input("TEMPERATURE 1.0\nNGT 0 T\n"), &db).unwrap();
    let knss = values(line(&out, "NGT> kNSS"));
    let kkmc = values(line(&out, "NGT> kKMC(A<-B)="));
    assert!((kkmc[0] - knss[0]).abs() < 1e-15 && (kkmc[1] - knss[1]).abs() < 1e-15);
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("NGT> detailed balance"))
            .count(),
        3
    );
}

#[test]
fn n2_golden_and_commit_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(dir.path(), cfg()).unwrap();
    min(&mut db, 0.0, 1.0, 1, 0.0);
    min(&mut db, 0.2, 1.0, 1, 1.0);
    ts(&mut db, 1.2, 1.0, 1, 1, 2, 0.5);
    db.set_ab(&[1], &[2]).unwrap();
    let out = analyse(dir.path(), &input("TEMPERATURE 1.0\nNGT\n"), &db).unwrap();
    let k = (-1.0f64).exp() / (2.0 * PI);
    assert!((k - 0.0585498315).abs() < 1e-10);
    let kss = values(line(&out, "NGT> kSS "));
    let knss = values(line(&out, "NGT> kNSS"));
    assert!((kss[0] - 0.0585498315).abs() < 1e-10, "{out}");
    assert!((knss[0] - 0.0585498315).abs() < 1e-10, "{out}");
    assert_eq!(
        line(&out, "NGT> kSS "),
        format!(
            "NGT> kSS (A<-B)={}   kSS (B<-A)={}",
            g(k),
            g((-1.2f64).exp() / (2.0 * PI))
        )
    );
    assert_eq!(
        read(dir.path(), "commit.ngt.AB"),
        format!("{}\n{}\n", g(0.0), g(1.0))
    );
    assert_eq!(
        read(dir.path(), "commit.ngt.BA"),
        format!("{}\n{}\n", g(1.0), g(0.0))
    );
}

#[test]
fn temperature_is_required() {
    let dir = tempfile::tempdir().unwrap();
    let db = n1(dir.path());
    for deck in [
        "NGT\n",
        "TEMPERATURE 0.0\nNGT\n",
        "TEMPERATURE -1\nDIJKSTRA\n",
    ] {
        let e = analyse(dir.path(), &input(deck), &db).unwrap_err();
        assert!(
            e.to_string().starts_with("setup> ERROR - TEMPERATURE="),
            "{e}"
        );
    }
    // No analysis: the old message, no temperature needed.
    let out = analyse(dir.path(), &input(""), &db).unwrap();
    assert!(out.starts_with("PATHSAMPLE> nothing to do: 3 minima, 2 transition states"));
}

/// N2 through `pathdata` and `Run` (atoms, NOFRQS): the written fvib columns are ignored
/// (DECISION 2), so k = e^(−1)/(2π) whatever they hold (goldens R2).
#[test]
fn nofrqs_through_pathdata() {
    use common::database::{DbConfig, MinRecord, TsRecord};
    let dir = tempfile::tempdir().unwrap();
    {
        let mut db = Database::open(dir.path(), DbConfig::atoms(2)).unwrap();
        for (e, d) in [(0.0, 1.0), (0.2, 2.0)] {
            db.add_minimum(
                MinRecord::new(e, 7.5, 1, [0.0; 3]),
                &[0.0, 0.0, 0.0, d, 0.0, 0.0],
            )
            .unwrap();
        }
        let t = TsRecord {
            energy: 1.2,
            fvib: 2.25,
            order: 1,
            plus: 1,
            minus: 2,
            inertia: [0.0; 3],
            negeig: None,
        };
        db.add_ts(t, &[0.0, 0.0, 0.0, 1.5, 0.0, 0.0]).unwrap();
        db.set_ab(&[1], &[2]).unwrap();
    }
    let before = snapshot(dir.path());
    let run = |deck: &str| {
        std::fs::write(dir.path().join("pathdata"), deck).unwrap();
        let input = pathsample::run::read_input(dir.path()).unwrap();
        let mut out = Vec::new();
        pathsample::run::Run::new(dir.path(), input, &mut out)
            .execute()
            .unwrap();
        String::from_utf8(out).unwrap()
    };
    let out = run("NATOMS 2\nTEMPERATURE 1.0\nNOFRQS\nNGT 0 T\n");
    let kss = values(line(&out, "NGT> kSS "));
    assert!((kss[0] - 0.0585498315).abs() < 1e-10, "{out}");
    let kkmc = values(line(&out, "NGT> kKMC"));
    assert!((kkmc[0] - 0.0585498315).abs() < 1e-10, "{out}");
    // Without NOFRQS the written fvib values count: k = e^((7.5−2.25)/2 − 1)/(2π).
    let out = run("NATOMS 2\nTEMPERATURE 1.0\nNGT\n");
    let kss = values(line(&out, "NGT> kSS "));
    let want = ((7.5 - 2.25) / 2.0 - 1.0f64).exp() / (2.0 * PI);
    assert!((kss[0] / want - 1.0).abs() < 1e-9, "{out}");
    // The database files are untouched.
    let after: Vec<_> = snapshot(dir.path())
        .into_iter()
        .filter(|(n, _)| !n.starts_with("commit.ngt") && n != "pathdata")
        .collect();
    assert_eq!(before, after);
}

// ---------------------------------------------------------------------------------------
// Independent reference: dense linear algebra on the full rate matrix.

/// Solve A x = b by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap();
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..n {
            let f = a[r][c] / a[c][c];
            if f != 0.0 {
                let pivot = a[c].clone();
                for (x, y) in a[r][c..].iter_mut().zip(&pivot[c..]) {
                    *x -= f * y;
                }
                b[r] -= f * b[c];
            }
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| a[r][k] * x[k]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    x
}

/// A random network written as a database, with its rate matrix and ln Z computed here
/// from the formulas of algorithms.md §10.
struct Model {
    db: Database,
    /// k[i][j]: total rate i → j (self-loops from degenerate TSs).
    k: Vec<Vec<f64>>,
    z: Vec<f64>,
    a: Vec<usize>,
    b: Vec<usize>,
}

fn random_model(seed: u64, n: usize, extra: usize, t: f64) -> Model {
    let mut rng = Rng(seed);
    let mut db = Database::in_memory(cfg());
    let mut e = Vec::new();
    let mut fv = Vec::new();
    let mut h = Vec::new();
    for i in 0..n {
        e.push(1.5 * rng.uniform());
        fv.push(0.5 + 2.5 * rng.uniform());
        h.push(1 + rng.below(3));
        min(&mut db, e[i], fv[i], h[i], i as f64);
    }
    let mut k = vec![vec![0.0; n]; n];
    let mut pairs: Vec<(usize, usize)> = (1..n).map(|i| (rng.below(i), i)).collect();
    for _ in 0..extra {
        pairs.push((rng.below(n), rng.below(n)));
    }
    for (c, &(p, m)) in pairs.iter().enumerate() {
        let et = e[p].max(e[m]) + 0.05 + 1.2 * rng.uniform();
        let ft = 0.3 + 2.0 * rng.uniform();
        let ht = 1 + rng.below(2);
        ts(&mut db, et, ft, ht, p + 1, m + 1, 1000.0 + c as f64);
        let rate = |from: usize| {
            let mut r = h[from] as f64 / (2.0 * PI * ht as f64)
                * ((fv[from] - ft) / 2.0).exp()
                * (-(et - e[from]) / t).exp();
            if p == m {
                r *= 2.0;
            }
            r
        };
        if p == m {
            k[p][p] += rate(p);
        } else {
            k[p][m] += rate(p);
            k[m][p] += rate(m);
        }
    }
    let z = (0..n)
        .map(|i| (-e[i] / t - fv[i] / 2.0 - (h[i] as f64).ln()).exp())
        .collect();
    let a = vec![0, 1, 2];
    let b = vec![n - 1, n - 2];
    db.set_ab(
        &a.iter().map(|i| i + 1).collect::<Vec<_>>(),
        &b.iter().map(|i| i + 1).collect::<Vec<_>>(),
    )
    .unwrap();
    Model { db, k, z, a, b }
}

/// (kSS, kNSS, kKMC) for target ← source, commit values for the source minima, and the
/// flux Σ_edges Z_i k_ij (q_i − q_j)² with q the committor to `target`.
fn reference(m: &Model, target: &[usize], source: &[usize]) -> (f64, f64, f64, Vec<f64>, f64) {
    let n = m.z.len();
    let kt: Vec<f64> = (0..n).map(|i| m.k[i].iter().sum()).collect();
    let p = |j: usize, i: usize| m.k[i][j] / kt[i];
    let is_t = |i: usize| target.contains(&i);
    let is_s = |i: usize| source.contains(&i);
    let inter: Vec<usize> = (0..n).filter(|&i| !is_t(i) && !is_s(i)).collect();
    let pos = |i: usize| inter.iter().position(|&x| x == i);
    let ni = inter.len();
    let mut a = vec![vec![0.0; ni]; ni];
    for (r, &i) in inter.iter().enumerate() {
        for (c, &j) in inter.iter().enumerate() {
            a[r][c] = if r == c { 1.0 } else { 0.0 } - p(j, i);
        }
    }
    // Committor to target (source absorbing) and mean time to reach target ∪ source.
    let q = solve(
        a.clone(),
        inter
            .iter()
            .map(|&i| target.iter().map(|&t| p(t, i)).sum())
            .collect(),
    );
    let mt = solve(a, inter.iter().map(|&i| 1.0 / kt[i]).collect());
    let qfull = |j: usize| {
        if is_t(j) {
            1.0
        } else if is_s(j) {
            0.0
        } else {
            q[pos(j).unwrap()]
        }
    };
    // Mean first-passage time to the target, every other node transient.
    let rest: Vec<usize> = (0..n).filter(|&i| !is_t(i)).collect();
    let nr = rest.len();
    let mut a2 = vec![vec![0.0; nr]; nr];
    for (r, &i) in rest.iter().enumerate() {
        for (c, &j) in rest.iter().enumerate() {
            a2[r][c] = if r == c { 1.0 } else { 0.0 } - p(j, i);
        }
    }
    let mfpt = solve(a2, rest.iter().map(|&i| 1.0 / kt[i]).collect());
    let zs: f64 = source.iter().map(|&s| m.z[s]).sum();
    let (mut kss, mut knss, mut kkmc) = (0.0, 0.0, 0.0);
    let mut commit = Vec::new();
    for &s in source {
        let c: f64 = (0..n).map(|j| p(j, s) * qfull(j)).sum();
        let tau_gt = 1.0 / kt[s]
            + inter
                .iter()
                .map(|&j| p(j, s) * mt[pos(j).unwrap()])
                .sum::<f64>();
        let w = m.z[s] / zs;
        kss += w * c * kt[s];
        knss += w * c / tau_gt;
        kkmc += w / mfpt[rest.iter().position(|&x| x == s).unwrap()];
        commit.push(c);
    }
    let mut flux = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            flux += m.z[i] * m.k[i][j] * (qfull(i) - qfull(j)).powi(2);
        }
    }
    (kss, knss, kkmc, commit, flux)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs())
}

#[test]
fn random_networks_against_dense_linear_solve() {
    for (seed, n, extra, t) in [
        (7u64, 12usize, 8usize, 0.5),
        (11, 25, 20, 0.4),
        (12345, 40, 45, 0.3),
        (99, 30, 10, 1.0),
    ] {
        let m = random_model(seed, n, extra, t);
        let dir = tempfile::tempdir().unwrap();
        let out = analyse(
            dir.path(),
            &input(&format!("TEMPERATURE {t}\nNGT 0 T\n")),
            &m.db,
        )
        .unwrap();
        // The printed values have 10 significant digits; check the full-precision values
        // through the library too.
        let mut net = pathsample::analysis::network::Network::from_db(
            &m.db,
            &pathsample::analysis::network::DeadTs {
                tsthresh: f64::INFINITY,
                maxbarrier: f64::INFINITY,
                minbarrier: f64::NEG_INFINITY,
            },
            Some(&common::database::RateOptions::canonical(t)),
        );
        net.prune(Some(0));
        let r = pathsample::analysis::ngt::ngt(&net, true);
        assert!(r.connected);
        let kmc = r.kkmc.unwrap();
        let (ss_ab, nss_ab, kmc_ab, c_ab, flux) = reference(&m, &m.a, &m.b);
        let (ss_ba, nss_ba, kmc_ba, c_ba, flux2) = reference(&m, &m.b, &m.a);
        assert!(close(flux, flux2, 1e-10));
        let zb: f64 = m.b.iter().map(|&i| m.z[i]).sum();
        let za: f64 = m.a.iter().map(|&i| m.z[i]).sum();
        let tol = 1e-9;
        let ctx = format!("seed {seed}: {r:?}");
        assert!(
            close(r.kss.ab, ss_ab, tol),
            "kSS(A<-B) {} {ss_ab} {ctx}",
            r.kss.ab
        );
        assert!(close(r.kss.ba, ss_ba, tol), "kSS(B<-A) {ctx}");
        // kSS is the reactive flux over the equilibrium population of the source.
        assert!(close(r.kss.ab, flux / zb, tol), "{ctx}");
        assert!(close(r.kss.ba, flux / za, tol), "{ctx}");
        assert!(
            close(r.knss.ab, nss_ab, tol),
            "kNSS(A<-B) {} {nss_ab} {ctx}",
            r.knss.ab
        );
        assert!(close(r.knss.ba, nss_ba, tol), "kNSS(B<-A) {ctx}");
        assert!(
            close(kmc.ab, kmc_ab, tol),
            "kKMC(A<-B) {} {kmc_ab} {ctx}",
            kmc.ab
        );
        assert!(close(kmc.ba, kmc_ba, tol), "kKMC(B<-A) {ctx}");
        assert!(close(r.balance(r.kss), 1.0, 1e-9));
        for (k, &b) in m.b.iter().enumerate() {
            assert!(close(r.commit_ab[b], c_ab[k], tol), "{ctx}");
        }
        for (k, &a) in m.a.iter().enumerate() {
            assert!(close(r.commit_ba[a], c_ba[k], tol), "{ctx}");
            // From A: returning to A first is the complement of reaching B first.
            assert!((r.commit_ab[a] + r.commit_ba[a] - 1.0).abs() < 1e-12);
        }
        // The printed lines agree with the library values.
        assert_eq!(
            line(&out, "NGT> kSS "),
            format!(
                "NGT> kSS (A<-B)={}   kSS (B<-A)={}",
                fmt_g(r.kss.ab, 20, 10),
                fmt_g(r.kss.ba, 20, 10)
            )
        );
        let written: Vec<f64> = read(dir.path(), "commit.ngt.AB")
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect();
        assert_eq!(written.len(), n);
        for (i, v) in written.iter().enumerate() {
            assert!((v - r.commit_ab[i]).abs() <= 1e-9 * r.commit_ab[i].abs().max(1e-300) + 1e-300);
        }
    }
}

/// NCONNMIN: minima with ≤ n live connections are pruned recursively, so dangling chains
/// vanish; the rates equal those of the database without them.
#[test]
fn nconnmin_prunes_dangling_chains() {
    let t = 0.5;
    // Core: a ring of 8 minima with two chords; A = {1}, B = {5}.
    let build = |with_tail: bool| {
        let mut db = Database::in_memory(cfg());
        let mut rng = Rng(4242);
        for i in 0..8 {
            min(&mut db, rng.uniform(), 1.0, 1, i as f64);
        }
        let mut c = 100.0;
        let mut edge = |db: &mut Database, p: usize, q: usize, rng: &mut Rng| {
            let e = db.minimum(p).energy.max(db.minimum(q).energy) + 0.2 + rng.uniform();
            c += 1.0;
            ts(db, e, 1.0, 1, p, q, c);
        };
        for i in 1..=8 {
            edge(&mut db, i, i % 8 + 1, &mut rng);
        }
        edge(&mut db, 1, 5, &mut rng);
        edge(&mut db, 3, 7, &mut rng);
        if with_tail {
            // A chain 9–10–11 hanging from minimum 2, and minimum 12 isolated.
            for i in 0..4 {
                min(&mut db, 0.1 * i as f64, 1.0, 1, 20.0 + i as f64);
            }
            edge(&mut db, 2, 9, &mut rng);
            edge(&mut db, 9, 10, &mut rng);
            edge(&mut db, 10, 11, &mut rng);
        }
        db.set_ab(&[1], &[5]).unwrap();
        db
    };
    let dir = tempfile::tempdir().unwrap();
    let core = analyse(
        dir.path(),
        &input(&format!("TEMPERATURE {t}\nNGT 1\n")),
        &build(false),
    )
    .unwrap();
    let tail1 = analyse(
        dir.path(),
        &input(&format!("TEMPERATURE {t}\nNGT 1\n")),
        &build(true),
    )
    .unwrap();
    let tail2 = analyse(
        dir.path(),
        &input(&format!("TEMPERATURE {t}\nNCONNMIN 1\nNGT\n")),
        &build(true),
    )
    .unwrap();
    let tail0 = analyse(
        dir.path(),
        &input(&format!("TEMPERATURE {t}\nNGT\n")),
        &build(true),
    )
    .unwrap();
    assert_eq!(line(&core, "NGT> kSS "), line(&tail1, "NGT> kSS "));
    assert_eq!(line(&core, "NGT> kNSS"), line(&tail1, "NGT> kNSS"));
    assert_eq!(line(&core, "NGT> kNSS"), line(&tail2, "NGT> kNSS"));
    assert!(
        tail1.contains("NGT> 8 minima and 10 transition states"),
        "{tail1}"
    );
    // Without pruning the chain is part of the graph: kSS is unchanged (a dead end does not
    // alter committors) but kNSS is not (time is spent in the chain).
    assert!(
        tail0.contains("NGT> 11 minima and 13 transition states"),
        "{tail0}"
    );
    let a = values(line(&core, "NGT> kSS "));
    let b = values(line(&tail0, "NGT> kSS "));
    assert!(close(a[0], b[0], 1e-9));
    assert_ne!(line(&core, "NGT> kNSS"), line(&tail0, "NGT> kNSS"));
}

#[test]
fn disconnected_sets_give_zero_rates() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::in_memory(cfg());
    min(&mut db, 0.0, 1.0, 1, 0.0);
    min(&mut db, 0.1, 1.0, 1, 1.0);
    min(&mut db, 0.2, 1.0, 1, 2.0);
    ts(&mut db, 1.0, 1.0, 1, 1, 2, 0.5);
    db.set_ab(&[1], &[3]).unwrap();
    let out = analyse(dir.path(), &input("TEMPERATURE 1\nNGT\n"), &db).unwrap();
    assert!(
        out.contains("NGT> the A and B sets are not connected"),
        "{out}"
    );
    assert_eq!(values(line(&out, "NGT> kSS ")), vec![0.0, 0.0]);
    // MAXBARRIER kills both TSs of N1 (barriers 1.0/0.5 and 0.7/1.0 above 0.4): no path.
    let dir = tempfile::tempdir().unwrap();
    let db = n1(dir.path());
    let out = analyse(
        dir.path(),
        &input("TEMPERATURE 1\nMAXBARRIER 0.4\nNGT\n"),
        &db,
    )
    .unwrap();
    assert!(out.contains("not connected"), "{out}");
    // Either barrier of TS 1 (0.5 from minimum 2) below MINBARRIER 0.6 kills it.
    let out = analyse(
        dir.path(),
        &input("TEMPERATURE 1\nMINBARRIER 0.6\nNGT\n"),
        &db,
    )
    .unwrap();
    assert!(out.contains("not connected"), "{out}");
    let out = analyse(
        dir.path(),
        &input("TEMPERATURE 1\nMINBARRIER 0.45\nNGT\n"),
        &db,
    )
    .unwrap();
    assert!(!out.contains("not connected"), "{out}");
}

/// Goldens R1 and R3 seen through NGT on two minima: kSS = the single-step rate.
#[test]
fn r1_r3_rates_through_ngt() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::in_memory(cfg());
    min(&mut db, 0.0, 2.0, 2, 0.0); // h = 2 doubles k out of minimum 1 (R3)
    min(&mut db, 0.0, 2.0, 1, 1.0);
    ts(&mut db, 1.0, 1.0, 1, 1, 2, 0.5);
    // A degenerate TS on B only adds a self-loop: kSS and kNSS are unchanged.
    ts(&mut db, 0.7, 1.0, 1, 2, 2, 0.7);
    db.set_ab(&[1], &[2]).unwrap();
    let out = analyse(dir.path(), &input("TEMPERATURE 1.0\nNGT\n"), &db).unwrap();
    let kss = values(line(&out, "NGT> kSS "));
    let knss = values(line(&out, "NGT> kNSS"));
    assert!((kss[0] - 0.0965323526).abs() < 1e-10, "{out}");
    assert!((knss[0] - 0.0965323526).abs() < 1e-10, "{out}");
    assert!((kss[1] - 2.0 * 0.0965323526).abs() < 2e-10, "{out}");
    assert!(
        out.contains("NGT> 2 minima and 2 transition states"),
        "{out}"
    );
}
