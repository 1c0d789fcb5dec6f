//! The Slurm command-line tools behind a small trait ([`SlurmCli`]), so that the schedulers
//! of [`super::steps`] and [`super::queue`] are tested with a fake; [`RealSlurm`] runs the
//! real `sbatch`, `srun`, `squeue`, `scancel` and `scontrol`.

use anyhow::{anyhow, bail, Context, Result};
use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// One line of `squeue -h -o '%i|%T|%r'`: a job still known to the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// The job id.
    pub id: String,
    /// Its state (`PENDING`, `RUNNING`, `COMPLETING`, ...).
    pub state: String,
    /// Slurm's reason (why a job pends: `Priority`, `Resources`, `BeginTime`, ...).
    pub reason: String,
}

/// What `scontrol show job -o` says of a job (finished jobs stay for MinJobAge seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInfo {
    /// `JobState` (`COMPLETED`, `FAILED`, `TIMEOUT`, `CANCELLED`, `NODE_FAIL`, ...).
    pub state: String,
    /// `Reason`.
    pub reason: String,
    /// `ExitCode` (`status:signal`).
    pub exit_code: String,
}

/// A running job step (an `srun` process).
pub trait Step {
    /// `None` while it runs; then `Some(code)`: srun's exit status (the task's), or `None`
    /// inside when srun was killed by a signal.
    fn try_wait(&mut self) -> Result<Option<Option<i32>>>;
    /// Ask srun to end the step (SIGTERM: srun cancels the step and exits).
    fn terminate(&mut self);
    /// Kill srun outright (SIGKILL) and reap it.
    fn kill(&mut self);
}

/// The Slurm tools PATHSAMPLE uses.
pub trait SlurmCli {
    /// `sbatch --parsable ARGS`: the new job's id.
    fn sbatch(&self, args: &[String]) -> Result<String>;
    /// `srun ARGS` with its own stdout and stderr to `log` (the task's output goes where
    /// ARGS's `-o` says); the step dies with PATHSAMPLE.
    fn srun(&self, args: &[String], log: &Path) -> Result<Box<dyn Step>>;
    /// One `squeue` call for all `ids`: the jobs still in the queue.
    fn squeue(&self, ids: &[String]) -> Result<Vec<QueueEntry>>;
    /// `scancel` of all `ids` (one call).
    fn scancel(&self, ids: &[String]) -> Result<()>;
    /// `scontrol show job -o ID`: `None` when Slurm no longer knows the job.
    fn show_job(&self, id: &str) -> Result<Option<JobInfo>>;
}

/// The real tools, found on PATH (`SLURM_CONF` and the rest of the environment pass through).
#[derive(Debug, Clone, Default)]
pub struct RealSlurm;

fn run_tool(program: &str, args: &[String]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {program} (is Slurm installed and on PATH?)"))?;
    if !out.status.success() {
        bail!(
            "{program} {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The job id of `sbatch --parsable` output (`id` or `id;cluster`).
pub fn parse_sbatch(out: &str) -> Result<String> {
    let id = out.trim().split(';').next().unwrap_or("").trim();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        bail!("sbatch --parsable printed {:?}, not a job id", out.trim());
    }
    Ok(id.to_string())
}

/// The lines of `squeue -h -o '%i|%T|%r'`.
pub fn parse_squeue(out: &str) -> Vec<QueueEntry> {
    out.lines()
        .filter_map(|l| {
            let mut f = l.trim().splitn(3, '|');
            let id = f.next()?.trim();
            let state = f.next()?.trim();
            let reason = f.next().unwrap_or("").trim();
            (!id.is_empty()).then(|| QueueEntry {
                id: id.to_string(),
                state: state.to_string(),
                reason: reason.to_string(),
            })
        })
        .collect()
}

/// The fields of one `scontrol show job -o` line.
pub fn parse_show_job(out: &str) -> Option<JobInfo> {
    let line = out.lines().find(|l| l.contains("JobId="))?;
    let field = |name: &str| -> String {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
            .unwrap_or("")
            .to_string()
    };
    Some(JobInfo {
        state: field("JobState"),
        reason: field("Reason"),
        exit_code: field("ExitCode"),
    })
}

struct SrunStep {
    child: Child,
}

impl Step for SrunStep {
    fn try_wait(&mut self) -> Result<Option<Option<i32>>> {
        Ok(self.child.try_wait()?.map(|s| s.code()))
    }

    fn terminate(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) on the pid of a child we have not reaped yet.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SlurmCli for RealSlurm {
    fn sbatch(&self, args: &[String]) -> Result<String> {
        let mut a = vec!["--parsable".to_string()];
        a.extend_from_slice(args);
        parse_sbatch(&run_tool("sbatch", &a)?)
    }

    fn srun(&self, args: &[String], log: &Path) -> Result<Box<dyn Step>> {
        let out = File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let err = out.try_clone()?;
        let mut cmd = Command::new("srun");
        // srun killed by SIGKILL leaves its step running; SIGTERM makes it cancel the step.
        common::process::die_with_parent_by(&mut cmd, libc::SIGTERM);
        let child = cmd
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .context("cannot run srun (is Slurm installed and on PATH?)")?;
        Ok(Box::new(SrunStep { child }))
    }

    fn squeue(&self, ids: &[String]) -> Result<Vec<QueueEntry>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let args = [
            "-h".to_string(),
            "-o".to_string(),
            "%i|%T|%r".to_string(),
            "-j".to_string(),
            ids.join(","),
        ];
        let out = Command::new("squeue")
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .context("cannot run squeue (is Slurm installed and on PATH?)")?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        // squeue -j with only ids the controller has purged: "Invalid job id specified".
        if !out.status.success() && !stderr.contains("Invalid job id") {
            return Err(anyhow!("squeue failed ({}): {}", out.status, stderr.trim()));
        }
        Ok(parse_squeue(&String::from_utf8_lossy(&out.stdout)))
    }

    fn scancel(&self, ids: &[String]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        run_tool("scancel", ids).map(|_| ())
    }

    fn show_job(&self, id: &str) -> Result<Option<JobInfo>> {
        let out = Command::new("scontrol")
            .args(["show", "job", "-o", id])
            .stdin(Stdio::null())
            .output()
            .context("cannot run scontrol")?;
        if !out.status.success() {
            return Ok(None);
        }
        Ok(parse_show_job(&String::from_utf8_lossy(&out.stdout)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sbatch_output_gives_the_id() {
        assert_eq!(parse_sbatch("1234\n").unwrap(), "1234");
        assert_eq!(parse_sbatch("77;cluster2\n").unwrap(), "77");
        assert!(parse_sbatch("sbatch: error: x\n").is_err());
        assert!(parse_sbatch("").is_err());
    }

    #[test]
    fn squeue_lines_are_split_on_bars() {
        let e = parse_squeue("12|PENDING|BeginTime\n13|RUNNING|None\n\n");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].id, "12");
        assert_eq!(e[0].state, "PENDING");
        assert_eq!(e[0].reason, "BeginTime");
        assert_eq!(e[1].state, "RUNNING");
    }

    #[test]
    fn scontrol_fields_are_read() {
        let line = "JobId=3 JobName=OPTIM.4 UserId=u(1) JobState=TIMEOUT Reason=TimeLimit \
                    Dependency=(null) ExitCode=0:15 RunTime=00:01:02\n";
        let j = parse_show_job(line).unwrap();
        assert_eq!(j.state, "TIMEOUT");
        assert_eq!(j.reason, "TimeLimit");
        assert_eq!(j.exit_code, "0:15");
        assert!(parse_show_job("").is_none());
    }
}
