//! Readers and writers of the suite's data files (files.md), one submodule per format.
//!
//! Writers reproduce the Fortran edit descriptors byte for byte (through
//! [`crate::fortran_fmt`]); readers accept any whitespace-separated layout.
//!
//! - [`path_info`]: OPTIM `path.info` blocks, triples and sequential layouts.
//! - [`min_data_info`]: OPTIM `min.data.info` (DUMPDATA) records.
//! - [`min_data`], [`ts_data`]: the PATHSAMPLE database lines; [`points`]: the binary
//!   coordinate records; [`min_ab`]: the A and B sets.
//! - [`bookkeeping`]: `pairs.data`, `min.done`, `commit.data`, `ts.attempts`, `perm.allow`.
//! - [`job`]: the OPTIM job files PATHSAMPLE writes.
//! - [`error`]: the error types ([`error::ReadError`] names file and line).

pub mod bookkeeping;
pub mod disk;
pub mod error;
pub mod graph_input;
pub mod job;
pub mod min_ab;
pub mod min_data;
pub mod min_data_info;
pub mod path_info;
pub mod points;
pub mod ts_data;

/// Every entry of `dir` with its bytes, sorted by name: the state a refused or failed run must
/// leave unchanged (the tests compare it before and after).
///
/// # Errors
/// When the directory or one of its files cannot be read.
pub fn snapshot(dir: &std::path::Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut v = std::fs::read_dir(dir)?
        .map(|e| {
            let e = e?;
            Ok((
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path())?,
            ))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    v.sort();
    Ok(v)
}
