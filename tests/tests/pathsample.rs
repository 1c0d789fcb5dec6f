//! End-to-end tests of `PATHSAMPLE` driving the workspace's own `OPTIM` as EXEC.

use common::database::{Database, DbConfig};
use common::files::min_data_info::MinDataInfo;
use common::hessian_data::{point_data, System};
use common::linalg::{count_negative, sym_eigenvalues};
use common::ljat::{geometry, Ljat};
use common::potential::{rms, Potential};
use e2e::{bin, ok, read, write};
use std::path::Path;
use std::process::{Command, Output};

fn pathsample(dir: &Path) -> Output {
    Command::new(bin("PATHSAMPLE"))
        .current_dir(dir)
        .output()
        .unwrap()
}

const CONNECT_TEMPLATE: &str = "NEWCONNECT 10 3 10.0 30.0 20 0.5 0.01\nNEWNEB 10 500 0.01\n\
BFGSTS 500 10 100 1.0D-8\nBFGSMIN 1.0D-8\nCONVERGE 1.0D-8 1.0D-8\nEDIFFTOL 1.0D-8\n\
GEOMDIFFTOL 0.1\nDUMPALLPATHS\nPARAMS 2.0\nPOINTS\n";

fn pathdata(extra: &str) -> String {
    format!(
        "EXEC {}\nCPUS 2\nNATOMS 3\nSYSTEM AX\nSEED 1\nTEMPERATURE 1.0\nEDIFFTOL 1.0D-8\nGEOMDIFFTOL 0.1\n{extra}",
        bin("OPTIM").display()
    )
}

/// Every database invariant a user relies on, checked independently of the writer.
fn check_ljat3_db(dir: &Path, permdist: bool) -> Database {
    let mut cfg = DbConfig::atoms(3);
    cfg.symmetry.align.permdist = permdist;
    let db = Database::open_read_only(dir, cfg).unwrap();
    let p = Ljat::new(3, 2.0);
    for id in 1..=db.nmin() {
        let x = db.min_coords(id);
        assert!(
            (p.energy(x) - db.minimum(id).energy).abs() < 1e-9,
            "minimum {id}"
        );
        assert!(rms(&p.gradient(x)) < 1e-6);
        let e = db.minimum(id).energy;
        assert!(
            (e + 2.219098169601).abs() < 1e-8 || (e + 2.185098840269).abs() < 1e-8,
            "{e}"
        );
    }
    for id in 1..=db.nts() {
        let t = db.ts(id);
        assert!(t.plus >= 1 && t.plus <= db.nmin() && t.minus >= 1 && t.minus <= db.nmin());
        let x = db.ts_coords(id);
        assert!((p.energy(x) - t.energy).abs() < 1e-9);
        let ev = sym_eigenvalues(&p.hessian(x)).unwrap();
        assert_eq!(count_negative(&ev, 1e-6), 1, "TS {id} index");
    }
    db
}

#[test]
fn ljat3_dijinitstart_then_connectregion_with_permdist() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "odata.start",
        "BFGSMIN 1.0D-8\nDUMPDATA\nPARAMS 2.0\nPOINTS\nAX 0.0 0.0 0.0\nAX 1.2 0.0 0.0\nAX 0.6 1.0 0.0\n",
    );
    write(
        d,
        "odata.finish",
        "BFGSMIN 1.0D-8\nDUMPDATA\nPARAMS 2.0\nPOINTS\nAX -1.1 0.0 0.0\nAX 0.0 0.05 0.0\nAX 1.1 0.0 0.0\n",
    );
    write(
        d,
        "odata.connect",
        &CONNECT_TEMPLATE.replace("DUMPALLPATHS", "DUMPALLPATHS\nPERMDIST"),
    );
    write(
        d,
        "pathdata",
        &pathdata("PERMDIST\nCYCLES 3\nDIJINITSTART\n"),
    );
    let log = ok(&pathsample(d));
    assert!(log.contains("initial path is complete"), "{log}");
    write(
        d,
        "pathdata",
        &pathdata("PERMDIST\nCYCLES 3\nCONNECTREGION 1 1 3.0\n"),
    );
    ok(&pathsample(d));
    let db = check_ljat3_db(d, true);
    // With permutational alignment the three linear minima are one: 2 minima, 1 TS.
    assert_eq!((db.nmin(), db.nts()), (2, 1));
    assert!((db.ts(1).energy + 1.985069657957).abs() < 1e-8);
    assert_eq!(read(d, "min.A"), "         1\n         1\n");
    assert_eq!(read(d, "min.B"), "         1\n         2\n");
    // No job files are left behind.
    assert!(!std::fs::read_dir(d).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with("odata.1")));
}

/// min.data.info with the equilateral minimum and the three linear permutational isomers.
fn four_minima() -> String {
    let p = Ljat::new(3, 2.0);
    let r = 1.108762894194149;
    let mut points = vec![geometry::equilateral3(1.16875231736338)];
    // Atom k in the middle.
    for k in 0..3 {
        let mut x = vec![0.0; 9];
        let others: Vec<usize> = (0..3).filter(|&i| i != k).collect();
        x[3 * others[0]] = -r;
        x[3 * others[1]] = r;
        points.push(x);
    }
    points
        .iter()
        .map(|x| {
            MinDataInfo::from_point(&point_data(&p, x, System::Atoms, false).unwrap(), x).render()
        })
        .collect()
}

fn readmin_then_connect(d: &Path, cycles: usize) -> String {
    write(d, "odata.connect", CONNECT_TEMPLATE);
    write(d, "min.data.info.in", &four_minima());
    if !d.join("min.data").exists() {
        write(d, "pathdata", &pathdata("READMIN min.data.info.in\n"));
        ok(&pathsample(d));
        write(d, "min.A", "1\n1\n");
        write(d, "min.B", "1\n2\n");
    }
    write(
        d,
        "pathdata",
        &pathdata(&format!("CYCLES {cycles}\nCONNECTREGION 1 1 5.0\n")),
    );
    let out = pathsample(d);
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn ljat3_without_permdist_holds_the_four_minima_all_connected() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = readmin_then_connect(d, 6);
    let db = check_ljat3_db(d, false);
    assert_eq!(db.nmin(), 4, "{log}");
    assert!(db.nts() >= 3, "{log}");
    // Every linear isomer is connected to the equilateral minimum through one TS.
    for lin in 2..=4 {
        assert!(
            db.directly_connected(1, lin),
            "minimum {lin} not connected to 1\n{log}"
        );
    }
    // Points records match min.data line by line (independent reader).
    let bytes = std::fs::read(d.join("points.min")).unwrap();
    assert_eq!(bytes.len(), 4 * 9 * 8);
    // Every job reports the pair's aligned distance and what it did for the A set's component
    // (A = minimum 1): in the end all four minima are connected to it.
    assert!(
        log.contains("connecting minima") && log.contains(", distance "),
        "{log}"
    );
    let reports: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("minima connected to A: "))
        .collect();
    assert!(!reports.is_empty(), "{log}");
    let last = reports.last().unwrap();
    assert!(last.ends_with("-> 4"), "{last}");
}

/// The stationary points of a database: (energy, coordinates) of minima and of TSs.
type Points = Vec<(f64, Vec<f64>)>;

fn db_points(dir: &Path) -> (Points, Points) {
    let db = Database::open_read_only(dir, DbConfig::atoms(3)).unwrap();
    let m = (1..=db.nmin())
        .map(|i| (db.minimum(i).energy, db.min_coords(i).to_vec()))
        .collect();
    let t = (1..=db.nts())
        .map(|i| (db.ts(i).energy, db.ts_coords(i).to_vec()))
        .collect();
    (m, t)
}

/// Same sets of points: equal counts and a one-to-one match by energy (1e-7) and distance
/// after optimal alignment (1e-3; the same TS may be stored in another orientation).
fn same_points(a: &Points, b: &Points) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let opts = common::geometry::AlignOptions::default();
    let mut used = vec![false; b.len()];
    a.iter().all(|(ea, xa)| {
        let hit = b.iter().enumerate().position(|(k, (eb, xb))| {
            !used[k]
                && (ea - eb).abs() < 1e-7
                && common::geometry::aligned_distance(xa, xb, &opts).distance < 1e-3
        });
        match hit {
            Some(k) => {
                used[k] = true;
                true
            }
            None => false,
        }
    })
}

fn same_db(a: &Path, b: &Path) -> bool {
    let (ma, ta) = db_points(a);
    let (mb, tb) = db_points(b);
    same_points(&ma, &mb) && same_points(&ta, &tb)
}

/// kill -9 at random moments; every restart must load and finish to the same database.
#[test]
fn killed_runs_restart_to_the_same_database() {
    let reference = tempfile::tempdir().unwrap();
    readmin_then_connect(reference.path(), 6);
    assert_eq!(db_points(reference.path()).0.len(), 4);
    // scripts/crash_soak.sh reruns this test with other seeds.
    let seed = std::env::var("CRASH_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2026);
    let mut rng = common::rng::Stream::new(seed, 0);
    for trial in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        readmin_then_connect(d, 0);
        write(
            d,
            "pathdata",
            &pathdata("CYCLES 6\nCONNECTREGION 1 1 5.0\n"),
        );
        // Up to three kills per trial, then run to completion.
        for _ in 0..3 {
            let mut child = Command::new(bin("PATHSAMPLE"))
                .current_dir(d)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let ms = (rng.uniform() * 60.0) as u64;
            std::thread::sleep(std::time::Duration::from_millis(ms));
            let _ = child.kill();
            let _ = child.wait();
        }
        let out = pathsample(d);
        assert!(
            out.status.success(),
            "trial {trial}: restart failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            same_db(d, reference.path()),
            "trial {trial}: database differs from the uninterrupted run\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        // No duplicates and consistent files.
        let db = check_ljat3_db(d, false);
        assert_eq!(db.nmin(), 4);
    }
}

#[test]
fn startfrompath_refuses_to_overwrite_and_addpath_twice_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A path.info from OPTIM.
    let src = e2e::workdir("optim_ljat3_connect");
    let out = Command::new(bin("OPTIM"))
        .current_dir(src.path())
        .output()
        .unwrap();
    ok(&out);
    std::fs::copy(src.path().join("path.info"), d.join("path.info.in")).unwrap();
    write(
        d,
        "pathdata",
        &pathdata("STARTFROMPATH path.info.in 1 2\nCYCLES 0\n"),
    );
    ok(&pathsample(d));
    let before = (
        read(d, "min.data"),
        read(d, "ts.data"),
        std::fs::read(d.join("points.min")).unwrap(),
    );
    let again = pathsample(d);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    write(d, "pathdata", &pathdata("ADDPATH path.info.in\nCYCLES 0\n"));
    ok(&pathsample(d));
    ok(&pathsample(d));
    let after = (
        read(d, "min.data"),
        read(d, "ts.data"),
        std::fs::read(d.join("points.min")).unwrap(),
    );
    assert_eq!(before, after);
}

#[test]
fn corrupted_inputs_are_clear_errors_and_nothing_is_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    readmin_then_connect(d, 0);
    let snapshot = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = ["min.data", "ts.data", "points.min", "points.ts"]
            .iter()
            .filter(|f| d.join(f).exists())
            .map(|f| (f.to_string(), std::fs::read(d.join(f)).unwrap()))
            .collect();
        v.sort();
        v
    };
    // A ts.data line pointing beyond min.data.
    write(d, "ts.data", "  -1.9 9.2 4 1 9 0.45 1.2 1.6\n");
    write(d, "pathdata", &pathdata("CYCLES 0\n"));
    let before = snapshot(d);
    let out = pathsample(d);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ts.data"), "{err}");
    assert_eq!(snapshot(d), before);
    std::fs::remove_file(d.join("ts.data")).unwrap();
    // Wrong NOPT: points.min is not a multiple of the record size.
    write(
        d,
        "pathdata",
        &pathdata("CYCLES 0\n").replace("NATOMS 3", "NATOMS 5"),
    );
    let before = snapshot(d);
    let out = pathsample(d);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("points.min"));
    assert_eq!(snapshot(d), before);
    // Unknown keyword.
    write(d, "pathdata", &pathdata("FROB 1\n"));
    let out = pathsample(d);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Unrecognized command FROB"));
}

/// MLPVB3 [2,5,4,200]: GMIN's minima (DUMPMINDB) → READMIN → DIJINITCONT → CONNECTUNC.
#[test]
fn mlp_landscape_from_gmin_minima() {
    use common::mlp::{Mlp, MlpSpec};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    e2e::gmin_mlp_study(d, 300, 1.5, "DUMPMINDB gmin.min.data.info\n");
    let mlp_pathdata = |extra: &str| {
        format!(
            "EXEC {}\nCPUS 2\nMLPVB3 2 1 5 4 200 1.0D-4\nTEMPERATURE 1.0\nEDIFFTOL 1.0D-7\nGEOMDIFFTOL 0.01\n\
             JOBTIMEOUT 120\n{extra}",
            bin("OPTIM").display()
        )
    };
    write(d, "pathdata", &mlp_pathdata("READMIN gmin.min.data.info\n"));
    let log = ok(&pathsample(d));
    let cfg = DbConfig::network(39, 0);
    let n_read = Database::open_read_only(d, cfg.clone()).unwrap().nmin();
    assert!(n_read >= 2, "{log}");
    assert!(log.contains(&format!("{n_read} new minima")), "{log}");
    write(d, "min.A", "1\n1\n");
    write(d, "min.B", "1\n2\n");
    write(
        d,
        "odata.connect",
        "NEWCONNECT 10 3 10.0 30.0 30 0.5 0.01\nNEWNEB 10 500 0.01\nBFGSTS 500 10 100 1.0D-8\nNOHESS\n\
         BFGSMIN 1.0D-7\nCONVERGE 1.0D-7 1.0D-7\nEDIFFTOL 1.0D-7\nGEOMDIFFTOL 0.01\nDUMPALLPATHS\n\
         MLPVB3 2 1 5 4 200 1.0D-4\nVARIABLES\n",
    );
    write(d, "pathdata", &mlp_pathdata("CYCLES 3\nDIJINITCONT\n"));
    ok(&pathsample(d));
    write(
        d,
        "pathdata",
        &mlp_pathdata("CYCLES 2\nCONNECTUNC LOWEST 2\n"),
    );
    ok(&pathsample(d));
    let db = Database::open_read_only(d, cfg).unwrap();
    assert!(db.nmin() >= n_read && db.nts() >= 1);
    // DIJINITCONT connected A and B.
    let comp = db.connected_components();
    assert_eq!(comp[0], comp[1], "A and B are not connected");
    // Every stored point is what it claims, recomputed from points.min / points.ts.
    let spec = MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 5.0, 4.0, 200.0, 1.0e-4]).unwrap();
    let mlp = Mlp::load(&spec, d.join("MLPdata")).unwrap();
    for id in 1..=db.nmin() {
        let x = db.min_coords(id);
        assert!((mlp.energy(x) - db.minimum(id).energy).abs() < 1e-9);
        let ev = sym_eigenvalues(&mlp.hessian(x)).unwrap();
        assert_eq!(count_negative(&ev, 1e-6), 0, "minimum {id}");
    }
    for id in 1..=db.nts() {
        let x = db.ts_coords(id);
        assert!(rms(&mlp.gradient(x)) < 1e-6, "TS {id}");
        let ev = sym_eigenvalues(&mlp.hessian(x)).unwrap();
        assert_eq!(count_negative(&ev, 1e-6), 1, "TS {id}");
    }
    // No duplicate minima.
    for a in 1..=db.nmin() {
        for b in (a + 1)..=db.nmin() {
            let same = (db.minimum(a).energy - db.minimum(b).energy).abs() < 1e-7
                && common::geometry::euclidean_distance(db.min_coords(a), db.min_coords(b)) < 0.01;
            assert!(!same, "minima {a} and {b} are duplicates");
        }
    }
}

#[test]
fn shortcut_pairs_minima_of_the_fastest_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    readmin_then_connect(d, 6);
    // Two linear isomers as A and B: the fastest path runs 3 -> 1 -> 2 (through the
    // equilateral minimum), so SHORTCUT 2 pairs the path's ends.
    write(d, "min.A", "1\n2\n");
    write(d, "min.B", "1\n3\n");
    std::fs::remove_file(d.join("pairs.data")).ok();
    write(
        d,
        "pathdata",
        &pathdata("CYCLES 1\nSHORTCUT 2\n").replace("CPUS 2", "CPUS 1"),
    );
    let log = ok(&pathsample(d));
    assert!(
        log.contains("connecting minima 2 ") && log.contains(" and 3 ")
            || log.contains("connecting minima 3 ") && log.contains(" and 2 "),
        "{log}"
    );
}

#[test]
fn untrap_pairs_the_trapped_minimum_with_the_product_superbasin_and_records_min_done() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    readmin_then_connect(d, 6);
    // Product A = a linear minimum (the lowest); the equilateral minimum 1 lies 0.034 above it
    // behind a barrier of 0.2: the only untrapping candidate (the other linear isomers have
    // no energy gap).
    write(d, "min.A", "1\n2\n");
    write(d, "min.B", "1\n3\n");
    std::fs::remove_file(d.join("pairs.data")).ok();
    write(
        d,
        "pathdata",
        &pathdata("CYCLES 1\nUNTRAP 0.01 1.0\n").replace("CPUS 2", "CPUS 1"),
    );
    let log = ok(&pathsample(d));
    assert!(log.contains("job 1: connecting minima 1 "), "{log}");
    assert_eq!(
        read(d, "min.done").split_whitespace().collect::<Vec<_>>(),
        vec!["1"]
    );
    // A second run has no candidate left (minimum 1's only partner was tried).
    let log = ok(&pathsample(d));
    assert!(log.contains("untrap> no candidate minimum left"), "{log}");
}

#[test]
fn a_stop_file_ends_the_cycles_after_the_running_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    readmin_then_connect(d, 0);
    write(d, "STOP", "");
    write(
        d,
        "pathdata",
        &pathdata("CYCLES 5\nCONNECTREGION 1 1 5.0\n"),
    );
    let log = ok(&pathsample(d));
    assert!(log.contains("STOP file found"), "{log}");
    // Two completions make a cycle; the rolling pool had started a third job by then.
    assert!(log.contains("PATHSAMPLE> 3 jobs run"), "{log}");
}

#[test]
fn extractmin_and_extractts_write_the_coordinates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    readmin_then_connect(d, 6);
    let db = Database::open_read_only(d, DbConfig::atoms(3)).unwrap();
    write(d, "pathdata", &pathdata("EXTRACTMIN 2\n"));
    ok(&pathsample(d));
    let text = read(d, "extractedmin");
    assert_eq!(text.lines().count(), 3);
    let vals: Vec<f64> = text
        .split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect();
    for (a, b) in vals.iter().zip(db.min_coords(2)) {
        assert!((a - b).abs() < 1e-14);
    }
    write(d, "pathdata", &pathdata("EXTRACTTS 0\n"));
    ok(&pathsample(d));
    assert_eq!(read(d, "extractedts").lines().count(), 3 * db.nts());
}

/// A second writer is refused at once, naming the holder, and changes nothing; a read-only
/// run (EXTRACTMIN) needs no lock; the lock dies with its holder.
#[test]
fn a_second_writer_is_refused_while_the_database_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    readmin_then_connect(d, 1);
    let files = |d: &Path| -> Vec<(String, Vec<u8>)> {
        // The lock file is left unread: this process holds its (process-owned) lock, and
        // closing any descriptor of the file would release it.
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name() != common::database::lock::LOCK_FILE)
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let holder = common::database::DirLock::acquire(d, "the test")
        .unwrap()
        .unwrap();
    write(d, "pathdata", &pathdata("CYCLES 2\nCONNECTUNC LOWEST 2\n"));
    let before_run = files(d);
    let out = pathsample(d);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("pid {} (the test)", std::process::id())),
        "{err}"
    );
    assert_eq!(
        files(d),
        before_run,
        "the refused writer changed the directory"
    );
    // Reading needs no lock.
    write(d, "pathdata", &pathdata("EXTRACTMIN 1\n"));
    ok(&pathsample(d));
    drop(holder);
    // Released: the writer runs.
    write(d, "pathdata", &pathdata("CYCLES 1\nCONNECTUNC LOWEST 2\n"));
    ok(&pathsample(d));
}

/// Issue 16: a points.min written with longer records (4 atoms) opened as 3 atoms looks like
/// two whole records plus an interrupted append. PATHSAMPLE recomputes the energies of the
/// first and last records with odata.connect's potential before it appends anything, refuses
/// the database naming the file and the record, and changes no byte.
#[test]
fn points_of_another_record_size_are_refused_before_anything_is_written() {
    use common::database::MinRecord;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p4 = Ljat::new(4, 2.0);
    {
        let mut db = Database::open(d, DbConfig::atoms(4)).unwrap();
        for k in 0..2 {
            let s = 1.1 + 0.05 * k as f64;
            let x = [0.0, 0.0, 0.0, s, 0.0, 0.0, 0.0, s, 0.0, 0.0, 0.0, s];
            db.add_minimum(MinRecord::new(p4.energy(&x), 1.0, 1, [0.0; 3]), &x)
                .unwrap();
        }
    }
    write(d, "min.A", "1\n1\n");
    write(d, "min.B", "1\n2\n");
    write(d, "odata.connect", CONNECT_TEMPLATE);
    write(
        d,
        "pathdata",
        &pathdata("CYCLES 1\nCONNECTREGION 1 1 5.0\n"),
    );
    let snapshot = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name() != ".database.lock")
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot(d);
    let out = pathsample(d);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("points.min: record 1 does not belong to line 1"),
        "{err}"
    );
    assert_eq!(snapshot(d), before);
    // With the right NATOMS the same database passes the check (before READMIN appends) and
    // the log says so.
    write(d, "none.info", "");
    write(
        d,
        "pathdata",
        &pathdata("READMIN none.info\n").replace("NATOMS 3", "NATOMS 4"),
    );
    let log = ok(&pathsample(d));
    assert!(log.contains("points files verified: 2 records"), "{log}");
}

/// A full disk (a free-space threshold above what the disk has) stops PATHSAMPLE before its
/// first connection job, with that message, instead of a run of unsuccessful connections.
#[test]
fn a_full_disk_stops_pathsample_before_a_job() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    readmin_then_connect(d, 0);
    write(
        d,
        "pathdata",
        &pathdata("CYCLES 2\nCONNECTREGION 1 1 5.0\n"),
    );
    let before = std::fs::read(d.join("min.data")).unwrap();
    let out = Command::new(bin("PATHSAMPLE"))
        .current_dir(d)
        .env(common::files::disk::MIN_FREE_ENV, u64::MAX.to_string())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the disk is full"), "{err}");
    assert!(!d.join("odata.1").exists() && !d.join("OPTIM.connect.1").exists());
    assert_eq!(std::fs::read(d.join("min.data")).unwrap(), before);
}

/// The public LJ38 tutorial, step 04 (`wales-group/examples`, LJ38/04_Creating_PATHSAMPLE_database),
/// run unchanged (its STEP 1 lines uncommented, as the tutorial tells the user): STARTFROMPATH
/// reads `path.info.initial` (min-sad-min triples whose minima carry zero modes of −5e−8) and
/// builds the tutorial's expected database: 12 minima and 11 TSs, energies, fvib and moments to
/// 1e−7, orders and TS ends equal.
#[test]
fn lj38_tutorial_04_startfrompath_gives_the_expected_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs/lj38_tutorial_04");
    for f in ["pathdata", "path.info.initial", "odata.connect"] {
        std::fs::copy(src.join(f), d.join(f)).unwrap();
    }
    let log = ok(&pathsample(d));
    assert!(
        log.contains("12 new minima, 11 new transition states"),
        "{log}"
    );
    let rows = |text: &str| -> Vec<Vec<f64>> {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split_whitespace().map(|t| t.parse().unwrap()).collect())
            .collect()
    };
    for (ours, expected, ints) in [
        ("min.data", "min.data.expected", &[2usize][..]),
        ("ts.data", "ts.data.expected", &[2, 3, 4][..]),
    ] {
        let a = rows(&read(d, ours));
        let b = rows(&std::fs::read_to_string(src.join(expected)).unwrap());
        assert_eq!(a.len(), b.len(), "{ours}");
        for (k, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(x.len(), y.len(), "{ours} line {}", k + 1);
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                if ints.contains(&i) {
                    assert_eq!(u, v, "{ours} line {} column {}", k + 1, i + 1);
                } else {
                    assert!(
                        (u - v).abs() <= 1e-7 * v.abs().max(1.0),
                        "{ours} line {} column {}: {u} vs {v}",
                        k + 1,
                        i + 1
                    );
                }
            }
        }
    }
}

/// The public LJ38 tutorial, step 05 (`wales-group/examples`, LJ38/05_Expanding_PATHSAMPLE_database):
/// its database (the Fortran's min.data, ts.data, points files, min.A, min.B), `odata.connect`
/// and `pathdata` (UNTRAP, PERMDIST, RANROT, ETOL, ITOL), only EXEC replaced as the tutorial
/// tells the user and 8 cycles instead of 50. The Fortran-written points files pass the energy
/// check, the database grows and stays consistent: every record's energy recomputed from its
/// coordinates, every TS between two existing minima and above both.
#[test]
fn lj38_tutorial_05_untrap_grows_a_consistent_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs/lj38_tutorial_05");
    for f in [
        "odata.connect",
        "min.data",
        "ts.data",
        "points.min",
        "points.ts",
        "min.A",
        "min.B",
    ] {
        std::fs::copy(src.join(f), d.join(f)).unwrap();
    }
    let pathdata = std::fs::read_to_string(src.join("pathdata"))
        .unwrap()
        .lines()
        .map(|l| {
            if l.starts_with("EXEC") {
                format!("EXEC {}", bin("OPTIM").display())
            } else if l.starts_with("CYCLES") {
                "CYCLES 8".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(d, "pathdata", &pathdata);
    let log = ok(&pathsample(d));
    assert!(log.contains("points files verified: 4 records"), "{log}");
    let mut cfg = DbConfig::atoms(38);
    cfg.symmetry.align.permdist = true;
    let db = Database::open_read_only(d, cfg).unwrap();
    assert!(db.nmin() >= 12 && db.nts() >= 11, "{log}");
    assert!(
        db.nmin() + db.nts() > 23,
        "the database did not grow:\n{log}"
    );
    let p = Ljat::new(38, 0.0);
    for id in 1..=db.nmin() {
        let e = p.energy(db.min_coords(id));
        assert!((e - db.minimum(id).energy).abs() < 1e-6, "minimum {id}");
    }
    for id in 1..=db.nts() {
        let t = db.ts(id);
        assert!(
            (p.energy(db.ts_coords(id)) - t.energy).abs() < 1e-6,
            "TS {id}"
        );
        assert!(t.plus >= 1 && t.plus <= db.nmin() && t.minus >= 1 && t.minus <= db.nmin());
        let low = db.minimum(t.plus).energy.max(db.minimum(t.minus).energy);
        assert!(t.energy > low - 1e-6, "TS {id} below its minima");
    }
}

/// The public Kinetics tutorial, MFPT (`wales-group/examples`, Kinetics/MFPT/9_comm): a
/// nine-community network of 994 minima and 4320 TSs with no points files, its `pathdata`
/// unchanged (NOPOINTS, NGT 0 T 1.1D0 1 100.1D0, RATESCYCLE 1.0, NATOMS 1). The rates and
/// mean first-passage times in NGT.rates.new, NGT.rates.kSS and NGT.rates.kNSS equal the
/// Fortran's `output_files` to 1e-9 relative (the layout is the Fortran's, digit for digit
/// but for the last rounding), and the committor files byte for byte.
#[test]
fn kinetics_mfpt_tutorial_rates_equal_the_fortrans() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs/kinetics_mfpt");
    for f in ["pathdata", "min.data", "ts.data", "min.A", "min.B"] {
        std::fs::copy(src.join(f), d.join(f)).unwrap();
    }
    let before = read(d, "min.data");
    ok(&pathsample(d));
    let numbers =
        |t: &str| -> Vec<f64> { t.split_whitespace().map(|w| w.parse().unwrap()).collect() };
    for f in ["NGT.rates.new", "NGT.rates.kSS", "NGT.rates.kNSS"] {
        let ours = read(d, f);
        let theirs = std::fs::read_to_string(src.join(format!("{f}.expected"))).unwrap();
        assert_eq!(ours.len(), theirs.len(), "{f}: layout\n{ours}{theirs}");
        let (a, b) = (numbers(&ours), numbers(&theirs));
        assert_eq!(a.len(), b.len(), "{f}");
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-9 * y.abs(), "{f}: {x} vs {y}");
        }
    }
    for f in ["commit.ngt.AB", "commit.ngt.BA"] {
        let theirs = std::fs::read_to_string(src.join(format!("{f}.expected"))).unwrap();
        assert_eq!(read(d, f), theirs, "{f}");
    }
    // NOPOINTS: nothing was written to the database, and no points file was made.
    assert_eq!(read(d, "min.data"), before);
    assert!(!d.join("points.min").exists() && !d.join("points.ts").exists());
}

/// The Kinetics tutorial `FPT_EIG` (wales-group/examples, `Kinetics/FPT_EIG/9_comm`): its
/// pathdata (TEMPERATURE, NOPOINTS, WAITPDF, NATOMS, with `!` comments) runs unchanged on
/// the nine-community database, and the first-passage-time files match the Fortran's
/// `output_files`: wait.rates, MFPT.to.A/B, the eigenvector files in full; the grid files'
/// line counts, and every 100th line (`*.sampled.expected`, the Fortran's line numbers kept).
/// Tolerances: 2e-4 relative, the precision of the slowest eigenvalue of this 993x993
/// problem (|lambda_n| = 3.8e-13 against a norm of 0.05: both the Fortran's LAPACK and ours
/// carry an error of about 3e-5 there; the Fortran's own mean first-passage time is 5e-5 off
/// the exact linear-solve value); density values 1e-3 where they are above 1e-6 of the
/// file's largest (the smallest values are rounding noise in both programs).
#[test]
fn kinetics_fpt_eig_tutorial_matches_the_fortrans_waitpdf() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs");
    let src = root.join("kinetics_fpt_eig");
    for f in ["pathdata", "min.A", "min.B"] {
        std::fs::copy(src.join(f), d.join(f)).unwrap();
    }
    for f in ["min.data", "ts.data"] {
        std::fs::copy(root.join("kinetics_mfpt").join(f), d.join(f)).unwrap();
    }
    ok(&pathsample(d));
    let expected = |f: &str| std::fs::read_to_string(src.join(format!("{f}.expected"))).unwrap();
    let numbers = |t: &str| -> Vec<f64> {
        t.split_whitespace()
            .map(|w| w.parse().unwrap_or_else(|_| panic!("{w}")))
            .collect()
    };
    let close = |x: f64, y: f64, rel: f64| (x - y).abs() <= rel * y.abs().max(1e-300);
    // wait.rates: the layout and 7 numbers.
    let (ours, theirs) = (read(d, "wait.rates"), expected("wait.rates"));
    assert_eq!(ours.len(), theirs.len(), "{ours}{theirs}");
    for (x, y) in numbers(&ours).iter().zip(numbers(&theirs)) {
        assert!(close(*x, y, 2e-4), "wait.rates {x} vs {y}");
    }
    // The mean first-passage time A<-B agrees with NGT's (the MFPT tutorial's expected file).
    let ngt = numbers(
        &std::fs::read_to_string(root.join("kinetics_mfpt/NGT.rates.new.expected")).unwrap(),
    );
    assert!(
        close(numbers(&ours)[3], ngt[3], 1e-4),
        "{} vs NGT {}",
        numbers(&ours)[3],
        ngt[3]
    );
    // MFPT.to.A/B: ids in order, times 2e-4, their logs 2e-4 absolute.
    for f in ["MFPT.to.A", "MFPT.to.B"] {
        let (ours, theirs) = (read(d, f), expected(f));
        assert_eq!(ours.lines().count(), theirs.lines().count(), "{f}");
        for (a, b) in ours.lines().zip(theirs.lines()) {
            assert_eq!(a.len(), b.len(), "{f}: layout\n{a}\n{b}");
            let (a, b) = (numbers(a), numbers(b));
            assert_eq!(a[0], b[0], "{f}: order");
            assert!(close(a[1], b[1], 2e-4), "{f}: {a:?} vs {b:?}");
            assert!((a[2] - b[2]).abs() <= 2e-4, "{f}: {a:?} vs {b:?}");
        }
    }
    // Eigenvector files: the same modes, the same components, percentages to 0.2.
    for f in ["AB.right.eigenvectors", "BA.right.eigenvectors"] {
        let (ours, theirs) = (read(d, f), expected(f));
        assert_eq!(ours.lines().count(), theirs.lines().count(), "{f}");
        for (a, b) in ours.lines().zip(theirs.lines()) {
            assert_eq!(a.len(), b.len(), "{f}: layout\n{a}\n{b}");
            if let Some(rest) = a.strip_prefix("eigenmode") {
                let mode = |s: &str| s.split_whitespace().next().unwrap().to_string();
                assert_eq!(mode(rest), mode(&b["eigenmode".len()..]), "{f}");
                let tail = |s: &str| numbers(s.rsplit(':').next().unwrap())[0];
                assert!(close(tail(a), tail(b), 2e-4), "{f}\n{a}\n{b}");
            } else {
                let (a, b) = (numbers(a), numbers(b));
                assert_eq!(a[0], b[0], "{f}: component ids");
                assert!((a[1] - b[1]).abs() <= 0.2, "{f}: {a:?} vs {b:?}");
            }
        }
    }
    // Grid files: line counts exactly, sampled lines to tolerance.
    let suffix = "1.0000000000";
    for line in expected("line_counts").lines() {
        let (stem, n) = line.split_once(' ').unwrap();
        let ours = read(d, &format!("{stem}.{suffix}"));
        assert_eq!(ours.lines().count(), n.parse::<usize>().unwrap(), "{stem}");
        let lines: Vec<&str> = ours.lines().collect();
        let sampled = expected(&format!("{stem}.sampled"));
        let rows: Vec<(usize, Vec<f64>)> = sampled
            .lines()
            .map(|l| {
                let (k, text) = l.split_once('\t').unwrap();
                (k.parse().unwrap(), numbers(text))
            })
            .collect();
        let largest = rows.iter().map(|(_, v)| v[1].abs()).fold(0.0, f64::max);
        for (k, theirs) in &rows {
            let line = lines[k - 1];
            let ours = numbers(line);
            assert_eq!(ours.len(), theirs.len(), "{stem}:{k}");
            // The grid point: t of waitpdf (0 at BA's first line), y of the others.
            assert!(
                (ours[0] - theirs[0]).abs() <= 2e-4 * theirs[0].abs().max(1.0),
                "{stem}:{k}: {line}"
            );
            let noise = theirs[1].abs() <= 1e-6 * largest
                || (stem.starts_with("waitpdf") && *k <= 10)
                || (stem.starts_with("tobs") && theirs[0] <= 5.0);
            if !noise {
                for c in 1..ours.len() {
                    assert!(
                        close(ours[c], theirs[c], 1e-3),
                        "{stem}:{k}: {line} vs {theirs:?}"
                    );
                }
            }
        }
    }
    assert!(read(d, &format!("tauAB.{suffix}")).is_empty());
}

/// The Kinetics tutorial `FPT_KMC` (`Kinetics/FPT_KMC/9_comm`), its pathdata unchanged
/// (TEMPERATURE 5, DEBUG, KMC 50000 1.0 0): waiting.times equals the Fortran's to 1e-9; the
/// walks' DEBUG lines give the tutorial's KMC.data through its awk (fields 6, 11, 14; steps
/// equal expected steps without leapfrog); and the sample of 50,000 first-passage times is
/// judged statistically: its mean lies within 4 standard errors of the exact mean
/// first-passage time computed independently by NGT (graph transformation) on the same
/// database and temperature, and within 4 combined standard errors of the Fortran's own
/// sample (mean and sd of its KMC.data); the sample sd within 10 % of the Fortran's.
#[test]
fn kinetics_fpt_kmc_tutorial_walks_agree_with_ngt_and_the_fortran() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs");
    let src = root.join("kinetics_fpt_kmc");
    let setup = |pathdata: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        for f in ["pathdata", "min.A", "min.B"] {
            std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
        }
        for f in ["min.data", "ts.data"] {
            std::fs::copy(root.join("kinetics_mfpt").join(f), dir.path().join(f)).unwrap();
        }
        if let Some(text) = pathdata {
            write(dir.path(), "pathdata", text);
        }
        dir
    };
    let dir = setup(None);
    let d = dir.path();
    let out = pathsample(d);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // waiting.times: ids and layout exact, tau to 1e-9.
    let theirs = std::fs::read_to_string(src.join("waiting.times.expected")).unwrap();
    let ours = read(d, "waiting.times");
    assert_eq!(ours.lines().count(), theirs.lines().count());
    for (a, b) in ours.lines().zip(theirs.lines()) {
        assert_eq!(a.len(), b.len(), "{a}\n{b}");
        let (a, b): (Vec<f64>, Vec<f64>) = (
            a.split_whitespace().map(|w| w.parse().unwrap()).collect(),
            b.split_whitespace().map(|w| w.parse().unwrap()).collect(),
        );
        assert_eq!(a[0], b[0]);
        assert!((a[1] - b[1]).abs() <= 1e-9 * b[1], "{a:?} {b:?}");
    }
    assert_eq!(read(d, "visits"), "");
    // The tutorial's awk on the DEBUG lines.
    let rows: Vec<[f64; 3]> = stdout
        .lines()
        .filter(|l| l.contains("KMC steps in time"))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            [f[5], f[10], f[13]].map(|w| w.parse().unwrap())
        })
        .collect();
    assert_eq!(rows.len(), 50_000);
    assert!(rows
        .iter()
        .all(|r| r[0] == r[2] && r[0] >= 1.0 && r[1] > 0.0));
    let n = rows.len() as f64;
    let mean = rows.iter().map(|r| r[1]).sum::<f64>() / n;
    let sd = (rows.iter().map(|r| (r[1] - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let se = sd / n.sqrt();
    // The Fortran's sample.
    let summary = std::fs::read_to_string(src.join("KMC.data.summary.expected")).unwrap();
    let value = |k: &str| -> f64 {
        summary
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let (f_mean, f_sd, f_n) = (value("mean_time"), value("sd_time"), value("walks"));
    let f_se = f_sd / f_n.sqrt();
    assert!(
        (mean - f_mean).abs() <= 4.0 * (se * se + f_se * f_se).sqrt(),
        "ours {mean} +- {se}, Fortran {f_mean} +- {f_se}"
    );
    assert!((sd / f_sd - 1.0).abs() < 0.1, "sd {sd} vs {f_sd}");
    // The exact mean first-passage time A<-B at T = 5 by NGT on the same database.
    let ngt_dir = setup(Some("TEMPERATURE 5.0\nNOPOINTS\nNGT 0 F\nNATOMS 1\n"));
    let ngt_out = pathsample(ngt_dir.path());
    ok(&ngt_out);
    let text = String::from_utf8_lossy(&ngt_out.stdout);
    let exact = ngt_mfpt_ab(&text);
    assert!(
        (mean - exact).abs() <= 4.0 * se,
        "KMC {mean} +- {se} vs NGT {exact}"
    );
}

/// The A<-B mean first-passage time from NGT's stdout: 1/kNSS(A<-B) (the MFPT tutorial's
/// readme: the mean first-passage times are the reciprocals of the kNSS rates).
fn ngt_mfpt_ab(stdout: &str) -> f64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("NGT> kNSS(A<-B)="))
        .unwrap_or_else(|| panic!("no kNSS line in\n{stdout}"));
    let k: f64 = line["NGT> kNSS(A<-B)=".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    1.0 / k
}

/// The Kinetics tutorial `PGT_DIJ` (`Kinetics/PGT_DIJ/9_comm`): a directory with the
/// nine-community database (`kinetics_mfpt/`'s min.data and ts.data, the same files), the
/// tutorial's min.A, min.B and `extra` files from `test_inputs/kinetics_pgt_dij`, and the
/// given pathdata.
fn pgt_dij_dir(pathdata: &str, extra: &[&str]) -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs");
    let src = root.join("kinetics_pgt_dij");
    let dir = tempfile::tempdir().unwrap();
    for f in ["min.A", "min.B"].iter().chain(extra) {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    for f in ["min.data", "ts.data"] {
        std::fs::copy(root.join("kinetics_mfpt").join(f), dir.path().join(f)).unwrap();
    }
    write(dir.path(), "pathdata", pathdata);
    dir
}

fn pgt_dij_expected(name: &str) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs/kinetics_pgt_dij");
    std::fs::read_to_string(src.join(format!("{name}.expected")))
        .unwrap_or_else(|e| panic!("{name}.expected: {e}"))
}

fn numbers_of(t: &str) -> Vec<f64> {
    t.split_whitespace()
        .map(|w| w.parse().unwrap_or_else(|_| panic!("not a number: {w}")))
        .collect()
}

/// Line by line: the same number of lines, each of the same length (the Fortran layout), the
/// same integers, reals within `rel` relative.
fn same_table(name: &str, ours: &str, theirs: &str, rel: f64) {
    assert_eq!(
        ours.lines().count(),
        theirs.lines().count(),
        "{name}: line count\n{ours}"
    );
    for (k, (a, b)) in ours.lines().zip(theirs.lines()).enumerate() {
        assert_eq!(a.len(), b.len(), "{name}:{}: layout\n{a}\n{b}", k + 1);
        for (wa, wb) in a.split_whitespace().zip(b.split_whitespace()) {
            if wb.contains('.') {
                let (x, y): (f64, f64) = (wa.parse().unwrap(), wb.parse().unwrap());
                assert!((x - y).abs() <= rel * y.abs(), "{name}:{}: {a}\n{b}", k + 1);
            } else {
                assert_eq!(wa, wb, "{name}:{}: {a}\n{b}", k + 1);
            }
        }
    }
}

/// PGT_DIJ step 1: the tutorial's pathdata with its `! DIJKSTRALIST` line uncommented (the
/// readme's first step) and its DijkstraList (minima 4 and 144). Epath (the path from 4 to
/// 144 through the TSs of the largest branching probabilities), onpath, high, low and the
/// eight neighbour layers of each equal the Fortran's files: ids and layout exactly,
/// energies and equilibrium occupations to 1e-9 relative.
#[test]
fn kinetics_pgt_dij_dijkstralist_gives_the_fortrans_path_and_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs/kinetics_pgt_dij");
    let deck = std::fs::read_to_string(src.join("pathdata"))
        .unwrap()
        .replace("! DIJKSTRALIST", "DIJKSTRALIST");
    let dir = pgt_dij_dir(&deck, &["DijkstraList"]);
    let d = dir.path();
    ok(&pathsample(d));
    let mut names = vec![
        "Epath".to_string(),
        "onpath".into(),
        "high".into(),
        "low".into(),
    ];
    for stem in ["onpath", "high", "low"] {
        names.extend((1..=8).map(|n| format!("{stem}.{n}")));
    }
    for f in &names {
        same_table(f, &read(d, f), &pgt_dij_expected(f), 1e-9);
    }
    assert!(!d.join("onpath.9").exists());
    // The occupations sum to 1 over the whole network: those of onpath and its eight layers
    // are a part of it.
    let total: f64 = (1..=8)
        .flat_map(|n| {
            read(d, &format!("onpath.{n}"))
                .lines()
                .map(|l| numbers_of(l)[1])
                .collect::<Vec<_>>()
        })
        .sum();
    assert!(total > 0.0 && total < 1.0, "{total}");
}

/// PGT_DIJ step 2: the tutorial's `output_files/pathdata` (NGTKEEPLIST, NGT 0 T 1.1D0 1
/// 100.1D0) with its NGTkeeplist (84 distinct minima): the partial graph transformation
/// writes min.data.new and ts.data.new equal to the Fortran's (the same minima and TS pairs in
/// the same order, free energies to 1e-8 relative; the Fortran's values are rounded to 10
/// digits), min.A.new, min.B.new and mapping exactly, the branching-probability dumps
/// Pbranch.removedlist(.map) to 1e-8; and the reduced network is exact: NGT on
/// it (read with FREEENERGY) gives the full network's rates and mean first-passage times (the
/// MFPT tutorial's NGT.rates.new) to 1e-7 relative.
#[test]
fn kinetics_pgt_dij_partial_gt_gives_the_fortrans_reduced_database() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs/kinetics_pgt_dij");
    let deck = std::fs::read_to_string(src.join("pathdata.pgt")).unwrap();
    let dir = pgt_dij_dir(&deck, &["NGTkeeplist"]);
    let d = dir.path();
    let out = pathsample(d);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("regroup> GT will remove 910 minima"),
        "{stdout}"
    );
    for f in ["min.data.new", "ts.data.new"] {
        same_table(f, &read(d, f), &pgt_dij_expected(f), 1e-8);
    }
    for f in ["min.A.new", "min.B.new", "mapping"] {
        assert_eq!(read(d, f), pgt_dij_expected(f), "{f}");
    }
    // The renormalised branching probabilities of the kept minima (new and original ids).
    for f in ["Pbranch.removedlist", "Pbranch.removedlist.map"] {
        same_table(f, &read(d, f), &pgt_dij_expected(f), 1e-8);
    }
    // NGT on the reduced network equals the full network's.
    let red = tempfile::tempdir().unwrap();
    for f in ["min.data", "ts.data", "min.A", "min.B"] {
        std::fs::copy(d.join(format!("{f}.new")), red.path().join(f)).unwrap();
    }
    write(
        red.path(),
        "pathdata",
        "TEMPERATURE 1.0\nNOPOINTS\nFREEENERGY\nNGT 0 T\nRATESCYCLE 1.0\nNATOMS 1\n",
    );
    ok(&pathsample(red.path()));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs");
    let full = numbers_of(
        &std::fs::read_to_string(root.join("kinetics_mfpt/NGT.rates.new.expected")).unwrap(),
    );
    let reduced = numbers_of(&read(red.path(), "NGT.rates.new"));
    assert_eq!(full.len(), reduced.len());
    for (x, y) in reduced.iter().zip(&full) {
        assert!((x - y).abs() <= 1e-7 * y.abs(), "reduced {x} vs full {y}");
    }
}

/// PGT_DIJ step 3: the tutorial's `pathdata_FPT` (FREEENERGY, WAITPDF) run on the reduced
/// database that step 2 wrote (renamed min.data etc., as the readme says). The readme's check
/// "whether your FPT after pGT is the same as computing the FPT on the full network": the
/// mean first-passage times A<-B and B<-A of the eigendecomposition equal the full network's
/// exact ones (NGT, the MFPT tutorial's NGT.rates.new) to 1e-4. Against the Fortran's
/// `reduced/` files: wait.rates A<-B to 2e-4, B<-A to 5e-3, MFPT.to.A/B ids and layout exactly
/// and times to 1e-2, the eigenvector files' modes and components exactly, the sampled ln t
/// densities to 5e-3 where above 1e-6 of the largest: the Fortran's reduced B<-A values are
/// 0.23 % (MFPT.to.A up to 0.6 %) off the exact linear-solve values of the same network (its
/// eigenvalues carry more noise on this worse-conditioned matrix; ours agree with the
/// linear solve to 4e-5, checked with numpy). With WAITPDFPRINT added, the per-source files
/// are identical with 1 and 3 threads.
#[test]
fn kinetics_pgt_dij_fpt_on_the_reduced_network_equals_the_full_networks() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs/kinetics_pgt_dij");
    let root = src.join("..");
    let deck = std::fs::read_to_string(src.join("pathdata.pgt")).unwrap();
    let dir = pgt_dij_dir(&deck, &["NGTkeeplist"]);
    ok(&pathsample(dir.path()));
    let red = tempfile::tempdir().unwrap();
    let r = red.path();
    for f in ["min.data", "ts.data", "min.A", "min.B"] {
        std::fs::copy(dir.path().join(format!("{f}.new")), r.join(f)).unwrap();
    }
    std::fs::copy(src.join("pathdata_FPT"), r.join("pathdata")).unwrap();
    ok(&pathsample(r));
    let close = |x: f64, y: f64, rel: f64| (x - y).abs() <= rel * y.abs();
    let ours = numbers_of(&read(r, "wait.rates"));
    let theirs = numbers_of(&pgt_dij_expected("reduced.wait.rates"));
    assert_eq!(read(r, "wait.rates").len(), 106);
    for (k, (x, y)) in ours.iter().zip(&theirs).enumerate() {
        let rel = if [2, 5, 6].contains(&k) { 5e-3 } else { 2e-4 };
        assert!(
            close(*x, *y, rel),
            "wait.rates column {}: {x} vs {y}",
            k + 1
        );
    }
    let ngt = numbers_of(
        &std::fs::read_to_string(root.join("kinetics_mfpt/NGT.rates.new.expected")).unwrap(),
    );
    assert!(
        close(ours[3], ngt[3], 1e-4),
        "A<-B {} vs {}",
        ours[3],
        ngt[3]
    );
    assert!(
        close(ours[5], ngt[4], 1e-4),
        "B<-A {} vs {}",
        ours[5],
        ngt[4]
    );
    for f in ["MFPT.to.A", "MFPT.to.B"] {
        let (a, b) = (read(r, f), pgt_dij_expected(&format!("reduced.{f}")));
        assert_eq!(a.lines().count(), 83, "{f}");
        for (x, y) in a.lines().zip(b.lines()) {
            assert_eq!(x.len(), y.len(), "{f}\n{x}\n{y}");
            let (x, y) = (numbers_of(x), numbers_of(y));
            assert_eq!(x[0], y[0], "{f}: order");
            assert!(close(x[1], y[1], 1e-2), "{f}: {x:?} vs {y:?}");
        }
    }
    for f in ["AB.right.eigenvectors", "BA.right.eigenvectors"] {
        let (a, b) = (read(r, f), pgt_dij_expected(&format!("reduced.{f}")));
        assert_eq!(a.lines().count(), b.lines().count(), "{f}");
        for (x, y) in a.lines().zip(b.lines()) {
            let (wx, wy) = (x.split_whitespace().next(), y.split_whitespace().next());
            assert_eq!(wx, wy, "{f}\n{x}\n{y}");
            if x.starts_with("eigenmode") {
                assert_eq!(x.split_whitespace().nth(1), y.split_whitespace().nth(1));
            } else {
                assert!(
                    (numbers_of(x)[1] - numbers_of(y)[1]).abs() <= 1.0,
                    "{f}\n{x}\n{y}"
                );
            }
        }
    }
    for line in pgt_dij_expected("reduced.line_counts").lines() {
        let (stem, n) = line.split_once(' ').unwrap();
        let n: usize = n.parse().unwrap();
        let ours = read(r, &format!("{stem}.1.0000000000")).lines().count();
        // The B<-A ln t grids: 10001 points from the Fortran here, 10000 from ours (below).
        let ln_ba = stem.ends_with("BA") && !stem.starts_with("waitpdf");
        assert_eq!(ours, if ln_ba { 10_000 } else { n }, "{stem}");
    }
    // WAITPDFPRINT on the reduced network: the per-source files do not depend on the number
    // of threads (1 and 3), and the source minimum's file (B = new minimum 19) is the
    // direction's waitlnpdfAB.
    let mut runs = Vec::new();
    for threads in ["1", "3"] {
        let t = tempfile::tempdir().unwrap();
        for f in ["min.data", "ts.data", "min.A", "min.B"] {
            std::fs::copy(r.join(f), t.path().join(f)).unwrap();
        }
        let deck = std::fs::read_to_string(src.join("pathdata_FPT")).unwrap();
        write(t.path(), "pathdata", &format!("{deck}WAITPDFPRINT\n"));
        let out = Command::new(bin("PATHSAMPLE"))
            .current_dir(t.path())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        ok(&out);
        runs.push(t);
    }
    let mut per_source = 0;
    for e in std::fs::read_dir(runs[0].path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if ["waitlnpdfA.", "waitlnpdfB.", "eigendata", "peaks"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            per_source += 1;
            assert!(
                read(runs[0].path(), &name) == read(runs[1].path(), &name),
                "{name} depends on the thread count"
            );
        }
    }
    assert_eq!(per_source, 6 * 83);
    assert_eq!(
        read(runs[0].path(), "waitlnpdfA.19"),
        read(r, "waitlnpdfAB.1.0000000000")
    );
    for stem in ["waitlnpdfAB", "waitlnpdfBA"] {
        let ours = read(r, &format!("{stem}.1.0000000000"));
        let lines: Vec<&str> = ours.lines().collect();
        let sampled = pgt_dij_expected(&format!("reduced.{stem}.sampled"));
        let rows: Vec<(usize, Vec<f64>)> = sampled
            .lines()
            .map(|l| {
                let (k, t) = l.split_once('\t').unwrap();
                (k.parse().unwrap(), numbers_of(t))
            })
            .collect();
        let largest = rows.iter().map(|(_, v)| v[1].abs()).fold(0.0, f64::max);
        for (k, theirs) in &rows {
            // The Fortran's B<-A writer ends its ln t loop by accumulated rounding: 10001
            // points here, 10000 on the full network; ours writes 10000 (see
            // docs/open-questions.md).
            let Some(line) = lines.get(k - 1) else {
                assert!(stem.ends_with("BA") && *k == 10_001, "{stem}:{k}");
                continue;
            };
            let v = numbers_of(line);
            assert!((v[0] - theirs[0]).abs() <= 2e-4 * theirs[0].abs().max(1.0));
            if theirs[1].abs() > 1e-6 * largest {
                assert!(
                    close(v[1], theirs[1], 5e-3),
                    "{stem}:{k}: {line} vs {theirs:?}"
                );
            }
        }
    }
}

/// The Kinetics tutorial `FPT_FIND` (`Kinetics/FPT_FIND/9_comm`), its pathdata unchanged
/// (WAITPDF, WAITPDFPRINT) on the nine-community database. Its expected `output_files` are
/// byte-identical to FPT_EIG's, so WAITPDFPRINT must not change the WAITPDF files: they are
/// byte-identical to those of a WAITPDF-only run (which
/// `kinetics_fpt_eig_tutorial_matches_the_fortrans_waitpdf` compares with the Fortran's).
/// The readme's identity: waitlnpdfA.4 (start in minimum 4 = B) is waitlnpdfAB.1.0000000000,
/// and waitlnpdfB.144 is waitlnpdfBA. Per-source files for each of the 993 transient minima of
/// each direction. Against the Fortran's per-source stdout of the same WAITPDF run
/// (`sources.expected`: every source of both directions, peak count and smallest and largest
/// peak height; `eigendata.sampled.expected`: the mode lists of ten sources): peak counts
/// exactly and heights to 1e-4 relative for all 1986 sources, our stdout's per-source lines
/// for the same sources in the same order, the eigendata modes in the same
/// order, amplitudes a_k/e to 1e-3 relative, -ln|lambda_k| to 2e-4. Independently, for three
/// sources the ln t density integrates to 1 and its mean equals MFPT.to.A's entry (1e-6).
#[test]
fn kinetics_fpt_find_tutorial_per_source_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs");
    let src = root.join("kinetics_fpt_find");
    let setup = |dir: &Path, from: &Path| {
        for f in ["pathdata", "min.A", "min.B"] {
            std::fs::copy(from.join(f), dir.join(f)).unwrap();
        }
        for f in ["min.data", "ts.data"] {
            std::fs::copy(root.join("kinetics_mfpt").join(f), dir.join(f)).unwrap();
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, &src);
    let out = pathsample(d);
    ok(&out);
    let plain = tempfile::tempdir().unwrap();
    setup(plain.path(), &root.join("kinetics_fpt_eig"));
    ok(&pathsample(plain.path()));
    let sfx = "1.0000000000";
    let mut same = vec![
        "wait.rates".to_string(),
        "MFPT.to.A".into(),
        "MFPT.to.B".into(),
        "AB.right.eigenvectors".into(),
        "BA.right.eigenvectors".into(),
    ];
    for stem in ["waitpdf", "waitlnpdf", "tobs", "Gaussianwaitlnpdf", "tau"] {
        for dirn in ["AB", "BA"] {
            same.push(format!("{stem}{dirn}.{sfx}"));
        }
    }
    for f in &same {
        assert!(
            read(d, f) == read(plain.path(), f),
            "{f} changed by WAITPDFPRINT"
        );
    }
    assert_eq!(
        read(d, "waitlnpdfA.4"),
        read(d, &format!("waitlnpdfAB.{sfx}"))
    );
    assert_eq!(
        read(d, "waitlnpdfB.144"),
        read(d, &format!("waitlnpdfBA.{sfx}"))
    );
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for stem in ["waitlnpdf", "eigendata", "peaks"] {
        for (letter, sink) in [("A", "144"), ("B", "4")] {
            let prefix = format!("{stem}{letter}.");
            let n = names.iter().filter(|f| f.starts_with(&prefix)).count();
            assert_eq!(n, 993, "{prefix}*");
            assert!(!d.join(format!("{prefix}{sink}")).exists());
        }
    }
    // The Fortran's per-source peaks.
    let close = |x: f64, y: f64, rel: f64| (x - y).abs() <= rel * y.abs();
    let expected = std::fs::read_to_string(src.join("sources.expected")).unwrap();
    assert_eq!(expected.lines().count(), 1986);
    for line in expected.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let letter = &f[0][..1];
        let ours: Vec<f64> = read(d, &format!("peaks{letter}.{}", f[1]))
            .lines()
            .map(|l| numbers_of(l)[1])
            .collect();
        assert_eq!(
            ours.len(),
            f[2].parse::<usize>().unwrap(),
            "{line}: {ours:?}"
        );
        let (lo, hi) = (
            ours.iter().copied().fold(f64::INFINITY, f64::min),
            ours.iter().copied().fold(0.0, f64::max),
        );
        assert!(close(lo, f[3].parse().unwrap(), 1e-4), "{line}: {ours:?}");
        assert!(close(hi, f[4].parse().unwrap(), 1e-4), "{line}: {ours:?}");
    }
    // The stdout summary per source: the Fortran's sources, order and peak counts.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let ours: Vec<String> = stdout
        .lines()
        .filter(|l| l.starts_with("waitpdf> For source minimum"))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            format!("{} {} {}", f[7], f[4], f[9])
        })
        .collect();
    let theirs: Vec<String> = expected
        .lines()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(ours, theirs);
    // The Fortran's per-source mode lists.
    let sampled = std::fs::read_to_string(src.join("eigendata.sampled.expected")).unwrap();
    // ((direction letter, source id), rows of mode, a_k/e, -ln|lambda_k|).
    type Group = ((String, String), Vec<Vec<f64>>);
    let mut groups: Vec<Group> = Vec::new();
    for line in sampled.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let key = (f[0][..1].to_string(), f[1].to_string());
        let row = numbers_of(&f[2..].join(" "));
        match groups.last_mut() {
            Some((k, rows)) if *k == key => rows.push(row),
            _ => groups.push((key, vec![row])),
        }
    }
    assert_eq!(groups.len(), 10);
    for ((letter, id), rows) in &groups {
        let ours: Vec<Vec<f64>> = read(d, &format!("eigendata{letter}.{id}"))
            .lines()
            .map(numbers_of)
            .collect();
        assert_eq!(ours.len(), rows.len(), "eigendata{letter}.{id}");
        for (o, t) in ours.iter().zip(rows) {
            assert_eq!(o[0], t[0], "eigendata{letter}.{id}: mode order");
            assert!(
                close(o[1], t[1], 1e-3),
                "eigendata{letter}.{id}: {o:?} {t:?}"
            );
            assert!(
                (o[3] - t[2]).abs() <= 2e-4,
                "eigendata{letter}.{id}: {o:?} {t:?}"
            );
            assert!((-o[2].ln() - o[3]).abs() <= 1e-8, "{o:?}");
        }
    }
    // Normalisation and mean of a few sources' densities on their ln t grid.
    let mfpt: Vec<Vec<f64>> = read(d, "MFPT.to.A").lines().map(numbers_of).collect();
    for id in [1usize, 58, 988] {
        let rows: Vec<Vec<f64>> = read(d, &format!("waitlnpdfA.{id}"))
            .lines()
            .map(numbers_of)
            .collect();
        let dy = rows[1][0] - rows[0][0];
        let norm: f64 = rows.iter().map(|r| r[1] * dy).sum();
        let mean: f64 = rows.iter().map(|r| r[0].exp() * r[1] * dy).sum();
        let m = mfpt.iter().find(|r| r[0] == id as f64).unwrap()[1];
        assert!((norm - 1.0).abs() < 1e-6, "{id}: {norm}");
        assert!(close(mean, m, 1e-6), "{id}: {mean} vs {m}");
    }
}

/// The kinetics keywords' mistakes are clear errors naming the file, line or keyword, and
/// nothing is written: a DijkstraList line that is not a minimum, a minimum beyond the
/// database, a missing NGTkeeplist, NGTKEEPLIST without NGT, WAITPDFPRINT without WAITPDF.
#[test]
fn kinetics_list_keywords_report_their_mistakes() {
    // (keyword lines, files to write (name, text), expected message).
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 5] = [
        (
            "DIJKSTRALIST",
            &[("DijkstraList", "4\nfour\n")],
            "DijkstraList line 2: 'four' is not a minimum number",
        ),
        (
            "DIJKSTRALIST",
            &[("DijkstraList", "4\n\n995\n")],
            "DijkstraList line 3: minimum 995 is not in the database (1 to 994)",
        ),
        ("NGTKEEPLIST\nNGT 0 T", &[], "NGTKEEPLIST: cannot read"),
        (
            "NGTKEEPLIST",
            &[("NGTkeeplist", "4\n144\n")],
            "NGTKEEPLIST: the partial graph transformation runs with NGT",
        ),
        (
            "WAITPDFPRINT",
            &[],
            "WAITPDFPRINT: the per-source files come with WAITPDF",
        ),
    ];
    for (keywords, files, message) in cases {
        let deck = format!("TEMPERATURE 1.0\nNOPOINTS\n{keywords}\nNATOMS 1\n");
        let dir = pgt_dij_dir(&deck, &[]);
        for (name, text) in files {
            write(dir.path(), name, text);
        }
        let out = pathsample(dir.path());
        assert!(!out.status.success(), "{keywords}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{keywords}: {err}");
        for f in ["Epath", "onpath", "min.data.new", "waitlnpdfA.4"] {
            assert!(!dir.path().join(f).exists(), "{keywords}: {f}");
        }
    }
}
