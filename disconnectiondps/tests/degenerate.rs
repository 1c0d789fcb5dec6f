//! Degenerate inputs and error messages.

mod support;
use support::*;

const MIN3: &str = "-3.0 1 1 1 1 1\n-2.0 1 1 1 1 1\n-1.5 1 1 1 1 1\n";
const DINFO: &str = "DELTA 0.5\nFIRST 0.0\nLEVELS 7\nMINIMA min.data\nTS ts.data\nIDENTIFY\n";

#[test]
fn no_transition_states_every_minimum_its_own_branch() {
    let dir = copy_case("dps_nots");
    let out = run_ok(dir.path());
    assert!(out.contains("no transition states"), "{out}");
    assert!(out.contains("0 minima disconnected"), "{out}");
    let ps = read(dir.path(), "tree.ps");
    // Three top-level branches, straight down, each ending at its energy.
    assert_eq!(
        level_block(&ps, 1),
        vec![
            " 159.17 792.00 mt  159.17 668.33 ls",
            " 317.50 792.00 mt  317.50 668.33 ls",
            " 475.83 792.00 mt  475.83 668.33 ls",
        ]
    );
    assert!(
        ps.contains(
            " 159.17  50.00 mt (1) show\n 317.50 297.33 mt (2) show\n 475.83 421.00 mt (3) show\n"
        ),
        "{ps}"
    );
    // Only degenerate TSs: the same.
    let dir = with_files(&[
        ("dinfo", DINFO),
        ("min.data", MIN3),
        ("ts.data", "-1.0 1 1 2 2\n"),
    ]);
    let out = run_ok(dir.path());
    assert!(out.contains("(1 degenerate skipped)"), "{out}");
    assert_eq!(read(dir.path(), "tree.ps"), ps);
}

#[test]
fn single_minimum() {
    let dir = copy_case("dps_single");
    run_ok(dir.path());
    let ps = read(dir.path(), "tree.ps");
    assert_eq!(
        level_block(&ps, 1),
        vec![" 317.50 792.00 mt  317.50 668.33 ls"]
    );
    assert_eq!(
        level_block(&ps, 2),
        vec![" 317.50 668.33 mt  317.50 544.67 ls"]
    );
    // Leaf ends at -1.2: 0.4 of the way from level 3 (-1.0) to level 4 (-1.5).
    assert_eq!(
        level_block(&ps, 3),
        vec![" 317.50 544.67 mt  317.50 495.20 ls"]
    );
    assert!(level_block(&ps, 4).is_empty());
    assert!(ps.contains(" 317.50 495.20 mt (1) show\n"));
}

#[test]
fn nothing_below_the_top_level_gives_an_empty_graph() {
    let dir = with_files(&[
        (
            "dinfo",
            "DELTA 0.5\nFIRST -10.0\nLEVELS 4\nMINIMA min.data\nTS ts.data\n",
        ),
        ("min.data", MIN3),
        ("ts.data", "-1.0 9.0 1 1 2\n-0.5 9.0 1 2 3\n"),
    ]);
    run_ok(dir.path());
    let ps = read(dir.path(), "tree.ps");
    assert!(
        ps.ends_with("% Manipulate landmark.\n\n\n% Level:  1 to  2\n\n\nshowpage\n"),
        "{ps}"
    );
}

#[test]
fn levels_one_is_a_clear_error() {
    let dir = with_files(&[
        (
            "dinfo",
            "DELTA 0.5\nLEVELS 1\nMINIMA min.data\nTS ts.data\n",
        ),
        ("min.data", MIN3),
        ("ts.data", ""),
    ]);
    let err = run_err(dir.path());
    assert!(err.contains("LEVELS 1 is not supported"), "{err}");
    assert!(!dir.path().join("tree.ps").exists());
}

#[test]
fn missing_delta_and_levels() {
    let dir = with_files(&[("dinfo", "LEVELS 5\nMINIMA m\nTS t\n")]);
    assert!(run_err(dir.path()).contains("Energy gap must be specified using DELTA."));
    let dir = with_files(&[("dinfo", "DELTA 0.5\nMINIMA m\nTS t\n")]);
    assert!(run_err(dir.path()).contains("Number of levels must be specified using LEVELS."));
}

#[test]
fn ts_referencing_a_missing_minimum_names_file_and_line() {
    let dir = with_files(&[
        ("dinfo", DINFO),
        ("min.data", MIN3),
        ("ts.data", "-1.0 9.0 1 1 2\n\n-0.5 9.0 1 2 7\n"),
    ]);
    let err = run_err(dir.path());
    assert!(err.contains("ts.data:3:"), "{err}");
    assert!(err.contains("minimum 7"), "{err}");
}

#[test]
fn unknown_keyword_and_missing_files() {
    let dir = with_files(&[("dinfo", "DELTA 0.5\nLEVELS 3\nFROB 1\n")]);
    let err = run_err(dir.path());
    assert!(
        err.contains("Keyword not recognised in dinfo: FROB"),
        "{err}"
    );
    assert!(err.contains("dinfo:3"), "{err}");
    let dir = with_files(&[]);
    assert!(run_err(dir.path()).contains("ERROR: Could not open dinfo file"));
    let dir = with_files(&[("dinfo", DINFO), ("min.data", MIN3)]);
    let err = run_err(dir.path());
    assert!(err.contains("ts.data"), "{err}");
    let dir = with_files(&[
        ("dinfo", &format!("{DINFO}IDMIN 9\n")),
        ("min.data", MIN3),
        ("ts.data", ""),
    ]);
    assert!(run_err(dir.path()).contains("IDMIN 9"));
}

#[test]
fn help_and_stray_arguments() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_disconnectionDPS"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("usage: disconnectionDPS"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_disconnectionDPS"))
        .arg("x")
        .output()
        .unwrap();
    assert!(!out.status.success());
}
