//! `SLURM [jpn]`: each OPTIM job is a job step of the allocation PATHSAMPLE runs in,
//! `srun --exclusive -N1 -n1 -c<cpus> --chdir=optim.N -J OPTIM.N -o optim.N/OPTIM.connect.N
//! EXEC... N`. srun's exit status is OPTIM's; JOBTIMEOUT sends srun SIGTERM (srun then
//! cancels the step); srun gets SIGTERM too when PATHSAMPLE dies, so no step outlives it.

use super::alloc::Allocation;
use super::cli::{SlurmCli, Step};
use super::{jobdir, JobRunner};
use crate::jobs::{Finished, Job};
use anyhow::{anyhow, Result};
use common::files::job::JobFiles;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long srun may take to end a step after SIGTERM before it is killed outright.
const TERMINATE_GRACE: Duration = Duration::from_secs(30);
/// Polling interval of the running srun processes.
const POLL: Duration = Duration::from_millis(20);

struct Running {
    job: Job,
    step: Box<dyn Step>,
    started: Instant,
    terminated: Option<Instant>,
}

/// Jobs as Slurm job steps.
pub struct StepPool {
    dir: PathBuf,
    exec: Vec<String>,
    alloc: Allocation,
    timeout: Duration,
    copyfiles: Vec<String>,
    cli: Box<dyn SlurmCli>,
    running: Vec<Running>,
}

impl StepPool {
    /// A pool of `alloc.slots` steps running `exec` for jobs in `dir/optim.N/`.
    pub fn new(
        dir: &Path,
        exec: &[String],
        alloc: Allocation,
        timeout_s: f64,
        copyfiles: Vec<String>,
        cli: Box<dyn SlurmCli>,
    ) -> Result<Self> {
        // Absolute: Slurm resolves --chdir and -o on the node, -o relative to --chdir.
        let dir = std::path::absolute(dir)?;
        Ok(Self {
            exec: jobdir::absolute_exec(&dir, exec)?,
            dir,
            alloc,
            timeout: Duration::from_secs_f64(timeout_s.max(0.001)),
            copyfiles,
            cli,
            running: Vec::new(),
        })
    }

    /// The srun arguments of job `n`.
    pub fn srun_args(&self, n: usize) -> Vec<String> {
        let jd = self.dir.join(jobdir::name(n));
        let mut a = vec![
            "--exclusive".to_string(),
            "-N1".into(),
            "-n1".into(),
            format!("-c{}", self.alloc.cpus_per_job),
            format!("--chdir={}", jd.display()),
            "-J".into(),
            format!("OPTIM.{n}"),
            "-o".into(),
            jd.join(JobFiles::new(n).log).display().to_string(),
        ];
        a.extend(self.exec.iter().cloned());
        a.push(n.to_string());
        a
    }

    fn finished(&self, r: &Running, code: Option<i32>) -> Finished {
        let jd = self.dir.join(jobdir::name(r.job.n));
        let timed_out = r.terminated.is_some();
        let note = if timed_out {
            None
        } else {
            match code {
                Some(0) => None,
                Some(c) => Some(format!(
                    "the job step exited with status {c}{}",
                    srun_said(&jd, r.job.n)
                )),
                None => Some(format!(
                    "srun was killed by a signal{}",
                    srun_said(&jd, r.job.n)
                )),
            }
        };
        Finished {
            job: r.job,
            success: code == Some(0) && !timed_out,
            timed_out,
            // A step killed at its timeout may have left a partial path.info.N.
            path_info: if timed_out {
                None
            } else {
                jobdir::path_info(&jd, r.job.n)
            },
            note,
        }
    }
}

/// The last line of srun's own messages, for the log.
fn srun_said(jd: &Path, n: usize) -> String {
    std::fs::read_to_string(jd.join(jobdir::srun_log(n)))
        .ok()
        .and_then(|t| {
            t.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map(str::to_string)
        })
        .map(|l| format!(" (srun: {})", l.trim()))
        .unwrap_or_default()
}

impl JobRunner for StepPool {
    fn slots(&self) -> usize {
        self.alloc.slots
    }

    fn has_free_slot(&self) -> bool {
        self.running.len() < self.alloc.slots
    }

    fn running(&self) -> usize {
        self.running.len()
    }

    fn job_dir(&mut self, n: usize) -> Result<PathBuf> {
        jobdir::prepare(&self.dir, n, &self.copyfiles, "steps")
    }

    fn launch(&mut self, job: Job) -> Result<()> {
        let log = self
            .dir
            .join(jobdir::name(job.n))
            .join(jobdir::srun_log(job.n));
        let step = self.cli.srun(&self.srun_args(job.n), &log)?;
        self.running.push(Running {
            job,
            step,
            started: Instant::now(),
            terminated: None,
        });
        Ok(())
    }

    fn wait_any(&mut self, _note: &mut dyn FnMut(String)) -> Result<Finished> {
        if self.running.is_empty() {
            return Err(anyhow!("no job is running"));
        }
        loop {
            for i in 0..self.running.len() {
                let r = &mut self.running[i];
                if let Some(code) = r.step.try_wait()? {
                    let r = self.running.swap_remove(i);
                    return Ok(self.finished(&r, code));
                }
                match r.terminated {
                    None if r.started.elapsed() > self.timeout => {
                        r.step.terminate();
                        r.terminated = Some(Instant::now());
                    }
                    Some(t) if t.elapsed() > TERMINATE_GRACE => {
                        r.step.kill();
                        let r = self.running.swap_remove(i);
                        return Ok(self.finished(&r, None));
                    }
                    _ => {}
                }
            }
            std::thread::sleep(POLL);
        }
    }

    fn clean(&mut self, n: usize, keep: bool) {
        if !keep {
            jobdir::remove(&self.dir, n);
        }
    }

    fn kill_all(&mut self) {
        for r in &mut self.running {
            r.step.terminate();
        }
        let t = Instant::now();
        for r in &mut self.running {
            while t.elapsed() < TERMINATE_GRACE {
                match r.step.try_wait() {
                    Ok(None) => std::thread::sleep(POLL),
                    _ => break,
                }
            }
            r.step.kill();
        }
        self.running.clear();
    }
}

impl Drop for StepPool {
    fn drop(&mut self) {
        self.kill_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::cli::{JobInfo, QueueEntry};
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A step that exits with `code` after `polls` polls, or never (`code` None) until
    /// terminated.
    struct FakeStep {
        polls: usize,
        code: Option<i32>,
        log: Rc<RefCell<Vec<String>>>,
        terminated: bool,
    }

    impl Step for FakeStep {
        fn try_wait(&mut self) -> Result<Option<Option<i32>>> {
            if self.terminated {
                return Ok(Some(None));
            }
            if self.polls == 0 {
                return Ok(self.code.map(Some));
            }
            self.polls -= 1;
            Ok(None)
        }
        fn terminate(&mut self) {
            self.log.borrow_mut().push("terminate".into());
            self.terminated = true;
        }
        fn kill(&mut self) {
            self.log.borrow_mut().push("kill".into());
        }
    }

    /// srun calls are recorded; job N's step exits with plan[N].
    struct FakeSrun {
        calls: Rc<RefCell<Vec<String>>>,
        plan: Vec<Option<i32>>,
    }

    impl SlurmCli for FakeSrun {
        fn sbatch(&self, _: &[String]) -> Result<String> {
            unreachable!()
        }
        fn srun(&self, args: &[String], _log: &Path) -> Result<Box<dyn Step>> {
            self.calls.borrow_mut().push(args.join(" "));
            let n: usize = args.last().unwrap().parse().unwrap();
            Ok(Box::new(FakeStep {
                polls: 2,
                code: self.plan[n],
                log: Rc::clone(&self.calls),
                terminated: false,
            }))
        }
        fn squeue(&self, _: &[String]) -> Result<Vec<QueueEntry>> {
            unreachable!()
        }
        fn scancel(&self, _: &[String]) -> Result<()> {
            unreachable!()
        }
        fn show_job(&self, _: &str) -> Result<Option<JobInfo>> {
            unreachable!()
        }
    }

    fn pool(
        dir: &Path,
        plan: Vec<Option<i32>>,
        timeout: f64,
    ) -> (StepPool, Rc<RefCell<Vec<String>>>) {
        let calls = Rc::new(RefCell::new(Vec::new()));
        let alloc = Allocation {
            slots: 2,
            cpus_per_job: 3,
            source: "test".into(),
            nodes_info: None,
        };
        let cli = FakeSrun {
            calls: Rc::clone(&calls),
            plan,
        };
        let p = StepPool::new(
            dir,
            &["OPTIM".into()],
            alloc,
            timeout,
            vec![],
            Box::new(cli),
        )
        .unwrap();
        (p, calls)
    }

    #[test]
    fn each_job_is_one_exclusive_step_in_its_directory() {
        let d = tempfile::tempdir().unwrap();
        let (mut p, calls) = pool(d.path(), vec![None, Some(0), Some(4)], 100.0);
        for n in [1, 2] {
            p.job_dir(n).unwrap();
            p.launch(Job { n, a: 1, b: 2 }).unwrap();
        }
        assert!(!p.has_free_slot());
        let jd = d.path().join("optim.1");
        assert_eq!(
            calls.borrow()[0],
            format!(
                "--exclusive -N1 -n1 -c3 --chdir={} -J OPTIM.1 -o {}/OPTIM.connect.1 OPTIM 1",
                jd.display(),
                jd.display()
            )
        );
        std::fs::write(jd.join("path.info.1"), "x").unwrap();
        let mut ends: Vec<Finished> = (0..2).map(|_| p.wait_any(&mut |_| {}).unwrap()).collect();
        ends.sort_by_key(|f| f.job.n);
        assert!(ends[0].success && ends[0].path_info.is_some());
        assert!(!ends[1].success && !ends[1].timed_out);
        assert!(ends[1].note.as_deref().unwrap().contains("status 4"));
        p.clean(1, false);
        assert!(!jd.exists());
    }

    #[test]
    fn jobtimeout_terminates_the_step() {
        let d = tempfile::tempdir().unwrap();
        let (mut p, calls) = pool(d.path(), vec![None, None], 0.05);
        p.job_dir(1).unwrap();
        p.launch(Job { n: 1, a: 1, b: 2 }).unwrap();
        let f = p.wait_any(&mut |_| {}).unwrap();
        assert!(f.timed_out && !f.success && f.path_info.is_none());
        assert!(calls.borrow().iter().any(|c| c == "terminate"));
    }
}
