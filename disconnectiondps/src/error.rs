//! The crate's error type.

use common::deck::DeckError;

/// Everything that stops a disconnectionDPS run. Messages name the file and, where one
/// applies, the 1-based line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A `dinfo` problem found by the reader or the keyword table (unknown keyword, ...).
    #[error(transparent)]
    Deck(#[from] DeckError),
    /// A problem with the settings as a whole (`Energy gap must be specified using DELTA.`).
    #[error("{0}")]
    Config(String),
    /// A bad line in an input file; `line` is 1-based, 0 when no line applies.
    #[error("{}", input_message(file, *line, msg))]
    Input {
        /// File name as given in `dinfo`.
        file: String,
        /// 1-based line, 0 for the whole file.
        line: usize,
        /// What is wrong.
        msg: String,
    },
    /// An input or output file could not be opened, read or written.
    #[error("{action} {file}: {source}")]
    Io {
        /// `cannot open`, `cannot write`, ...
        action: &'static str,
        /// File name.
        file: String,
        /// The system error.
        source: std::io::Error,
    },
}

fn input_message(file: &str, line: usize, msg: &str) -> String {
    if line > 0 {
        format!("{file}:{line}: {msg}")
    } else {
        format!("{file}: {msg}")
    }
}

impl Error {
    /// An [`Error::Input`] about line `line` of `file`.
    pub fn input(file: &str, line: usize, msg: impl Into<String>) -> Error {
        Error::Input {
            file: file.to_string(),
            line,
            msg: msg.into(),
        }
    }

    /// An [`Error::Config`].
    pub fn config(msg: impl Into<String>) -> Error {
        Error::Config(msg.into())
    }
}

/// Result alias of the crate.
pub type Result<T> = std::result::Result<T, Error>;

impl From<common::files::error::FileError> for Error {
    fn from(e: common::files::error::FileError) -> Self {
        use common::files::error::FileError;
        match e {
            FileError::Io { file, source } => Error::Io {
                action: "cannot read",
                file,
                source,
            },
            FileError::Read(r) => Error::Input {
                file: r.file,
                line: r.line,
                msg: r.message,
            },
            FileError::Invalid { file, message } => Error::Input {
                file,
                line: 0,
                msg: message,
            },
        }
    }
}
