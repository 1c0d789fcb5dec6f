//! `SLURMQUEUE n [sbatch options...]`: each OPTIM job is a Slurm batch job of its own
//! (PATHSAMPLE runs on a login node). At most n jobs are outstanding. Job N is
//! `sbatch --parsable -J OPTIM.N --chdir=optim.N -o optim.N/OPTIM.connect.N --time=<JOBTIMEOUT>
//! [options] optim.N/OPTIM.sbatch.N`, a script that runs `EXEC N` and records its exit status
//! in `OPTIM.status.N`. One `squeue` call per poll covers every outstanding id (not one
//! `sbatch --wait` per job: that returns 0 for a job cancelled while pending). A job that
//! has left the queue is judged by its recorded status and `path.info.N`; without a recorded
//! status (TIMEOUT, CANCELLED, NODE_FAIL, ...) it is a failed attempt, named with Slurm's
//! state from `scontrol show job -o`. A job pending long is reported with Slurm's reason.
//! SIGINT, SIGTERM and SIGHUP, errors and the end of the cycles `scancel` every outstanding
//! id.

use super::cli::{QueueEntry, SlurmCli};
use super::{jobdir, JobRunner};
use crate::jobs::{Finished, Job};
use anyhow::{anyhow, bail, Result};
use common::files::job::JobFiles;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest time between two `squeue` calls.
pub const POLL: Duration = Duration::from_secs(2);
/// The first `squeue` call after a submission comes this soon; the interval then doubles up
/// to the poll setting while nothing changes (short jobs are seen to end quickly, long ones
/// cost one call per poll).
const FIRST_POLL: Duration = Duration::from_millis(250);
/// How long `squeue` may keep failing (controller restart, network) before PATHSAMPLE gives up.
const SQUEUE_PATIENCE: Duration = Duration::from_secs(600);
/// Granularity of the wait between polls (signals are noticed this fast).
const TICK: Duration = Duration::from_millis(50);

/// Job states in which a job is still in the queue.
const ACTIVE: &[&str] = &[
    "PENDING",
    "RUNNING",
    "COMPLETING",
    "CONFIGURING",
    "SUSPENDED",
    "REQUEUED",
    "REQUEUE_HOLD",
    "REQUEUE_FED",
    "RESIZING",
    "SIGNALING",
    "STAGE_OUT",
    "STOPPED",
    "RESV_DEL_HOLD",
];

/// The signals that make PATHSAMPLE cancel its Slurm jobs and stop.
pub const STOP_SIGNALS: [i32; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// The name of a stop signal.
pub fn signal_name(signal: i32) -> String {
    match signal {
        libc::SIGINT => "SIGINT".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGHUP => "SIGHUP".into(),
        s => format!("signal {s}"),
    }
}

/// Which stop signal has arrived, if any. [`StopSignals::install`] registers handlers that
/// record the signal instead of ending PATHSAMPLE, once per run and for the rest of the
/// process (signal-hook cannot give a signal its default action back); the queue honours the
/// signal at its next poll, and PATHSAMPLE spends its SLURMQUEUE cycles waiting in one.
#[derive(Debug, Clone)]
pub struct StopSignals {
    flag: Arc<AtomicUsize>,
}

impl StopSignals {
    /// A flag no signal sets (tests).
    pub fn never() -> Self {
        Self {
            flag: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Handlers for [`STOP_SIGNALS`] that record the signal instead of ending PATHSAMPLE.
    pub fn install() -> Result<Self> {
        let s = Self::never();
        for sig in STOP_SIGNALS {
            signal_hook::flag::register_usize(sig, Arc::clone(&s.flag), sig as usize)?;
        }
        Ok(s)
    }

    /// The signal that arrived.
    pub fn signal(&self) -> Option<i32> {
        match self.flag.load(Ordering::SeqCst) {
            0 => None,
            s => i32::try_from(s).ok(),
        }
    }

    /// Record `signal` as if it had arrived (tests).
    pub fn raise(&self, signal: i32) {
        self.flag.store(signal as usize, Ordering::SeqCst);
    }
}

/// SLURMQUEUE settings.
#[derive(Debug, Clone)]
pub struct QueueSettings {
    /// At most this many jobs outstanding.
    pub max_jobs: usize,
    /// Extra sbatch options.
    pub sbatch_options: Vec<String>,
    /// JOBTIMEOUT (seconds): the job's `--time`, rounded up to whole minutes.
    pub job_timeout_s: f64,
    /// Report a job pending longer than this (and again after each such interval).
    pub pending_report: Duration,
    /// Time between squeue calls.
    pub poll: Duration,
    /// COPYFILES.
    pub copyfiles: Vec<String>,
    /// How long a job that Slurm says ended by itself (COMPLETED, FAILED) may take to show
    /// its recorded exit status on the shared filesystem.
    pub fs_grace: Duration,
}

struct Queued {
    job: Job,
    id: String,
    submitted: Instant,
    reported: Instant,
}

/// Jobs as Slurm batch jobs.
pub struct QueuePool {
    dir: PathBuf,
    exec: Vec<String>,
    settings: QueueSettings,
    cli: Box<dyn SlurmCli>,
    stop: StopSignals,
    outstanding: Vec<Queued>,
    /// Jobs seen to have left the queue, not yet returned by wait_any.
    left: VecDeque<Queued>,
    last_poll: Option<Instant>,
    interval: Duration,
    /// This run's job directories (checked by the batch scripts).
    token: String,
    squeue_failing: Option<Instant>,
}

/// `--time` in whole minutes (at least 1) for a JOBTIMEOUT in seconds.
pub fn time_limit_minutes(seconds: f64) -> u64 {
    ((seconds / 60.0).ceil() as u64).max(1)
}

impl QueuePool {
    /// A queue of batch jobs running `exec` for jobs in `dir/optim.N/`.
    pub fn new(
        dir: &Path,
        exec: &[String],
        settings: QueueSettings,
        cli: Box<dyn SlurmCli>,
        stop: StopSignals,
    ) -> Result<Self> {
        // Absolute: Slurm resolves --chdir and -o on the node, -o relative to --chdir.
        let dir = std::path::absolute(dir)?;
        Ok(Self {
            exec: jobdir::absolute_exec(&dir, exec)?,
            dir,
            settings,
            cli,
            stop,
            outstanding: Vec::new(),
            left: VecDeque::new(),
            last_poll: None,
            interval: FIRST_POLL,
            token: jobdir::run_token(),
            squeue_failing: None,
        })
    }

    /// The sbatch arguments of job `n` (without `--parsable`, which the CLI adds).
    pub fn sbatch_args(&self, n: usize) -> Vec<String> {
        let jd = self.dir.join(jobdir::name(n));
        let mut a = vec![
            "-J".to_string(),
            format!("OPTIM.{n}"),
            format!("--chdir={}", jd.display()),
            "-o".into(),
            jd.join(JobFiles::new(n).log).display().to_string(),
            "-n1".into(),
            format!("--time={}", time_limit_minutes(self.settings.job_timeout_s)),
        ];
        a.extend(self.settings.sbatch_options.iter().cloned());
        a.push(jd.join(jobdir::script_file(n)).display().to_string());
        a
    }

    fn ids(&self) -> Vec<String> {
        self.outstanding.iter().map(|q| q.id.clone()).collect()
    }

    /// One squeue call: move the jobs that left the queue to `left`; report long pending.
    fn poll(&mut self, note: &mut dyn FnMut(String)) -> Result<()> {
        let entries: Vec<QueueEntry> = match self.cli.squeue(&self.ids()) {
            Ok(e) => {
                self.squeue_failing = None;
                e
            }
            Err(e) => {
                let since = *self.squeue_failing.get_or_insert_with(Instant::now);
                if since.elapsed() > SQUEUE_PATIENCE {
                    bail!(
                        "squeue has failed for {} s: {e:#}",
                        since.elapsed().as_secs()
                    );
                }
                note(format!("cycle> squeue failed ({e:#}); trying again"));
                return Ok(());
            }
        };
        let mut still = Vec::new();
        for q in std::mem::take(&mut self.outstanding) {
            match entries.iter().find(|e| e.id == q.id) {
                Some(e) if ACTIVE.contains(&e.state.as_str()) => {
                    let mut q = q;
                    // Waiting (PENDING, REQUEUE_HOLD, SUSPENDED, ...), not running.
                    let waiting =
                        !["RUNNING", "COMPLETING", "CONFIGURING"].contains(&e.state.as_str());
                    if waiting && q.reported.elapsed() >= self.settings.pending_report {
                        note(format!(
                            "cycle> job {}: Slurm job {} has been {} for {} s (reason: {})",
                            q.job.n,
                            q.id,
                            e.state.to_ascii_lowercase(),
                            q.submitted.elapsed().as_secs(),
                            e.reason
                        ));
                        q.reported = Instant::now();
                    }
                    still.push(q);
                }
                _ => self.left.push_back(q),
            }
        }
        self.outstanding = still;
        Ok(())
    }

    /// How a job that left the queue ended.
    fn judge(&self, q: &Queued) -> Finished {
        let jd = self.dir.join(jobdir::name(q.job.n));
        let mut recorded = jobdir::recorded_status(&jd, q.job.n);
        let info = self.cli.show_job(&q.id).ok().flatten();
        // A script that ended by itself has recorded a status; on a network filesystem it may
        // show here a little later than Slurm reports the job's end.
        let ended_itself = info
            .as_ref()
            .is_some_and(|i| i.state == "COMPLETED" || i.state == "FAILED");
        let t = Instant::now();
        while recorded.is_none() && ended_itself && t.elapsed() < self.settings.fs_grace {
            std::thread::sleep(TICK);
            // Listing the directory makes an NFS client look again.
            let _ = std::fs::read_dir(&jd).map(|d| d.count());
            recorded = jobdir::recorded_status(&jd, q.job.n);
        }
        let state = info
            .as_ref()
            .map(|i| {
                format!(
                    "{} (reason {}, exit code {})",
                    i.state, i.reason, i.exit_code
                )
            })
            .unwrap_or_else(|| "no longer known to Slurm".into());
        match recorded {
            Some(code) => Finished {
                job: q.job,
                success: code == 0,
                timed_out: false,
                path_info: jobdir::path_info(&jd, q.job.n),
                note: (code != 0)
                    .then(|| format!("Slurm job {}: OPTIM exited with status {code}", q.id)),
            },
            None => Finished {
                job: q.job,
                success: false,
                timed_out: info.as_ref().is_some_and(|i| i.state == "TIMEOUT"),
                // Killed before OPTIM returned: a path.info.N may be partial.
                path_info: None,
                note: Some(format!(
                    "Slurm job {} ended without recording OPTIM's exit status: {state}",
                    q.id
                )),
            },
        }
    }
}

impl JobRunner for QueuePool {
    fn slots(&self) -> usize {
        self.settings.max_jobs
    }

    fn has_free_slot(&self) -> bool {
        self.running() < self.settings.max_jobs
    }

    fn running(&self) -> usize {
        self.outstanding.len() + self.left.len()
    }

    fn job_dir(&mut self, n: usize) -> Result<PathBuf> {
        jobdir::prepare(&self.dir, n, &self.settings.copyfiles, &self.token)
    }

    fn launch(&mut self, job: Job) -> Result<()> {
        let jd = self.dir.join(jobdir::name(job.n));
        let script = jd.join(jobdir::script_file(job.n));
        std::fs::write(
            &script,
            jobdir::batch_script(&jd, &self.exec, job.n, &self.token),
        )?;
        let id = self.cli.sbatch(&self.sbatch_args(job.n))?;
        let now = Instant::now();
        self.interval = FIRST_POLL.min(self.settings.poll);
        self.outstanding.push(Queued {
            job,
            id: id.clone(),
            submitted: now,
            reported: now,
        });
        // For the user (squeue, scancel) and the tests: which Slurm job is job N.
        std::fs::write(jd.join(jobdir::id_file(job.n)), format!("{id}\n"))?;
        Ok(())
    }

    fn wait_any(&mut self, note: &mut dyn FnMut(String)) -> Result<Finished> {
        if self.running() == 0 {
            return Err(anyhow!("no job is running"));
        }
        loop {
            if let Some(sig) = self.stop.signal() {
                let n = self.outstanding.len() + self.left.len();
                self.kill_all();
                bail!(
                    "stopped by {}: the {n} outstanding Slurm job(s) were cancelled",
                    signal_name(sig)
                );
            }
            if let Some(q) = self.left.pop_front() {
                return Ok(self.judge(&q));
            }
            let due = self.last_poll.is_none_or(|t| t.elapsed() >= self.interval);
            if due {
                self.last_poll = Some(Instant::now());
                self.poll(note)?;
                if self.left.is_empty() {
                    self.interval = (self.interval * 2).min(self.settings.poll);
                }
                continue;
            }
            std::thread::sleep(TICK.min(self.interval));
        }
    }

    fn clean(&mut self, n: usize, keep: bool) {
        if !keep {
            jobdir::remove(&self.dir, n);
        }
    }

    fn kill_all(&mut self) {
        let ids = self.ids();
        if !ids.is_empty() {
            if let Err(e) = self.cli.scancel(&ids) {
                log::warn!("scancel {}: {e:#}", ids.join(" "));
            }
        }
        self.outstanding.clear();
        self.left.clear();
    }
}

impl Drop for QueuePool {
    fn drop(&mut self) {
        self.kill_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::cli::{JobInfo, Step};
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    /// What a fake job does: stays pending for `pending` polls (reason `reason`), runs for
    /// `running` polls, then leaves the queue, recording `status` (None: killed) with final
    /// state `state`.
    #[derive(Clone)]
    struct Plan {
        pending: usize,
        running: usize,
        status: Option<i32>,
        state: &'static str,
        reason: &'static str,
    }

    #[derive(Default)]
    struct State {
        plans: Vec<Plan>,
        /// id -> (job dir, job number, polls seen).
        jobs: HashMap<String, (PathBuf, usize, usize)>,
        calls: Vec<String>,
        next_id: usize,
    }

    #[derive(Clone, Default)]
    struct FakeSlurm(Rc<RefCell<State>>);

    impl SlurmCli for FakeSlurm {
        fn sbatch(&self, args: &[String]) -> Result<String> {
            let mut s = self.0.borrow_mut();
            s.calls.push(format!("sbatch {}", args.join(" ")));
            let jd = args
                .iter()
                .find_map(|a| a.strip_prefix("--chdir="))
                .map(PathBuf::from)
                .unwrap();
            let n: usize = args[1].strip_prefix("OPTIM.").unwrap().parse().unwrap();
            s.next_id += 1;
            let id = (1000 + s.next_id).to_string();
            s.jobs.insert(id.clone(), (jd, n, 0));
            Ok(id)
        }
        fn srun(&self, _: &[String], _: &Path) -> Result<Box<dyn Step>> {
            unreachable!()
        }
        fn squeue(&self, ids: &[String]) -> Result<Vec<QueueEntry>> {
            let mut s = self.0.borrow_mut();
            s.calls.push(format!("squeue {}", ids.join(",")));
            let plans = s.plans.clone();
            let mut out = Vec::new();
            for id in ids {
                let Some((jd, n, polls)) = s.jobs.get_mut(id) else {
                    continue;
                };
                *polls += 1;
                let p = &plans[*n];
                let state = if *polls <= p.pending {
                    "PENDING"
                } else if *polls <= p.pending + p.running {
                    "RUNNING"
                } else {
                    if let Some(c) = p.status {
                        std::fs::write(jd.join(jobdir::status_file(*n)), format!("{c}\n")).unwrap();
                    }
                    continue;
                };
                out.push(QueueEntry {
                    id: id.clone(),
                    state: state.into(),
                    reason: p.reason.into(),
                });
            }
            Ok(out)
        }
        fn scancel(&self, ids: &[String]) -> Result<()> {
            self.0
                .borrow_mut()
                .calls
                .push(format!("scancel {}", ids.join(" ")));
            Ok(())
        }
        fn show_job(&self, id: &str) -> Result<Option<JobInfo>> {
            let s = self.0.borrow();
            let (_, n, _) = &s.jobs[id];
            let p = &s.plans[*n];
            Ok(Some(JobInfo {
                state: p.state.into(),
                reason: p.reason.into(),
                exit_code: "0:0".into(),
            }))
        }
    }

    fn plan(pending: usize, running: usize, status: Option<i32>, state: &'static str) -> Plan {
        Plan {
            pending,
            running,
            status,
            state,
            reason: "None",
        }
    }

    fn pool(dir: &Path, plans: Vec<Plan>, max_jobs: usize) -> (QueuePool, FakeSlurm) {
        let fake = FakeSlurm::default();
        fake.0.borrow_mut().plans = plans;
        let settings = QueueSettings {
            max_jobs,
            sbatch_options: vec!["-p".into(), "short".into()],
            job_timeout_s: 90.0,
            pending_report: Duration::from_secs(3600),
            poll: Duration::from_millis(1),
            copyfiles: vec![],
            fs_grace: Duration::from_millis(200),
        };
        let p = QueuePool::new(
            dir,
            &["OPTIM".into()],
            settings,
            Box::new(fake.clone()),
            StopSignals::never(),
        )
        .unwrap();
        (p, fake)
    }

    fn start(p: &mut QueuePool, n: usize) {
        p.job_dir(n).unwrap();
        p.launch(Job { n, a: 1, b: 2 }).unwrap();
    }

    #[test]
    fn jobs_are_submitted_with_their_directory_time_and_options() {
        let d = tempfile::tempdir().unwrap();
        let (mut p, fake) = pool(d.path(), vec![plan(0, 0, Some(0), "COMPLETED"); 2], 1);
        start(&mut p, 1);
        assert!(!p.has_free_slot());
        let jd = d.path().join("optim.1");
        assert_eq!(
            fake.0.borrow().calls[0],
            format!(
                "sbatch -J OPTIM.1 --chdir={jd} -o {jd}/OPTIM.connect.1 -n1 --time=2 -p short \
                 {jd}/OPTIM.sbatch.1",
                jd = jd.display()
            )
        );
        assert!(std::fs::read_to_string(jd.join("OPTIM.sbatch.1"))
            .unwrap()
            .contains("'OPTIM' 1\n"));
        assert_eq!(time_limit_minutes(3600.0), 60);
        assert_eq!(time_limit_minutes(5.0), 1);
    }

    #[test]
    fn one_squeue_call_covers_every_outstanding_job_and_each_end_is_judged() {
        let d = tempfile::tempdir().unwrap();
        let plans = vec![
            plan(0, 0, None, ""),
            plan(1, 1, Some(0), "COMPLETED"),
            plan(0, 2, Some(3), "FAILED"),
            plan(0, 3, None, "TIMEOUT"),
            plan(5, 0, None, "CANCELLED"),
            plan(0, 1, None, "NODE_FAIL"),
        ];
        let (mut p, fake) = pool(d.path(), plans, 5);
        for n in 1..=4 {
            start(&mut p, n);
        }
        std::fs::write(d.path().join("optim.1/path.info.1"), "x").unwrap();
        std::fs::write(d.path().join("optim.3/path.info.3"), "x").unwrap();
        let mut ends: Vec<Finished> = Vec::new();
        while p.running() > 0 {
            ends.push(p.wait_any(&mut |_| {}).unwrap());
            if ends.len() == 1 {
                start(&mut p, 5);
            }
        }
        ends.sort_by_key(|f| f.job.n);
        // Every squeue call lists all outstanding ids at once.
        let calls = fake.0.borrow().calls.clone();
        let first = calls.iter().find(|c| c.starts_with("squeue")).unwrap();
        assert_eq!(first, "squeue 1001,1002,1003,1004");
        assert!(
            calls.iter().any(|c| c == "squeue 1003,1004,1005"),
            "{calls:?}"
        );
        let by = |n: usize| ends.iter().find(|f| f.job.n == n).unwrap();
        assert!(by(1).success && by(1).path_info.is_some());
        assert!(!by(2).success && by(2).note.as_deref().unwrap().contains("status 3"));
        assert!(!by(3).success && by(3).timed_out && by(3).path_info.is_none());
        assert!(by(3).note.as_deref().unwrap().contains("TIMEOUT"));
        assert!(!by(4).success && by(4).note.as_deref().unwrap().contains("CANCELLED"));
        assert!(!by(5).success && by(5).note.as_deref().unwrap().contains("NODE_FAIL"));
        // Nothing was left to cancel.
        drop(p);
        assert!(!fake
            .0
            .borrow()
            .calls
            .iter()
            .any(|c| c.starts_with("scancel")));
    }

    #[test]
    fn a_completed_job_without_a_visible_status_is_waited_for_then_failed() {
        let d = tempfile::tempdir().unwrap();
        let (mut p, _fake) = pool(d.path(), vec![plan(0, 0, None, "COMPLETED"); 2], 1);
        start(&mut p, 1);
        let t = Instant::now();
        let f = p.wait_any(&mut |_| {}).unwrap();
        assert!(t.elapsed() >= Duration::from_millis(200));
        assert!(!f.success && !f.timed_out);
        assert!(f.note.unwrap().contains("COMPLETED"));
    }

    #[test]
    fn a_long_pending_job_is_reported_with_slurms_reason() {
        let d = tempfile::tempdir().unwrap();
        let mut pl = plan(3, 0, Some(0), "COMPLETED");
        pl.reason = "Resources";
        let (mut p, _fake) = pool(d.path(), vec![pl.clone(), pl], 1);
        p.settings.pending_report = Duration::ZERO;
        start(&mut p, 1);
        let mut notes = Vec::new();
        let f = p.wait_any(&mut |m| notes.push(m)).unwrap();
        assert!(f.success);
        assert!(!notes.is_empty());
        assert!(
            notes[0].contains("Slurm job 1001 has been pending") && notes[0].contains("Resources"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_stop_signal_or_the_end_cancels_every_outstanding_job() {
        let d = tempfile::tempdir().unwrap();
        let (mut p, fake) = pool(d.path(), vec![plan(100, 0, None, ""); 3], 2);
        start(&mut p, 1);
        start(&mut p, 2);
        p.stop.raise(libc::SIGTERM);
        let e = p.wait_any(&mut |_| {}).unwrap_err();
        assert!(
            e.to_string()
                .contains("2 outstanding Slurm job(s) were cancelled"),
            "{e}"
        );
        assert!(fake
            .0
            .borrow()
            .calls
            .contains(&"scancel 1001 1002".to_string()));
        assert_eq!(p.running(), 0);
        // Dropping a pool with outstanding jobs cancels them too.
        let (mut p, fake) = pool(d.path(), vec![plan(100, 0, None, ""); 3], 2);
        start(&mut p, 1);
        drop(p);
        assert_eq!(fake.0.borrow().calls.last().unwrap(), "scancel 1001");
    }
}
