//! `path.info` reader and writer (files.md §2.4, algorithms.md §9.3; goldens F4 and DB1).

#![allow(clippy::excessive_precision)]

// Wrapped in a module so that `cargo test files` selects these tests by name.
mod files_path_info {
    use common::files::path_info::{
        self, detect_layout, parse, render, triple_indices, triples, Eigenvalues, Layout,
        PathInfoBlock, PathTriple,
    };
    use common::rng::Stream;

    const DB1: &str = include_str!("data/db1_path.info");

    /// DB1 without its eigenvalue lines (NOFRQS layout).
    fn db1_nofrqs() -> String {
        DB1.lines()
            .filter(|l| l.len() != 60) // the 3G20.10 lines are 60 characters long
            .map(|l| format!("{l}\n"))
            .collect()
    }

    #[test]
    fn db1_round_trip_byte_for_byte() {
        let info = parse(DB1, "db1", 9, Eigenvalues::Auto).unwrap();
        assert!(info.has_eigenvalues);
        assert!(info.incomplete.is_none());
        assert_eq!(info.blocks.len(), 3);
        let b = &info.blocks;
        assert_eq!(b[0].energy, -2.185098840268771);
        assert_eq!((b[0].order, b[0].symbol.as_str()), (12, "D3h"));
        assert_eq!((b[1].order, b[1].symbol.as_str()), (4, "C2v"));
        assert_eq!((b[2].order, b[2].symbol.as_str()), (2, "DXh"));
        assert_eq!(b[1].last_eigenvalue(), Some(-3.539421006));
        assert_eq!(b[0].eigenvalues.as_ref().unwrap()[0], 110.7223585);
        assert_eq!(b[2].coords[0], -1.108762894194149);
        assert_eq!(render(&info.blocks), DB1);
        assert_eq!(detect_layout(&info), Layout::Triples);
        let t = triples(&info.blocks, Layout::Triples);
        assert_eq!(t.len(), 1);
        assert_eq!(path_info::render_triple(&t[0]), DB1);
        // Forcing the eigenvalue mode gives the same.
        assert_eq!(parse(DB1, "db1", 9, Eigenvalues::Present).unwrap(), info);
    }

    /// A value in G20.10 for 10 ≤ |v| < 1000 or 0, written with Rust's own (exactly rounded)
    /// formatting: an oracle independent of `fortran_fmt`.
    fn g20_10(v: f64) -> String {
        if v == 0.0 {
            "     0.000000000    ".to_string()
        } else if v.abs() >= 100.0 {
            format!("{v:16.7}    ")
        } else {
            format!("{v:16.8}    ")
        }
    }

    /// F4: an LJ38 block (NOPT 114, 1 + 1 + 38 + 38 = 78 lines) with the spec's first lines.
    fn lj38_block_text(seed: u64) -> String {
        let mut s = Stream::new(seed, 0);
        let mut eig: Vec<f64> = (0..108).map(|_| s.uniform_in(10.0, 712.3)).collect();
        eig.sort_by(|a, b| b.partial_cmp(a).unwrap());
        eig.extend([0.0; 6]);
        let mut t = String::from("     -169.403102763540346\n     1 C1  \n");
        for c in eig.chunks(3) {
            t.extend(c.iter().map(|&v| g20_10(v)));
            t.push('\n');
        }
        for _ in 0..38 {
            for _ in 0..3 {
                t.push_str(&format!("{:25.15}", s.uniform_in(-3.0, 3.0)));
            }
            t.push('\n');
        }
        t
    }

    #[test]
    fn f4_lj38_block_round_trip() {
        let text = lj38_block_text(4);
        assert_eq!(text.lines().count(), 78);
        let info = parse(&text, "lj38", 114, Eigenvalues::Auto).unwrap();
        assert_eq!(info.blocks.len(), 1);
        assert!(info.has_eigenvalues);
        let b = &info.blocks[0];
        assert_eq!(b.energy, -169.403102763540346);
        assert_eq!((b.order, b.symbol.as_str()), (1, "C1"));
        assert_eq!(b.coords.len(), 114);
        let out = b.render();
        assert_eq!(out, text);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "     -169.403102763540346");
        assert_eq!(lines[1], "     1 C1  ");
        // The spec's example lines render exactly.
        let ex = PathInfoBlock {
            energy: -169.403102763540346,
            order: 48,
            symbol: "O h".into(),
            eigenvalues: Some(vec![712.2926265, 668.0309140, 619.7545845]),
            coords: vec![0.726550506438746, 0.273670763133636, -1.680103121127047],
        };
        let r = ex.render();
        let l: Vec<&str> = r.lines().collect();
        assert_eq!(l[1], "    48 O h ");
        assert_eq!(
            l[2],
            "     712.2926265         668.0309140         619.7545845    "
        );
        assert_eq!(
            l[3],
            "        0.726550506438746        0.273670763133636       -1.680103121127047"
        );
    }

    #[test]
    fn nofrqs_file_is_detected_and_round_trips() {
        let text = db1_nofrqs();
        assert_eq!(text.lines().count(), 15);
        let info = parse(&text, "db5", 9, Eigenvalues::Auto).unwrap();
        assert!(!info.has_eigenvalues);
        assert_eq!(info.blocks.len(), 3);
        assert!(info.blocks.iter().all(|b| b.eigenvalues.is_none()));
        assert_eq!(render(&info.blocks), text);
        assert_eq!(info.blocks[2].coords[6], 1.108762894194149);
        // NOPT not a multiple of 3 (short last lines), NOFRQS, many blocks.
        let blocks: Vec<PathInfoBlock> = (0..7)
            .map(|k| PathInfoBlock {
                energy: -(k as f64) - 0.5,
                order: 1,
                symbol: "C1".into(),
                eigenvalues: None,
                coords: (0..7).map(|i| (i * k) as f64 * 0.125 - 0.25).collect(),
            })
            .collect();
        let t = render(&blocks);
        let back = parse(&t, "f", 7, Eigenvalues::Auto).unwrap();
        assert_eq!(back.blocks, blocks);
        assert_eq!(detect_layout(&back), Layout::Sequential); // 7 blocks, not a multiple of 3
    }

    #[test]
    fn older_f20_10_energies_and_free_format_load() {
        let text = DB1
            .replacen("       -2.185098840268771\n", "     -2.1850988403\n", 1)
            .replacen("    12 D3h \n", "12\n", 1);
        let info = parse(&text, "old", 9, Eigenvalues::Auto).unwrap();
        assert_eq!(info.blocks.len(), 3);
        assert_eq!(info.blocks[0].energy, -2.1850988403);
        assert_eq!(info.blocks[0].order, 12);
        assert_eq!(info.blocks[0].symbol, "");
        // Written back with the current widths.
        assert!(info.blocks[0]
            .render()
            .starts_with("       -2.185098840300000\n    12     \n"));
    }

    fn two_triples() -> String {
        format!("{DB1}{DB1}")
    }

    #[test]
    fn trailing_incomplete_triple_is_ignored() {
        let lines: Vec<&str> = DB1.lines().collect();
        // A complete triple plus the first 1.5 blocks of another one.
        let mut text = DB1.to_string();
        for l in &lines[..12] {
            text.push_str(l);
            text.push('\n');
        }
        let info = parse(&text, "p", 9, Eigenvalues::Auto).unwrap();
        assert_eq!(info.blocks.len(), 4);
        let inc = info.incomplete.as_ref().unwrap();
        assert_eq!(inc.line, 33);
        assert_eq!(triples(&info.blocks, Layout::Triples).len(), 1);
        assert_eq!(detect_layout(&info), Layout::Triples); // block 4 is a minimum
    }

    /// Truncating a file at any byte offset never fails: the complete blocks before the cut are
    /// returned (a last line without its newline counts as unfinished).
    #[test]
    fn truncation_at_every_offset() {
        for (text, nopt) in [(two_triples(), 9usize), (db1_nofrqs().repeat(2), 9)] {
            let full = parse(&text, "p", nopt, Eigenvalues::Auto).unwrap();
            assert_eq!(full.blocks.len(), 6);
            // Byte offset just after each block's last newline.
            let mut ends = Vec::new();
            let mut acc = 0;
            for b in &full.blocks {
                acc += b.render().len();
                ends.push(acc);
            }
            assert_eq!(acc, text.len());
            for cut in 0..=text.len() {
                let info = parse(&text[..cut], "p", nopt, Eigenvalues::Auto)
                    .unwrap_or_else(|e| panic!("cut {cut}: {e}"));
                let complete = ends.iter().filter(|&&e| e <= cut).count();
                assert_eq!(info.blocks.len(), complete, "cut at {cut}");
                assert_eq!(info.blocks[..], full.blocks[..complete], "cut at {cut}");
                let last_end = if complete == 0 { 0 } else { ends[complete - 1] };
                let partial = !text[last_end..cut].trim().is_empty();
                assert_eq!(info.incomplete.is_some(), partial, "cut at {cut}");
            }
        }
    }

    #[test]
    fn sequential_layout_detection_and_conversion() {
        let info = parse(DB1, "p", 9, Eigenvalues::Auto).unwrap();
        let (m0, t, m1) = (&info.blocks[0], &info.blocks[1], &info.blocks[2]);
        // m0 t m1 t' m0': the 4th block is a TS (negative last eigenvalue).
        let mut t2 = t.clone();
        t2.energy += 0.5;
        let mut m2 = m0.clone();
        m2.energy -= 0.25;
        let chain = vec![m0.clone(), t.clone(), m1.clone(), t2.clone(), m2.clone()];
        let text = render(&chain);
        let back = parse(&text, "seq", 9, Eigenvalues::Auto).unwrap();
        assert_eq!(detect_layout(&back), Layout::Sequential);
        let tr = triples(&back.blocks, Layout::Sequential);
        assert_eq!(tr.len(), 2);
        assert_eq!(
            tr[1],
            PathTriple {
                plus: m1.clone(),
                ts: t2.clone(),
                minus: m2.clone()
            }
        );
        // Triples: the 4th block is a minimum.
        let text = render(&[m0.clone(), t.clone(), m1.clone(), m1.clone(), t2, m2]);
        let back = parse(&text, "tri", 9, Eigenvalues::Auto).unwrap();
        assert_eq!(detect_layout(&back), Layout::Triples);
        assert_eq!(triples(&back.blocks, Layout::Triples).len(), 2);
        // NOFRQS: by block count.
        assert_eq!(triple_indices(9, Layout::Triples).len(), 3);
        let nf = parse(&db1_nofrqs().repeat(2), "nf", 9, Eigenvalues::Auto).unwrap();
        assert_eq!(detect_layout(&nf), Layout::Triples);
        let five: String = db1_nofrqs()
            .repeat(2)
            .lines()
            .take(25)
            .map(|l| format!("{l}\n"))
            .collect();
        let nf5 = parse(&five, "nf", 9, Eigenvalues::Auto).unwrap();
        assert_eq!(nf5.blocks.len(), 5);
        assert_eq!(detect_layout(&nf5), Layout::Sequential);
    }

    #[test]
    fn append_triple_writes_the_dumpallpaths_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("path.info");
        let info = parse(DB1, "p", 9, Eigenvalues::Auto).unwrap();
        let t = triples(&info.blocks, Layout::Triples).remove(0);
        path_info::append_triple(&p, &t).unwrap();
        path_info::append_triple(&p, &t).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), two_triples());
        let back = path_info::read(&p, 9, Eigenvalues::Auto).unwrap();
        assert_eq!(back.blocks.len(), 6);
        path_info::write(&p, &info.blocks).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), DB1);
    }

    #[test]
    fn damaged_files_name_file_and_line() {
        // Garbage in the middle of a block.
        let bad = DB1.replacen("        1.168752317363380", "        1.16875x317363380", 1);
        let e = parse(&bad, "path.info.3", 9, Eigenvalues::Auto).unwrap_err();
        assert!(e.to_string().starts_with("path.info.3:7:"), "{e}");
        // Wrong NOPT.
        let e = parse(DB1, "path.info", 12, Eigenvalues::Auto).unwrap_err();
        assert!(e.to_string().contains("NOPT"), "{e}");
        let e = parse(DB1, "path.info", 6, Eigenvalues::Auto).unwrap_err();
        assert!(e.to_string().starts_with("path.info:"), "{e}");
        // Not an order line.
        let bad = DB1.replacen("    12 D3h ", "  12.5 D3h ", 1);
        let e = parse(&bad, "p", 9, Eigenvalues::Auto).unwrap_err();
        assert!(e.to_string().starts_with("p:2:"), "{e}");
        // A NOFRQS file read as if it had eigenvalues.
        let e = parse(&db1_nofrqs(), "p", 9, Eigenvalues::Present).unwrap_err();
        assert!(e.to_string().contains("no coordinates"), "{e}");
        // An empty file is empty.
        let empty = parse("", "p", 9, Eigenvalues::Auto).unwrap();
        assert!(empty.blocks.is_empty() && empty.incomplete.is_none());
    }
}
