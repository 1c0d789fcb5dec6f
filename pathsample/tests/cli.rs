//! Command-line behaviour of the PATHSAMPLE binary (its presence also makes `cargo test` build
//! it for the end-to-end suite in `tests/`).

use std::process::Command;

#[test]
fn a_missing_pathdata_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_PATHSAMPLE"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pathdata"), "{err}");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}
