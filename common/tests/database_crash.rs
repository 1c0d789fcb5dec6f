//! Crash safety with real processes: a child process appends minima and TSs as fast as it can
//! and is killed with SIGKILL at random moments; the database must then load with only
//! complete points (each one exactly as written), and appending must continue cleanly.

// Wrapped in a module so that `cargo test database` selects these tests by name.
mod database_crash {
    use common::database::{Database, DbConfig, MinRecord, TsRecord};
    use common::rng::Stream;
    use std::path::Path;
    use std::time::{Duration, Instant};

    const NOPT: usize = 74;
    const CHILD_ENV: &str = "COMMON_DB_CRASH_CHILD_DIR";

    fn cfg() -> DbConfig {
        DbConfig::network(NOPT, 0)
    }

    /// Minimum k: energy and coordinates are functions of k.
    fn min_energy(k: usize) -> f64 {
        -(k as f64) * 0.0078125 - 0.25
    }

    fn min_coords(k: usize) -> Vec<f64> {
        (0..NOPT)
            .map(|i| ((i * 31 + k * 7) % 97) as f64 * 0.01 + k as f64)
            .collect()
    }

    /// The TS appended after every third minimum k joins k − 1 and k.
    fn ts_coords(k: usize) -> Vec<f64> {
        min_coords(k).iter().map(|v| v + 0.5).collect()
    }

    /// Append points until `deadline`: minimum k, and after every third one a TS. A TS
    /// missing after an interruption is added first (as a restarted run redoes its work).
    fn append_until(dir: &Path, deadline: Instant) {
        let mut db = Database::open(dir, cfg()).unwrap();
        let mut first = true;
        while Instant::now() < deadline {
            let mut k = db.nmin();
            if !(first && k.is_multiple_of(3) && k > 0 && db.nts() < k / 3) {
                k += 1;
                db.add_minimum(
                    MinRecord::new(min_energy(k), 2.0, 1, [0.0; 3]),
                    &min_coords(k),
                )
                .unwrap();
            }
            first = false;
            if k.is_multiple_of(3) {
                let t = TsRecord {
                    energy: min_energy(k) + 0.5,
                    fvib: 1.5,
                    order: 1,
                    plus: k - 1,
                    minus: k,
                    inertia: [0.0; 3],
                    negeig: None,
                };
                db.add_ts(t, &ts_coords(k)).unwrap();
            }
        }
    }

    /// Every loaded point is exactly what was written.
    fn verify(db: &Database) {
        for k in 1..=db.nmin() {
            assert_eq!(db.minimum(k).energy, min_energy(k), "minimum {k}");
            assert_eq!(db.min_coords(k), &min_coords(k)[..], "minimum {k}");
        }
        for t in 1..=db.nts() {
            let r = db.ts(t);
            assert_eq!((r.plus, r.minus), (3 * t - 1, 3 * t), "ts {t}");
            assert_eq!(r.energy, min_energy(r.minus) + 0.5, "ts {t}");
            assert_eq!(db.ts_coords(t), &ts_coords(r.minus)[..], "ts {t}");
        }
        // No TS is missing except possibly the last one (killed between its minimum and it).
        assert!(db.nts() == db.nmin() / 3 || db.nts() + 1 == db.nmin() / 3);
    }

    /// The child's body: runs only when started by `kill_9_at_random_moments`.
    #[test]
    fn crash_child() {
        if let Some(dir) = std::env::var_os(CHILD_ENV) {
            append_until(Path::new(&dir), Instant::now() + Duration::from_secs(20));
        }
    }

    #[test]
    fn kill_9_at_random_moments() {
        let dir = tempfile::tempdir().unwrap();
        let exe = std::env::current_exe().unwrap();
        let mut s = Stream::new(2024, 0);
        let trials = 12;
        let mut remnants = 0;
        for trial in 0..trials {
            let mut child = std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "database_crash::crash_child",
                    "--test-threads=1",
                    "-q",
                ])
                .env(CHILD_ENV, dir.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(30 + (s.uniform() * 120.0) as u64));
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            let db =
                Database::open(dir.path(), cfg()).unwrap_or_else(|e| panic!("trial {trial}: {e}"));
            remnants += usize::from(!db.load_report().is_empty());
            verify(&db);
            drop(db);
            // Appending in this process continues cleanly after the repair.
            append_until(dir.path(), Instant::now() + Duration::from_millis(5));
            verify(&Database::open(dir.path(), cfg()).unwrap());
        }
        let db = Database::open(dir.path(), cfg()).unwrap();
        assert!(db.nmin() > 100, "{}", db.nmin());
        eprintln!(
            "{trials} kills, {remnants} left a remnant; {} minima, {} TSs",
            db.nmin(),
            db.nts()
        );
    }
}
