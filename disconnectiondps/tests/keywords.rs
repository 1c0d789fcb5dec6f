//! The remaining dinfo keywords, end to end on the small golden databases.

mod support;
use support::*;

/// Run `case` with `extra` appended to its dinfo; returns the directory and stdout.
fn run_with(case: &str, extra: &str) -> (tempfile::TempDir, String) {
    let dir = copy_case(case);
    let dinfo = read(dir.path(), "dinfo") + extra;
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    let out = run_ok(dir.path());
    (dir, out)
}

/// node_sizes as sizes per level in display order.
fn sizes(dir: &std::path::Path) -> Vec<Vec<u32>> {
    let mut per_level: Vec<Vec<u32>> = Vec::new();
    for line in read(dir, "node_sizes").lines() {
        if line.starts_with("Level:") {
            per_level.push(Vec::new());
        } else if let Some((_, s)) = line.split_once(':') {
            per_level
                .last_mut()
                .unwrap()
                .push(s.trim().parse().unwrap());
        }
    }
    per_level
}

/// node_numbers as member lists per level in display order.
fn numbers(dir: &std::path::Path) -> Vec<Vec<Vec<u32>>> {
    let mut levels: Vec<Vec<Vec<u32>>> = Vec::new();
    for line in read(dir, "node_numbers").lines() {
        if line.starts_with("LEVEL") {
            levels.push(Vec::new());
        } else if line.starts_with("Node") {
            levels.last_mut().unwrap().push(Vec::new());
        } else if let Ok(id) = line.trim().parse::<u32>() {
            levels.last_mut().unwrap().last_mut().unwrap().push(id);
        }
    }
    levels
}

#[test]
fn identify_node_and_node_size_with_labelsize() {
    let (dir, _) = run_with(
        "dps_g1",
        "IDENTIFY_NODE 0\nIDENTIFY_NODE_SIZE 0\nLABELSIZE 8\n",
    );
    let ps = read(dir.path(), "tree.ps");
    assert!(ps.ends_with(
        "1 0 0 setrgbcolor\n/Times-Roman findfont  8 scalefont setfont\n 317.50  50.00 mt (1) show\n \
         159.17 297.33 mt (2) show\n 475.83 421.00 mt (3) show\n0 0 0 setrgbcolor\n\
         0.5 0 1 setrgbcolor\n/Times-Roman findfont  8 scalefont setfont\n 238.33 668.33 mt (2_1) show\n\
         0 0 0 setrgbcolor\n0 0.7 0 setrgbcolor\n/Times-Roman findfont  8 scalefont setfont\n \
         238.33 668.33 mt (2) show\n0 0 0 setrgbcolor\n\nshowpage\n"
    ), "{ps}");
    // Thresholds: nodes of size 2 are not larger than 2.
    let (dir, _) = run_with("dps_g1", "IDENTIFY_NODE 2\nIDENTIFY_NODE_SIZE 2\n");
    let ps = read(dir.path(), "tree.ps");
    assert!(ps.contains(
        "0.5 0 1 setrgbcolor\n/Times-Roman findfont 10 scalefont setfont\n0 0 0 setrgbcolor\n"
    ));
    assert!(!ps.contains("(2_1)"));
    assert_svg_matches_ps(dir.path(), 842.0);
}

#[test]
fn nobarriers_and_nosplit() {
    let (dir, _) = run_with("dps_g1", "NOBARRIERS\n");
    assert_eq!(
        sizes(dir.path()),
        vec![
            vec![3],
            vec![3],
            vec![3],
            vec![2, 1],
            vec![1, 1],
            vec![1],
            vec![1]
        ]
    );
    let (dir, _) = run_with("dps_g1", "NOSPLIT\n");
    assert_eq!(
        sizes(dir.path()),
        vec![
            vec![3],
            vec![3],
            vec![2, 1],
            vec![1, 1, 1],
            vec![1, 1],
            vec![1],
            vec![1]
        ]
    );
}

#[test]
fn monotonic_lowest_pick_and_excludeall() {
    // MONOTONIC: TS 1-2 hides 2, TS 2-3 hides 3.
    let (dir, _) = run_with("dps_g1", "MONOTONIC\n");
    let n = numbers(dir.path());
    assert_eq!(n[0], vec![vec![1]]);
    assert!(n.iter().all(|l| l.iter().flatten().all(|&m| m == 1)));
    let ps = read(dir.path(), "tree.ps");
    assert_eq!(
        level_block(&ps, 1),
        vec![" 317.50 792.00 mt  317.50 668.33 ls"]
    );
    // LOWEST 2: minima 1 and 2.
    let (dir, _) = run_with("dps_g1", "LOWEST 2\n");
    assert_eq!(numbers(dir.path())[0], vec![vec![1, 2]]);
    // EXCLUDEALL with PICK: only 3 (and a warning for an id out of range).
    let dir = copy_case("dps_g1");
    std::fs::write(dir.path().join("pick"), "3\n-9\n2\n-2\n").unwrap();
    let dinfo = read(dir.path(), "dinfo") + "EXCLUDEALL\nPICK pick\n";
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    let out = run_ok(dir.path());
    assert!(
        out.contains("WARNING: Ignoring -9 in pick; minima numbers: 1 to 3"),
        "{out}"
    );
    assert_eq!(numbers(dir.path())[0], vec![vec![3]]);
    // IDMIN shows a hidden minimum again.
    let (dir, _) = run_with("dps_g1", "EXCLUDEALL\nIDMIN 2\n");
    assert_eq!(numbers(dir.path())[0], vec![vec![2]]);
    let ps = read(dir.path(), "tree.ps");
    assert!(
        ps.contains(" 317.50 297.33 mt (2) show\n 317.50 297.33 mt  317.50 287.33 ls \n"),
        "{ps}"
    );
}

#[test]
fn connectmin_nconnmin_and_barriers() {
    let (dir, out) = run_with("dps_g2", "CONNECTMIN 5\n");
    assert!(out.contains("5 minima disconnected"), "{out}");
    let ps = read(dir.path(), "tree.ps");
    assert!(
        ps.contains("% Level:  1 to  2\n\n1 0 0 setrgbcolor"),
        "{ps}"
    );
    let (_, out) = run_with("dps_g2", "NCONNMIN 1\n");
    assert!(out.contains("5 minima disconnected"), "{out}");
    let (dir, out) = run_with("dps_g1", "MAXTSBARRIER 0.9\n");
    assert!(
        out.contains("2 minima disconnected; 1 minima and 0 transition states used"),
        "{out}"
    );
    assert_eq!(numbers(dir.path())[0], vec![vec![1]]);
    let (_, out) = run_with("dps_g1", "MAXTSBARRIER 1.2\n");
    assert!(out.contains("0 minima disconnected"), "{out}");
    let (_, out) = run_with("dps_g1", "TSTHRESH -0.75\n");
    assert!(
        out.contains("1 minima disconnected; 2 minima and 1 transition states used"),
        "{out}"
    );
    let (_, out) = run_with("dps_g1", "MAXTSENERGY -0.75\n");
    assert!(out.contains("1 minima disconnected"), "{out}");
}

#[test]
fn weights_rescale_widths_only() {
    let dir = copy_case("dps_g1");
    std::fs::write(
        dir.path().join("weights"),
        "1 -3.5 -3.2 0.0\n2 -3.2 -1.2 1.0\n3 -1.2 -0.2 2.0\n",
    )
    .unwrap();
    let dinfo = read(dir.path(), "dinfo") + "WEIGHTS weights\n";
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    run_ok(dir.path());
    let ps = ps_segments(&read(dir.path(), "tree.ps"));
    let g1 = ps_segments(&read(&case_dir("dps_g1"), "tree.ps.expected"));
    assert_eq!(ps.len(), g1.len());
    for (a, b) in ps.iter().zip(&g1) {
        assert_eq!((a.1, a.3), (b.1, b.3), "heights unchanged");
    }
    assert_ne!(ps, g1, "widths change");
    // The top level stays centred.
    assert_eq!(ps[0].0, 317.5);
}

#[test]
fn summary_lists_basins_per_level() {
    let (_, out) = run_with("dps_g1", "");
    assert!(
        out.contains("disconnectionDPS: 3 minima and 2 transition states read"),
        "{out}"
    );
    assert!(out.contains("disconnectionDPS: 7 levels"), "{out}");
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  ") && !l.contains("level"))
        .collect();
    assert_eq!(rows.len(), 7);
    assert_eq!(
        rows[2].split_whitespace().collect::<Vec<_>>(),
        ["3", "-1.000000", "3", "3"]
    );
    assert!(
        out.contains("wrote node_numbers, node_sizes, tree.ps, tree.svg"),
        "{out}"
    );
}

#[test]
fn comments_continuation_and_case_in_dinfo() {
    let dir = copy_case("dps_g1");
    std::fs::write(
        dir.path().join("dinfo"),
        "! comment\n# another\ncomment too\ndelta &ignored\n 0.5\nfirst 0.0\nlevels 7\n\
         minima min.data\nts ts.data\nidentify\n",
    )
    .unwrap();
    run_ok(dir.path());
    assert_eq!(
        read(dir.path(), "tree.ps"),
        read(&case_dir("dps_g1"), "tree.ps.expected")
    );
}

#[test]
fn an_absurd_number_of_levels_is_refused_before_any_work() {
    let dir = copy_case("dps_g1");
    let dinfo = read(dir.path(), "dinfo");
    let patched: String = dinfo
        .lines()
        .map(|l| {
            if l.trim_start().to_ascii_uppercase().starts_with("LEVELS") {
                "LEVELS 100000000".to_string()
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    std::fs::write(dir.path().join("dinfo"), patched).unwrap();
    let err = run_err(dir.path());
    assert!(err.contains("LEVELS 100000000 is too large"), "{err}");
    assert!(!dir.path().join("tree.ps").exists());
}
