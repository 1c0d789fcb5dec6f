//! Free space on the disk of a work directory. A full disk must stop a study with that
//! message, not show up as failed connection jobs: the programs check the free space of
//! their directory before and while they write, against [`min_free_bytes`].

use std::path::Path;

use crate::files::error::FileError;

/// Default free space below which the programs stop: 64 MiB (a connection job writes a few
/// MB; the database grows by kilobytes per point).
pub const DEFAULT_MIN_FREE_BYTES: u64 = 64 << 20;

/// Environment variable overriding [`DEFAULT_MIN_FREE_BYTES`] (bytes), for a site with other
/// needs and for tests that simulate a full disk.
pub const MIN_FREE_ENV: &str = "ENERGY_LANDSCAPE_MIN_FREE";

/// The free-space threshold in force: `$ENERGY_LANDSCAPE_MIN_FREE` or the default.
pub fn min_free_bytes() -> u64 {
    std::env::var(MIN_FREE_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_MIN_FREE_BYTES)
}

/// Bytes available to this user on the filesystem holding `dir`.
pub fn free_bytes(dir: &Path) -> Result<u64, FileError> {
    fs2::available_space(dir).map_err(|e| FileError::io(dir, e))
}

/// An error naming `dir` when fewer than `min` bytes are free on its disk.
pub fn check_free_space(dir: &Path, min: u64) -> Result<(), FileError> {
    let free = free_bytes(dir)?;
    if free < min {
        return Err(FileError::invalid(
            dir,
            format!(
                "the disk is full: {} free, at least {} needed to go on (free some space, \
                 then run the same command again; {MIN_FREE_ENV} sets the threshold in bytes)",
                human(free),
                human(min)
            ),
        ));
    }
    Ok(())
}

/// Bytes in KiB/MiB/GiB.
fn human(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b => format!("{:.1} KiB", b as f64 / 1024.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_threshold_above_the_free_space_is_a_full_disk() {
        let d = tempfile::tempdir().unwrap();
        assert!(free_bytes(d.path()).unwrap() > 0);
        check_free_space(d.path(), 0).unwrap();
        let e = check_free_space(d.path(), u64::MAX)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("the disk is full") && e.contains(MIN_FREE_ENV),
            "{e}"
        );
        assert_eq!(human(3 << 20), "3.0 MiB");
    }
}
