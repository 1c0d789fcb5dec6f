//! The study's state file: which stages of `landscape run` have finished in a work directory,
//! so that a stopped study resumes where it stopped and a finished one only redoes the
//! analysis and graphs.
//!
//! `landscape.state` is append-only text, one line per finished stage (`done dataset`,
//! `done basin-hopping`, `done database`, `done connect 2 connectunc`, `done finished`),
//! each written and flushed when the stage ends; `landscape.deck` holds the text of the deck
//! that started the study, and a resumed run must use the same deck.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The state file in the work directory.
pub const STATE_FILE: &str = "landscape.state";
/// The copy of the deck that started the study.
pub const DECK_COPY: &str = "landscape.deck";

/// Stage keys.
pub const DATASET: &str = "dataset";
/// Basin-hopping (GMIN) ended.
pub const BASIN_HOPPING: &str = "basin-hopping";
/// The database (PATHSAMPLE READMIN) was built.
pub const DATABASE: &str = "database";
/// Every stage, the analysis included, ended.
pub const FINISHED: &str = "finished";

/// The key of connection stage `k` (1-based) named `name`.
pub fn connect_key(k: usize, name: &str) -> String {
    format!("connect {k} {name}")
}

/// The finished stages of the study in a directory.
#[derive(Debug)]
pub struct State {
    path: PathBuf,
    done: Vec<String>,
    resumed: bool,
}

impl State {
    /// Open the state of `dir` for the deck whose text is `deck`. A directory without a state
    /// file starts a new study (and must not hold a database); one with a state file resumes
    /// it, if `deck` is the deck that started it.
    pub fn open(dir: &Path, deck: &str, foreign: &[&str]) -> Result<State> {
        let path = dir.join(STATE_FILE);
        let copy = dir.join(DECK_COPY);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let started = std::fs::read_to_string(&copy).with_context(|| {
                    format!(
                        "{} exists but {} cannot be read",
                        path.display(),
                        copy.display()
                    )
                })?;
                if started != deck {
                    bail!(
                        "{} holds a study started from another deck (its text is in {}); \
                         resume it with that deck, or start the new one in another directory",
                        dir.display(),
                        copy.display()
                    );
                }
                let mut done = Vec::new();
                // Only newline-terminated lines count: a line cut by a crash (the last one)
                // records nothing.
                for (i, line) in text.split_inclusive('\n').enumerate() {
                    let Some(line) = line.strip_suffix('\n') else {
                        break;
                    };
                    match line.strip_prefix("done ") {
                        Some(k) => done.push(k.to_string()),
                        None if line.trim().is_empty() => {}
                        None => bail!("{}:{}: cannot read '{line}'", path.display(), i + 1),
                    }
                }
                Ok(State {
                    path,
                    done,
                    resumed: true,
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                for f in foreign {
                    if dir.join(f).exists() {
                        bail!(
                            "{} already holds {f} but no {STATE_FILE}: it is not a study that \
                             `landscape run` started; start in an empty directory (or use \
                             `landscape analyse` to redo the analysis and graphs)",
                            dir.display()
                        );
                    }
                }
                write_synced(&copy, deck.as_bytes())?;
                write_synced(&path, b"")?;
                Ok(State {
                    path,
                    done: Vec::new(),
                    resumed: false,
                })
            }
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Whether the directory already held this study.
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    /// Whether stage `key` has finished.
    pub fn done(&self, key: &str) -> bool {
        self.done.iter().any(|k| k == key)
    }

    /// The finished stages, in order.
    pub fn finished_stages(&self) -> &[String] {
        &self.done
    }

    /// Record that stage `key` has finished (appended and flushed to the disk at once).
    pub fn mark(&mut self, key: &str) -> Result<()> {
        if self.done(key) {
            return Ok(());
        }
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.path)
            .with_context(|| format!("cannot open {}", self.path.display()))?;
        f.write_all(format!("done {key}\n").as_bytes())
            .and_then(|_| f.sync_data())
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.done.push(key.to_string());
        Ok(())
    }
}

/// Write a whole file and sync it.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_data())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_survive_a_reopen_and_the_deck_must_match() {
        let d = tempfile::tempdir().unwrap();
        let mut s = State::open(d.path(), "DECK\n", &["min.data"]).unwrap();
        assert!(!s.resumed() && !s.done(DATASET));
        s.mark(DATASET).unwrap();
        s.mark(&connect_key(2, "connectunc")).unwrap();
        let s = State::open(d.path(), "DECK\n", &["min.data"]).unwrap();
        assert!(s.resumed() && s.done(DATASET) && s.done("connect 2 connectunc"));
        assert!(!s.done(BASIN_HOPPING));
        let e = State::open(d.path(), "OTHER\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("another deck"), "{e}");
        // A half-written last line (a crash) is ignored; a bad line before it is an error.
        std::fs::write(d.path().join(STATE_FILE), "done dataset\ndone basin").unwrap();
        let s = State::open(d.path(), "DECK\n", &[]).unwrap();
        assert_eq!(s.finished_stages(), ["dataset"]);
        std::fs::write(d.path().join(STATE_FILE), "junk\ndone dataset\n").unwrap();
        assert!(State::open(d.path(), "DECK\n", &[]).is_err());
    }

    #[test]
    fn a_database_without_a_state_file_is_refused() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("min.data"), "").unwrap();
        let e = State::open(d.path(), "DECK\n", &["min.data"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("not a study that `landscape run` started"),
            "{e}"
        );
        assert!(!d.path().join(STATE_FILE).exists());
    }
}
