//! OPTIM jobs: job files, launching `EXEC N` in a rolling pool of CPUS slots, timeouts, and
//! collecting `path.info.N` (algorithms.md §9.2, files.md §3.7, DECISION 6).

use crate::keywords::PathsampleInput;
use anyhow::{anyhow, bail, Context, Result};
use common::files::job::{is_stale_job_file, render_odata, JobCoords, JobFiles};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A job's pair and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// Unique increasing suffix.
    pub n: usize,
    /// First minimum (1-based; its coordinates go into odata.N).
    pub a: usize,
    /// Second minimum (finish.N).
    pub b: usize,
}

/// How a job ended.
#[derive(Debug)]
pub struct Finished {
    /// The job.
    pub job: Job,
    /// Whether OPTIM exited with status 0.
    pub success: bool,
    /// Whether it was killed for running past the timeout.
    pub timed_out: bool,
    /// `path.info.N`, if OPTIM wrote one.
    pub path_info: Option<PathBuf>,
    /// Why the job failed, when the runner knows more than its exit status (Slurm's job
    /// state, for example).
    pub note: Option<String>,
}

/// How job files write coordinates for this run.
pub fn coords_kind(input: &PathsampleInput) -> JobCoords {
    if input.db.is_atoms() {
        JobCoords::Atoms {
            symbol: input.symbol.clone(),
        }
    } else {
        JobCoords::Variables
    }
}

/// Check that a template ends with POINTS (atoms) or VARIABLES (networks).
pub fn check_template(text: &str, name: &str, kind: &JobCoords) -> Result<String> {
    render_odata(text, &[], kind).map_err(|m| anyhow!("{name}: {m}"))?;
    Ok(text.to_string())
}

/// The names of a job's files.
pub fn job_files(dir: &Path, n: usize) -> Vec<PathBuf> {
    JobFiles::new(n).all().iter().map(|f| dir.join(f)).collect()
}

/// Remove stale job files of an earlier (killed) run.
pub fn remove_stale(dir: &Path) -> Result<usize> {
    let mut n = 0;
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if let Some(name) = e.file_name().to_str() {
            if is_stale_job_file(name) && e.file_type()?.is_file() {
                std::fs::remove_file(e.path())?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Runs OPTIM jobs, at most `slots` at a time.
pub struct Pool {
    dir: PathBuf,
    exec: Vec<String>,
    slots: usize,
    timeout: Duration,
    running: Vec<(Job, Child, Instant)>,
}

impl Pool {
    /// A pool running `exec` (program and arguments) in `dir`.
    pub fn new(dir: &Path, exec: &[String], slots: usize, timeout_s: f64) -> Result<Pool> {
        let exec = exec.to_vec();
        if exec.is_empty() {
            bail!("EXEC is empty");
        }
        Ok(Pool {
            dir: dir.to_path_buf(),
            exec,
            slots: slots.max(1),
            timeout: Duration::from_secs_f64(timeout_s.max(0.001)),
            running: Vec::new(),
        })
    }

    /// The number of slots.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// The working directory the jobs run in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether a slot is free.
    pub fn has_free_slot(&self) -> bool {
        self.running.len() < self.slots
    }

    /// Number of running jobs.
    pub fn running(&self) -> usize {
        self.running.len()
    }

    /// Start `EXEC N` with stdout and stderr redirected to `OPTIM.connect.N`.
    pub fn launch(&mut self, job: Job) -> Result<()> {
        let log = File::create(self.dir.join(JobFiles::new(job.n).log))?;
        let err = log.try_clone()?;
        let mut cmd = Command::new(&self.exec[0]);
        // A job must not outlive PATHSAMPLE: if PATHSAMPLE is killed (even with SIGKILL), the
        // kernel kills its OPTIM children, so no orphan can write into a restarted run's files.
        common::process::die_with_parent(&mut cmd);
        let child = cmd
            .args(&self.exec[1..])
            .arg(job.n.to_string())
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err))
            .spawn()
            .with_context(|| format!("cannot start EXEC {}", self.exec.join(" ")))?;
        self.running.push((job, child, Instant::now()));
        Ok(())
    }

    /// Wait until some job ends (or is killed at its timeout) and return it.
    pub fn wait_any(&mut self) -> Result<Finished> {
        if self.running.is_empty() {
            return Err(anyhow!("no job is running"));
        }
        loop {
            for i in 0..self.running.len() {
                let (job, child, started) = &mut self.running[i];
                let status = child.try_wait()?;
                let timed_out = status.is_none() && started.elapsed() > self.timeout;
                if status.is_some() || timed_out {
                    let success = if timed_out {
                        let _ = child.kill();
                        let _ = child.wait();
                        false
                    } else {
                        status.is_some_and(|s| s.success())
                    };
                    let job = *job;
                    self.running.swap_remove(i);
                    let pi = self.dir.join(JobFiles::new(job.n).path_info);
                    return Ok(Finished {
                        job,
                        success,
                        timed_out,
                        path_info: pi.exists().then_some(pi),
                        note: None,
                    });
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kill every running job (on errors or a STOP request).
    pub fn kill_all(&mut self) {
        for (_, c, _) in &mut self.running {
            let _ = c.kill();
            let _ = c.wait();
        }
        self.running.clear();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.kill_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_must_end_with_the_coordinate_keyword() {
        let atoms = JobCoords::Atoms {
            symbol: "AX".into(),
        };
        assert!(check_template("BFGSTS\nPOINTS\n", "odata.connect", &atoms).is_ok());
        assert!(check_template(
            "BFGSTS\nVARIABLES\n\n",
            "odata.connect",
            &JobCoords::Variables
        )
        .is_ok());
        let e = check_template("BFGSTS\n", "odata.connect", &atoms).unwrap_err();
        assert!(e.to_string().contains("POINTS"));
    }

    #[test]
    fn a_hung_job_is_killed_at_its_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let mut pool = Pool::new(dir.path(), &["sleep".into()], 1, 0.2).unwrap();
        // `sleep N` with N = job number: job 30 sleeps 30 s unless killed.
        pool.launch(Job { n: 30, a: 1, b: 2 }).unwrap();
        let t = Instant::now();
        let f = pool.wait_any().unwrap();
        assert!(f.timed_out && !f.success);
        assert!(t.elapsed() < Duration::from_secs(5));
        assert!(f.path_info.is_none());
    }
}
