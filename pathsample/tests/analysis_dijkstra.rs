//! DIJKSTRA n (algorithms.md §12.3, files.md §3.6): the fastest path on a hand-built graph,
//! `Epath`, the `.fastest` files, `ts.attempts`, NCONNMIN pruning, and random graphs against
//! an enumeration of every simple path.

mod util;

use common::database::Database;
use common::files::points;
use common::fortran_fmt::{fmt_g, fmt_i};
use std::f64::consts::PI;
use util::*;

/// Minima 1..5 (A = {1}, B = {5}); routes 5–4–1 (TS 1 at 3.0 is slow) and 5–3–2–1; two
/// TSs between 3 and 2 (4 at 1.5, 5 at 0.9); a degenerate TS 7 at 5. All fvib 1, h 1.
fn graph(dir: &std::path::Path) -> Database {
    let mut db = Database::open(dir, cfg()).unwrap();
    for (k, e) in [0.0, 0.3, 0.4, 0.2, 0.5].into_iter().enumerate() {
        min(&mut db, e, 1.0, 1, k as f64 + 1.0);
    }
    for (k, (e, p, m)) in [
        (3.0, 5, 4),
        (0.8, 4, 1),
        (1.0, 5, 3),
        (1.5, 3, 2),
        (0.9, 3, 2),
        (0.7, 2, 1),
        (1.1, 5, 5),
    ]
    .into_iter()
    .enumerate()
    {
        ts(&mut db, e, 1.0, 1, p, m, 10.0 + k as f64);
    }
    db.set_ab(&[1], &[5]).unwrap();
    db
}

fn k(barrier: f64) -> f64 {
    (-barrier).exp() / (2.0 * PI)
}

#[test]
fn fastest_path_epath_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = graph(d);
    let before = snapshot(d);
    let out = analyse(d, &input("TEMPERATURE 1.0\nDIJKSTRA\n"), &db).unwrap();
    // Epath from the product end: minima at odd steps, TSs at even steps.
    let steps: [(f64, usize); 7] = [
        (0.0, 1),
        (0.7, 6),
        (0.3, 2),
        (0.9, 5),
        (0.4, 3),
        (1.0, 3),
        (0.5, 5),
    ];
    let want: String = steps
        .iter()
        .enumerate()
        .map(|(s, &(e, id))| {
            format!(
                "{}{}{}\n",
                fmt_i(s as i64 + 1, 8),
                fmt_g(e, 20, 10),
                fmt_i(id as i64, 8)
            )
        })
        .collect();
    assert_eq!(read(d, "Epath"), want, "{out}");
    assert!(read(d, "Epath").starts_with("       1     0.000000000           1\n"));
    // k of the path: k(5→3)·P(2←3 via TS 5)·P(1←2).
    let k5 = k(2.5) + k(0.5) + 2.0 * k(0.6);
    let p3 = k(0.5) / (k(0.6) + k(0.5) + k(1.1));
    let p2 = k(0.4) / (k(0.6) + k(1.2) + k(0.4));
    let kpath = k5 * (k(0.5) / k5) * p3 * p2;
    let l = line(&out, "Dijkstra> kSS contribution of the path (A<-B)=");
    assert_eq!(
        l,
        format!(
            "Dijkstra> kSS contribution of the path (A<-B)={}",
            fmt_g(kpath, 20, 10)
        )
    );
    assert!(
        out.contains("Dijkstra> fastest path A<-B (NCONNMIN 0): 4 minima and 3 transition states"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Dijkstra>        1 min        1 E={}",
            fmt_g(0.0, 20, 10)
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Dijkstra>        4 ts         5 E={} barriers from the product side={} from the reactant side={}",
            fmt_g(0.9, 20, 10),
            fmt_g(0.9 - 0.3, 20, 10),
            fmt_g(0.9 - 0.4, 20, 10)
        )),
        "{out}"
    );
    // The .fastest files: the path's points in the DB formats, renumbered from the product end
    // (old 1, 2, 3, 5 → 1, 2, 3, 4).
    let md = read(d, "min.data");
    let mins: Vec<&str> = md.lines().collect();
    let want_min = [0, 1, 2, 4]
        .iter()
        .map(|&i| format!("{}\n", mins[i]))
        .collect::<String>();
    assert_eq!(read(d, "min.data.fastest"), want_min);
    let tsd = read(d, "ts.data");
    let tsl: Vec<&str> = tsd.lines().collect();
    let remap = |line: &str, p: usize, m: usize| {
        // Columns: E fvib h plus minus ...; plus/minus are the 3rd and 4th I10 fields.
        format!(
            "{}{}{}{}\n",
            &line[..60],
            fmt_i(p as i64, 10),
            fmt_i(m as i64, 10),
            &line[80..]
        )
    };
    let want_ts = remap(tsl[5], 2, 1) + &remap(tsl[4], 3, 2) + &remap(tsl[2], 4, 3);
    assert_eq!(read(d, "ts.data.fastest"), want_ts);
    let pm = points::decode(&std::fs::read(d.join("points.min.fastest")).unwrap());
    assert_eq!(pm, vec![1.0, 2.0, 3.0, 5.0]);
    let pt = points::decode(&std::fs::read(d.join("points.ts.fastest")).unwrap());
    assert_eq!(pt, vec![15.0, 14.0, 12.0]);
    assert_eq!(read(d, "min.A.fastest"), "         1\n         1\n");
    assert_eq!(read(d, "min.B.fastest"), "         1\n         4\n");
    // ts.attempts: one (I8) count per TS, incremented for the path's TSs at every run.
    assert_eq!(
        read(d, "ts.attempts"),
        "       0\n       0\n       1\n       0\n       1\n       1\n       0\n"
    );
    analyse(d, &input("TEMPERATURE 1.0\nDIJKSTRA\n"), &db).unwrap();
    assert_eq!(
        read(d, "ts.attempts"),
        "       0\n       0\n       2\n       0\n       2\n       2\n       0\n"
    );
    // The database files are not changed.
    let after: Vec<_> = snapshot(d)
        .into_iter()
        .filter(|(n, _)| before.iter().any(|(b, _)| b == n))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn direction_ba_lists_from_b() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = graph(d);
    let out = analyse(d, &input("TEMPERATURE 1.0\nDIRECTION BA\nDIJKSTRA\n"), &db).unwrap();
    let ids: Vec<usize> = read(d, "Epath")
        .lines()
        .map(|l| l[28..].trim().parse().unwrap())
        .collect();
    assert_eq!(ids, vec![5, 3, 3, 5, 2, 6, 1], "{out}");
    assert_eq!(read(d, "min.A.fastest"), "         1\n         4\n");
    assert_eq!(read(d, "min.B.fastest"), "         1\n         1\n");
    // k(1→2)·P(3←2 via TS 5)·P(5←3).
    let kpath =
        k(0.7) * (k(0.6) / (k(0.6) + k(1.2) + k(0.4))) * (k(0.6) / (k(0.6) + k(0.5) + k(1.1)));
    let v = values(line(&out, "Dijkstra> kSS contribution of the path (B<-A)="));
    assert!((v[0] / kpath - 1.0).abs() < 1e-9, "{out}");
}

/// A second B minimum 6 hanging from A by a fast TS: the fastest path with NCONNMIN 0; with
/// DIJKSTRA 1 it has one connection and is pruned.
#[test]
fn nconnmin_prunes_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = graph(d);
    min(&mut db, 0.1, 1.0, 1, 6.0);
    ts(&mut db, 0.3, 1.0, 1, 6, 1, 17.0);
    db.set_ab(&[1], &[5, 6]).unwrap();
    analyse(d, &input("TEMPERATURE 1.0\nDIJKSTRA\n"), &db).unwrap();
    assert_eq!(read(d, "Epath").lines().count(), 3);
    assert!(read(d, "Epath")
        .lines()
        .last()
        .unwrap()
        .ends_with("       6"));
    let out = analyse(d, &input("TEMPERATURE 1.0\nDIJKSTRA 1\n"), &db).unwrap();
    assert!(out.contains("(NCONNMIN 1)"), "{out}");
    assert_eq!(read(d, "Epath").lines().count(), 7);
    assert!(read(d, "Epath")
        .lines()
        .last()
        .unwrap()
        .ends_with("       5"));
    // ts.attempts grows with the database.
    assert_eq!(read(d, "ts.attempts").lines().count(), 8);
}

#[test]
fn no_path_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = graph(d);
    let out = analyse(
        d,
        &input("TEMPERATURE 1.0\nMAXBARRIER 0.45\nDIJKSTRA\n"),
        &db,
    )
    .unwrap();
    assert!(out.contains("Dijkstra> no path A<-B"), "{out}");
    assert!(!d.join("Epath").exists());
}

/// Random graphs: the path found has the largest (Z_r/Z_R)·k(r→·)·Π P over all simple paths
/// from a reactant to a product that meet no other reactant or product minimum.
#[test]
fn random_graphs_against_path_enumeration() {
    use pathsample::analysis::{dijkstra, network};
    for seed in 1..=12u64 {
        let mut rng = Rng(seed * 7919);
        let n = 7 + rng.below(3);
        let t = 0.5;
        let mut db = Database::in_memory(cfg());
        let mut e = Vec::new();
        for i in 0..n {
            e.push(rng.uniform());
            min(&mut db, e[i], 1.0, 1, i as f64);
        }
        // Per TS: (i, j, energy).
        let mut tss = Vec::new();
        for i in 1..n {
            tss.push((rng.below(i), i));
        }
        for _ in 0..n {
            tss.push((rng.below(n), rng.below(n)));
        }
        let mut edges = Vec::new();
        for (c, &(p, m)) in tss.iter().enumerate() {
            let et = e[p].max(e[m]) + 0.1 + rng.uniform();
            ts(&mut db, et, 1.0, 1, p + 1, m + 1, 100.0 + c as f64);
            edges.push((p, m, et));
        }
        let a = vec![0usize];
        let b = vec![n - 1, n - 2];
        db.set_ab(&[1], &[n, n - 1]).unwrap();
        let rate = |from: usize, et: f64, deg: bool| {
            (-(et - e[from]) / t).exp() / (2.0 * PI) * if deg { 2.0 } else { 1.0 }
        };
        let kt: Vec<f64> = (0..n)
            .map(|i| {
                edges
                    .iter()
                    .filter(|&&(p, m, _)| p == i || m == i)
                    .map(|&(p, m, et)| rate(i, et, p == m))
                    .sum()
            })
            .collect();
        let z: Vec<f64> = e.iter().map(|&x| (-x / t).exp()).collect();
        let zr: f64 = b.iter().map(|&i| z[i]).sum();
        // Enumerate simple paths by depth-first search.
        let mut best = 0.0f64;
        #[allow(clippy::too_many_arguments)]
        fn dfs(
            x: usize,
            val: f64,
            seen: &mut [bool],
            edges: &[(usize, usize, f64)],
            p: &dyn Fn(usize, f64) -> f64,
            a: &[usize],
            b: &[usize],
            best: &mut f64,
        ) {
            if a.contains(&x) {
                *best = best.max(val);
                return;
            }
            for &(i, j, et) in edges {
                if i == j || (i != x && j != x) {
                    continue;
                }
                let y = if i == x { j } else { i };
                if seen[y] || b.contains(&y) {
                    continue;
                }
                seen[y] = true;
                dfs(y, val * p(x, et), seen, edges, p, a, b, best);
                seen[y] = false;
            }
        }
        let p = |x: usize, et: f64| rate(x, et, false) / kt[x];
        for &r in &b {
            let mut seen = vec![false; n];
            seen[r] = true;
            dfs(
                r,
                z[r] / zr * kt[r],
                &mut seen,
                &edges,
                &p,
                &a,
                &b,
                &mut best,
            );
        }
        let mut net = network::Network::from_db(
            &db,
            &network::DeadTs {
                tsthresh: f64::INFINITY,
                maxbarrier: f64::INFINITY,
                minbarrier: f64::NEG_INFINITY,
            },
            Some(&common::database::RateOptions::canonical(t)),
        );
        net.prune(Some(0));
        let path = dijkstra::fastest(&net, &net.a.clone(), &net.b.clone()).unwrap();
        assert!(
            (path.ln_k.exp() / best - 1.0).abs() < 1e-10,
            "seed {seed}: {} vs {best}",
            path.ln_k.exp()
        );
        // The path is consistent: consecutive nodes joined by the listed TSs.
        for (s, &ek) in path.edges.iter().enumerate() {
            let ed = &net.edges[ek];
            let (u, v) = (path.nodes[s], path.nodes[s + 1]);
            assert!((ed.i == u && ed.j == v) || (ed.i == v && ed.j == u));
        }
        assert!(a.contains(&path.nodes[0]) && b.contains(path.nodes.last().unwrap()));
    }
}
