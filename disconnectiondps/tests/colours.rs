//! TRMIN colouring with two lists, COLOURBYVALUE with known values, and the agreement of
//! tree.svg with tree.ps (segments, order, colours).

mod support;
use support::*;

use disconnectiondps::palette::Rgb;
use disconnectiondps::svg::svg_colour;

/// (minimum id, x, y) of the IDENTIFY labels of `tree.ps`.
fn leaf_ends(ps: &str) -> Vec<(u32, f64, f64)> {
    ps.lines()
        .take_while(|l| !l.starts_with("% Colour scale"))
        .filter(|l| l.ends_with(") show") && !l.starts_with("  15.00"))
        .map(|l| {
            let v: Vec<&str> = l.split_whitespace().collect();
            let id = v[3].trim_matches(|c| c == '(' || c == ')').parse().unwrap();
            (id, v[0].parse().unwrap(), v[1].parse().unwrap())
        })
        .collect()
}

/// Colour of the segment ending at (x, y).
fn colour_at(segs: &[(f64, f64, f64, f64, String)], x: f64, y: f64) -> String {
    let hit: Vec<_> = segs
        .iter()
        .filter(|s| (s.2 - x).abs() < 0.005 && (s.3 - y).abs() < 0.005)
        .collect();
    assert_eq!(hit.len(), 1, "one segment ends at ({x}, {y})");
    hit[0].4.clone()
}

fn check_leaf_colours(dir: &std::path::Path, want: impl Fn(u32) -> String) {
    let ps = read(dir, "tree.ps");
    let ends = leaf_ends(&ps);
    assert_eq!(ends.len(), 8, "every minimum ends a leaf");
    let ps_segs = ps_segments(&ps);
    let svg_segs = svg_segments(&read(dir, "tree.svg"), 842.0);
    for (id, x, y) in ends {
        assert_eq!(
            colour_at(&ps_segs, x, y),
            want(id),
            "tree.ps, leaf of minimum {id}"
        );
        assert_eq!(
            colour_at(&svg_segs, x, y),
            want(id),
            "tree.svg, leaf of minimum {id}"
        );
    }
}

#[test]
fn trmin_two_lists() {
    let dir = copy_case("dps_trmin");
    run_ok(dir.path());
    // lista = 1 2 3 5, listb = 5 6 8: 5 takes the last list.
    check_leaf_colours(dir.path(), |id| match id {
        1..=3 => "rgb(100%,0%,0%)".into(),
        5 | 6 | 8 => "rgb(0%,100%,0%)".into(),
        _ => "black".into(),
    });
    let ps = read(dir.path(), "tree.ps");
    // Level 1→2, display order B, A, E, C, D: A red, E and C green.
    assert_eq!(
        level_block(&ps, 1),
        vec![
            " 317.50 792.00 mt  109.69 668.33 ls",
            "1 0 0  setrgbcolor",
            " 317.50 792.00 mt  228.44 668.33 ls",
            "0 0 0 setrgbcolor",
            "0 1 0 setrgbcolor",
            " 317.50 792.00 mt  347.19 668.33 ls",
            "0 0 0 setrgbcolor",
            "0 1 0 setrgbcolor",
            " 317.50 792.00 mt  436.25 668.33 ls",
            "0 0 0 setrgbcolor",
            " 317.50 792.00 mt  525.31 668.33 ls",
        ]
    );
    let sections = read(dir.path(), "node_sections");
    assert!(sections.starts_with(
        "\nLEVEL   1\n=========\n\nLEVEL   2\n=========\nNode      2 --> Colour      1\n\
         Node      3 --> Colour      2\nNode      4 --> Colour      2\n"
    ));
    assert_svg_matches_ps(dir.path(), 842.0);
}

#[test]
fn trmin_without_colouroutput_writes_no_sections() {
    let dir = copy_case("dps_trmin");
    let dinfo = read(dir.path(), "dinfo").replace("COLOURPRINT\n", "");
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    run_ok(dir.path());
    assert!(!dir.path().join("node_sections").exists());
}

#[test]
fn colour_by_value_known_values() {
    let dir = copy_case("dps_values");
    run_ok(dir.path());
    // auc: 0.1 .. 0.6 for minima 1..6, blank line for 7, nothing for 8; scale 0..1 bluered.
    check_leaf_colours(dir.path(), |id| match id {
        1..=6 => {
            let v = id as f64 / 10.0;
            svg_colour(Rgb(v, 0.0, 1.0 - v))
        }
        _ => "black".into(),
    });
    let ps = read(dir.path(), "tree.ps");
    assert!(ps.contains(
        "0.100 0.000 0.900 setrgbcolor\n 228.44 173.67 mt  228.44 111.83 ls\n0 0 0 setrgbcolor\n"
    ));
    // Colour bar and its range in both files.
    assert!(ps.contains("% Colour scale (COLOURBYVALUE)\n"));
    assert!(ps.contains("(0) dup stringwidth pop neg 0 rmoveto show\n"));
    assert!(ps.contains(" (1) show\n"));
    assert!(ps.contains("(auc) dup stringwidth pop 2 div neg 0 rmoveto show\n"));
    assert_eq!(ps.matches(" closepath fill\n").count(), 64);
    let svg = read(dir.path(), "tree.svg");
    assert!(svg.contains("<g class=\"colour-bar\""));
    assert!(svg.contains("text-anchor=\"end\">0</text>"));
    assert!(svg.contains(">1</text>"));
    assert!(svg.contains("text-anchor=\"middle\">auc</text>"));
    assert_svg_matches_ps(dir.path(), 842.0);
}

#[test]
fn colour_by_value_default_range_and_palette() {
    let dir = copy_case("dps_values");
    let dinfo =
        read(dir.path(), "dinfo").replace("COLOURBYVALUE auc 0 1 bluered", "COLOURBYVALUE auc");
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    run_ok(dir.path());
    // Range 0.1 .. 0.6 (the values of the minima drawn); viridis ends.
    let ps = read(dir.path(), "tree.ps");
    assert!(ps.contains("(0.1) dup stringwidth"), "{ps}");
    assert!(ps.contains(" (0.6) show"));
    check_leaf_colours(dir.path(), |id| match id {
        1 => svg_colour(Rgb(0.267, 0.005, 0.329)),
        6 => svg_colour(Rgb(0.993, 0.906, 0.144)),
        7 | 8 => "black".into(),
        _ => {
            let v = disconnectiondps::palette::Palette::Viridis.at((id as f64 / 10.0 - 0.1) / 0.5);
            svg_colour(v)
        }
    });
}

#[test]
fn svg_agrees_with_ps_on_the_goldens() {
    for case in ["dps_g1", "dps_g2", "dps_g3", "dps_d4"] {
        let dir = copy_case(case);
        run_ok(dir.path());
        assert_svg_matches_ps(dir.path(), 842.0);
    }
}

#[test]
fn letter_page() {
    let dir = copy_case("dps_g1");
    let dinfo = read(dir.path(), "dinfo") + "LETTER\n";
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    run_ok(dir.path());
    let ps = read(dir.path(), "tree.ps");
    assert!(ps.contains("%%BoundingBox: 0 0 593 809\n"));
    assert!(ps.contains("  70.00 742.00 mt   70.00  50.00 ls\n"));
    // X(0.5) = 0.5·492 + 80.
    assert!(ps.contains(" 326.00 742.00 mt "), "{ps}");
    let svg = read(dir.path(), "tree.svg");
    assert!(svg.contains("viewBox=\"0 0 612 792\""));
    assert_svg_matches_ps(dir.path(), 792.0);
}
