//! The error type of the file readers and writers that touch the file system.
//!
//! Parsing a text returns [`ReadError`] (file name, 1-based line, message; shared with
//! [`crate::files::min_data_info`]). Functions that open, read or write files return
//! [`FileError`], which adds I/O failures and whole-file consistency problems (such as a
//! `points.min` size that is not a multiple of the record size). Every message names the file.

use std::path::Path;

pub use crate::files::min_data_info::ReadError;

/// A failure reading or writing one of the suite's files.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The operating system refused an operation on `file`.
    #[error("{file}: {source}")]
    Io {
        /// File name (as given by the caller).
        file: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A line of `file` could not be read (see [`ReadError`]).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The file as a whole is inconsistent (size, counts, cross-file references).
    #[error("{file}: {message}")]
    Invalid {
        /// File name.
        file: String,
        /// What is wrong.
        message: String,
    },
}

impl FileError {
    /// An [`FileError::Io`] for `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        FileError::Io {
            file: path.display().to_string(),
            source,
        }
    }

    /// An [`FileError::Invalid`] for `path`.
    pub fn invalid(path: &Path, message: impl Into<String>) -> Self {
        FileError::Invalid {
            file: path.display().to_string(),
            message: message.into(),
        }
    }
}

/// A [`ReadError`] at 1-based `line` of `file`.
pub(crate) fn read_error(file: &str, line: usize, message: impl Into<String>) -> ReadError {
    ReadError {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

/// Read a whole text file, mapping failures to [`FileError::Io`].
pub(crate) fn read_text(path: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(path).map_err(|e| FileError::io(path, e))
}

/// Parse one whitespace-separated token as a list-directed real (`1.0`, `1.0D-3`, `1e-3`).
pub(crate) fn real(tok: &str) -> Option<f64> {
    // Fast path for the common spellings (digits, sign, point, `e` exponent); `D` exponents,
    // Fortran's `1.5-3` and the rest go through the list-directed grammar.
    if tok
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        if let Ok(v) = tok.parse::<f64>() {
            return Some(v);
        }
    }
    crate::deck::list_directed_real(tok)
}
/// Write `text` to `path` atomically: into `path.tmp` first, then renamed over `path`, so a
/// crash leaves either the old or the new file, never a mixture.
/// The one atomic writer of the suite's whole-file rewrites (min.A, min.B, pairs.data, min.done,
/// commit.data, ts.attempts, points files written whole, PATHSAMPLE's derived databases).
pub fn write_atomic(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), FileError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|e| FileError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| FileError::io(path, e))
}

/// Parse one token as an integer; a real with an integral value (`2.0`) is accepted too.
pub(crate) fn integer(tok: &str) -> Option<i64> {
    crate::deck::list_directed_int(tok).or_else(|| {
        let v = real(tok)?;
        (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
    })
}

/// The whitespace-separated items of one free-format data line, with typed access whose errors
/// name the file and line (min.data, ts.data).
pub(crate) struct LineItems<'a> {
    items: Vec<&'a str>,
    file: &'a str,
    line: usize,
}

impl<'a> LineItems<'a> {
    /// Split `text`; fewer than `min` items is an error that lists the `expected` fields.
    pub(crate) fn new(
        text: &'a str,
        file: &'a str,
        line: usize,
        min: usize,
        expected: &str,
    ) -> Result<Self, ReadError> {
        let items: Vec<&str> = text.split_whitespace().collect();
        if items.len() < min {
            return Err(read_error(
                file,
                line,
                format!("expected {min} values ({expected}), found {}", items.len()),
            ));
        }
        Ok(Self { items, file, line })
    }

    /// Number of items.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Item `k` (0-based) as a real.
    pub(crate) fn real(&self, k: usize) -> Result<f64, ReadError> {
        real(self.items[k]).ok_or_else(|| {
            read_error(
                self.file,
                self.line,
                format!("cannot read '{}' as a number", self.items[k]),
            )
        })
    }

    /// Item `k` as a real if it is present and readable.
    pub(crate) fn opt_real(&self, k: usize) -> Option<f64> {
        self.items.get(k).and_then(|t| real(t))
    }

    /// Item `k` as a positive integer; `what` names it in the error.
    pub(crate) fn positive(&self, k: usize, what: &str) -> Result<usize, ReadError> {
        match integer(self.items[k]) {
            Some(v) if v >= 1 => Ok(v as usize),
            _ => Err(read_error(
                self.file,
                self.line,
                format!(
                    "bad {what} '{}' (a positive integer is needed)",
                    self.items[k]
                ),
            )),
        }
    }
}
