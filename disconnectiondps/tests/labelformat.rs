//! LABELFORMAT variants on the G1 database: the axis-label lines.

mod support;
use support::*;

fn labels(extra: &str) -> Vec<String> {
    let dir = copy_case("dps_g1");
    let dinfo = read(dir.path(), "dinfo") + extra;
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    run_ok(dir.path());
    read(dir.path(), "tree.ps")
        .lines()
        .filter(|l| l.starts_with("  15.00"))
        .map(str::to_string)
        .collect()
}

fn texts(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l[l.find('(').unwrap() + 1..l.rfind(')').unwrap()].to_string())
        .collect()
}

#[test]
fn default_is_f8_2() {
    let l = labels("");
    assert_eq!(l[0], "  15.00  45.00 mt (   -3.00) show");
    assert_eq!(
        texts(&l),
        ["   -3.00", "   -2.50", "   -2.00", "   -1.50", "   -1.00", "   -0.50", "    0.00"]
    );
    assert_eq!(labels("LABELFORMAT F8.2\n"), l);
}

#[test]
fn f6_1_and_f5_3() {
    assert_eq!(
        texts(&labels("LABELFORMAT F6.1\n")),
        ["  -3.0", "  -2.5", "  -2.0", "  -1.5", "  -1.0", "  -0.5", "   0.0"]
    );
    // The leading zero is dropped when there is no room, as gfortran does.
    assert_eq!(texts(&labels("labelformat F5.3\n"))[5], "-.500");
}

#[test]
fn integer_descriptor_rounds_the_level_energy() {
    assert_eq!(
        texts(&labels("LABELFORMAT I4\n")),
        ["  -3", "  -3", "  -2", "  -2", "  -1", "  -1", "   0"]
    );
}

#[test]
fn g_and_e_descriptors() {
    assert_eq!(texts(&labels("LABELFORMAT G10.3\n"))[0], " -3.00    ");
    assert_eq!(texts(&labels("LABELFORMAT E10.3\n"))[0], "-0.300E+01");
    // A parenthesised list is a group inside the format, as in the Fortran.
    assert_eq!(texts(&labels("LABELFORMAT (F4.1)\n"))[1], "-2.5");
}

#[test]
fn label_positions_do_not_depend_on_the_format() {
    let a = labels("");
    let b = labels("LABELFORMAT I4\n");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x[..15], y[..15]);
    }
}

#[test]
fn bad_formats_are_errors_naming_the_line() {
    let dir = copy_case("dps_g1");
    let dinfo = read(dir.path(), "dinfo") + "LABELFORMAT Q7\n";
    std::fs::write(dir.path().join("dinfo"), dinfo).unwrap();
    let err = run_err(dir.path());
    assert!(
        err.contains("dinfo:9") && err.contains("LABELFORMAT"),
        "{err}"
    );
}
