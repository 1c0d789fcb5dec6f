//! MERGEDB dir (files.md §3.8): appending another database's new minima and TSs.

mod util;

use common::database::Database;
use pathsample::keywords::Mode;
use std::path::Path;
use util::*;

fn merge(dir: &Path, db: &mut Database, other: &str) -> String {
    let mut out = Vec::new();
    pathsample::analysis::stand_alone(dir, &input(""), db, &Mode::MergeDb(other.into()), &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

/// Three minima (x = 1, 2, 3) and TSs 1–2, 2–3; A = {1}, B = {3}.
fn first(dir: &Path) -> Database {
    let mut db = Database::open(dir, cfg()).unwrap();
    for k in 1..=3 {
        min(&mut db, -(k as f64), 1.0, 1, k as f64);
    }
    ts(&mut db, 0.5, 1.0, 1, 1, 2, 1.5);
    ts(&mut db, 0.6, 1.0, 1, 2, 3, 2.5);
    db.set_ab(&[1], &[3]).unwrap();
    db
}

#[test]
fn merging_a_database_with_itself_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = first(d);
    let before = snapshot(d);
    let out = merge(d, &mut db, ".");
    assert!(
        out.contains("0 new minima and 0 new transition states"),
        "{out}"
    );
    assert_eq!((db.nmin(), db.nts()), (3, 2));
    for (n, b) in &before {
        assert_eq!(&std::fs::read(d.join(n)).unwrap(), b, "{n} changed");
    }
    assert_eq!(read(d, "min.A.new"), "         1\n         1\n");
    assert_eq!(read(d, "min.B.new"), "         1\n         3\n");
}

#[test]
fn merging_a_disjoint_database_adds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = first(d);
    let od = d.join("other");
    std::fs::create_dir(&od).unwrap();
    {
        let mut o = Database::open(&od, cfg()).unwrap();
        for k in 1..=3 {
            min(&mut o, -10.0 - k as f64, 2.0, 2, 10.0 + k as f64);
        }
        ts(&mut o, -5.0, 1.0, 1, 3, 1, 12.5);
        ts(&mut o, -4.0, 1.0, 1, 2, 3, 13.5);
        ts(&mut o, -3.0, 1.0, 1, 2, 2, 14.5);
        o.set_ab(&[3, 2], &[1]).unwrap();
    }
    let other_before = snapshot(&od);
    let tsd = read(d, "ts.data");
    let out = merge(d, &mut db, "other");
    assert!(
        out.contains(
            "3 minima and 3 transition states read; 3 new minima and 3 new transition states added"
        ),
        "{out}"
    );
    assert_eq!(snapshot(&od), other_before);
    // TS minima shifted by 3; appended after the existing lines.
    let now = read(d, "ts.data");
    assert!(now.starts_with(&tsd));
    let pm: Vec<(usize, usize)> = now
        .lines()
        .skip(2)
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[3].parse().unwrap(), w[4].parse().unwrap())
        })
        .collect();
    assert_eq!(pm, vec![(6, 4), (5, 6), (5, 5)]);
    assert_eq!(read(d, "min.A.new"), "         2\n         6\n         5\n");
    assert_eq!(read(d, "min.B.new"), "         1\n         4\n");
    // min.A/min.B of this database are unchanged, and it reloads.
    assert_eq!(read(d, "min.A"), "         1\n         1\n");
    drop(db);
    let db = Database::open_read_only(d, cfg()).unwrap();
    assert_eq!((db.nmin(), db.nts()), (6, 5));
    assert_eq!(db.minimum(4).energy, -11.0);
    assert_eq!(db.minimum(5).fvib, 2.0);
    assert_eq!(db.min_coords(6), &[13.0]);
    assert_eq!(db.ts_coords(5), &[14.5]);
}

#[test]
fn merging_an_overlapping_database_maps_known_minima() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = first(d);
    let od = d.join("o");
    std::fs::create_dir(&od).unwrap();
    {
        let mut o = Database::open(&od, cfg()).unwrap();
        min(&mut o, -7.0, 1.0, 1, 7.0); // new
        min(&mut o, -2.0, 1.0, 1, 2.0); // = minimum 2
        ts(&mut o, 0.6, 1.0, 1, 2, 2, 2.5); // = TS 2 by energy and coordinates
        ts(&mut o, 0.9, 1.0, 1, 1, 2, 4.5); // new: 4–2
    }
    let out = merge(d, &mut db, "o");
    assert!(
        out.contains("1 new minima and 1 new transition states"),
        "{out}"
    );
    assert_eq!((db.nmin(), db.nts()), (4, 3));
    assert_eq!((db.ts(3).plus, db.ts(3).minus), (4, 2));
    // No min.A / min.B in the other database: no .new files.
    assert!(!d.join("min.A.new").exists());
    let mut out = Vec::new();
    let e = pathsample::analysis::stand_alone(
        d,
        &input(""),
        &mut db,
        &Mode::MergeDb("missing".into()),
        &mut out,
    );
    assert!(e.is_err());
}
