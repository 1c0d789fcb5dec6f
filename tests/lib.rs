//! Helpers for the end-to-end tests: locate the workspace binaries, make working directories
//! from the decks in `test_inputs/`, run a program and capture its output.
//!
//! The binaries are the ones `cargo test --workspace` builds next to the test executables
//! (each binary crate has an integration test, which makes cargo build its binary).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of a workspace binary (`GMIN`, `OPTIM`, `PATHSAMPLE`, `disconnectionDPS`).
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current test executable");
    // target/<profile>/deps/<test> -> target/<profile>/<name>
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target directory");
    let p = dir.join(name);
    assert!(
        p.exists(),
        "{} not built; run the tests with `cargo test --release --workspace`",
        p.display()
    );
    p
}

/// The repository's `test_inputs/<case>` folder.
pub fn test_input(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("test_inputs")
        .join(case)
}

/// A fresh temporary working directory holding a copy of `test_inputs/<case>`.
pub fn workdir(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    copy_dir(&test_input(case), dir.path());
    dir
}

/// Copy the plain files of `from` into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Run `program` with `args` in `dir` (log output quiet unless RUST_LOG is set).
pub fn run(program: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(bin(program))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

/// Read a file of a working directory as text.
pub fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The energies of a GMIN `lowest` file (columns 26-45 of each `Energy of minimum` line).
pub fn lowest_energies(text: &str) -> Vec<f64> {
    text.lines()
        .filter(|l| l.starts_with("Energy of minimum"))
        .map(|l| l[25..45].trim().parse().expect("energy field"))
        .collect()
}

/// The coordinate blocks of a GMIN `lowest` file: atoms (`SI x y z` lines, `count` atoms) or
/// network values (one per line, `count` values).
pub fn lowest_coordinates(text: &str) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(count_line) = lines.next() {
        let count: usize = count_line.trim().parse().expect("count line");
        lines.next().expect("energy line");
        let mut v = Vec::new();
        for _ in 0..count {
            let l = lines.next().expect("coordinate line");
            v.extend(
                l.split_whitespace()
                    .filter(|f| *f != "SI")
                    .map(|f| f.parse::<f64>().expect("coordinate")),
            );
        }
        out.push(v);
    }
    out
}

/// One block of a path.info file.
#[derive(Debug, Clone)]
pub struct Block {
    /// Energy.
    pub energy: f64,
    /// Point-group order.
    pub order: usize,
    /// Eigenvalues (descending) if present.
    pub eigenvalues: Option<Vec<f64>>,
    /// Coordinates.
    pub coords: Vec<f64>,
}

/// Parse path.info by content (energy line, order line, NOPT eigenvalues if `with_eigen`,
/// NOPT coordinates) — an independent reader for the tests.
pub fn parse_path_info(text: &str, nopt: usize, with_eigen: bool) -> Vec<Block> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let mut out = Vec::new();
    let take = |lines: &mut dyn Iterator<Item = &str>| -> Vec<f64> {
        let mut v = Vec::new();
        while v.len() < nopt {
            let l = lines.next().expect("truncated block");
            v.extend(
                l.split_whitespace()
                    .map(|t| t.parse::<f64>().expect("number")),
            );
        }
        v
    };
    while let Some(e) = lines.next() {
        let energy: f64 = e.trim().parse().expect("energy line");
        let order: usize = lines
            .next()
            .expect("order line")
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let eigenvalues = with_eigen.then(|| take(&mut lines));
        let coords = take(&mut lines);
        out.push(Block {
            energy,
            order,
            eigenvalues,
            coords,
        });
    }
    out
}

/// Assert that a program exited with status 0 (showing its output otherwise); returns stdout.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Write a file into a working directory.
pub fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// `MLPdata` (and `MLPdata.test`) in `dir`: a 200-item LJAT3 D2 training set and 10 test items
/// (seed 4), made by `GMIN --ljat3-dataset`.
pub fn ljat3_d2_training_set(dir: &Path) {
    let args = [
        "--ljat3-dataset",
        "--set",
        "D2",
        "--train",
        "200",
        "--test",
        "10",
        "--seed",
        "4",
    ];
    ok(&run("GMIN", &args, dir));
}

/// The small network study shared by the OPTIM and PATHSAMPLE tests: a 200-item LJAT3 D2
/// training set (seed 4) and a GMIN run of MLPVB3 [2,5,4,200] with `steps` basin-hopping steps
/// of size `step`, started from all weights 0.3; `extra` lines are added to `data`.
pub fn gmin_mlp_study(dir: &Path, steps: usize, step: f64, extra: &str) {
    ljat3_d2_training_set(dir);
    write(
        dir,
        "data",
        &format!(
            "MLPVB3 2 1 5 4 200 1.0D-4\nSTEPS {steps} 1.0\nTEMPERATURE 1.0\nSTEP {step}\nSAVE 30\n\
             EDIFF 1.0D-5\nSLOPPYCONV 1.0D-6\nTIGHTCONV 1.0D-9\nMAXIT 5000 20000\nRANSEED 3\n{extra}"
        ),
    );
    write(dir, "coords", &"0.3\n".repeat(39));
    ok(&run("GMIN", &[], dir));
}
