//! Job directories of the Slurm modes: job N works in `optim.N/` under PATHSAMPLE's working
//! directory (which the cluster's nodes share), holding `odata.N`, `finish.N`, the COPYFILES
//! and what OPTIM writes. Names come from the job number, never from a pid, so a restarted
//! run finds (and removes) what a killed one left.

use anyhow::{bail, Context, Result};
use common::files::job::JobFiles;
use std::path::{Path, PathBuf};

/// The marker file that makes `optim.N/` a job directory PATHSAMPLE may remove.
pub const MARKER: &str = ".pathsample-job";

/// `optim.N`.
pub fn name(n: usize) -> String {
    format!("optim.{n}")
}

/// The file where the SLURMQUEUE batch script records OPTIM's exit status.
pub fn status_file(n: usize) -> String {
    format!("OPTIM.status.{n}")
}

/// The batch script of job N.
pub fn script_file(n: usize) -> String {
    format!("OPTIM.sbatch.{n}")
}

/// The Slurm job id of SLURMQUEUE job N.
pub fn id_file(n: usize) -> String {
    format!("OPTIM.slurmid.{n}")
}

/// srun's own messages for job N (the task's output is `OPTIM.connect.N`).
pub fn srun_log(n: usize) -> String {
    format!("OPTIM.srun.{n}")
}

/// The marker's line for job N of the run `token` (the batch script checks it, so a batch
/// job of a killed run that starts late exits instead of working in a new run's directory).
pub fn marker_line(n: usize, token: &str) -> String {
    format!("PATHSAMPLE job {n} run {token}")
}

/// A token that tells this run's job directories from those of earlier runs.
pub fn run_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}", std::process::id())
}

/// Create `dir/optim.N/` empty (an old one of the same number is removed) with the marker of
/// run `token`, and copy each COPYFILES file into it. Errors name the file and the keyword.
pub fn prepare(dir: &Path, n: usize, copyfiles: &[String], token: &str) -> Result<PathBuf> {
    let jd = dir.join(name(n));
    if jd.exists() {
        std::fs::remove_dir_all(&jd)
            .with_context(|| format!("cannot remove the old job directory {}", name(n)))?;
    }
    std::fs::create_dir(&jd).with_context(|| format!("cannot create {}", jd.display()))?;
    std::fs::write(jd.join(MARKER), format!("{}\n", marker_line(n, token)))?;
    for f in copyfiles {
        let src = dir.join(f);
        let base = Path::new(f)
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(f));
        std::fs::copy(&src, jd.join(&base)).with_context(|| {
            format!("COPYFILES: cannot copy {} into {}/", src.display(), name(n))
        })?;
    }
    Ok(jd)
}

/// Remove job N's directory (after its results were read, unless DEBUG/COPYOPTIM keep it).
pub fn remove(dir: &Path, n: usize) {
    let jd = dir.join(name(n));
    if jd.join(MARKER).exists() {
        let _ = std::fs::remove_dir_all(jd);
    }
}

/// Remove the job directories a killed run left (`optim.<digits>/` holding [`MARKER`]);
/// returns how many, and the Slurm job ids recorded in them (SLURMQUEUE jobs that may still
/// be queued).
pub fn remove_stale(dir: &Path) -> Result<(usize, Vec<String>)> {
    let mut count = 0;
    let mut ids = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let Some(fname) = e.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let is_job = fname
            .strip_prefix("optim.")
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
        if is_job && e.file_type()?.is_dir() && e.path().join(MARKER).exists() {
            let n = &fname["optim.".len()..];
            if let Ok(id) = std::fs::read_to_string(e.path().join(format!("OPTIM.slurmid.{n}"))) {
                ids.extend(id.split_whitespace().map(str::to_string));
            }
            std::fs::remove_dir_all(e.path())?;
            count += 1;
        }
    }
    Ok((count, ids))
}

/// EXEC for a job that runs in `optim.N/`: a relative program path with a `/` in it
/// (`./OPTIM`, `bin/OPTIM`) is made absolute against the working directory; a bare name is
/// looked up on PATH as before.
pub fn absolute_exec(dir: &Path, exec: &[String]) -> Result<Vec<String>> {
    let Some(program) = exec.first() else {
        bail!("EXEC is empty");
    };
    let mut v = exec.to_vec();
    let p = Path::new(program);
    if p.is_relative() && program.contains('/') {
        let abs = std::path::absolute(dir.join(p))
            .with_context(|| format!("EXEC: cannot resolve {program}"))?;
        v[0] = abs.to_string_lossy().into_owned();
    }
    Ok(v)
}

/// `word` quoted for sh (single quotes; a quote inside becomes `'\''`).
pub fn sh_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The SLURMQUEUE batch script of job N of run `token`: in `jobdir` (when its marker is still
/// this run's), run `EXEC N`, then record the exit status in [`status_file`] (written to a
/// temporary name and renamed, so a status file is never partial) and exit with it. A job
/// that Slurm kills (time limit, scancel, node failure) records nothing.
pub fn batch_script(jobdir: &Path, exec: &[String], n: usize, token: &str) -> String {
    let argv: Vec<String> = exec
        .iter()
        .map(|a| sh_quote(a))
        .chain([n.to_string()])
        .collect();
    let status = status_file(n);
    format!(
        "#!/bin/sh\n\
         # PATHSAMPLE SLURMQUEUE job {n}: OPTIM in {jd}\n\
         cd {qjd} || exit 111\n\
         grep -qxF {qmark} {MARKER} || {{ echo 'optim.{n} belongs to another PATHSAMPLE run' >&2; exit 112; }}\n\
         {cmd}\n\
         status=$?\n\
         echo \"$status\" > {status}.tmp && mv {status}.tmp {status}\n\
         exit \"$status\"\n",
        jd = jobdir.display(),
        qjd = sh_quote(&jobdir.to_string_lossy()),
        qmark = sh_quote(&marker_line(n, token)),
        cmd = argv.join(" "),
    )
}

/// The exit status a batch script recorded, if it finished.
pub fn recorded_status(jobdir: &Path, n: usize) -> Option<i32> {
    std::fs::read_to_string(jobdir.join(status_file(n)))
        .ok()
        .and_then(|t| t.trim().parse().ok())
}

/// `path.info.N` in the job directory, if OPTIM wrote it.
pub fn path_info(jobdir: &Path, n: usize) -> Option<PathBuf> {
    let p = jobdir.join(JobFiles::new(n).path_info);
    p.exists().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_directory_gets_the_copyfiles_and_is_removed_when_stale() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("perm.allow"), "1\n3\n").unwrap();
        let jd = prepare(d.path(), 7, &["perm.allow".into()], "t").unwrap();
        std::fs::write(jd.join("OPTIM.slurmid.7"), "4242\n").unwrap();
        assert_eq!(jd, d.path().join("optim.7"));
        assert_eq!(
            std::fs::read_to_string(jd.join("perm.allow")).unwrap(),
            "1\n3\n"
        );
        let e = prepare(d.path(), 8, &["missing.file".into()], "t").unwrap_err();
        assert!(format!("{e:#}").contains("COPYFILES: cannot copy"), "{e:#}");
        // A user's directory of the same shape without the marker is left alone.
        std::fs::create_dir(d.path().join("optim.99")).unwrap();
        assert_eq!(
            remove_stale(d.path()).unwrap(),
            (2, vec!["4242".to_string()])
        );
        assert!(!jd.exists());
        assert!(d.path().join("optim.99").exists());
    }

    #[test]
    fn the_batch_script_quotes_exec_and_records_the_status() {
        let d = tempfile::tempdir().unwrap();
        let jd = prepare(d.path(), 3, &[], "run1").unwrap();
        let exec = vec!["sh".to_string(), "-c".into(), "exit 5".into(), "x".into()];
        let s = batch_script(&jd, &exec, 3, "run1");
        assert!(s.contains("'sh' '-c' 'exit 5' 'x' 3\n"), "{s}");
        std::fs::write(jd.join("s.sh"), &s).unwrap();
        let st = std::process::Command::new("sh")
            .arg(jd.join("s.sh"))
            .status()
            .unwrap();
        assert_eq!(st.code(), Some(5));
        assert_eq!(recorded_status(&jd, 3), Some(5));
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
        // A script of another run (a job of a killed run starting late) does not run EXEC.
        std::fs::remove_file(jd.join(status_file(3))).unwrap();
        std::fs::write(jd.join("old.sh"), batch_script(&jd, &exec, 3, "run0")).unwrap();
        let st = std::process::Command::new("sh")
            .arg(jd.join("old.sh"))
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert_eq!(st.code(), Some(112));
        assert_eq!(recorded_status(&jd, 3), None);
    }

    #[test]
    fn relative_exec_paths_become_absolute() {
        let d = tempfile::tempdir().unwrap();
        let v = absolute_exec(d.path(), &["./bin/OPTIM".into(), "-q".into()]).unwrap();
        assert!(Path::new(&v[0]).is_absolute());
        assert!(v[0].ends_with("bin/OPTIM"));
        assert_eq!(v[1], "-q");
        let v = absolute_exec(d.path(), &["OPTIM".into()]).unwrap();
        assert_eq!(v[0], "OPTIM");
        assert!(absolute_exec(d.path(), &[]).is_err());
    }
}
