//! Database file formats (files.md §3): min.data, ts.data, points.*, min.A/min.B,
//! bookkeeping and job files; goldens F5–F7 and the DB6-like 2011 database.

#![allow(clippy::excessive_precision)]

// Wrapped in a module so that `cargo test files` selects these tests by name.
mod files_formats {
    use common::files::bookkeeping as bk;
    use common::files::job::{self, JobCoords, JobFiles};
    use common::files::min_data::{self, MinRecord, Widths};
    use common::files::ts_data::{self, TsRecord};
    use common::files::{min_ab, points};

    const MIN_CURRENT: &str = "     -173.928426590627964      538.668902793976144    48       61.0912066056       61.0912067955       61.0912072523\n";
    const MIN_2011: &str = "     -284.7719791087      120.5817102196     1      125.6028472146      137.5745972429      139.0546844620\n";
    const TS_CURRENT: &str = "     -169.361945964207905      519.008500698187277         1         1         2       59.0685138227       61.0553599196       66.9277053042\n";
    const DB1_MIN: &str = "       -2.185098840268771       11.693670447770367    12        0.6829909897        0.6829909897        1.3659819793\n       -2.219098169600678        9.759410218053027     2        0.0000000000        2.4587103111        2.4587103111\n";
    const DB1_TS: &str = "       -1.985069657957359        9.242900298175368         4         1         2        0.4507050171        1.2060356961        1.6567407132\n";

    #[test]
    fn f5_min_data_lines_round_trip() {
        let r = MinRecord::parse_line(MIN_CURRENT, "min.data", 1).unwrap();
        assert_eq!(r.energy, -173.928426590627964);
        assert_eq!(r.order, 48);
        assert_eq!(r.inertia[2], 61.0912072523);
        assert_eq!(r.render(Widths::Current), MIN_CURRENT);
        let all = min_data::parse(DB1_MIN, "min.data").unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(min_data::render(&all, Widths::Current), DB1_MIN);
        // The writer from values.
        let m = MinRecord::new(
            -2.185098840268771,
            11.693670447770367,
            12,
            [0.6829909897, 0.6829909897, 1.3659819793],
        );
        assert_eq!(
            m.render(Widths::Current),
            DB1_MIN.lines().next().unwrap().to_string() + "\n"
        );
    }

    #[test]
    fn f6_2011_widths_load_and_rewrite_identically() {
        let r = MinRecord::parse_line(MIN_2011, "min.data", 1).unwrap();
        assert_eq!(r.energy, -284.7719791087);
        assert_eq!(r.fvib, 120.5817102196);
        assert_eq!(r.order, 1);
        assert_eq!(r.render(Widths::Fortran2011), MIN_2011);
        assert_eq!(
            r.render(Widths::Current),
            format!(
                "{:25.15}{:25.15}     1      125.6028472146      137.5745972429      139.0546844620\n",
                -284.7719791087f64, 120.5817102196f64
            )
        );
        // D exponents and odd spacing (free format).
        let r2 = MinRecord::parse_line(
            "-2.8477197910870D2 1.205817102196d2 1 125.6028472146 137.5745972429 139.054684462",
            "m",
            3,
        )
        .unwrap();
        assert_eq!(r2.render(Widths::Fortran2011), MIN_2011);
    }

    #[test]
    fn ts_data_lines_round_trip() {
        let t = TsRecord::parse_line(TS_CURRENT, "ts.data", 1).unwrap();
        assert_eq!((t.order, t.plus, t.minus), (1, 1, 2));
        assert!(t.negeig.is_none());
        assert_eq!(t.render(Widths::Current), TS_CURRENT);
        let all = ts_data::parse(DB1_TS, "ts.data").unwrap();
        assert_eq!(ts_data::render(&all, Widths::Current), DB1_TS);
        // The IMFRQ 9th column: 4F20.10 at the end.
        let mut t9 = t.clone();
        t9.negeig = Some(-3.539421006);
        let line = t9.render(Widths::Current);
        assert!(
            line.ends_with("       66.9277053042       -3.5394210060\n"),
            "{line}"
        );
        assert_eq!(TsRecord::parse_line(&line, "ts.data", 1).unwrap(), t9);
        // 2011 widths.
        let old = "     -169.3619459642      519.0085006983         1         1         2       59.0685138227       61.0553599196       66.9277053042\n";
        let t11 = TsRecord::parse_line(old, "ts.data", 1).unwrap();
        assert_eq!(t11.render(Widths::Fortran2011), old);
        assert!(!t11.is_degenerate());
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let text = format!("{DB1_MIN}  -1.0  2.0  x  0 0 0\n");
        let e = min_data::parse(&text, "min.data").unwrap_err();
        assert!(e.to_string().starts_with("min.data:3:"), "{e}");
        let e = min_data::parse("1 2 3\n", "min.data").unwrap_err();
        assert!(
            e.to_string().contains("min.data:1: expected 6 values"),
            "{e}"
        );
        let e = min_data::parse(&format!("{MIN_CURRENT}\n{MIN_CURRENT}"), "min.data").unwrap_err();
        assert!(e.to_string().starts_with("min.data:2: empty line"), "{e}");
        // Trailing blank lines are fine.
        assert_eq!(
            min_data::parse(&format!("{MIN_CURRENT}\n \n"), "m")
                .unwrap()
                .len(),
            1
        );
        let e = ts_data::parse("-1 1 1 0 2 0 0 0\n", "ts.data").unwrap_err();
        assert!(
            e.to_string().starts_with("ts.data:1: bad plus minimum id"),
            "{e}"
        );
        let ts = ts_data::parse(&format!("{DB1_TS}{DB1_TS}"), "ts.data").unwrap();
        ts_data::check_minima(&ts, 2, "ts.data").unwrap();
        let e = ts_data::check_minima(&ts, 1, "ts.data").unwrap_err();
        assert!(
            e.to_string()
                .contains("ts.data:1: minima specified for ts 1")
                && e.to_string()
                    .contains("lie beyond those specified in min.data"),
            "{e}"
        );
    }

    #[test]
    fn f7_points_records() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("points.min");
        let nopt = 180;
        let mut coords: Vec<f64> = (0..2 * nopt)
            .map(|i| (i as f64 * 0.37).sin() * 2.0)
            .collect();
        coords[..3].copy_from_slice(&[1.537001419061688, 1.332568635969199, 0.877836573745477]);
        points::write(&p, &coords).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(bytes.len(), 2880);
        assert_eq!(&bytes[..8], &1.537001419061688f64.to_le_bytes());
        assert_eq!(
            f64::from_le_bytes(bytes[8..16].try_into().unwrap()),
            1.332568635969199
        );
        assert_eq!(points::read(&p, nopt, 2).unwrap(), coords);
        assert_eq!(points::read_record(&p, nopt, 2).unwrap(), coords[nopt..]);
        // More records than lines: allowed, surplus ignored.
        assert_eq!(points::read(&p, nopt, 1).unwrap(), coords[..nopt]);
        // Fewer: error.
        let e = points::read(&p, nopt, 3).unwrap_err().to_string();
        assert!(
            e.contains("points.min") && e.contains("2 records") && e.contains("3 lines"),
            "{e}"
        );
        // 2879 bytes: an error naming the file and both numbers.
        std::fs::write(&p, &bytes[..2879]).unwrap();
        let e = points::read(&p, nopt, 2).unwrap_err().to_string();
        assert!(
            e.contains("points.min") && e.contains("2879") && e.contains("1440"),
            "{e}"
        );
        let s = points::size(&p, nopt).unwrap();
        assert_eq!((s.bytes, s.records, s.remainder), (2879, 1, 1439));
        // A missing file holds no records.
        let q = dir.path().join("points.ts");
        assert!(points::read(&q, nopt, 0).unwrap().is_empty());
        assert!(points::read(&q, nopt, 1).is_err());
        assert_eq!(points::size(&q, nopt).unwrap().bytes, 0);
    }

    /// DB6-like: a 2-minimum, 1-TS, 60-atom database in the 2011 widths loads, and rewriting
    /// it with the 2011 widths is byte-identical.
    #[test]
    fn db6_like_2011_database() {
        let min = "     -284.7719791087      120.5817102196     1      125.6028472146      137.5745972429      139.0546844620\n     -283.9054611011      118.2296416311     2      124.3388139917      138.2219077702      140.3322189121\n";
        let ts = "     -283.1204381923      116.4520091276         1         1         2      124.9998213312      138.0045178023      139.8832461009\n";
        let mins = min_data::parse(min, "min.data").unwrap();
        let tss = ts_data::parse(ts, "ts.data").unwrap();
        ts_data::check_minima(&tss, mins.len(), "ts.data").unwrap();
        assert_eq!(min_data::render(&mins, Widths::Fortran2011), min);
        assert_eq!(ts_data::render(&tss, Widths::Fortran2011), ts);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("min.data");
        min_data::write(&p, &mins, Widths::Fortran2011).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), min);
        assert_eq!(min_data::read(&p).unwrap(), mins);
        let pt = dir.path().join("ts.data");
        ts_data::write(&pt, &tss, Widths::Fortran2011).unwrap();
        assert_eq!(ts_data::read(&pt).unwrap(), tss);
    }

    #[test]
    fn min_a_min_b() {
        assert_eq!(min_ab::render(&[1]), "         1\n         1\n");
        assert_eq!(min_ab::render(&[2]), "         1\n         2\n");
        assert_eq!(
            min_ab::parse("         1\n         2\n", "min.B", Some(2)).unwrap(),
            vec![2]
        );
        // Free format, several per line, I6 (2011) widths; surplus ignored.
        assert_eq!(
            min_ab::parse("3\n  5 2\n     7 9\n", "min.A", Some(9)).unwrap(),
            vec![5, 2, 7]
        );
        let e = min_ab::parse("2\n3\n3\n", "dir/min.A", Some(5))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("there are duplicate values in min.A") && e.starts_with("dir/min.A:3:"),
            "{e}"
        );
        let e = min_ab::parse("1\n6\n", "min.B", Some(5))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("min.B:2:") && e.contains("beyond"), "{e}");
        let e = min_ab::parse("3\n1 2\n", "min.A", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("2 of the 3"), "{e}");
        assert!(min_ab::parse("", "min.A", None).is_err());
        assert!(min_ab::parse("1\n0\n", "min.A", None).is_err());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("min.A");
        min_ab::write(&p, &[4, 1, 3]).unwrap();
        assert_eq!(min_ab::read(&p, Some(4)).unwrap(), vec![4, 1, 3]);
        assert!(min_ab::read(&p, Some(3)).is_err());
    }

    #[test]
    fn bookkeeping_files() {
        let pairs = vec![(1, 2), (13, 4)];
        let text = bk::render_pairs(&pairs);
        assert_eq!(text, "       1       2\n      13       4\n");
        assert_eq!(
            bk::parse_pairs(&text, "pairs.data", Some(13)).unwrap(),
            pairs
        );
        assert_eq!(
            bk::parse_pairs("1 2 13\n4\n", "pairs.data", None).unwrap(),
            pairs
        );
        let e = bk::parse_pairs(&text, "pairs.data", Some(12))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("pairs.data:2:"), "{e}");
        assert!(bk::parse_pairs("1 2 3\n", "pairs.data", None).is_err());

        assert_eq!(bk::render_i8(&[3, 10]), "       3\n      10\n");
        assert_eq!(
            bk::parse_ids("       3\n      10\n", "min.done", Some(10)).unwrap(),
            vec![3, 10]
        );
        assert!(bk::parse_ids("11\n", "min.done", Some(10)).is_err());

        let c = bk::render_committors(&[0.0, 1.0, 0.25]);
        assert_eq!(
            c,
            "     0.000000000    \n     1.000000000    \n    0.2500000000    \n"
        );
        assert_eq!(
            bk::parse_committors(&c, "commit.data", 5).unwrap(),
            vec![0.0, 1.0, 0.25, 0.0, 0.0]
        );
        assert_eq!(
            bk::parse_committors(&c, "commit.data", 2).unwrap(),
            vec![0.0, 1.0]
        );
        assert_eq!(bk::default_committors(4, &[2, 4]), vec![0.0, 1.0, 0.0, 1.0]);
        assert_eq!(
            bk::parse_ts_attempts("2\n", "ts.attempts", 3).unwrap(),
            vec![2, 0, 0]
        );

        let groups =
            bk::parse_perm_allow("2\n3 1\n1 2 3\n4 5 6\n2 0\n7\n8\n", "perm.allow", 8).unwrap();
        assert_eq!(groups[0].atoms, vec![1, 2, 3]);
        assert_eq!(groups[0].secondary, vec![vec![4, 5, 6]]);
        assert_eq!(groups[1].atoms, vec![7, 8]);
        assert_eq!(
            bk::perm_groups_zero_based(&groups),
            vec![vec![0, 1, 2], vec![6, 7]]
        );
        let e = bk::parse_perm_allow("1\n2 0\n1 9\n", "perm.allow", 8)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("perm.allow:3:"), "{e}");

        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pairs.data");
        assert!(bk::read_pairs(&p, None).unwrap().is_empty());
        bk::write_pairs(&p, &pairs).unwrap();
        assert_eq!(bk::read_pairs(&p, Some(13)).unwrap(), pairs);
        let cd = dir.path().join("commit.data");
        assert!(bk::read_committors(&cd, 3).unwrap().is_none());
        bk::write_committors(&cd, &[0.5]).unwrap();
        assert_eq!(bk::read_committors(&cd, 2).unwrap(), Some(vec![0.5, 0.0]));
        let md = dir.path().join("min.done");
        bk::write_min_done(&md, &[2]).unwrap();
        assert_eq!(bk::read_min_done(&md, Some(2)).unwrap(), vec![2]);
        let ta = dir.path().join("ts.attempts");
        bk::write_ts_attempts(&ta, &[1, 2]).unwrap();
        assert_eq!(bk::read_ts_attempts(&ta, 3).unwrap(), vec![1, 2, 0]);
        assert!(bk::read_perm_allow(&dir.path().join("perm.allow"), 3)
            .unwrap()
            .is_none());
    }

    #[test]
    fn job_files() {
        let f = JobFiles::new(17);
        assert_eq!(
            (
                f.odata.as_str(),
                f.finish.as_str(),
                f.path_info.as_str(),
                f.min_data_info.as_str(),
                f.log.as_str()
            ),
            (
                "odata.17",
                "finish.17",
                "path.info.17",
                "min.data.info.17",
                "OPTIM.connect.17"
            )
        );
        let x = [-0.5027956373, -1.2281393823, 1.4315997593, 0.0, 1.0, -2.0];
        let ax = JobCoords::Atoms {
            symbol: "AX".into(),
        };
        assert_eq!(
            job::render_finish(&x, &ax),
            "       -0.5027956373       -1.2281393823        1.4315997593\n        0.0000000000        1.0000000000       -2.0000000000\n"
        );
        let od = job::render_odata("NEWCONNECT 1\nPOINTS\n", &x[..3], &ax).unwrap();
        assert_eq!(
            od,
            "NEWCONNECT 1\nPOINTS\nAX         -0.5027956373       -1.2281393823        1.4315997593\n"
        );
        assert_eq!(
            job::render_finish(&[0.25, -1.0], &JobCoords::Variables),
            "        0.250000000000000\n       -1.000000000000000\n"
        );
        let od =
            job::render_odata("MLPVB3 ...\nvariables\n\n", &[0.25], &JobCoords::Variables).unwrap();
        assert_eq!(od, "MLPVB3 ...\nvariables\n        0.250000000000000\n");
        assert!(job::render_odata("POINTS\nSTOP\n", &x, &ax).is_err());
        assert!(job::render_odata("POINTS\n", &x, &JobCoords::Variables).is_err());
        for ok in [
            "odata.1",
            "finish.22",
            "path.info.3",
            "min.data.info.4",
            "OPTIM.connect.5",
            "EofS.6",
            "path.7.xyz",
            "path.7.xyz.12",
        ] {
            assert!(job::is_stale_job_file(ok), "{ok}");
        }
        for no in [
            "odata",
            "odata.connect",
            "odata.start",
            "path.info",
            "finish.1a",
            "path.xyz",
            "path.7.xyz.",
            "path.7.xyzz",
            "min.data.info",
            "points.min",
        ] {
            assert!(!job::is_stale_job_file(no), "{no}");
        }
    }
}
