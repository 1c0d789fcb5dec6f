//! The writer's lock of a database directory: an advisory `flock` (through
//! [`std::fs::File::try_lock`]) on the file [`LOCK_FILE`], held for the life of the process,
//! so that the lock dies with its holder (a crash or `kill -9` releases it; the file itself
//! may stay and means nothing then). The holder writes its pid and program name into the
//! file for the error a second writer gets.
//!
//! A program run by a lock holder on the same directory (`landscape` running PATHSAMPLE) is
//! told so by the variable [`INHERIT_ENV`] holding its parent's pid; it then takes no lock of
//! its own.

use std::fs::{File, OpenOptions, TryLockError};
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
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0).map_err(io)?;
                writeln!(file, "pid {} ({program})", std::process::id()).map_err(io)?;
                Ok(Some(DirLock { _file: file, path }))
            }
            Err(TryLockError::WouldBlock) => Err(LockError::Held {
                dir: dir.display().to_string(),
                holder: std::fs::read_to_string(&path)
                    .map(|s| s.trim().to_string())
                    .unwrap_or_else(|_| "unknown".into()),
            }),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_and_the_lock_dies_with_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path(), "PATHSAMPLE").unwrap().unwrap();
        let err = DirLock::acquire(dir.path(), "landscape").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("pid {} (PATHSAMPLE)", std::process::id())),
            "{msg}"
        );
        drop(first);
        let again = DirLock::acquire(dir.path(), "landscape").unwrap().unwrap();
        assert!(std::fs::read_to_string(again.path())
            .unwrap()
            .contains("(landscape)"));
    }
}
