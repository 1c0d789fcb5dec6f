//! Locating the four programs and running them in the work directory with their output in a
//! log file, while the driver watches the log (progress) and the clock.

use anyhow::{bail, Context, Result};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::signals::Interrupt;
use common::files::disk;

/// Environment variable naming the directory of GMIN, OPTIM, PATHSAMPLE and disconnectionDPS
/// (used when the deck has no BINDIR line).
pub const BINDIR_ENV: &str = "LANDSCAPE_BINDIR";

/// The four programs.
#[derive(Debug, Clone, PartialEq)]
pub struct Programs {
    /// GMIN.
    pub gmin: PathBuf,
    /// OPTIM (PATHSAMPLE's EXEC).
    pub optim: PathBuf,
    /// PATHSAMPLE.
    pub pathsample: PathBuf,
    /// disconnectionDPS.
    pub dps: PathBuf,
}

impl Programs {
    /// Look in `bindir` (the deck's BINDIR), else `$LANDSCAPE_BINDIR`, else the directory of
    /// the running executable (where `cargo build` puts all five binaries). Every program must
    /// exist there; the directory is made absolute (PATHSAMPLE runs OPTIM from the work
    /// directory) and must not contain blanks (PATHSAMPLE's EXEC splits on blanks).
    pub fn locate(bindir: Option<&Path>) -> Result<Programs> {
        let (dir, how) = match (bindir, std::env::var_os(BINDIR_ENV)) {
            (Some(d), _) => (d.to_path_buf(), "the deck's BINDIR"),
            (None, Some(d)) => (PathBuf::from(d), BINDIR_ENV),
            (None, None) => (
                std::env::current_exe()
                    .context("cannot locate the landscape executable")?
                    .parent()
                    .context("the landscape executable has no directory")?
                    .to_path_buf(),
                "the directory of the landscape executable",
            ),
        };
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        let find = |name: &str| -> Result<PathBuf> {
            let p = dir.join(name);
            if !p.is_file() {
                bail!(
                    "{name} not found in {} ({how}); build the workspace (cargo build --release) \
                     or set BINDIR in the deck or {BINDIR_ENV}",
                    dir.display()
                );
            }
            Ok(p)
        };
        let p = Programs {
            gmin: find("GMIN")?,
            optim: find("OPTIM")?,
            pathsample: find("PATHSAMPLE")?,
            dps: find("disconnectionDPS")?,
        };
        if p.optim.display().to_string().contains(char::is_whitespace) {
            bail!(
                "the program directory {} contains a blank, which PATHSAMPLE's EXEC cannot take",
                dir.display()
            );
        }
        Ok(p)
    }
}

/// Progress lines on stdout (and in `landscape.log`): elapsed time, stage, message.
pub struct Progress {
    start: Instant,
    out: Box<dyn Write>,
    log: Option<File>,
}

impl Progress {
    /// Progress to `out` (stdout for the command line).
    pub fn new(out: Box<dyn Write>) -> Self {
        Self {
            start: Instant::now(),
            out,
            log: None,
        }
    }

    /// Also append every line to `path`.
    pub fn log_to(&mut self, path: &Path) -> Result<()> {
        self.log = Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?,
        );
        Ok(())
    }

    /// Seconds since the start.
    pub fn elapsed(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// Print one progress line.
    pub fn say(&mut self, stage: &str, msg: impl AsRef<str>) {
        let line = format!(
            "[{:>9}] {stage:<13} {}",
            format_elapsed(self.elapsed()),
            msg.as_ref()
        );
        let _ = writeln!(self.out, "{line}");
        let _ = self.out.flush();
        if let Some(f) = &mut self.log {
            let _ = writeln!(f, "{line}");
        }
    }
}

/// `12.3 s`, `4m05s`, `2h03m`.
pub fn format_elapsed(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{}m{:02}s", (s / 60.0) as u64, (s % 60.0) as u64)
    } else {
        format!(
            "{}h{:02}m",
            (s / 3600.0) as u64,
            ((s % 3600.0) / 60.0) as u64
        )
    }
}

/// How often [`run_logged`] looks at a running program.
pub const POLL: Duration = Duration::from_millis(200);

/// One program run: `program args` in `dir`, output appended to `dir/log`, with `threads`
/// threads (RAYON_NUM_THREADS).
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    /// The program.
    pub program: &'a Path,
    /// Its arguments.
    pub args: &'a [String],
    /// Its working directory.
    pub dir: &'a Path,
    /// The log file's name in `dir`.
    pub log: &'a str,
    /// Threads it may use.
    pub threads: usize,
}

/// Run `program args` in `dir` with stdout and stderr appended to `dir/log` (after a header
/// line), `RAYON_NUM_THREADS=threads`. Every [`POLL`] the new complete log lines go to
/// `on_line` and `on_tick` is called (e.g. to check a time limit). A failure is an error
/// quoting the end of the log.
pub fn run_logged(
    invocation: Invocation,
    on_line: &mut dyn FnMut(&str),
    on_tick: &mut dyn FnMut(),
    interrupt: &Interrupt,
) -> Result<()> {
    interrupt.check()?;
    let Invocation {
        program,
        args,
        dir,
        log,
        threads,
    } = invocation;
    // A full disk stops the study with that message (not as failed jobs further on).
    let min_free = disk::min_free_bytes();
    disk::check_free_space(dir, min_free)?;
    let mut disk_checked = Instant::now();
    let log_path = dir.join(log);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("cannot open {}", log_path.display()))?;
    let name = program.file_name().map_or_else(
        || program.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    writeln!(file, "==== landscape: {} {}", name, args.join(" "))?;
    file.flush()?;
    let mut offset = file.seek(SeekFrom::End(0))?;
    let mut cmd = Command::new(program);
    // The program must not outlive the driver: if `landscape` is killed (even with SIGKILL),
    // the kernel kills it, and PATHSAMPLE's OPTIM jobs die with PATHSAMPLE in turn.
    common::process::die_with_parent(&mut cmd);
    let mut child = cmd
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads.max(1).to_string())
        // The driver holds the directory's database lock; its programs share it.
        .env(
            common::database::lock::INHERIT_ENV,
            std::process::id().to_string(),
        )
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .spawn()
        .with_context(|| format!("cannot run {}", program.display()))?;
    let mut pending = String::new();
    let mut reader = File::open(&log_path)?;
    let mut drain = |pending: &mut String, offset: &mut u64| -> Result<()> {
        reader.seek(SeekFrom::Start(*offset))?;
        let mut buf = Vec::new();
        reader.read_to_end(&mut buf)?;
        *offset += buf.len() as u64;
        pending.push_str(&String::from_utf8_lossy(&buf));
        while let Some(p) = pending.find('\n') {
            let line: String = pending.drain(..=p).collect();
            on_line(line.trim_end());
        }
        Ok(())
    };
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break st;
        }
        if interrupt.signal().is_some() {
            terminate(&mut child);
            drain(&mut pending, &mut offset)?;
            interrupt.check()?;
        }
        if disk_checked.elapsed() >= DISK_CHECK {
            disk_checked = Instant::now();
            if let Err(e) = disk::check_free_space(dir, min_free) {
                terminate(&mut child);
                drain(&mut pending, &mut offset)?;
                return Err(anyhow::Error::new(e).context(format!("{name} stopped")));
            }
        }
        std::thread::sleep(POLL);
        drain(&mut pending, &mut offset)?;
        on_tick();
    };
    drain(&mut pending, &mut offset)?;
    if !pending.is_empty() {
        on_line(pending.trim_end());
    }
    // A Ctrl-C reaches the whole foreground process group: the program may have died of it
    // before the driver noticed.
    interrupt.check()?;
    if !status.success() {
        let text = std::fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "{name} failed ({status}) in {}; the end of {log}:\n{}",
            dir.display(),
            tail.join("\n")
        );
    }
    Ok(())
}

/// How often the free space of the work directory's disk is checked while a program runs.
const DISK_CHECK: Duration = Duration::from_secs(5);

/// How long a program gets to end after SIGTERM before it is killed.
const TERMINATE_GRACE: Duration = Duration::from_secs(5);

/// Stop a running program: SIGTERM, then SIGKILL after [`TERMINATE_GRACE`]; reaped either way.
fn terminate(child: &mut std::process::Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) on our own child's pid, which is not reaped yet.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
    let t0 = Instant::now();
    while t0.elapsed() < TERMINATE_GRACE {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_times_read_naturally() {
        assert_eq!(format_elapsed(3.25), "3.2 s");
        assert_eq!(format_elapsed(65.0), "1m05s");
        assert_eq!(format_elapsed(7380.0), "2h03m");
    }

    #[test]
    fn a_missing_program_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = Programs::locate(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("GMIN not found") && e.contains("BINDIR"), "{e}");
        for n in ["GMIN", "OPTIM", "PATHSAMPLE", "disconnectionDPS"] {
            std::fs::write(dir.path().join(n), "").unwrap();
        }
        let p = Programs::locate(Some(dir.path())).unwrap();
        assert_eq!(p.dps, dir.path().join("disconnectionDPS"));
    }

    #[test]
    fn output_lines_reach_the_callback_and_the_log() {
        // The script runs longer than POLL, so that at least one tick comes.
        let dir = tempfile::tempdir().unwrap();
        let mut lines = Vec::new();
        let mut ticks = 0;
        run_logged(
            Invocation {
                program: Path::new("/bin/sh"),
                args: &[
                    "-c".into(),
                    "echo one; echo two >&2; sleep 0.5; printf three".into(),
                ],
                dir: dir.path(),
                log: "x.log",
                threads: 1,
            },
            &mut |l| lines.push(l.to_string()),
            &mut || ticks += 1,
            &Interrupt::never(),
        )
        .unwrap();
        assert!(lines.contains(&"one".to_string()) && lines.contains(&"two".to_string()));
        assert_eq!(lines.last().unwrap(), "three");
        assert!(ticks >= 1);
        let log = std::fs::read_to_string(dir.path().join("x.log")).unwrap();
        assert!(log.starts_with("==== landscape: sh -c"));
        let e = run_logged(
            Invocation {
                program: Path::new("/bin/sh"),
                args: &["-c".into(), "echo broken; exit 3".into()],
                dir: dir.path(),
                log: "x.log",
                threads: 1,
            },
            &mut |_| {},
            &mut || {},
            &Interrupt::never(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("broken") && e.contains("sh failed"), "{e}");
    }

    #[test]
    fn a_stop_signal_terminates_the_running_program() {
        let dir = tempfile::tempdir().unwrap();
        let interrupt = Interrupt::never();
        let t0 = Instant::now();
        let mut ticks = 0;
        let e = run_logged(
            Invocation {
                program: Path::new("/bin/sh"),
                args: &["-c".into(), "echo started; sleep 30".into()],
                dir: dir.path(),
                log: "x.log",
                threads: 1,
            },
            &mut |_| {},
            &mut || {
                ticks += 1;
                if ticks == 2 {
                    interrupt.raise(libc::SIGTERM);
                }
            },
            &interrupt,
        )
        .unwrap_err();
        assert!(
            e.downcast_ref::<crate::signals::Interrupted>().is_some(),
            "{e}"
        );
        assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    }
}
