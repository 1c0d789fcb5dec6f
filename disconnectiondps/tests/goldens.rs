//! Goldens G1–G3 (real Fortran drawings, byte for byte) and the derived cases D3, D4
//! (goldens.md §8).

mod support;
use support::*;

fn golden(case: &str) {
    let dir = copy_case(case);
    run_ok(dir.path());
    let got = read(dir.path(), "tree.ps");
    let want = read(dir.path(), "tree.ps.expected");
    if got != want {
        for (k, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            assert_eq!(g, w, "{case}: first difference at line {}", k + 1);
        }
        assert_eq!(got.len(), want.len(), "{case}: lengths differ");
    }
}

#[test]
fn g1_byte_identical() {
    golden("dps_g1");
    assert_eq!(read(&case_dir("dps_g1"), "tree.ps.expected").len(), 1505);
}

#[test]
fn g2_byte_identical() {
    golden("dps_g2");
}

#[test]
fn g3_lj38_byte_identical() {
    golden("dps_g3");
}

#[test]
fn g1_node_files() {
    let dir = copy_case("dps_g1");
    run_ok(dir.path());
    let sizes = read(dir.path(), "node_sizes");
    assert!(sizes.starts_with("Level:  1 energy         0.0000000000\n    1:      3\n\n"));
    // Sizes per level in display order.
    let mut per_level: Vec<Vec<u32>> = Vec::new();
    for line in sizes.lines() {
        if line.starts_with("Level:") {
            per_level.push(Vec::new());
        } else if let Some((_, s)) = line.split_once(':') {
            per_level
                .last_mut()
                .unwrap()
                .push(s.trim().parse().unwrap());
        }
    }
    let want: Vec<Vec<u32>> = vec![
        vec![3],
        vec![2, 1],
        vec![1, 1, 1],
        vec![1, 1, 1],
        vec![1, 1],
        vec![1],
        vec![1],
    ];
    assert_eq!(per_level, want);
    // node_numbers: member sets per level in display order.
    let numbers = read(dir.path(), "node_numbers");
    let mut levels: Vec<Vec<Vec<u32>>> = Vec::new();
    for line in numbers.lines() {
        if line.starts_with("LEVEL") {
            levels.push(Vec::new());
        } else if line.starts_with("Node") {
            levels.last_mut().unwrap().push(Vec::new());
        } else if let Ok(id) = line.trim().parse::<u32>() {
            levels.last_mut().unwrap().last_mut().unwrap().push(id);
        }
    }
    let want: Vec<Vec<Vec<u32>>> = vec![
        vec![vec![1, 2, 3]],
        vec![vec![1, 2], vec![3]],
        vec![vec![2], vec![1], vec![3]],
        vec![vec![2], vec![1], vec![3]],
        vec![vec![2], vec![1]],
        vec![vec![1]],
        vec![vec![1]],
    ];
    assert_eq!(levels, want);
    assert!(numbers.starts_with("\nLEVEL   1\n=========\n\nNode      1\n     1\n"));
}

#[test]
fn g2_and_g3_summaries() {
    let dir = copy_case("dps_g2");
    let out = run_ok(dir.path());
    assert!(
        out.contains("1 minima disconnected; 4 minima and 3 transition states used"),
        "{out}"
    );
    assert!(out.contains("(1 degenerate skipped)"), "{out}");
    let dir = copy_case("dps_g3");
    let out = run_ok(dir.path());
    assert!(
        out.contains("2 minima disconnected; 10 minima and 9 transition states used"),
        "{out}"
    );
    assert!(out.contains("29 levels"), "{out}");
}

#[test]
fn d3_order_labels_and_sizes() {
    let dir = copy_case("dps_d3");
    run_ok(dir.path());
    let ps = read(dir.path(), "tree.ps");
    let xs: Vec<&str> = vec!["109.69", "228.44", "347.19", "436.25", "525.31"];
    let block = level_block(&ps, 1);
    assert_eq!(block.len(), 5);
    for (line, x) in block.iter().zip(&xs) {
        assert_eq!(*line, format!(" 317.50 792.00 mt  {x} 668.33 ls"));
    }
    let labels = [
        (1, "228.44", "111.83"),
        (2, "287.81", "235.50"),
        (3, "169.06", "173.67"),
        (4, "109.69", "482.83"),
        (5, "465.94", "359.17"),
        (6, "406.56", "421.00"),
        (7, "525.31", "544.67"),
        (8, "347.19", "383.90"),
    ];
    let want: String = labels
        .iter()
        .map(|(id, x, y)| format!(" {x} {y} mt ({id}) show\n"))
        .collect();
    assert!(
        ps.contains(&format!(
            "1 0 0 setrgbcolor\n/Times-Roman findfont 10 scalefont setfont\n{want}0 0 0 setrgbcolor\n\nshowpage\n"
        )),
        "{ps}"
    );
    let sizes = read(dir.path(), "node_sizes");
    let level2: Vec<&str> = sizes
        .split("\n\n")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .collect();
    assert_eq!(
        level2,
        vec![
            "    1:      1",
            "    2:      3",
            "    3:      1",
            "    4:      2",
            "    5:      1"
        ]
    );
}

/// D4: everything the spec lists (header, axis, ticks, F6.1 labels, levels 1→2, 3→4,
/// 6→7, IDMIN block, node_sections); the omitted levels are checked for their colours.
#[test]
fn d4_centregmin_trmin_idmin_labelformat() {
    let dir = copy_case("dps_d4");
    run_ok(dir.path());
    let ps = read(dir.path(), "tree.ps");
    let g1 = read(&case_dir("dps_g1"), "tree.ps.expected");
    // Header, axis and ticks as G1 (same 7 levels).
    let head: Vec<&str> = g1.lines().take(16).collect();
    assert_eq!(ps.lines().take(16).collect::<Vec<_>>(), head);
    let labels: Vec<&str> = ps.lines().skip(17).take(7).collect();
    assert_eq!(labels[0], "  15.00  45.00 mt ( -10.5) show");
    assert_eq!(labels[6], "  15.00 787.00 mt (  -4.5) show");
    assert_eq!(
        level_block(&ps, 1),
        vec![
            " 317.50 792.00 mt  109.69 668.33 ls",
            " 317.50 792.00 mt  169.06 668.33 ls",
            "1 0 0  setrgbcolor",
            " 317.50 792.00 mt  287.81 668.33 ls",
            "0 0 0 setrgbcolor",
            "0 1 0 setrgbcolor",
            " 317.50 792.00 mt  436.25 668.33 ls",
            "0 0 0 setrgbcolor",
            " 317.50 792.00 mt  525.31 668.33 ls",
        ]
    );
    assert_eq!(
        level_block(&ps, 3),
        vec![
            " 109.69 544.67 mt  109.69 482.83 ls",
            " 169.06 544.67 mt  169.06 421.00 ls",
            "1 0 0  setrgbcolor",
            " 287.81 544.67 mt  287.81 421.00 ls",
            "0 0 0 setrgbcolor",
            "0 1 0 setrgbcolor",
            " 436.25 544.67 mt  406.56 421.00 ls",
            "0 0 0 setrgbcolor",
            "0 1 0 setrgbcolor",
            " 436.25 544.67 mt  465.94 421.00 ls",
            "0 0 0 setrgbcolor",
        ]
    );
    let tail = "% Level:  6 to  7\n\n1 0 0  setrgbcolor\n 347.19 173.67 mt  347.19 111.83 ls\n\
                0 0 0 setrgbcolor\n1 0 0 setrgbcolor\n/Times-Roman findfont 10 scalefont setfont\n \
                525.31 544.67 mt (7) show\n 525.31 544.67 mt  525.31 534.67 ls \n\
                0 0 0 setrgbcolor\n\nshowpage\n";
    assert!(ps.ends_with(tail), "{ps}");
    let sections = read(dir.path(), "node_sections");
    let mut want = String::from("\nLEVEL   1\n=========\n");
    let lists: [&[(u32, u32)]; 6] = [
        &[(3, 1), (4, 2)],
        &[(3, 1), (4, 2)],
        &[(3, 1), (4, 2), (5, 2)],
        &[(2, 1), (3, 1), (4, 2)],
        &[(1, 1), (2, 1), (3, 1)],
        &[(1, 1)],
    ];
    for (k, list) in lists.iter().enumerate() {
        want.push_str(&format!("\nLEVEL {:3}\n=========\n", k + 2));
        for (node, colour) in list.iter() {
            want.push_str(&format!("Node {node:6} --> Colour {colour:6}\n"));
        }
    }
    assert_eq!(sections, want);
}
