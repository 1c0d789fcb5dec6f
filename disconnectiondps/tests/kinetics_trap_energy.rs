//! The Kinetics tutorial TRAP_ENERGY (wales-group/examples, `Kinetics/TRAP_ENERGY/`): its
//! dinfo (AUTORANGE, DUMPNUMBERS, SCALEBAR 5, LABELSIZE 20, TRMIN 9 994 t1.txt..t9.txt,
//! CHOOSECOLOURS) runs unchanged on the nine-community database, and tree.ps, node_numbers
//! and disconnected equal the Fortran's `output_files` byte for byte; tree.svg draws the
//! same segments in the same colours.

mod support;
use support::*;

/// Compare line by line first, to name the first difference.
fn assert_same(file: &str, got: &str, want: &str) {
    if got != want {
        for (k, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            assert_eq!(g, w, "{file}: first difference at line {}", k + 1);
        }
        assert_eq!(got.len(), want.len(), "{file}: lengths differ");
    }
}

#[test]
fn trap_energy_tutorial_outputs_equal_the_fortrans() {
    let dir = copy_trap_energy();
    let d = dir.path();
    let summary = run_ok(d);
    assert!(
        summary.contains("wrote node_numbers, disconnected, tree.ps, tree.svg"),
        "{summary}"
    );
    for f in ["tree.ps", "node_numbers", "disconnected"] {
        assert_same(f, &read(d, f), &read(d, &format!("{f}.expected")));
    }
}

/// One drawn segment: page coordinates in hundredths of a point and its colour.
type Seg = ([i64; 4], String);

fn hundredths(s: &str) -> i64 {
    (s.parse::<f64>().unwrap() * 100.0).round() as i64
}

/// The tree's segments of `tree.ps` (after the first `% Level:` line), each with the colour
/// set before it.
fn ps_segments(ps: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut colour = "black".to_string();
    for line in ps.lines().skip_while(|l| !l.starts_with("% Level:")) {
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.last() == Some(&"setrgbcolor") {
            let c: Vec<u32> = t[..3]
                .iter()
                .map(|v| (v.parse::<f64>().unwrap() * 1e4).round() as u32)
                .collect();
            let pct = |v: u32| format!("{}.{:02}%", v / 100, v % 100);
            colour = if c == [0, 0, 0] {
                "black".to_string()
            } else {
                format!("rgb({},{},{})", pct(c[0]), pct(c[1]), pct(c[2]))
            };
        } else if t.len() == 6 && t[2] == "mt" && t[5] == "ls" {
            let v = [t[0], t[1], t[3], t[4]].map(hundredths);
            out.push((v, colour.clone()));
        }
    }
    out
}

fn attr<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    line[start..].split('"').next()
}

/// The `<line>` elements of the SVG's tree group, y flipped back to PostScript.
fn svg_segments(svg: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let tree = svg
        .lines()
        .skip_while(|l| !l.starts_with("<g class=\"tree\""))
        .skip(1)
        .take_while(|l| !l.starts_with("<g class=\"") && *l != "</g>\n</svg>");
    for line in tree.filter(|l| l.starts_with("<line")) {
        let v = ["x1", "y1", "x2", "y2"].map(|a| hundredths(attr(line, a).unwrap()));
        let colour = attr(line, "stroke").unwrap_or("black").to_string();
        out.push(([v[0], 84200 - v[1], v[2], 84200 - v[3]], colour));
    }
    out
}

#[test]
fn the_svg_draws_the_same_segments_in_the_same_colours() {
    let dir = copy_trap_energy();
    let d = dir.path();
    run_ok(d);
    let ps = ps_segments(&read(d, "tree.ps"));
    let svg_text = read(d, "tree.svg");
    check_xml(&svg_text).unwrap();
    let svg = svg_segments(&svg_text);
    assert_eq!(
        ps.len(),
        4787 - 5,
        "segments of the tree (the scale bar's five excluded)"
    );
    assert_eq!(svg.len(), ps.len());
    for (k, (a, b)) in ps.iter().zip(&svg).enumerate() {
        assert_eq!(a, b, "segment {k}");
    }
    // The nine trap colours are all used, and the scale bar is there, 5 × 742/45 pt tall.
    let colours: std::collections::BTreeSet<&str> = ps.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(colours.len(), 10, "{colours:?}");
    assert!(svg_text.contains("<line x1=\"70.00\" y1=\"709.56\" x2=\"70.00\" y2=\"792.00\"/>"));
    assert!(svg_text.contains(">    5.00</text>"));
}

/// AUTORANGE takes the top from the data: with FIRST 52 or FIRST 40 instead of 47 the grid
/// (DELTA 1) still moves to 46, the lowest grid level at or above the highest TS (45.23),
/// and the outputs are the tutorial's.
#[test]
fn autorange_moves_the_top_to_the_highest_transition_state() {
    for first in ["52", "40"] {
        let dir = copy_trap_energy();
        let d = dir.path();
        let dinfo = read(d, "dinfo").replace("FIRST 47", &format!("FIRST {first}"));
        std::fs::write(d.join("dinfo"), dinfo).unwrap();
        run_ok(d);
        for f in ["tree.ps", "node_numbers"] {
            assert_same(f, &read(d, f), &read(d, &format!("{f}.expected")));
        }
    }
}

/// Without AUTORANGE the grid starts at FIRST 47 and every level is drawn: the level blocks
/// are numbered from 1 with two digits, the first one a trunk from y 792.
#[test]
fn without_autorange_the_top_level_is_drawn() {
    let dir = copy_trap_energy();
    let d = dir.path();
    let dinfo = read(d, "dinfo").replace("AUTORANGE\n", "");
    std::fs::write(d.join("dinfo"), dinfo).unwrap();
    run_ok(d);
    let ps = read(d, "tree.ps");
    assert!(ps.starts_with("%!PS-Adobe-3.0 EPSF-3.0\n"));
    assert_eq!(
        level_block(&ps, 1),
        vec![" 317.50 792.00 mt  317.50 775.87 ls"]
    );
    // 47 levels over 742 pt: the scale bar is 5 × 742/46 pt tall.
    assert!(
        ps.contains("  70.00 130.65 mt   70.00  50.00 ls\n"),
        "{}",
        &ps[..1400]
    );
    let numbers = read(d, "node_numbers");
    assert_ne!(numbers, read(d, "node_numbers.expected"));
    assert!(numbers.contains("\nLEVEL  47\n"));
}

/// Without CHOOSECOLOURS, TRMIN lists 1–4 take the default red, green, blue and magenta
/// and lists 5–9 are drawn black (with the colour reset after each segment).
#[test]
fn without_choosecolours_only_four_lists_are_coloured() {
    let dir = copy_trap_energy();
    let d = dir.path();
    let dinfo = read(d, "dinfo").replace("CHOOSECOLOURS\n", "");
    std::fs::write(d.join("dinfo"), dinfo).unwrap();
    run_ok(d);
    let ps = read(d, "tree.ps");
    let colours: std::collections::BTreeSet<&str> =
        ps.lines().filter(|l| l.ends_with("setrgbcolor")).collect();
    let want: std::collections::BTreeSet<&str> = [
        "1 0 0  setrgbcolor",
        "0 1 0 setrgbcolor",
        "0 0 1 setrgbcolor",
        "1 0 1 setrgbcolor",
        "0 0 0 setrgbcolor",
        "1.0 0.0 0.0 setrgbcolor",
        "0.0 0.0 0.0 setrgbcolor",
        "           H1 S1 B1 setrgbcolor",
    ]
    .into_iter()
    .collect();
    assert_eq!(colours, want);
    // Same geometry as the tutorial's drawing.
    let strip = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.ends_with(" ls"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(strip(&ps), strip(&read(d, "tree.ps.expected")));
}

/// The later program draws as the 2011 one: on the LJ38 tutorial's deck (none of the later
/// keywords) its tree.ps (`LJ38/04_Creating_PATHSAMPLE_database/expected_output`) differs
/// from ours only in the header (EPSF-3.0, BoundingBox, the unused colour procedures), which
/// is why the later layout is kept for the decks that use the later keywords only.
#[test]
fn the_later_program_draws_the_lj38_tutorial_as_the_2011_one() {
    let dir = copy_case("dps_lj38_later");
    let d = dir.path();
    let src = case_dir("lj38_tutorial_04");
    for f in ["min.data", "ts.data"] {
        std::fs::copy(src.join(format!("{f}.expected")), d.join(f)).unwrap();
    }
    run_ok(d);
    let ours = read(d, "tree.ps");
    let later = read(d, "tree.ps.expected");
    let ours: Vec<&str> = ours.lines().collect();
    let later: Vec<&str> = later.lines().collect();
    assert_eq!(ours[0], "%!PS-Adobe-2.0 EPSF-2.0");
    assert_eq!(later[0], "%!PS-Adobe-3.0 EPSF-3.0");
    assert_eq!(ours[4], "%%BoundingBox: 0 0 593 809");
    assert_eq!(later[4], "%%BoundingBox: 0 0   595  842");
    assert_eq!(ours[1..4], later[1..4]);
    assert_eq!(ours[5..8], later[5..8]);
    // The later program's 18 procedure lines (ending with an empty line), then the same.
    assert_eq!(later[8], "/swidth { 30 mul } def");
    assert_eq!(later[25], "");
    assert_eq!(ours[8..], later[26..]);
}
