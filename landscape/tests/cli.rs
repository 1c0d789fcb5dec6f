//! The command line: help, errors, deck mistakes; the paper decks of `test_inputs/` parse; the
//! MNIST file (skipped visibly when it has not been made).

use landscape::deck::{DataSource, Study};
use std::path::{Path, PathBuf};
use std::process::Command;

fn landscape(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_landscape"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn test_inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs")
}

#[test]
fn help_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = landscape(&["--help"], dir.path());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("landscape run DECK") && text.contains("convert-mnist"));
    for (args, expect) in [
        (vec![], "no command"),
        (vec!["fly"], "unknown command fly"),
        (vec!["run"], "deck file is missing"),
        (vec!["run", "nosuch.in"], "nosuch.in"),
        (vec!["run", "a", "b"], "unexpected argument b"),
        (vec!["run", "a", "--frob"], "unknown option --frob"),
    ] {
        let out = landscape(&args, dir.path());
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

#[test]
fn deck_mistakes_name_the_line_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.in"),
        "DATASET LJAT3 D2 200 100\nMLPVB3 2 1 5 4 200\nCONNECT UNC x\n",
    )
    .unwrap();
    let out = landscape(&["run", "bad.in", "--dir", "w"], dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.in") && err.contains(":3"), "{err}");
    assert!(!dir.path().join("w").exists());
}

#[test]
fn missing_programs_are_reported_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.in"),
        "DATASET LJAT3 D2 20 10\nMLPVB3 2 1 2 4 20\nBINDIR /nonexistent/bin\n",
    )
    .unwrap();
    let out = landscape(&["run", "d.in", "--dir", "w"], dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("GMIN not found in /nonexistent/bin"), "{err}");
    assert!(!dir.path().join("w/MLPdata").exists());
}

/// Every deck under test_inputs/landscape_* is a valid study.
#[test]
fn every_bundled_deck_parses() {
    let mut n = 0;
    let mut nreduced = 0;
    for e in std::fs::read_dir(test_inputs()).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_string();
        if !name.starts_with("landscape_") {
            continue;
        }
        let path = e.path().join("landscape.in");
        let s = Study::read(&path).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(!s.stages.is_empty());
        n += 1;
        // The reduced-budget deck beside it (the one `expected_summary.txt` came from).
        let reduced = e.path().join("reduced.in");
        if reduced.exists() {
            let r = Study::read(&reduced).unwrap_or_else(|err| panic!("{name}/reduced.in: {err}"));
            assert!(!r.stages.is_empty());
            assert!(e.path().join("expected_summary.txt").exists(), "{name}");
            nreduced += 1;
        }
    }
    assert!(n >= 20, "only {n} landscape decks");
    assert!(nreduced >= 20, "only {nreduced} reduced decks");
}

/// The converted MNIST file (scripts/fetch_mnist.sh) and a sample of the paper's MNIST deck.
#[test]
fn mnist_sample_when_the_file_exists() {
    let deck = test_inputs().join("landscape_mnist_0/landscape.in");
    let study = Study::read(&deck).unwrap();
    let DataSource::Mnist { file, .. } = &study.data else {
        panic!("not an MNIST deck")
    };
    let file = study.resolve(file);
    if !file.exists() {
        eprintln!(
            "SKIPPED mnist_sample_when_the_file_exists: {} is absent (make it with scripts/fetch_mnist.sh)",
            file.display()
        );
        return;
    }
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10_000);
    for l in lines.iter().step_by(997) {
        let v: Vec<f64> = l.split_whitespace().map(|w| w.parse().unwrap()).collect();
        assert_eq!(v.len(), 785);
        assert!(v[0] >= 0.0 && v[0] <= 9.0 && v[0].fract() == 0.0);
        assert!(v[1..].iter().all(|p| (0.0..=1.0).contains(p)));
    }
    let dir = tempfile::tempdir().unwrap();
    let described =
        landscape::dataset::prepare(&study, dir.path(), &mut |_| unreachable!()).unwrap();
    assert!(described.contains("MNIST"));
    let sets = landscape::dataset::load(&study, dir.path()).unwrap();
    assert_eq!(sets.train.ndata(), 1000);
    assert_eq!(sets.test.ndata(), 1000);
    assert!(sets.correct.is_none());
    // Every digit occurs in both sets.
    for c in 0..10 {
        assert!(sets.train.labels().contains(&c) && sets.test.labels().contains(&c));
    }
    // A random network scores near chance on the test set; the statistics are defined.
    let mlp = landscape::analysis::network(&study, &sets.train).unwrap();
    let mut s = common::rng::Stream::new(1, 0);
    let x: Vec<f64> = (0..study.network.nopt())
        .map(|_| s.uniform_in(-0.1, 0.1))
        .collect();
    assert_eq!(study.auc, landscape::analysis::AucDefinition::Mean);
    let st = landscape::analysis::point_stats(&mlp, &sets, &x, &[], study.auc);
    let auc = st.test_auc.unwrap();
    assert!(auc > 0.3 && auc < 0.7, "{auc}");
}

#[test]
fn a_locked_directory_is_refused_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let holder = common::database::DirLock::acquire(&work, "PATHSAMPLE")
        .unwrap()
        .unwrap();
    let deck = test_inputs().join("landscape_d2_small/landscape.in");
    let out = landscape(
        &[
            "run",
            deck.to_str().unwrap(),
            "--dir",
            work.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("pid {} (PATHSAMPLE)", std::process::id())),
        "{err}"
    );
    // Nothing but the lock file is there: no dataset, no deck, no database.
    let names: Vec<String> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [common::database::lock::LOCK_FILE], "{names:?}");
    drop(holder);
}

#[test]
fn a_nan_in_the_test_set_stops_the_study_before_basin_hopping() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let gmin = Path::new(env!("CARGO_BIN_EXE_landscape"))
        .parent()
        .unwrap()
        .join("GMIN");
    let out = Command::new(gmin)
        .args([
            "--ljat3-dataset",
            "--set",
            "D2",
            "--train",
            "50",
            "--test",
            "20",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(out.status.success());
    let test = std::fs::read_to_string(d.join("MLPdata.test")).unwrap();
    let mut lines: Vec<String> = test.lines().map(String::from).collect();
    let mut fields: Vec<&str> = lines[3].split_whitespace().collect();
    fields[1] = "NaN";
    lines[3] = fields.join(" ");
    std::fs::write(d.join("bad.test"), lines.join("\n") + "\n").unwrap();
    std::fs::write(
        d.join("study.in"),
        "DATASET FILES MLPdata bad.test\nMLPVB3 2 1 5 4 50 1.0D-4\nBASINHOPPING 5\n",
    )
    .unwrap();
    let out = landscape(&["run", "study.in", "--dir", "work"], d);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.test") || err.contains("MLPdata.test"),
        "{err}"
    );
    assert!(
        !d.join("work/GMIN_out").exists(),
        "GMIN ran before the data were checked"
    );
}
