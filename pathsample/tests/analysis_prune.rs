//! REMOVESP, RETAINSP, REMOVEUNCONNECTED (files.md §3.8): renumbered parts of a database,
//! written under new names while the database files stay as they are.

mod util;

use common::database::{Database, DbConfig, MinRecord, TsRecord, Widths};
use common::files::points;
use pathsample::keywords::Mode;
use std::path::Path;
use util::*;

/// Five minima in a chain 1–2–3–4–5 (TSs 1..4); A = {1, 3}, B = {5}. Written fvib values
/// differ from 1.0 so that NOFRQS (in memory only) is visible.
fn chain(dir: &Path, c: DbConfig) -> Database {
    let mut db = Database::open(dir, c).unwrap();
    for k in 1..=5 {
        let r = MinRecord::new(-(k as f64), 1.5 + k as f64, k, [0.1 * k as f64, 0.2, 0.3]);
        db.add_minimum(r, &[k as f64]).unwrap();
    }
    for k in 1..=4 {
        let r = TsRecord {
            energy: 0.1 * k as f64,
            fvib: 2.25 + k as f64,
            order: 1 + k % 2,
            plus: k,
            minus: k + 1,
            inertia: [1.0, 2.0, k as f64],
            negeig: None,
        };
        db.add_ts(r, &[10.0 + k as f64]).unwrap();
    }
    db.set_ab(&[1, 3], &[5]).unwrap();
    db
}

fn stand_alone(dir: &Path, deck: &str, db: &mut Database, mode: Mode) -> anyhow::Result<String> {
    let mut out = Vec::new();
    pathsample::analysis::stand_alone(dir, &input(deck), db, &mode, &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

fn pts(dir: &Path, name: &str) -> Vec<f64> {
    points::decode(&std::fs::read(dir.join(name)).unwrap())
}

#[test]
fn removesp_renumbers_in_original_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = chain(d, cfg());
    std::fs::write(d.join("min.remove"), "1\n2\n").unwrap();
    std::fs::write(d.join("ts.remove"), "1\n4\n").unwrap();
    let before = snapshot(d);
    let out = stand_alone(d, "", &mut db, Mode::RemoveSp).unwrap();
    assert!(
        out.starts_with("removesp> 4 of 5 minima and 1 of 4 transition states"),
        "{out}"
    );
    assert_eq!(
        snapshot(d)
            .iter()
            .filter(|(n, _)| !n.ends_with(".removed"))
            .count(),
        before.len()
    );
    for (n, b) in &before {
        assert_eq!(&std::fs::read(d.join(n)).unwrap(), b, "{n} changed");
    }
    // Minima 1, 3, 4, 5 → 1, 2, 3, 4; TS 3 (3–4) is the only one left: (2, 3).
    let md = read(d, "min.data");
    let l: Vec<&str> = md.lines().collect();
    assert_eq!(
        read(d, "min.data.removed"),
        format!("{}\n{}\n{}\n{}\n", l[0], l[2], l[3], l[4])
    );
    assert_eq!(
        l[2],
        "       -3.000000000000000        4.500000000000000     3        0.3000000000        0.2000000000        0.3000000000"
    );
    assert_eq!(
        read(d, "ts.data.removed"),
        "        0.300000000000000        5.250000000000000         2         2         3        1.0000000000        2.0000000000        3.0000000000\n"
    );
    assert_eq!(pts(d, "points.min.removed"), vec![1.0, 3.0, 4.0, 5.0]);
    assert_eq!(pts(d, "points.ts.removed"), vec![13.0]);
    assert_eq!(
        read(d, "min.A.removed"),
        "         2\n         1\n         2\n"
    );
    assert_eq!(read(d, "min.B.removed"), "         1\n         4\n");
    // The result is a database that loads.
    for (from, to) in [
        ("min.data.removed", "min.data"),
        ("ts.data.removed", "ts.data"),
        ("points.min.removed", "points.min"),
        ("points.ts.removed", "points.ts"),
        ("min.A.removed", "min.A"),
        ("min.B.removed", "min.B"),
    ] {
        let sub = d.join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::copy(d.join(from), sub.join(to)).unwrap();
    }
    let sub = Database::open_read_only(d.join("sub"), cfg()).unwrap();
    assert_eq!((sub.nmin(), sub.nts()), (4, 1));
    assert_eq!(sub.set_a(), &[1, 2]);
}

#[test]
fn removesp_keeps_written_values_with_nofrqs_and_old_widths() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut c = cfg();
    c.widths = Widths::Fortran2011;
    chain(d, c);
    let mut c = cfg();
    c.nofrqs = true;
    c.widths = Widths::Fortran2011;
    let mut db = Database::open(d, c).unwrap();
    assert_eq!(db.minimum(1).fvib, 1.0);
    std::fs::write(d.join("min.remove"), "1 5\n").unwrap();
    stand_alone(d, "", &mut db, Mode::RemoveSp).unwrap();
    let md = read(d, "min.data");
    let l: Vec<&str> = md.lines().collect();
    assert_eq!(
        read(d, "min.data.removed"),
        format!("{}\n{}\n{}\n{}\n", l[0], l[1], l[2], l[3])
    );
    assert!(
        l[0].starts_with("       -1.0000000000        2.5000000000"),
        "{}",
        l[0]
    );
    // No ts.remove: only the TS of minimum 5 goes.
    assert_eq!(read(d, "ts.data.removed").lines().count(), 3);
    assert_eq!(read(d, "min.B.removed"), "         0\n");
}

#[test]
fn removesp_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = chain(d, cfg());
    let e = stand_alone(d, "", &mut db, Mode::RemoveSp).unwrap_err();
    assert!(
        e.to_string().contains("neither min.remove nor ts.remove"),
        "{e}"
    );
    std::fs::write(d.join("min.remove"), "1\n6\n").unwrap();
    let e = stand_alone(d, "", &mut db, Mode::RemoveSp).unwrap_err();
    assert!(e.to_string().contains("beyond"), "{e}");
    assert!(!d.join("min.data.removed").exists());
}

#[test]
fn retainsp() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = chain(d, cfg());
    std::fs::write(d.join("min.retain"), "3\n5 4\n1\n").unwrap();
    let before = snapshot(d);
    let out = stand_alone(d, "", &mut db, Mode::RetainSp).unwrap();
    assert!(
        out.starts_with("retainsp> 3 of 5 minima and 1 of 4 transition states"),
        "{out}"
    );
    for (n, b) in &before {
        assert_eq!(&std::fs::read(d.join(n)).unwrap(), b, "{n} changed");
    }
    let md = read(d, "min.data");
    let l: Vec<&str> = md.lines().collect();
    assert_eq!(
        read(d, "min.data.retained"),
        format!("{}\n{}\n{}\n", l[0], l[3], l[4])
    );
    assert_eq!(
        read(d, "ts.data.retained"),
        "        0.400000000000000        6.250000000000000         1         2         3        1.0000000000        2.0000000000        4.0000000000\n"
    );
    assert_eq!(pts(d, "points.min.retained"), vec![1.0, 4.0, 5.0]);
    assert_eq!(pts(d, "points.ts.retained"), vec![14.0]);
    assert_eq!(read(d, "min.A.retained"), "         1\n         1\n");
    assert_eq!(read(d, "min.B.retained"), "         1\n         3\n");
    // ts.retain restricts the TSs as well.
    std::fs::write(d.join("ts.retain"), "0\n").unwrap();
    stand_alone(d, "", &mut db, Mode::RetainSp).unwrap();
    assert_eq!(read(d, "ts.data.retained"), "");
    assert_eq!(pts(d, "points.ts.retained"), Vec::<f64>::new());
    std::fs::remove_file(d.join("min.retain")).unwrap();
    assert!(stand_alone(d, "", &mut db, Mode::RetainSp).is_err());
}

/// Ring 1–2–3–4–1 (A = {1}, B = {3}); 5 hangs from 2 and 6–7 from 5; the pair 8–9 and the
/// triangle 10–11–12 are separate components.
fn network(dir: &Path) -> Database {
    let mut db = Database::open(dir, cfg()).unwrap();
    for k in 1..=12 {
        min(&mut db, -0.1 * k as f64, 1.0, 1, k as f64);
    }
    let edges = [
        (1, 2),
        (2, 3),
        (3, 4),
        (4, 1),
        (2, 5),
        (5, 6),
        (6, 7),
        (8, 9),
        (10, 11),
        (11, 12),
        (12, 10),
    ];
    for (c, (p, m)) in edges.into_iter().enumerate() {
        ts(&mut db, 1.0, 1.0, 1, p, m, 100.0 + c as f64);
    }
    db.set_ab(&[1], &[3]).unwrap();
    db
}

fn kept(d: &Path) -> Vec<f64> {
    pts(d, "points.min.removed")
}

#[test]
fn removeunconnected() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = network(d);
    let before = snapshot(d);
    let out = stand_alone(d, "", &mut db, Mode::RemoveUnconnected("AB".into())).unwrap();
    assert!(
        out.contains("removeunconnected> 7 of 12 minima and 7 of 11 transition states"),
        "{out}"
    );
    assert_eq!(kept(d), (1..=7).map(|k| k as f64).collect::<Vec<_>>());
    assert_eq!(read(d, "min.A.removed"), "         1\n         1\n");
    assert_eq!(read(d, "min.B.removed"), "         1\n         3\n");
    // NCONNMIN 1 prunes the dangling chain recursively.
    stand_alone(
        d,
        "NCONNMIN 1\n",
        &mut db,
        Mode::RemoveUnconnected("AB".into()),
    )
    .unwrap();
    assert_eq!(kept(d), vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(read(d, "ts.data.removed").lines().count(), 4);
    // NCONNMIN 2 leaves nothing (every ring minimum has two connections).
    stand_alone(
        d,
        "NCONNMIN 2\n",
        &mut db,
        Mode::RemoveUnconnected("AB".into()),
    )
    .unwrap();
    assert_eq!(kept(d), Vec::<f64>::new());
    // A live-TS test: MAXBARRIER below every barrier kills all TSs, so every minimum has
    // no connection (≤ NCONNMIN 0) and nothing is kept, A included.
    stand_alone(
        d,
        "MAXBARRIER 0.1\n",
        &mut db,
        Mode::RemoveUnconnected("A".into()),
    )
    .unwrap();
    assert_eq!(kept(d), Vec::<f64>::new());
    // Barriers are 1 + 0.1·k from minimum k: with MAXBARRIER 1.25 the TSs 3–4 (1.3, 1.4),
    // 5–6 and 6–7 are dead, so 6 and 7 are cut off; the ring stays connected through 2–3.
    stand_alone(
        d,
        "MAXBARRIER 1.25\n",
        &mut db,
        Mode::RemoveUnconnected("A".into()),
    )
    .unwrap();
    assert_eq!(kept(d), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
    assert_eq!(read(d, "ts.data.removed").lines().count(), 5);
    for (n, b) in &before {
        assert_eq!(&std::fs::read(d.join(n)).unwrap(), b, "{n} changed");
    }
}

#[test]
fn removeunconnected_a_b_ab() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = network(d);
    db.set_ab(&[1], &[11]).unwrap();
    stand_alone(d, "", &mut db, Mode::RemoveUnconnected("A".into())).unwrap();
    assert_eq!(kept(d), (1..=7).map(|k| k as f64).collect::<Vec<_>>());
    assert_eq!(read(d, "min.B.removed"), "         0\n");
    stand_alone(d, "", &mut db, Mode::RemoveUnconnected("B".into())).unwrap();
    assert_eq!(kept(d), vec![10.0, 11.0, 12.0]);
    assert_eq!(read(d, "min.B.removed"), "         1\n         2\n");
    assert_eq!(
        read(d, "ts.data.removed")
            .lines()
            .map(|l| l.split_whitespace().nth(3).unwrap().to_string()
                + "-"
                + l.split_whitespace().nth(4).unwrap())
            .collect::<Vec<_>>(),
        vec!["1-2", "2-3", "3-1"]
    );
    stand_alone(d, "", &mut db, Mode::RemoveUnconnected("AB".into())).unwrap();
    assert_eq!(
        kept(d),
        vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 10.0, 11.0, 12.0]
    );
}

/// REMOVESP through `pathdata` and `Run` on an atoms database.
#[test]
fn removesp_through_pathdata() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    {
        let mut db = Database::open(d, DbConfig::atoms(2)).unwrap();
        for k in 1..=3 {
            let x = [0.0, 0.0, 0.0, 1.0 + 0.5 * k as f64, 0.0, 0.0];
            db.add_minimum(MinRecord::new(-(k as f64), 1.0, 1, [0.0; 3]), &x)
                .unwrap();
        }
        for (p, m) in [(1, 2), (2, 3)] {
            let r = TsRecord {
                energy: 0.0,
                fvib: 1.0,
                order: 1,
                plus: p,
                minus: m,
                inertia: [0.0; 3],
                negeig: None,
            };
            db.add_ts(r, &[0.0, 0.0, 0.0, 1.25 + 0.5 * p as f64, 0.0, 0.0])
                .unwrap();
        }
        db.set_ab(&[1], &[3]).unwrap();
    }
    std::fs::write(d.join("min.remove"), "1\n2\n").unwrap();
    std::fs::write(d.join("pathdata"), "NATOMS 2\nREMOVESP\n").unwrap();
    let before = snapshot(d);
    let input = pathsample::run::read_input(d).unwrap();
    let mut out = Vec::new();
    pathsample::run::Run::new(d, input, &mut out)
        .execute()
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("removesp> 2 of 3 minima and 0 of 2 transition states"),
        "{out}"
    );
    for (n, b) in &before {
        assert_eq!(&std::fs::read(d.join(n)).unwrap(), b, "{n} changed");
    }
    assert_eq!(pts(d, "points.min.removed").len(), 12);
    assert_eq!(read(d, "min.B.removed"), "         1\n         2\n");
}
