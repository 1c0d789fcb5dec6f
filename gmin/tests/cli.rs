//! Command-line behaviour of the GMIN binary (its presence also makes `cargo test` build it
//! for the end-to-end suite in `tests/`).

use std::process::Command;

#[test]
fn help_names_both_modes() {
    let out = Command::new(env!("CARGO_BIN_EXE_GMIN"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("usage: GMIN [output]"));
    assert!(text.contains("--ljat3-dataset"));
}

#[test]
fn a_missing_deck_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_GMIN"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("data"), "{err}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "no file may be written"
    );
}
