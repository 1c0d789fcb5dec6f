//! `points.min` / `points.ts` (files.md §3.3, DECISION 7): raw little-endian IEEE-754 `f64`,
//! no header and no record markers. Record k (1-based) holds the NOPT coordinates of minimum
//! (TS) k in `min.data` (`ts.data`) order; a record is 8·NOPT bytes.
//!
//! Readers infer nothing: a file size that is not a multiple of 8·NOPT is an error naming the
//! file and both numbers. More records than data lines are allowed (a crash remnant, ignored);
//! fewer are an error. Coordinates are returned flat: record k occupies
//! `[(k−1)·NOPT, k·NOPT)`.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::files::error::FileError;

/// Bytes per record: 8·NOPT.
pub fn record_bytes(nopt: usize) -> usize {
    8 * nopt
}

/// Append the little-endian bytes of `coords` to `out`.
pub fn encode_into(coords: &[f64], out: &mut Vec<u8>) {
    out.reserve(8 * coords.len());
    for v in coords {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// The little-endian bytes of `coords` (one record when `coords.len() == NOPT`).
pub fn encode(coords: &[f64]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(coords, &mut out);
    out
}

/// The values of little-endian `bytes` (a multiple of 8 bytes; a partial tail is ignored).
pub fn decode(bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

/// Size of a points file in records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointsSize {
    /// File size in bytes (0 for a missing file).
    pub bytes: u64,
    /// Complete records.
    pub records: u64,
    /// Bytes after the last complete record (non-zero: the size is not a multiple).
    pub remainder: u64,
}

/// The size of a points file at `path` (a missing file has size 0).
pub fn size(path: &Path, nopt: usize) -> Result<PointsSize, FileError> {
    let bytes = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(FileError::io(path, e)),
    };
    let rec = record_bytes(nopt) as u64;
    Ok(PointsSize {
        bytes,
        records: bytes / rec,
        remainder: bytes % rec,
    })
}

/// The DECISION 7 message for a size that is not a multiple of the record size.
pub fn not_multiple_message(bytes: u64, nopt: usize) -> String {
    let rec = record_bytes(nopt) as u64;
    format!(
        "size {bytes} bytes is not a multiple of the record size 8*NOPT = {rec} bytes \
         (NOPT = {nopt}): {} complete records and {} surplus bytes",
        bytes / rec,
        bytes % rec
    )
}

/// Check the raw bytes of a points file against `expected` data lines (DECISION 7).
pub fn check(bytes: u64, nopt: usize, expected: usize, path: &Path) -> Result<(), FileError> {
    let rec = record_bytes(nopt) as u64;
    if !bytes.is_multiple_of(rec) {
        return Err(FileError::invalid(path, not_multiple_message(bytes, nopt)));
    }
    if bytes / rec < expected as u64 {
        return Err(FileError::invalid(
            path,
            format!(
                "holds {} records of {rec} bytes (NOPT = {nopt}) but the data file has \
                 {expected} lines",
                bytes / rec
            ),
        ));
    }
    Ok(())
}

/// Read the first `expected` records of the points file at `path` (flat, `expected·NOPT`
/// values). Errors: a size that is not a multiple of 8·NOPT, or fewer than `expected` records.
/// Surplus records are ignored. A missing file is an error unless `expected` is 0.
pub fn read(path: &Path, nopt: usize, expected: usize) -> Result<Vec<f64>, FileError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && expected == 0 => Vec::new(),
        Err(e) => return Err(FileError::io(path, e)),
    };
    check(bytes.len() as u64, nopt, expected, path)?;
    Ok(decode(&bytes[..expected * record_bytes(nopt)]))
}

/// Read record `id` (1-based) of the points file at `path`.
pub fn read_record(path: &Path, nopt: usize, id: usize) -> Result<Vec<f64>, FileError> {
    use std::io::{Read, Seek, SeekFrom};
    if id == 0 {
        return Err(FileError::invalid(path, "record ids start at 1"));
    }
    let mut f = File::open(path).map_err(|e| FileError::io(path, e))?;
    let rec = record_bytes(nopt);
    let mut buf = vec![0u8; rec];
    f.seek(SeekFrom::Start(((id - 1) * rec) as u64))
        .and_then(|_| f.read_exact(&mut buf))
        .map_err(|e| FileError::io(path, e))?;
    Ok(decode(&buf))
}

/// Write a whole points file (flat coordinates, a multiple of NOPT values), atomically.
pub fn write(path: &Path, coords: &[f64]) -> Result<(), FileError> {
    crate::files::error::write_atomic(path, encode(coords))
}

/// Append one record to an open points file with a single write (then flush).
pub fn append(file: &mut File, coords: &[f64], path: &Path) -> Result<(), FileError> {
    file.write_all(&encode(coords))
        .and_then(|_| file.flush())
        .map_err(|e| FileError::io(path, e))
}
