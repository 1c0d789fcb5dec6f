//! tree.svg: well-formed SVG 1.1 for every test deck, and rendered by rsvg-convert when it
//! is installed (the render test says SKIPPED on stderr otherwise).

mod support;
use support::*;

use std::process::Command;

const CASES: [&str; 9] = [
    "dps_g1",
    "dps_g2",
    "dps_g3",
    "dps_d3",
    "dps_d4",
    "dps_nots",
    "dps_single",
    "dps_values",
    "dps_trmin",
];

#[test]
fn svg_is_well_formed_for_every_deck() {
    for case in CASES {
        let dir = copy_case(case);
        run_ok(dir.path());
        let svg = read(dir.path(), "tree.svg");
        let names = check_xml(&svg).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(names[0], "svg", "{case}");
        assert!(svg.starts_with("<?xml version=\"1.0\""));
        assert!(svg.contains("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\""));
        assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""));
        for n in &names {
            assert!(
                ["svg", "title", "rect", "g", "line", "text"].contains(&n.as_str()),
                "{case}: unexpected element {n}"
            );
        }
    }
}

#[test]
fn the_checker_rejects_broken_xml() {
    assert!(check_xml("<svg><g></svg>").is_err());
    assert!(check_xml("<svg a=1/>").is_err());
    assert!(check_xml("<svg>a & b</svg>").is_err());
    assert!(check_xml("<svg/><svg/>").is_err());
    assert!(check_xml("<svg x=\"1\" x=\"2\"/>").is_err());
    assert!(check_xml("<svg><text>&lt;ok&amp;</text></svg>").is_ok());
}

#[test]
fn special_characters_are_escaped() {
    let dir = copy_case("dps_values");
    std::fs::rename(dir.path().join("auc"), dir.path().join("a<b>\"c\"")).unwrap();
    let dinfo = read(dir.path(), "dinfo").replace("COLOURBYVALUE auc", "COLOURBYVALUE a<b>\"c\"");
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    run_ok(dir.path());
    let svg = read(dir.path(), "tree.svg");
    check_xml(&svg).unwrap();
    assert!(svg.contains(">a&lt;b&gt;&quot;c&quot;</text>"));
}

#[test]
fn nosvg_writes_none() {
    let dir = copy_case("dps_g1");
    let dinfo = read(dir.path(), "dinfo") + "NOSVG\n";
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    run_ok(dir.path());
    assert!(!dir.path().join("tree.svg").exists());
    assert_eq!(
        read(dir.path(), "tree.ps"),
        read(&case_dir("dps_g1"), "tree.ps.expected")
    );
}

fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

#[test]
fn svg_renders_with_rsvg_convert() {
    let available = Command::new("rsvg-convert")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("SKIPPED svg_renders_with_rsvg_convert: rsvg-convert is not installed (apt-get install librsvg2-bin)");
        return;
    }
    for case in CASES {
        let dir = copy_case(case);
        run_ok(dir.path());
        let out = Command::new("rsvg-convert")
            .current_dir(dir.path())
            .args(["-o", "tree.png", "tree.svg"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{case}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = std::fs::read(dir.path().join("tree.png")).unwrap();
        // 595 × 842 pt at rsvg's default 96 dpi (793.3 × 1122.7 px).
        let (w, h) = png_size(&png);
        assert!(
            w.abs_diff(793) <= 1 && h.abs_diff(1123) <= 1,
            "{case}: {w}×{h}"
        );
    }
}

#[test]
fn axis_title_colour_bar_title_and_caption_go_to_the_svg_only() {
    let dir = copy_case("dps_values");
    run_ok(dir.path());
    let ps_before = read(dir.path(), "tree.ps");
    let svg_before = read(dir.path(), "tree.svg");
    assert!(!svg_before.contains("class=\"ylabel\"") && !svg_before.contains("class=\"caption\""));
    let dinfo = read(dir.path(), "dinfo")
        + "YLABEL training loss\nCOLOURBARTITLE test AUC (class 0 vs rest)\nCAPTION 5 of 7 minima <drawn>\n";
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    run_ok(dir.path());
    let svg = read(dir.path(), "tree.svg");
    check_xml(&svg).unwrap();
    assert!(
        svg.contains("rotate(-90") && svg.contains(">training loss</text>"),
        "{svg}"
    );
    assert!(svg.contains(">test AUC (class 0 vs rest)</text>"));
    assert!(svg.contains(">5 of 7 minima &lt;drawn&gt;</text>"));
    // The colour bar's default title (the value file) is replaced, the PostScript unchanged.
    assert!(svg_before.contains(">auc</text>") && !svg.contains(">auc</text>"));
    assert_eq!(read(dir.path(), "tree.ps"), ps_before);
    // A text keyword without text is an error naming the line.
    let bad = read(dir.path(), "dinfo") + "CAPTION\n";
    std::fs::write(dir.path().join("dinfo"), bad).unwrap();
    assert!(run_err(dir.path()).contains("CAPTION needs a text"));
}
