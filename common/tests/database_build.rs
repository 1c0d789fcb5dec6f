//! Building a database from path.info files (algorithms.md §9.3; goldens DB1–DB5), loading
//! damaged databases, and rates (goldens R1–R3).

#![allow(clippy::excessive_precision)]

// Wrapped in a module so that `cargo test database` selects these tests by name.
mod database_build {
    use common::database::{
        rates::ln_rate, Database, DbConfig, DbError, MinRecord, RateOptions, TripleOutcome,
        TsRecord, Widths,
    };
    use common::files::path_info::Layout;
    use std::path::{Path, PathBuf};

    const DB1: &str = include_str!("data/db1_path.info");
    const DB1_MIN: [&str; 2] = [
        "       -2.185098840268771       11.693670447770367    12        0.6829909897        0.6829909897        1.3659819793",
        "       -2.219098169600678        9.759410218053027     2        0.0000000000        2.4587103111        2.4587103111",
    ];
    const DB1_TS: &str = "       -1.985069657957359        9.242900298175368         4         1         2        0.4507050171        1.2060356961        1.6567407132";

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap_or_default()
    }

    fn size(dir: &Path, name: &str) -> u64 {
        std::fs::metadata(dir.join(name)).map_or(0, |m| m.len())
    }

    /// The linear minimum's first moment may print as -0.0000000000 (goldens DB1).
    fn normalise(s: &str) -> String {
        s.replace("       -0.0000000000", "        0.0000000000")
    }

    /// DB1: STARTFROMPATH path.info.in 1 2 (LJAT3, NATOMS 3, TEMPERATURE 1.0, CYCLES 0).
    fn build_db1(cfg: DbConfig) -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "path.info.in", DB1);
        let mut db = Database::open(dir.path(), cfg).unwrap();
        let s = db.add_path_info(&p, None).unwrap();
        assert_eq!(s.layout, Layout::Triples);
        db.set_ab(&[1], &[2]).unwrap();
        (dir, db)
    }

    #[test]
    fn db1_start_from_path() {
        let (dir, db) = build_db1(DbConfig::atoms(3));
        let d = dir.path();
        assert_eq!(
            normalise(&read(d, "min.data")),
            format!("{}\n{}\n", DB1_MIN[0], DB1_MIN[1])
        );
        assert_eq!(read(d, "ts.data"), format!("{DB1_TS}\n"));
        assert_eq!(read(d, "min.A"), "         1\n         1\n");
        assert_eq!(read(d, "min.B"), "         1\n         2\n");
        assert_eq!(size(d, "points.min"), 144);
        assert_eq!(size(d, "points.ts"), 72);
        assert_eq!((db.nmin(), db.nts()), (2, 1));
        assert_eq!(db.ts_of_minimum(1), &[1]);
        assert_eq!(db.neighbours(2).collect::<Vec<_>>(), vec![(1, 1)]);
        assert!(db.directly_connected(1, 2));
        // Reload: the same content, coordinates from the points files.
        let re = Database::open(d, DbConfig::atoms(3)).unwrap();
        assert!(re.load_report().is_empty(), "{:?}", re.load_report());
        // The same lines (the file holds the moments to 10 decimals).
        let lines = |d: &Database| -> Vec<String> {
            d.minima()
                .iter()
                .map(|m| m.render(Widths::Current))
                .chain(
                    d.transition_states()
                        .iter()
                        .map(|t| t.render(Widths::Current)),
                )
                .collect()
        };
        assert_eq!(lines(&re), lines(&db));
        assert_eq!(re.min_coords(2), db.min_coords(2));
        assert_eq!(re.ts_coords(1)[1], 0.822227173976953);
        assert_eq!((re.set_a(), re.set_b()), (&[1usize][..], &[2usize][..]));
        assert_eq!(re.connected_components(), vec![1, 1]);
    }

    #[test]
    fn db2_addpath_of_the_same_file_adds_nothing() {
        let (dir, mut db) = build_db1(DbConfig::atoms(3));
        let before = common::files::snapshot(dir.path()).unwrap();
        let s = db
            .add_path_info(&dir.path().join("path.info.in"), Some(Layout::Triples))
            .unwrap();
        assert_eq!((s.new_minima, s.new_ts), (0, 0));
        assert_eq!(
            s.outcomes,
            vec![TripleOutcome::Accepted {
                plus: common::database::PointId { id: 1, new: false },
                ts: common::database::PointId { id: 1, new: false },
                minus: common::database::PointId { id: 2, new: false },
            }]
        );
        assert_eq!(common::files::snapshot(dir.path()).unwrap(), before);
        // Also after a reload.
        let mut re = Database::open(dir.path(), DbConfig::atoms(3)).unwrap();
        re.add_path_info(&dir.path().join("path.info.in"), None)
            .unwrap();
        assert_eq!(common::files::snapshot(dir.path()).unwrap(), before);
        assert_eq!((re.nmin(), re.nts()), (2, 1));
    }

    #[test]
    fn db3_shifted_ts_energy_is_a_new_ts() {
        let (dir, mut db) = build_db1(DbConfig::atoms(3));
        let shifted = DB1.replace("       -1.985069657957359", "       -1.985069637957359");
        let p = write(dir.path(), "path.info.shifted", &shifted);
        let s = db.add_path_info(&p, None).unwrap();
        assert_eq!((s.new_minima, s.new_ts), (0, 1));
        let ts = read(dir.path(), "ts.data");
        let lines: Vec<&str> = ts.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[1],
            "       -1.985069637957359        9.242900298175368         4         1         2        0.4507050171        1.2060356961        1.6567407132"
        );
        assert_eq!(normalise(&read(dir.path(), "min.data")).lines().count(), 2);
        assert_eq!(db.ts_of_minimum(1), &[1, 2]);
        assert_eq!(size(dir.path(), "points.ts"), 144);
    }

    #[test]
    fn db4_tsthresh_rejects_the_triple() {
        let mut cfg = DbConfig::atoms(3);
        cfg.tsthresh = -2.0;
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "path.info.in", DB1);
        let mut db = Database::open(dir.path(), cfg).unwrap();
        let s = db.add_path_info(&p, None).unwrap();
        assert!(
            matches!(&s.outcomes[..], [TripleOutcome::Skipped { reason }] if reason.contains("TSTHRESH"))
        );
        assert_eq!((db.nmin(), db.nts()), (0, 0));
        for f in ["min.data", "ts.data", "points.min", "points.ts"] {
            assert_eq!(size(dir.path(), f), 0, "{f}");
        }
    }

    #[test]
    fn db5_nofrqs_writes_fvib_one() {
        let nofrqs: String = DB1
            .lines()
            .filter(|l| l.len() != 60)
            .map(|l| format!("{l}\n"))
            .collect();
        let mut cfg = DbConfig::atoms(3);
        cfg.nofrqs = true;
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "path.info.in", &nofrqs);
        let mut db = Database::open(dir.path(), cfg.clone()).unwrap();
        db.add_path_info(&p, None).unwrap();
        let one = "        1.000000000000000";
        let min = normalise(&read(dir.path(), "min.data"));
        let expect: Vec<String> = DB1_MIN
            .iter()
            .map(|l| format!("{}{one}{}", &l[..25], &l[50..]))
            .collect();
        assert_eq!(min, format!("{}\n{}\n", expect[0], expect[1]));
        let ts = read(dir.path(), "ts.data");
        assert_eq!(ts, format!("{}{one}{}\n", &DB1_TS[..25], &DB1_TS[50..]));
        assert!(db.minima().iter().all(|m| m.fvib == 1.0));
        // With eigenvalues in the file, NOFRQS still gives fvib 1.0 in memory (DECISION 2)
        // while the file keeps the computed value.
        let dir2 = tempfile::tempdir().unwrap();
        let p2 = write(dir2.path(), "path.info.in", DB1);
        let mut db2 = Database::open(dir2.path(), cfg).unwrap();
        db2.add_path_info(&p2, None).unwrap();
        assert!(db2.minima().iter().all(|m| m.fvib == 1.0));
        assert!(db2.transition_states().iter().all(|t| t.fvib == 1.0));
        assert_eq!(
            normalise(&read(dir2.path(), "min.data"))
                .lines()
                .next()
                .unwrap(),
            DB1_MIN[0]
        );
    }

    #[test]
    fn evcut_skips_triples() {
        let dir = tempfile::tempdir().unwrap();
        // A minimum with a tiny non-zero-mode eigenvalue.
        let bad_min = DB1.replacen(
            "     110.7223585         32.89505450         32.89505450    ",
            "     110.7223585         32.89505450        0.1000000000E-05",
            1,
        );
        let p = write(dir.path(), "a", &bad_min);
        let mut db = Database::open(dir.path(), DbConfig::atoms(3)).unwrap();
        let s = db.add_path_info(&p, None).unwrap();
        assert!(
            matches!(&s.outcomes[..], [TripleOutcome::Skipped { reason }] if reason.contains("EVCUT"))
        );
        // A TS whose negative eigenvalue is too small in magnitude.
        let bad_ts = DB1.replacen("        -3.539421006", "   -0.1000000000E-05", 1);
        let p = write(dir.path(), "b", &bad_ts);
        let s = db.add_path_info(&p, None).unwrap();
        assert!(matches!(&s.outcomes[..], [TripleOutcome::Skipped { .. }]));
        assert_eq!(db.nmin(), 0);
        // The same file is accepted.
        let p = write(dir.path(), "c", DB1);
        assert_eq!(db.add_path_info(&p, None).unwrap().new_minima, 2);
    }

    #[test]
    fn sequential_files_are_converted_and_points_reused() {
        // m_eq, ts, m_lin, ts', m_eq' (the second TS shifted, the last minimum a rotated copy
        // of the first): 2 triples, the last minimum identified with minimum 1.
        let info = common::files::path_info::parse(DB1, "db1", 9, Default::default()).unwrap();
        let b = &info.blocks;
        let mut t2 = b[1].clone();
        t2.energy += 0.01;
        let mut m3 = b[0].clone();
        // Rotated by 90 degrees about z: the same minimum after alignment.
        m3.coords = m3
            .coords
            .chunks(3)
            .flat_map(|a| [-a[1], a[0], a[2]])
            .collect();
        let text =
            common::files::path_info::render(&[b[0].clone(), b[1].clone(), b[2].clone(), t2, m3]);
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "seq", &text);
        let mut db = Database::open(dir.path(), DbConfig::atoms(3)).unwrap();
        let s = db.add_path_info(&p, None).unwrap();
        assert_eq!(s.layout, Layout::Sequential);
        assert_eq!((s.new_minima, s.new_ts), (2, 2));
        assert_eq!((db.ts(2).plus, db.ts(2).minus), (2, 1));
    }

    // -----------------------------------------------------------------------------------
    // Damaged databases: clear errors, nothing written.

    fn expect_error(dir: &Path, cfg: DbConfig, needles: &[&str]) {
        let before = common::files::snapshot(dir).unwrap();
        let e = Database::open(dir, cfg).unwrap_err().to_string();
        for n in needles {
            assert!(e.contains(n), "'{n}' not in: {e}");
        }
        assert_eq!(
            common::files::snapshot(dir).unwrap(),
            before,
            "files changed after: {e}"
        );
    }

    #[test]
    fn corrupted_inputs_are_clear_errors() {
        let (dir, db) = build_db1(DbConfig::atoms(3));
        drop(db);
        let d = dir.path();
        let good = common::files::snapshot(d).unwrap();
        let restore = || {
            for (n, b) in &good {
                std::fs::write(d.join(n), b).unwrap();
            }
        };
        // Truncated points.min: fewer records than lines (whole and partial).
        let pm = std::fs::read(d.join("points.min")).unwrap();
        std::fs::write(d.join("points.min"), &pm[..72]).unwrap();
        expect_error(
            d,
            DbConfig::atoms(3),
            &["points.min", "1 records", "2 lines"],
        );
        std::fs::write(d.join("points.min"), &pm[..100]).unwrap();
        expect_error(
            d,
            DbConfig::atoms(3),
            &["points.min", "100", "72", "2 lines"],
        );
        restore();
        // A ts.data line pointing beyond min.data.
        let ts = read(d, "ts.data").replace("         1         2  ", "         1         3  ");
        std::fs::write(d.join("ts.data"), ts).unwrap();
        expect_error(
            d,
            DbConfig::atoms(3),
            &["ts.data:1:", "lie beyond those specified in min.data"],
        );
        restore();
        // Wrong NOPT.
        expect_error(
            d,
            DbConfig::atoms(4),
            &["points.min", "records are missing"],
        );
        expect_error(d, DbConfig::atoms(2), &["both points files", "NOPT"]);
        expect_error(d, DbConfig::network(8, 0), &["both points files", "NOPT"]);
        expect_error(d, DbConfig::network(9, 0).tap_nopt(7), &["NOPT"]);
        expect_error(d, DbConfig::network(0, 0), &["NOPT must be positive"]);
        // Garbage in the middle of min.data.
        let m = read(d, "min.data");
        std::fs::write(d.join("min.data"), format!("garbage line\n{m}")).unwrap();
        expect_error(d, DbConfig::atoms(3), &["min.data:1:", "6 values"]);
        std::fs::write(d.join("min.data"), m.replacen("    12 ", "  12.5 ", 1)).unwrap();
        expect_error(d, DbConfig::atoms(3), &["min.data:1:", "point-group order"]);
        std::fs::write(d.join("min.data"), format!("{}\n{m}", DB1_MIN[0])).unwrap();
        expect_error(d, DbConfig::atoms(3), &["points.min", "3 lines"]);
        restore();
        // Duplicate ids in min.A, ids beyond NMIN.
        std::fs::write(d.join("min.A"), "2\n1\n1\n").unwrap();
        expect_error(
            d,
            DbConfig::atoms(3),
            &["min.A:3:", "duplicate values in min.A"],
        );
        std::fs::write(d.join("min.A"), "1\n3\n").unwrap();
        expect_error(d, DbConfig::atoms(3), &["min.A:2:", "beyond"]);
        restore();
        // Several whole surplus records plus a partial one: not a crash remnant.
        let mut pm2 = pm.clone();
        pm2.extend_from_slice(&pm[..100]);
        std::fs::write(d.join("points.min"), &pm2).unwrap();
        expect_error(
            d,
            DbConfig::atoms(3),
            &["points.min", "244 bytes", "not a multiple"],
        );
        restore();
        assert!(Database::open(d, DbConfig::atoms(3)).is_ok());
        assert!(Database::open(d.join("nonexistent"), DbConfig::atoms(3)).is_err());
    }

    trait TapNopt {
        fn tap_nopt(self, n: usize) -> Self;
    }
    impl TapNopt for DbConfig {
        fn tap_nopt(mut self, n: usize) -> Self {
            self.nopt = n;
            self
        }
    }

    #[test]
    fn remnants_are_repaired_only_before_appending() {
        let (dir, db) = build_db1(DbConfig::atoms(3));
        drop(db);
        let d = dir.path();
        let good = common::files::snapshot(d).unwrap();
        // A half-written min.data line and a surplus record, as a crash leaves them.
        let mut pm = std::fs::read(d.join("points.min")).unwrap();
        pm.extend_from_within(..72);
        std::fs::write(d.join("points.min"), &pm).unwrap();
        std::fs::write(
            d.join("min.data"),
            format!("{}       -2.21909", read(d, "min.data")),
        )
        .unwrap();
        let damaged = common::files::snapshot(d).unwrap();
        let ro = Database::open_read_only(d, DbConfig::atoms(3)).unwrap();
        assert_eq!(ro.nmin(), 2);
        assert_eq!(ro.load_report().len(), 2, "{:?}", ro.load_report());
        assert!(ro
            .load_report()
            .iter()
            .any(|m| m.contains("min.data") && m.contains("half-written")));
        assert!(ro
            .load_report()
            .iter()
            .any(|m| m.contains("points.min") && m.contains("interrupted")));
        let mut db = Database::open(d, DbConfig::atoms(3)).unwrap();
        assert_eq!(
            common::files::snapshot(d).unwrap(),
            damaged,
            "loading must not write"
        );
        let mut ro = ro;
        assert!(matches!(
            ro.add_minimum(db.minimum(1).clone(), &[0.0; 9]),
            Err(DbError::ReadOnly(_))
        ));
        // Nothing new: no append, so nothing written; an explicit repair truncates.
        db.add_path_info(&d.join("path.info.in"), None).unwrap();
        assert_eq!(common::files::snapshot(d).unwrap(), damaged);
        db.repair().unwrap();
        assert_eq!(common::files::snapshot(d).unwrap(), good);
        // Several whole surplus records are allowed (ignored, then truncated).
        let mut pt = std::fs::read(d.join("points.ts")).unwrap();
        pt.extend_from_slice(&[pt.clone(), pt.clone()].concat());
        std::fs::write(d.join("points.ts"), &pt).unwrap();
        let mut db = Database::open(d, DbConfig::atoms(3)).unwrap();
        assert!(db.load_report()[0].contains("2 whole surplus records"));
        db.set_ab(&[1], &[2]).unwrap();
        let x = db.ts_coords(1).to_vec();
        let mut rec = db.ts(1).clone();
        rec.energy += 1.0;
        db.add_ts(rec, &x).unwrap();
        assert_eq!(size(d, "points.ts"), 144);
        // A garbage last line (with its newline) is dropped as a remnant too.
        std::fs::write(
            d.join("ts.data"),
            format!("{}\u{0}\u{0}\u{0}\n", read(d, "ts.data")),
        )
        .unwrap();
        let db = Database::open(d, DbConfig::atoms(3)).unwrap();
        assert_eq!(db.nts(), 2);
        assert!(db
            .load_report()
            .iter()
            .any(|m| m.contains("ts.data") && m.contains("unreadable")));
    }

    /// Crash safety, simulated: (1) the files cut at every byte of an append in the order the
    /// database writes them (points record, then data line), and (2) the database's own
    /// writes stopped after every possible number of bytes (fault injection, so the real
    /// write order is exercised). Each time the database reloads with exactly the complete
    /// points, and running all appends again gives the files of an uninterrupted run.
    #[test]
    fn crash_at_every_byte_of_an_append() {
        let nopt = 4;
        let cfg = DbConfig::network(nopt, 0);
        #[derive(Clone)]
        enum Op {
            Min(MinRecord, Vec<f64>),
            Ts(TsRecord, Vec<f64>),
        }
        let mut ops = Vec::new();
        for k in 0..4 {
            let e = -(k as f64) - 0.123456789;
            ops.push(Op::Min(
                MinRecord::new(e, 3.0 + k as f64, 1, [0.0; 3]),
                (0..nopt).map(|i| (i * 7 + k) as f64 * 0.25).collect(),
            ));
            if k > 0 {
                ops.push(Op::Ts(
                    TsRecord {
                        energy: 1.0 + k as f64,
                        fvib: 2.0,
                        order: 1,
                        plus: k,
                        minus: k + 1,
                        inertia: [0.0; 3],
                        negeig: None,
                    },
                    (0..nopt).map(|i| (i + 3 * k) as f64 * 0.5).collect(),
                ));
            }
        }
        let apply = |db: &mut Database, op: &Op| -> Result<(), DbError> {
            match op {
                Op::Min(r, x) => db.add_minimum_if_new(r.clone(), x).map(|_| ()),
                Op::Ts(r, x) => db.add_ts_if_new(r.clone(), x).map(|_| ()),
            }
        };
        // Reference states after each op.
        let refdir = tempfile::tempdir().unwrap();
        let mut reference = Database::open(refdir.path(), cfg.clone()).unwrap();
        let mut states = vec![common::files::snapshot(refdir.path()).unwrap()];
        for op in &ops {
            apply(&mut reference, op).unwrap();
            states.push(common::files::snapshot(refdir.path()).unwrap());
        }
        let last = states.last().unwrap().clone();
        let get = |s: &Vec<(String, Vec<u8>)>, n: &str| {
            s.iter()
                .find(|(m, _)| m == n)
                .map(|(_, b)| b.clone())
                .unwrap_or_default()
        };
        let setup = |state: &Vec<(String, Vec<u8>)>| {
            let dir = tempfile::tempdir().unwrap();
            for (n, b) in state {
                std::fs::write(dir.path().join(n), b).unwrap();
            }
            dir
        };
        // Reload, check the complete points, run everything again, compare.
        let check = |dir: &Path, before: &Vec<(String, Vec<u8>)>, what: &str| {
            let mut re = Database::open(dir, cfg.clone()).unwrap_or_else(|e| panic!("{what}: {e}"));
            let (nmin, nts) = (db_count(before, "min.data"), db_count(before, "ts.data"));
            assert_eq!((re.nmin(), re.nts()), (nmin, nts), "{what}");
            for id in 1..=nmin {
                assert_eq!(re.min_coords(id), reference.min_coords(id), "{what}");
                assert_eq!(re.minimum(id), reference.minimum(id), "{what}");
            }
            for id in 1..=nts {
                assert_eq!(re.ts_coords(id), reference.ts_coords(id), "{what}");
            }
            for op in &ops {
                apply(&mut re, op).unwrap();
            }
            assert_eq!(common::files::snapshot(dir).unwrap(), last, "{what}");
        };
        let mut checked = 0;
        for (k, op) in ops.iter().enumerate() {
            let (pname, dname) = match op {
                Op::Min(..) => ("points.min", "min.data"),
                Op::Ts(..) => ("points.ts", "ts.data"),
            };
            let (before, after) = (&states[k], &states[k + 1]);
            let (p0, p1) = (get(before, pname), get(after, pname));
            let (d0, d1) = (get(before, dname), get(after, dname));
            // (1) Files cut at every byte: j bytes of the record (no line), or the whole
            // record and j bytes of the line; also a surplus record left by itself.
            let mut cuts = Vec::new();
            for j in p0.len()..=p1.len() {
                cuts.push((j, d0.len()));
            }
            for j in d0.len()..d1.len() {
                cuts.push((p1.len(), j));
            }
            for (pj, dj) in cuts {
                let dir = setup(before);
                std::fs::write(dir.path().join(pname), &p1[..pj]).unwrap();
                std::fs::write(dir.path().join(dname), &d1[..dj]).unwrap();
                check(dir.path(), before, &format!("op {k}, cut ({pj}, {dj})"));
                checked += 1;
            }
            // (2) The database's own writes stopped after b bytes.
            let total = (p1.len() - p0.len() + d1.len() - d0.len()) as u64;
            for b in 0..total {
                let dir = setup(before);
                let mut db = Database::open(dir.path(), cfg.clone()).unwrap();
                db.simulate_crash_after_bytes(Some(b));
                assert!(apply(&mut db, op).is_err(), "op {k}, crash after {b} bytes");
                assert!(matches!(apply(&mut db, op), Err(DbError::Poisoned)));
                drop(db);
                let what = format!("op {k}, crash after {b} bytes");
                let re = Database::open(dir.path(), cfg.clone()).unwrap();
                assert_eq!(re.load_report().is_empty(), b == 0, "{what}");
                drop(re);
                check(dir.path(), before, &what);
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    fn db_count(state: &[(String, Vec<u8>)], name: &str) -> usize {
        state
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, b)| b.iter().filter(|&&c| c == b'\n').count())
    }

    /// A crash anywhere inside ADDPATH (the database's writes stopped after every possible
    /// number of bytes), then ADDPATH again, gives the files of an uninterrupted run.
    #[test]
    fn crash_inside_addpath_then_restart() {
        let (refdir, db) = build_db1(DbConfig::atoms(3));
        drop(db);
        let full = common::files::snapshot(refdir.path()).unwrap();
        let total: u64 = ["min.data", "ts.data", "points.min", "points.ts"]
            .iter()
            .map(|f| size(refdir.path(), f))
            .sum();
        assert_eq!(total, 144 + 72 + 2 * 117 + 141);
        for b in 0..total {
            let dir = tempfile::tempdir().unwrap();
            let p = write(dir.path(), "path.info.in", DB1);
            let mut db = Database::open(dir.path(), DbConfig::atoms(3)).unwrap();
            db.simulate_crash_after_bytes(Some(b));
            assert!(db.add_path_info(&p, None).is_err());
            drop(db);
            let mut db = Database::open(dir.path(), DbConfig::atoms(3))
                .unwrap_or_else(|e| panic!("crash after {b} bytes: {e}"));
            assert!(db.nmin() <= 2 && db.nts() == 0, "crash after {b} bytes");
            db.add_path_info(&p, None).unwrap();
            db.set_ab(&[1], &[2]).unwrap();
            assert_eq!(
                common::files::snapshot(dir.path()).unwrap(),
                full,
                "crash after {b} bytes"
            );
        }
    }

    // -----------------------------------------------------------------------------------
    // Rates (goldens R1–R3).

    fn one_ts_db(nofrqs: bool, degenerate: bool, h_min: usize) -> Database {
        let mut cfg = DbConfig::network(1, 0);
        cfg.nofrqs = nofrqs;
        let mut db = Database::in_memory(cfg);
        db.add_minimum(MinRecord::new(0.0, 2.0, h_min, [0.0; 3]), &[0.0])
            .unwrap();
        db.add_minimum(MinRecord::new(0.5, 2.0, 1, [0.0; 3]), &[1.0])
            .unwrap();
        let ts = TsRecord {
            energy: 1.0,
            fvib: 1.0,
            order: 1,
            plus: 1,
            minus: if degenerate { 1 } else { 2 },
            inertia: [0.0; 3],
            negeig: None,
        };
        db.add_ts(ts, &[0.5]).unwrap();
        db
    }

    #[test]
    fn r1_r2_r3_rates() {
        let t1 = RateOptions::canonical(1.0);
        let r1 = one_ts_db(false, false, 1).ln_rates(&t1)[0];
        assert!(
            (r1.ln_plus_to_minus - -2.3378770664).abs() < 1e-10,
            "{r1:?}"
        );
        assert!((r1.ln_plus_to_minus.exp() - 0.0965323526).abs() < 1e-10);
        // R2: NOFRQS constants (DECISION 2).
        let r2 = one_ts_db(true, false, 1).ln_rates(&t1)[0];
        assert!(
            (r2.ln_plus_to_minus.exp() - 0.0585498315).abs() < 1e-10,
            "{r2:?}"
        );
        // R3: degenerate doubles; point-group orders scale by h_min/h_ts.
        let r3 = one_ts_db(false, true, 1).ln_rates(&t1)[0];
        assert!((r3.ln_plus_to_minus.exp() - 2.0 * 0.0965323526).abs() < 1e-10);
        assert_eq!(r3.ln_plus_to_minus, r3.ln_minus_to_plus);
        let r3h = one_ts_db(false, false, 2).ln_rates(&t1)[0];
        assert!((r3h.ln_plus_to_minus.exp() - 2.0 * 0.0965323526).abs() < 1e-10);
        // Detailed balance: k(p→m) Z_p = k(m→p) Z_m.
        let db = one_ts_db(false, false, 1);
        let lz = db.ln_partition_functions(&t1);
        assert_eq!(lz[0], 0.0);
        let r = db.ln_rates(&t1)[0];
        assert!((r.ln_plus_to_minus + lz[0] - r.ln_minus_to_plus - lz[1]).abs() < 1e-12);
        let both = Database::ln_partition_sum(&lz, &[1, 2]);
        assert!((both - (1.0 + (-0.5f64).exp()).ln()).abs() < 1e-12);
        // Waiting times: 1 / Σ k.
        let tau = db.waiting_times(&db.ln_rates(&t1), |_| true);
        assert!((tau[0] - 1.0 / r.ln_plus_to_minus.exp()).abs() < 1e-9);
        let tau3 = one_ts_db(false, true, 1);
        let w = tau3.waiting_times(&tau3.ln_rates(&t1), |_| true);
        assert!((w[0] - 1.0 / (2.0 * 0.0965323526)).abs() < 1e-8);
        assert!(w[1].is_infinite());
        // Microcanonical: E ≤ E_ts closes the channel.
        let m = db.minimum(1).clone();
        let ts = db.ts(1).clone();
        let micro = |e| RateOptions {
            ensemble: common::database::Ensemble::Microcanonical {
                energy: e,
                kappa: 3.0,
            },
            ca_system: false,
        };
        assert_eq!(ln_rate(&m, &ts, false, &micro(0.9)), -1.0e250);
        let k = ln_rate(&m, &ts, false, &micro(2.0));
        assert!(
            (k - ((1.0 / (2.0 * std::f64::consts::PI)).ln() + 0.5 + 2.0 * (0.5f64).ln())).abs()
                < 1e-12
        );
    }

    #[test]
    fn widths_2011_are_written_when_asked() {
        let mut cfg = DbConfig::atoms(3);
        cfg.widths = Widths::Fortran2011;
        let (dir, _db) = build_db1(cfg);
        let m = read(dir.path(), "min.data");
        assert_eq!(
            normalise(m.lines().next().unwrap()),
            "       -2.1850988403       11.6936704478    12        0.6829909897        0.6829909897        1.3659819793"
        );
    }

    /// READMIN: min.data.info records (as OPTIM DUMPDATA and GMIN write them) are added
    /// unless known; OPTIM's path.info blocks from computed Hessian data.
    #[test]
    fn readmin_and_blocks_from_computed_points() {
        use common::files::min_data_info::MinDataInfo;
        use common::files::path_info::PathInfoBlock;
        use common::hessian_data::{point_data, System};
        use common::ljat::{geometry, Ljat};
        let pot = Ljat::new(3, 2.0);
        let tri = geometry::equilateral3(1.16875231736338);
        let lin = geometry::linear3(1.108762894194149);
        let pd = point_data(&pot, &tri, System::Atoms, false).unwrap();
        let b = PathInfoBlock::from_point(&pd, &tri, false);
        let text = b.render();
        let l: Vec<&str> = text.lines().collect();
        assert_eq!(l[1], "    12 D3h ");
        assert!(
            l[2].starts_with("     110.7223585         32.89505450         32.89505450    "),
            "{}",
            l[2]
        );
        assert_eq!(l.len(), 8);
        assert_eq!(
            PathInfoBlock::from_point(&pd, &tri, true)
                .render()
                .lines()
                .count(),
            5
        );

        let dir = tempfile::tempdir().unwrap();
        let mut info = String::new();
        for x in [&tri, &lin, &tri] {
            let p = point_data(&pot, x, System::Atoms, false).unwrap();
            info.push_str(&MinDataInfo::from_point(&p, x).render());
        }
        let p = write(dir.path(), "min.data.info", &info);
        let mut db = Database::open(dir.path(), DbConfig::atoms(3)).unwrap();
        let ids = db.add_min_data_info(&p).unwrap();
        let got: Vec<(usize, bool)> = ids.iter().map(|i| (i.id, i.new)).collect();
        assert_eq!(got, vec![(1, true), (2, true), (1, false)]);
        // fvib from the exact eigenvalues (L7: 11.6936704479).
        assert!((db.minimum(1).fvib - 11.6936704479).abs() < 1e-9);
        assert!((db.minimum(2).energy - -2.219098169601).abs() < 1e-11);
        assert_eq!(read(dir.path(), "min.data").lines().count(), 2);
        assert!(db.add_min_data_info(&p).unwrap().iter().all(|i| !i.new));
        let e = db
            .add_min_data_info(&write(dir.path(), "bad", "1 2 3\n"))
            .unwrap_err();
        assert!(e.to_string().contains("bad:1:"), "{e}");
    }
}
