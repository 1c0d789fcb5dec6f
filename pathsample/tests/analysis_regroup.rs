//! REGROUPFREE x with DUMPGROUPS (algorithms.md §11, files.md §3.9) on a two-basin toy model,
//! and the analyses that follow it using the groups.

mod util;

use common::database::Database;
use common::fortran_fmt::{fmt_f, fmt_g, fmt_i};
use util::*;

/// PLANCK = 2π at T = 1 makes the link free energies G_ts = E_ts + fvib_ts/2 (fvib 1.0, h 1),
/// so free-energy barriers between single minima equal the energy barriers.
const PLANCK: &str = "PLANCK 6.283185307179586\n";

/// Basin 1: minima 1 (A, E 0) and 2 (E 0.1), TS 1 at 0.3; basin 2: minima 3 (E 0.15) and
/// 4 (B, E 0.05), TS 2 at 0.35; TS 3 at 2.0 joins 2 and 3; minimum 5 (E 0.3) hangs from 2
/// through TS 4 at 0.9 (barriers 0.8 from 2, 0.6 from 5).
fn toy(dir: &std::path::Path) -> Database {
    let mut db = Database::open(dir, cfg()).unwrap();
    for (k, e) in [0.0, 0.1, 0.15, 0.05, 0.3].into_iter().enumerate() {
        min(&mut db, e, 1.0, 1, k as f64);
    }
    for (k, (e, p, m)) in [(0.3, 1, 2), (0.35, 3, 4), (2.0, 2, 3), (0.9, 2, 5)]
        .into_iter()
        .enumerate()
    {
        ts(&mut db, e, 1.0, 1, p, m, 10.0 + k as f64);
    }
    db.set_ab(&[1], &[4]).unwrap();
    db
}

fn gfree(es: &[f64]) -> f64 {
    -es.iter().map(|e| (-e - 0.5f64).exp()).sum::<f64>().ln()
}

#[test]
fn two_basins_with_dumpgroups() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = toy(d);
    let before = snapshot(d);
    let out = analyse(
        d,
        &input(&format!(
            "TEMPERATURE 1.0\n{PLANCK}REGROUPFREE 0.7\nDUMPGROUPS\n"
        )),
        &db,
    )
    .unwrap();
    assert!(
        out.contains("regroupfree> threshold 0.7000000000: 5 minima in 3 groups"),
        "{out}"
    );
    assert_eq!(read(d, "min.A.regrouped"), "         1\n         1\n");
    assert_eq!(read(d, "min.B.regrouped"), "         1\n         2\n");
    let g = [gfree(&[0.0, 0.1]), gfree(&[0.15, 0.05]), gfree(&[0.3])];
    assert!((g[2] - 0.8).abs() < 1e-14);
    let want: String = g
        .iter()
        .map(|&x| {
            format!(
                "{}{}{}{}{}{}{}\n",
                fmt_g(x, 20, 10),
                fmt_g(0.0, 20, 10),
                fmt_i(1, 6),
                fmt_f(1.0, 20, 10),
                fmt_f(1.0, 20, 10),
                fmt_f(1.0, 20, 10),
                fmt_f(0.0, 20, 10)
            )
        })
        .collect();
    let md = read(d, "min.data.regrouped");
    // fvib = 2 ln(2πT/PLANCK) = 0 up to rounding in the last place.
    assert_eq!(md.replace("-0.000000000", " 0.000000000"), want);
    let tsl = |gts: f64, p: i64, m: i64| {
        format!(
            "{}{}{}{}{}{}{}{}\n",
            fmt_g(gts, 20, 10),
            fmt_g(1.0, 20, 10),
            fmt_i(1, 10),
            fmt_i(p, 10),
            fmt_i(m, 10),
            fmt_f(1.0, 20, 10),
            fmt_f(1.0, 20, 10),
            fmt_f(1.0, 20, 10)
        )
    };
    let td = read(d, "ts.data.regrouped");
    let lines: Vec<&str> = td.lines().collect();
    assert_eq!(lines.len(), 2, "{td}");
    let v1: f64 = lines[0][..20].trim().parse().unwrap();
    let v2: f64 = lines[1][..20].trim().parse().unwrap();
    assert!((v1 - 2.5).abs() < 1e-9 && (v2 - 1.4).abs() < 1e-9, "{td}");
    assert_eq!(td, tsl(v1, 1, 2) + &tsl(v2, 1, 3));
    assert_eq!(
        read(d, "minima_groups"),
        format!(
            "group        1 free energy={}\n       1\n       2\n\ngroup        2 free energy={}\n       3\n       4\n\ngroup        3 free energy={}\n       5\n\n",
            fmt_g(g[0], 20, 10),
            fmt_g(g[1], 20, 10),
            fmt_g(g[2], 20, 10)
        )
    );
    assert_eq!(
        read(d, "ts_groups"),
        format!(
            "ts group        1 free energy={} links groups:        1       2\n       3\n\nts group        2 free energy={} links groups:        1       3\n       4\n\n",
            fmt_g(v1, 20, 10),
            fmt_g(v2, 20, 10)
        )
    );
    // The database files are untouched.
    let after: Vec<_> = snapshot(d)
        .into_iter()
        .filter(|(n, _)| before.iter().any(|(b, _)| b == n))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn merging_needs_both_barriers_below_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = toy(d);
    let groups = |x: f64| {
        analyse(
            d,
            &input(&format!(
                "TEMPERATURE 1.0\n{PLANCK}REGROUPFREE {x}\nDUMPGROUPS\n"
            )),
            &db,
        )
        .unwrap();
        read(d, "minima_groups")
            .split("\n\n")
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                s.lines()
                    .skip(1)
                    .map(|l| l.trim().parse::<usize>().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    // Barriers 0.3/0.2 and 0.2/0.3 are not both below 0.25: nothing merges.
    assert_eq!(
        groups(0.25),
        vec![vec![1], vec![2], vec![3], vec![4], vec![5]]
    );
    // 0.7: the basins merge; 5 (barriers 0.8 from 2, 0.6 from 5) does not.
    assert_eq!(groups(0.7), vec![vec![1, 2], vec![3, 4], vec![5]]);
    // 1.0: 5 joins the A basin.
    assert_eq!(groups(1.0), vec![vec![1, 2, 5], vec![3, 4]]);
    // A huge threshold still keeps A and B apart.
    assert_eq!(groups(1.0e6), vec![vec![1, 2, 5], vec![3, 4]]);
    assert_eq!(read(d, "min.A.regrouped"), "         1\n         1\n");
    assert_eq!(read(d, "min.B.regrouped"), "         1\n         2\n");
    // Without DUMPGROUPS no group files.
    let dir2 = tempfile::tempdir().unwrap();
    analyse(
        dir2.path(),
        &input(&format!("TEMPERATURE 1.0\n{PLANCK}REGROUPFREE 0.7\n")),
        &db,
    )
    .unwrap();
    assert!(!dir2.path().join("minima_groups").exists());
    assert!(dir2.path().join("min.data.regrouped").exists());
}

/// NGT and DIJKSTRA after REGROUPFREE work on the groups: with one link between the A and B
/// groups, kSS(A←B) = k(B group → A group) = (T/PLANCK)·exp(−(G_link − G_B)/T).
#[test]
fn later_analyses_use_the_groups() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = toy(d);
    let out = analyse(
        d,
        &input(&format!(
            "TEMPERATURE 1.0\n{PLANCK}REGROUPFREE 0.7\nDIJKSTRA\nNGT\n"
        )),
        &db,
    )
    .unwrap();
    let gb = gfree(&[0.15, 0.05]);
    let ga = gfree(&[0.0, 0.1]);
    let want_ab = (-(2.5 - gb)).exp() / (2.0 * std::f64::consts::PI);
    let want_ba = (-(2.5 - ga)).exp() / (2.0 * std::f64::consts::PI);
    let kss = values(line(&out, "NGT> kSS "));
    assert!((kss[0] / want_ab - 1.0).abs() < 1e-9, "{out}");
    assert!((kss[1] / want_ba - 1.0).abs() < 1e-9, "{out}");
    assert!(
        out.contains("NGT> 3 minima and 2 transition states in the A-B graph"),
        "{out}"
    );
    // The committor files have one value per group.
    assert_eq!(read(d, "commit.ngt.AB").lines().count(), 3);
    // Epath over the groups: group 1, link 1, group 2, with free energies.
    let ep = read(d, "Epath");
    let ids: Vec<&str> = ep.lines().map(|l| l[28..].trim()).collect();
    assert_eq!(ids, vec!["1", "1", "2"], "{ep}");
    assert_eq!(read(d, "min.data.fastest").lines().count(), 2);
    assert_eq!(read(d, "ts.data.fastest").lines().count(), 1);
    // ts.attempts counts the representative TS of the link (TS 3).
    assert_eq!(
        read(d, "ts.attempts"),
        "       0\n       0\n       1\n       0\n"
    );
}
