//! Where PATHSAMPLE's OPTIM jobs run: on this machine ([`crate::jobs::Pool`]), as Slurm job
//! steps inside the allocation PATHSAMPLE runs in (`SLURM [jpn]`, [`steps`]), or as Slurm
//! batch jobs of their own (`SLURMQUEUE n [sbatch options...]`, [`queue`]).
//!
//! The Slurm modes run job N in its own directory `optim.N/` ([`jobdir`]) on the shared
//! filesystem, with the COPYFILES copied in. Every mode is a [`JobRunner`], the interface the
//! cycles of [`crate::run`] use; Slurm is reached through the [`cli::SlurmCli`] trait.

pub mod alloc;
pub mod cli;
pub mod jobdir;
pub mod queue;
pub mod steps;

use crate::jobs::{job_files, Finished, Job, Pool};
use anyhow::Result;
use common::deck::{DeckError, Line};
use std::path::{Path, PathBuf};

/// How OPTIM jobs are run.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ClusterMode {
    /// On this machine, CPUS at a time (the default).
    #[default]
    Local,
    /// `SLURM [jpn]`: job steps of the allocation PATHSAMPLE runs in.
    Steps {
        /// Jobs per node (`None`: one per task of the allocation).
        jpn: Option<usize>,
    },
    /// `SLURMQUEUE n [sbatch options...]`: each job a batch job of its own.
    Queue {
        /// At most this many jobs queued or running.
        max_jobs: usize,
        /// Extra `sbatch` options (partition, account, memory, ...).
        sbatch_options: Vec<String>,
    },
}

/// The cluster keywords of `pathdata`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterConfig {
    /// SLURM / SLURMQUEUE.
    pub mode: ClusterMode,
    /// COPYFILES: files of the working directory copied into each job directory.
    pub copyfiles: Vec<String>,
    /// SLURMPENDING s: a SLURMQUEUE job pending longer than s seconds is reported, with
    /// Slurm's reason, every s seconds.
    pub pending_report_s: f64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            mode: ClusterMode::Local,
            copyfiles: Vec::new(),
            pending_report_s: 600.0,
        }
    }
}

/// sbatch options SLURMQUEUE sets itself (or that would block PATHSAMPLE).
const RESERVED_SBATCH: &[&str] = &[
    "--parsable",
    "--wait",
    "-W",
    "--chdir",
    "-D",
    "--output",
    "-o",
    "--error",
    "-e",
    "--array",
    "-a",
];

impl ClusterConfig {
    /// Read one of the keywords SLURM, SLURMQUEUE, SLURMPENDING, COPYFILES.
    pub fn read(&mut self, line: &Line) -> Result<(), DeckError> {
        match line.keyword() {
            "SLURM" => {
                line.expect_args(0, 1)?;
                let jpn = line.opt_usize(1)?;
                if jpn == Some(0) {
                    return Err(line.error_at(1, "jobs per node must be at least 1"));
                }
                self.set_mode(line, ClusterMode::Steps { jpn })
            }
            "SLURMQUEUE" => {
                let n = line.opt_usize(1)?.unwrap_or(0);
                if n == 0 {
                    return Err(line.error_at(
                        1,
                        "SLURMQUEUE needs the number of jobs to keep queued (at least 1)",
                    ));
                }
                let opts: Vec<String> = line.args()[1..]
                    .iter()
                    .map(|it| it.text().to_string())
                    .collect();
                for (k, o) in opts.iter().enumerate() {
                    let name = o.split('=').next().unwrap_or(o);
                    if RESERVED_SBATCH.contains(&name) {
                        return Err(line.error_at(
                            k + 2,
                            format!("the sbatch option {name} is set by PATHSAMPLE itself"),
                        ));
                    }
                }
                self.set_mode(
                    line,
                    ClusterMode::Queue {
                        max_jobs: n,
                        sbatch_options: opts,
                    },
                )
            }
            "SLURMPENDING" => {
                line.expect_args(1, 1)?;
                let s = line.f64(1)?;
                if !(s.is_finite() && s > 0.0) {
                    return Err(line.error_at(1, "needs a positive number of seconds"));
                }
                self.pending_report_s = s;
                Ok(())
            }
            "COPYFILES" => {
                if line.nargs() == 0 {
                    return Err(line.error("COPYFILES needs one or more file names"));
                }
                for (k, it) in line.args().iter().enumerate() {
                    let f = it.text();
                    if f.is_empty() || Path::new(f).is_absolute() {
                        return Err(line.error_at(
                            k + 1,
                            "expected a file of the working directory (a relative name)",
                        ));
                    }
                    self.copyfiles.push(f.to_string());
                }
                Ok(())
            }
            _ => Err(line.unknown()),
        }
    }

    fn set_mode(&mut self, line: &Line, mode: ClusterMode) -> Result<(), DeckError> {
        if self.mode != ClusterMode::Local
            && std::mem::discriminant(&self.mode) != std::mem::discriminant(&mode)
        {
            return Err(line.error("SLURM and SLURMQUEUE exclude each other"));
        }
        self.mode = mode;
        Ok(())
    }
}

/// A way of running OPTIM jobs (the local pool, Slurm job steps, Slurm batch jobs).
pub trait JobRunner {
    /// Jobs that may run at a time.
    fn slots(&self) -> usize;
    /// Whether another job may start now.
    fn has_free_slot(&self) -> bool;
    /// Jobs started and not yet returned by [`JobRunner::wait_any`].
    fn running(&self) -> usize;
    /// The directory where job `n` reads `odata.N`/`finish.N` and writes its results (made
    /// ready: in the Slurm modes a fresh `optim.N/` with the COPYFILES).
    fn job_dir(&mut self, n: usize) -> Result<PathBuf>;
    /// Start `EXEC N` in [`JobRunner::job_dir`].
    fn launch(&mut self, job: Job) -> Result<()>;
    /// Wait until some job ends; `note` receives progress lines (a job pending long).
    fn wait_any(&mut self, note: &mut dyn FnMut(String)) -> Result<Finished>;
    /// Remove job `n`'s files once its results are read (`keep`: DEBUG/COPYOPTIM keep them).
    fn clean(&mut self, n: usize, keep: bool);
    /// Stop every job (errors; also done when the runner is dropped).
    fn kill_all(&mut self);
}

impl JobRunner for Pool {
    fn slots(&self) -> usize {
        Pool::slots(self)
    }
    fn has_free_slot(&self) -> bool {
        Pool::has_free_slot(self)
    }
    fn running(&self) -> usize {
        Pool::running(self)
    }
    fn job_dir(&mut self, _n: usize) -> Result<PathBuf> {
        Ok(self.dir().to_path_buf())
    }
    fn launch(&mut self, job: Job) -> Result<()> {
        Pool::launch(self, job)
    }
    fn wait_any(&mut self, _note: &mut dyn FnMut(String)) -> Result<Finished> {
        Pool::wait_any(self)
    }
    fn clean(&mut self, n: usize, keep: bool) {
        if !keep {
            for p in job_files(self.dir(), n) {
                let _ = std::fs::remove_file(p);
            }
        }
    }
    fn kill_all(&mut self) {
        Pool::kill_all(self)
    }
}

/// The runner the deck asks for: `local_slots` (CPUS) local jobs, or the Slurm mode. The
/// second item of the returned pair describes the Slurm mode for the log. `stop`: the run's
/// stop-signal handlers, installed by the first SLURMQUEUE runner and shared by the later
/// ones.
pub fn runner(
    dir: &Path,
    input: &crate::keywords::PathsampleInput,
    local_slots: usize,
    exec: &[String],
    stop: &mut Option<queue::StopSignals>,
) -> Result<(Box<dyn JobRunner>, Option<String>)> {
    let cfg = &input.cluster;
    match &cfg.mode {
        ClusterMode::Local => Ok((
            Box::new(Pool::new(dir, exec, local_slots, input.job_timeout)?),
            None,
        )),
        ClusterMode::Steps { jpn } => {
            let env = |k: &str| std::env::var(k).ok();
            let a = alloc::allocation(dir, *jpn, &env)?;
            let line = format!(
                "cluster> SLURM: {} job steps at a time ({}), {} CPU(s) each, in optim.N/",
                a.slots, a.source, a.cpus_per_job
            );
            let pool = steps::StepPool::new(
                dir,
                exec,
                a,
                input.job_timeout,
                cfg.copyfiles.clone(),
                Box::new(cli::RealSlurm),
            )?;
            Ok((Box::new(pool), Some(line)))
        }
        ClusterMode::Queue {
            max_jobs,
            sbatch_options,
        } => {
            let line = format!(
                "cluster> SLURMQUEUE: at most {max_jobs} Slurm batch jobs at a time{}, in optim.N/",
                if sbatch_options.is_empty() {
                    String::new()
                } else {
                    format!(" (sbatch {})", sbatch_options.join(" "))
                }
            );
            let settings = queue::QueueSettings {
                max_jobs: *max_jobs,
                sbatch_options: sbatch_options.clone(),
                job_timeout_s: input.job_timeout,
                pending_report: std::time::Duration::from_secs_f64(cfg.pending_report_s),
                poll: queue::POLL,
                copyfiles: cfg.copyfiles.clone(),
                fs_grace: std::time::Duration::from_secs(30),
            };
            let stop = match stop {
                Some(s) => s.clone(),
                None => stop.insert(queue::StopSignals::install()?).clone(),
            };
            let pool = queue::QueuePool::new(dir, exec, settings, Box::new(cli::RealSlurm), stop)?;
            Ok((Box::new(pool), Some(line)))
        }
    }
}

/// Remove what a killed run left: stale job files and `optim.N/` job directories; the
/// SLURMQUEUE jobs recorded in those are `scancel`ed (a failure is a warning: they cannot
/// work in this run's directories anyway, [`jobdir::batch_script`]).
pub fn remove_stale(dir: &Path) -> Result<usize> {
    let (dirs, ids) = jobdir::remove_stale(dir)?;
    if !ids.is_empty() {
        if let Err(e) = cli::SlurmCli::scancel(&cli::RealSlurm, &ids) {
            log::warn!("cancelling the Slurm jobs of an earlier run: {e:#}");
        }
    }
    Ok(crate::jobs::remove_stale(dir)? + dirs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keywords::PathsampleInput;
    use common::deck::Deck;

    fn read(text: &str) -> Result<PathsampleInput, DeckError> {
        PathsampleInput::from_deck(&Deck::parse(&format!("NATOMS 3\n{text}"), "pathdata").unwrap())
    }

    #[test]
    fn the_cluster_keywords_are_read() {
        let s = read("SLURM\n").unwrap();
        assert_eq!(s.cluster.mode, ClusterMode::Steps { jpn: None });
        let s = read("SLURM 4\nCOPYFILES perm.allow data.extra\n").unwrap();
        assert_eq!(s.cluster.mode, ClusterMode::Steps { jpn: Some(4) });
        assert_eq!(s.cluster.copyfiles, ["perm.allow", "data.extra"]);
        let s = read("SLURMQUEUE 8 -p short '--constraint=a,b'\nSLURMPENDING 60\n").unwrap();
        assert_eq!(
            s.cluster.mode,
            ClusterMode::Queue {
                max_jobs: 8,
                sbatch_options: vec!["-p".into(), "short".into(), "--constraint=a,b".into()]
            }
        );
        assert_eq!(s.cluster.pending_report_s, 60.0);
    }

    #[test]
    fn bad_cluster_lines_name_the_line_and_keyword() {
        let e = read("SLURMQUEUE 0\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("SLURMQUEUE"), "{e}");
        let e = read("SLURMQUEUE 2 --wait\n").unwrap_err();
        assert!(e.to_string().contains("--wait is set by PATHSAMPLE"), "{e}");
        let e = read("SLURM\nSLURMQUEUE 2\n").unwrap_err();
        assert!(e.to_string().contains("exclude each other"), "{e}");
        let e = read("SLURM 0\n").unwrap_err();
        assert!(e.to_string().contains("at least 1"), "{e}");
        let e = read("SLURM 2 3\n").unwrap_err();
        assert!(e.to_string().contains("at most 1"), "{e}");
        let e = read("COPYFILES\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("COPYFILES needs file (word) as argument 1"),
            "{e}"
        );
        let e = read("COPYFILES /etc/passwd\n").unwrap_err();
        assert!(e.to_string().contains("relative"), "{e}");
        let e = read("SLURMPENDING -1\n").unwrap_err();
        assert!(e.to_string().contains("positive"), "{e}");
    }
}
