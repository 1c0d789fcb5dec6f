//! End-to-end tests of PATHSAMPLE's Slurm modes against a real Slurm: `SLURM` (OPTIM jobs as
//! job steps of the allocation PATHSAMPLE runs in) and `SLURMQUEUE` (each OPTIM job a batch
//! job). The LJAT3 DIJINITSTART deck of `test_inputs/pathsample_ljat3_dijinitstart` gives the
//! same database in both modes as on this machine; a job killed by its time limit, a job
//! cancelled while pending, a job whose OPTIM exits non-zero and a step past JOBTIMEOUT are
//! each a failed attempt, with the database intact; SIGTERM cancels the outstanding jobs.
//!
//! Slurm: the one `sinfo` reaches (CI starts one with `scripts/slurm_local.sh start` and
//! exports SLURM_CONF), else a private one this test starts with that script when the Slurm
//! daemons are installed (and stops at the end). Without either the test prints SKIPPED,
//! unless ENERGY_LANDSCAPE_REQUIRE_SLURM=1 (CI), which makes it fail.

use common::database::{Database, DbConfig};
use e2e::{bin, read, test_input, write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const REQUIRE: &str = "ENERGY_LANDSCAPE_REQUIRE_SLURM";

/// The Slurm the tests use; a private one is stopped when this is dropped.
struct Slurm {
    /// SLURM_CONF for the clients (None: the environment's own).
    conf: Option<String>,
    /// The state directory of a private instance this test started.
    private: Option<tempfile::TempDir>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/slurm_local.sh")
}

impl Slurm {
    fn reachable(conf: Option<&str>) -> bool {
        let mut c = Command::new("sinfo");
        c.args(["-h", "-o", "%T"]);
        if let Some(conf) = conf {
            c.env("SLURM_CONF", conf);
        }
        c.stderr(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
    }

    /// A reachable Slurm, or why there is none.
    fn get() -> Result<Slurm, String> {
        if Self::reachable(None) {
            return Ok(Slurm {
                conf: None,
                private: None,
            });
        }
        let have = |p: &str| {
            Command::new("sh")
                .args(["-c", &format!("command -v {p}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !(have("slurmctld") && have("slurmd") && have("sbatch")) {
            return Err(
                "no Slurm reachable (sinfo) and the Slurm daemons are not installed".into(),
            );
        }
        let state = tempfile::tempdir().map_err(|e| e.to_string())?;
        let t = Instant::now();
        let out = Command::new("bash")
            .arg(script())
            .arg("start")
            .env("SLURM_LOCAL_DIR", state.path())
            .env("SLURM_LOCAL_PORT", "6927")
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "scripts/slurm_local.sh start failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let conf = state.path().join("slurm.conf").display().to_string();
        println!(
            "started a private Slurm in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        Ok(Slurm {
            conf: Some(conf),
            private: Some(state),
        })
    }

    /// A command with this Slurm's SLURM_CONF.
    fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        if let Some(conf) = &self.conf {
            c.env("SLURM_CONF", conf);
        }
        c
    }

    fn run(&self, program: &str, args: &[&str]) -> String {
        let out = self.cmd(program).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `JobState=...` of `scontrol show job -o id`.
    fn job_state(&self, id: &str) -> String {
        let text = self.run("scontrol", &["show", "job", "-o", id]);
        text.split_whitespace()
            .find_map(|w| w.strip_prefix("JobState="))
            .unwrap_or("")
            .to_string()
    }
}

impl Drop for Slurm {
    fn drop(&mut self) {
        if let Some(state) = &self.private {
            let _ = Command::new("bash")
                .arg(script())
                .arg("stop")
                .env("SLURM_LOCAL_DIR", state.path())
                .status();
        }
    }
}

/// A working directory with the LJAT3 DIJINITSTART deck; `pathdata` is EXEC (OPTIM unless
/// `exec` is given), the deck's `pathdata.body`, then `extra`.
fn deck(dir: &Path, exec: Option<&str>, extra: &str) {
    let src = test_input("pathsample_ljat3_dijinitstart");
    for f in ["odata.start", "odata.finish", "odata.connect"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let body = read(&src, "pathdata.body");
    let exec = exec.map_or_else(|| bin("OPTIM").display().to_string(), str::to_string);
    write(dir, "pathdata", &format!("EXEC {exec}\n{body}{extra}"));
}

/// PATHSAMPLE in `dir` (with the Slurm client configuration).
fn pathsample(slurm: &Slurm, dir: &Path) -> Output {
    slurm
        .cmd(bin("PATHSAMPLE"))
        .current_dir(dir)
        .output()
        .unwrap()
}

/// PATHSAMPLE started in `dir` in the background, its output piped.
fn spawn_pathsample(slurm: &Slurm, dir: &Path) -> std::process::Child {
    slurm
        .cmd(bin("PATHSAMPLE"))
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// PATHSAMPLE inside an allocation of `ntasks` tasks (`sbatch --wait`): its stdout, or a panic
/// with its log.
fn pathsample_in_allocation(slurm: &Slurm, dir: &Path, ntasks: usize) -> (bool, String) {
    let status = slurm
        .cmd("sbatch")
        .args([
            "--wait",
            "--quiet",
            &format!("-n{ntasks}"),
            "-J",
            "PATHSAMPLE",
            &format!("--chdir={}", dir.display()),
            "-o",
            &dir.join("PATHSAMPLE.slurm").display().to_string(),
            "--wrap",
            &format!("{} > PATHSAMPLE.log 2>&1", bin("PATHSAMPLE").display()),
        ])
        .status()
        .unwrap();
    let log = std::fs::read_to_string(dir.join("PATHSAMPLE.log")).unwrap_or_default();
    (status.success(), log)
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const DB_FILES: [&str; 6] = [
    "min.data",
    "ts.data",
    "points.min",
    "points.ts",
    "min.A",
    "min.B",
];

fn db_bytes(dir: &Path) -> Vec<Vec<u8>> {
    DB_FILES
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")))
        .collect()
}

/// The database loads, and holds `nmin` minima and `nts` transition states.
fn check_db(dir: &Path, nmin: usize, nts: usize) {
    let mut cfg = DbConfig::atoms(3);
    cfg.symmetry.align.permdist = true;
    let db = Database::open_read_only(dir, cfg).unwrap();
    assert_eq!((db.nmin(), db.nts()), (nmin, nts), "{}", dir.display());
}

/// No job directory or job file is left behind.
fn no_job_files(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !(name.starts_with("optim.")
                || name.starts_with("odata.1")
                || name.starts_with("path.info.")),
            "{name} left in {}",
            dir.display()
        );
    }
}

/// The two-minimum database that DIJINITSTART alone builds (CYCLES 0), made locally: the
/// start of the failure cases, whose one job (DIJINITCONT) connects its two minima.
fn two_minima(slurm: &Slurm) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    deck(d.path(), None, "");
    let p = read(d.path(), "pathdata").replace("CYCLES 3", "CYCLES 0");
    write(d.path(), "pathdata", &p);
    let out = pathsample(slurm, d.path());
    assert!(out.status.success(), "{}", text(&out));
    check_db(d.path(), 2, 0);
    d
}

/// A copy of the two-minimum database with one DIJINITCONT job to run: `exec` and `extra`.
fn one_job(slurm: &Slurm, exec: &str, extra: &str) -> (tempfile::TempDir, Vec<Vec<u8>>) {
    let d = two_minima(slurm);
    deck(d.path(), Some(exec), extra);
    let p = read(d.path(), "pathdata")
        .replace("CYCLES 3", "CYCLES 1")
        .replace("DIJINITSTART", "DIJINITCONT");
    write(d.path(), "pathdata", &p);
    let before = db_bytes(d.path());
    (d, before)
}

/// A failed attempt: PATHSAMPLE went on to its end (exit 0), logged `expect`, and the
/// database is what it was.
fn failed_attempt(dir: &Path, ok: bool, log: &str, before: &[Vec<u8>], expect: &[&str]) {
    assert!(ok, "{log}");
    for e in expect {
        assert!(log.contains(e), "expected {e:?} in\n{log}");
    }
    assert!(log.contains("PATHSAMPLE> 1 jobs run"), "{log}");
    assert_eq!(db_bytes(dir), before, "the database changed\n{log}");
    check_db(dir, 2, 0);
    no_job_files(dir);
}

#[test]
fn pathsample_on_slurm() {
    let slurm = match Slurm::get() {
        Ok(s) => s,
        Err(why) => {
            assert!(
                std::env::var(REQUIRE).ok().as_deref() != Some("1"),
                "{REQUIRE}=1 but {why}"
            );
            println!("SKIPPED: {why}");
            return;
        }
    };
    let t0 = Instant::now();

    // The reference: the deck on this machine.
    let local = tempfile::tempdir().unwrap();
    deck(local.path(), None, "");
    let out = pathsample(&slurm, local.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("initial path is complete"));
    check_db(local.path(), 2, 1);
    let reference = db_bytes(local.path());

    // SLURMQUEUE: the same database.
    let queue = tempfile::tempdir().unwrap();
    deck(queue.path(), None, "SLURMQUEUE 2\nSLURMPENDING 30\n");
    let out = pathsample(&slurm, queue.path());
    assert!(out.status.success(), "{}", text(&out));
    let log = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(log.contains("cluster> SLURMQUEUE: at most 2"), "{log}");
    assert_eq!(db_bytes(queue.path()), reference, "{log}");
    no_job_files(queue.path());
    println!(
        "SLURMQUEUE database equals the local one ({:.1} s)",
        t0.elapsed().as_secs_f64()
    );

    // SLURM (job steps inside an allocation of 2 tasks): the same database.
    let steps = tempfile::tempdir().unwrap();
    deck(steps.path(), None, "SLURM\n");
    let (ok, log) = pathsample_in_allocation(&slurm, steps.path(), 2);
    assert!(ok, "{log}");
    assert!(
        log.contains("cluster> SLURM: 2 job steps at a time (SLURM_NTASKS=2)"),
        "{log}"
    );
    assert_eq!(db_bytes(steps.path()), reference, "{log}");
    no_job_files(steps.path());
    println!(
        "SLURM database equals the local one ({:.1} s)",
        t0.elapsed().as_secs_f64()
    );

    std::thread::scope(|s| {
        // Slurm's time limit (JOBTIMEOUT 30 s: --time=1 minute): TIMEOUT, a failed attempt.
        // Slurm checks limits every 30 s, so this takes 60-100 s; the rest runs meanwhile.
        s.spawn(|| {
            let t = Instant::now();
            let (d, before) = one_job(&slurm, "/bin/sleep 600", "JOBTIMEOUT 30\nSLURMQUEUE 1\n");
            let out = pathsample(&slurm, d.path());
            let log = text(&out);
            failed_attempt(
                d.path(),
                out.status.success(),
                &log,
                &before,
                &["TIMEOUT", "connection 1 was killed after 30 s (JOBTIMEOUT)"],
            );
            println!(
                "SLURMQUEUE time limit: a failed attempt ({:.1} s)",
                t.elapsed().as_secs_f64()
            );
        });

        // landscape: the CI study with its connection jobs queued on Slurm.
        s.spawn(|| {
            let t = Instant::now();
            let d = tempfile::tempdir().unwrap();
            let src = test_input("landscape_d2_small").join("landscape.in");
            let deck = format!(
                "{}SLURMQUEUE 2\n",
                read(src.parent().unwrap(), "landscape.in")
            );
            write(d.path(), "study.in", &deck);
            let out = slurm
                .cmd(bin("landscape"))
                .args(["run", "study.in"])
                .current_dir(d.path())
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", text(&out));
            let log = read(d.path(), "PATHSAMPLE.log");
            assert!(log.contains("cluster> SLURMQUEUE: at most 2"), "{log}");
            assert!(!log.contains("exited with status"), "{log}");
            assert!(read(d.path(), "pathdata").contains("COPYFILES MLPdata\n"));
            let summary = read(d.path(), "summary.txt");
            let ts: usize = summary
                .lines()
                .skip_while(|l| !l.starts_with("Table 1"))
                .nth(2)
                .and_then(|l| l.split_whitespace().nth(2))
                .and_then(|w| w.parse().ok())
                .unwrap_or_else(|| panic!("{summary}"));
            assert!(ts > 0, "{summary}");
            println!(
                "landscape with SLURMQUEUE: {ts} TS ({:.1} s)",
                t.elapsed().as_secs_f64()
            );
        });

        // A job cancelled while pending: a failed attempt; its long wait is reported.
        let t = Instant::now();
        let (d, before) = one_job(
            &slurm,
            &bin("OPTIM").display().to_string(),
            "SLURMQUEUE 1 --begin=now+3600\nSLURMPENDING 1\n",
        );
        let child = spawn_pathsample(&slurm, d.path());
        let id = wait_for_id(d.path());
        // Let PATHSAMPLE see it pending (and report it) before it is cancelled.
        std::thread::sleep(Duration::from_secs(3));
        assert_eq!(slurm.job_state(&id), "PENDING");
        slurm.run("scancel", &[&id]);
        let out = child.wait_with_output().unwrap();
        failed_attempt(
            d.path(),
            out.status.success(),
            &text(&out),
            &before,
            &[
                "has been pending for",
                "(reason: BeginTime)",
                "CANCELLED",
                "was unsuccessful",
            ],
        );
        println!(
            "SLURMQUEUE cancelled while pending: a failed attempt ({:.1} s)",
            t.elapsed().as_secs_f64()
        );

        // OPTIM exits non-zero: a failed attempt, in both modes. The status is 3 only when
        // COPYFILES put marker.txt into the job's directory.
        let t = Instant::now();
        let nonzero = "/bin/sh -c 'test -e marker.txt && exit 3; exit 1' OPTIM";
        let (d, before) = one_job(&slurm, nonzero, "SLURMQUEUE 1\nCOPYFILES marker.txt\n");
        write(d.path(), "marker.txt", "copied\n");
        let out = pathsample(&slurm, d.path());
        failed_attempt(
            d.path(),
            out.status.success(),
            &text(&out),
            &before,
            &["OPTIM exited with status 3", "was unsuccessful"],
        );
        let (d, before) = one_job(&slurm, nonzero, "SLURM\nCOPYFILES marker.txt\n");
        write(d.path(), "marker.txt", "copied\n");
        let (ok, log) = pathsample_in_allocation(&slurm, d.path(), 1);
        failed_attempt(
            d.path(),
            ok,
            &log,
            &before,
            &["the job step exited with status 3", "was unsuccessful"],
        );
        println!(
            "non-zero OPTIM: failed attempts ({:.1} s)",
            t.elapsed().as_secs_f64()
        );

        // SLURM: JOBTIMEOUT ends the step.
        let t = Instant::now();
        let (d, before) = one_job(&slurm, "/bin/sleep 600", "JOBTIMEOUT 2\nSLURM\n");
        let (ok, log) = pathsample_in_allocation(&slurm, d.path(), 1);
        failed_attempt(
            d.path(),
            ok,
            &log,
            &before,
            &["connection 1 was killed after 2 s (JOBTIMEOUT)"],
        );
        assert!(t.elapsed() < Duration::from_secs(40), "{log}");
        println!(
            "SLURM JOBTIMEOUT: a failed attempt ({:.1} s)",
            t.elapsed().as_secs_f64()
        );

        // SLURM: PATHSAMPLE killed with SIGKILL; its job step ends with it (srun gets SIGTERM
        // from the kernel and cancels the step), while the allocation lives on.
        let t = Instant::now();
        let (d, before) = one_job(&slurm, "/bin/sleep 600", "SLURM\n");
        let job = slurm.run(
            "sbatch",
            &[
                "--parsable",
                "-n1",
                &format!("--chdir={}", d.path().display()),
                "-o",
                "PATHSAMPLE.slurm",
                "--wrap",
                &format!(
                    "{} > PATHSAMPLE.log 2>&1 & echo $! > PATHSAMPLE.pid; wait; sleep 60",
                    bin("PATHSAMPLE").display()
                ),
            ],
        );
        let job = job.trim().to_string();
        let steps = || slurm.run("squeue", &["-h", "-s", "-j", &job, "-o", "%j"]);
        let deadline = Instant::now() + Duration::from_secs(60);
        while !steps().contains("OPTIM.1") {
            assert!(
                Instant::now() < deadline,
                "no OPTIM step started: {}",
                steps()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let pid = read(d.path(), "PATHSAMPLE.pid");
        Command::new("kill")
            .args(["-KILL", pid.trim()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while steps().contains("OPTIM.1") {
            assert!(
                Instant::now() < deadline,
                "the step outlived PATHSAMPLE: {}",
                steps()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(!steps().is_empty(), "the allocation ended too: {}", steps());
        slurm.run("scancel", &[&job]);
        assert_eq!(db_bytes(d.path()), before);
        println!(
            "SLURM step ends with a killed PATHSAMPLE ({:.1} s)",
            t.elapsed().as_secs_f64()
        );

        // SIGTERM: PATHSAMPLE cancels its outstanding job and stops.
        let (d, _) = one_job(
            &slurm,
            &bin("OPTIM").display().to_string(),
            "SLURMQUEUE 1 --begin=now+3600\n",
        );
        let child = spawn_pathsample(&slurm, d.path());
        let id = wait_for_id(d.path());
        let pid = child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(!out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("were cancelled"), "{}", text(&out));
        assert_eq!(slurm.job_state(&id), "CANCELLED");
        check_db(d.path(), 2, 0);
    });
    println!("all Slurm cases: {:.1} s", t0.elapsed().as_secs_f64());
}

/// The Slurm job id of SLURMQUEUE job 1 in `dir`, once submitted.
fn wait_for_id(dir: &Path) -> String {
    let f = dir.join("optim.1").join("OPTIM.slurmid.1");
    let t = Instant::now();
    loop {
        if let Ok(id) = std::fs::read_to_string(&f) {
            if id.ends_with('\n') {
                return id.trim().to_string();
            }
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "no Slurm job was submitted"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Bad Slurm input is an error before anything runs (no Slurm needed): a deck line names the
/// file, line and keyword; SLURM outside an allocation says so; nothing is written.
#[test]
fn slurm_input_errors_are_clear_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    deck(d.path(), None, "SLURMQUEUE 0 -p short\n");
    let run = || {
        let mut c = Command::new(bin("PATHSAMPLE"));
        for (k, _) in std::env::vars() {
            if k.starts_with("SLURM_") {
                c.env_remove(k);
            }
        }
        c.current_dir(d.path()).output().unwrap()
    };
    let out = run();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("pathdata:12: SLURMQUEUE:"), "{err}");
    assert!(err.contains("SLURMQUEUE needs the number of jobs"), "{err}");
    deck(d.path(), None, "SLURM\n");
    let out = run();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("SLURM: not inside a Slurm allocation"),
        "{err}"
    );
    assert!(!d.path().join("min.data").exists());
    deck(d.path(), None, "SLURMQUEUE 2\nCOPYFILES missing.file\n");
    // (The job directory is made before anything is submitted: no Slurm needed.)
    let out = run();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("COPYFILES: cannot copy"), "{err}");
    assert!(err.contains("missing.file"), "{err}");
}
