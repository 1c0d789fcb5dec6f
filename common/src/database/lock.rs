//! The writer's lock of a database directory: an advisory POSIX record lock (`fcntl`
//! `F_SETLK`, write lock on the whole file) on the file [`LOCK_FILE`], held for the life of the
//! process, so that the lock dies with its holder (a crash or `kill -9` releases it; the file
//! itself may stay and means nothing then). The holder writes its pid and program name into
//! the file for the error a second writer gets.
//!
//! A record lock belongs to the process and, unlike `flock`, is not inherited by `fork`: a
//! child that PATHSAMPLE is forking for an OPTIM job when PATHSAMPLE is killed does not keep
//! the directory locked (with `flock` a restart right after a kill was refused about once in
//! two tries of the crash test). Within one process the lock is re-entrant; every program
//! takes it once. The holder must not open and close the lock file again: closing any
//! descriptor of a file releases the process's record locks on it.
//!
//! A program run by a lock holder on the same directory (`landscape` running PATHSAMPLE) is
//! told so by the variable [`INHERIT_ENV`] holding its parent's pid; it then takes no lock of
//! its own.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock file inside the database directory.
pub const LOCK_FILE: &str = ".database.lock";

/// The environment variable by which a lock holder passes its lock to the programs it runs:
/// the holder's pid.
pub const INHERIT_ENV: &str = "ENERGY_LANDSCAPE_LOCK_PID";

/// An exclusive lock on a database directory (released on drop or at exit).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error("{dir}: the database is being written by another process ({holder}); wait for it to finish or stop it first")]
    Held {
        /// The directory.
        dir: String,
        /// What the holder wrote: its pid and program.
        holder: String,
    },
    /// The lock file could not be opened or locked.
    #[error("{path}: cannot lock the database: {source}")]
    Io {
        /// The lock file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl DirLock {
    /// Take the lock of `dir` for `program`, or `Ok(None)` when the parent process holds it and
    /// passed it on through [`INHERIT_ENV`].
    pub fn acquire(dir: &Path, program: &str) -> Result<Option<DirLock>, LockError> {
        #[cfg(unix)]
        {
            let parent = std::os::unix::process::parent_id();
            if std::env::var(INHERIT_ENV)
                .ok()
                .and_then(|v| v.parse::<u32>().ok())
                == Some(parent)
            {
                return Ok(None);
            }
        }
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match try_lock_process(&file) {
            Ok(true) => {
                file.set_len(0).map_err(io)?;
                writeln!(file, "pid {} ({program})", std::process::id()).map_err(io)?;
                Ok(Some(DirLock { _file: file, path }))
            }
            Ok(false) => Err(LockError::Held {
                dir: dir.display().to_string(),
                holder: std::fs::read_to_string(&path)
                    .map(|s| s.trim().to_string())
                    .unwrap_or_else(|_| "unknown".into()),
            }),
            Err(e) => Err(io(e)),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A process-owned write lock on the whole of `file` (`fcntl(F_SETLK)`): `Ok(false)` when
/// another process holds it.
#[cfg(unix)]
fn try_lock_process(file: &File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: a zeroed `flock` is a valid value; the fields set below are the ones F_SETLK
    // reads; the descriptor is open for writing for the duration of the call.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = libc::F_WRLCK as _;
    fl.l_whence = libc::SEEK_SET as _;
    fl.l_start = 0;
    fl.l_len = 0;
    let r = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &fl) };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EACCES) | Some(libc::EAGAIN) => Ok(false),
        _ => Err(e),
    }
}

/// Elsewhere: the standard library's advisory lock.
#[cfg(not(unix))]
fn try_lock_process(file: &File) -> std::io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lock's content names its holder; after the holder drops it the lock is free. (A
    /// second process is refused: the end-to-end tests of PATHSAMPLE and landscape, since a
    /// process-owned lock is re-entrant within one process.)
    #[test]
    fn the_lock_names_its_holder_and_is_free_after_drop() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path(), "PATHSAMPLE").unwrap().unwrap();
        let text = std::fs::read_to_string(first.path()).unwrap();
        assert_eq!(text, format!("pid {} (PATHSAMPLE)\n", std::process::id()));
        drop(first);
        let again = DirLock::acquire(dir.path(), "landscape").unwrap().unwrap();
        assert!(std::fs::read_to_string(again.path())
            .unwrap()
            .contains("(landscape)"));
    }
}
