//! Shared helpers of the analysis tests: small databases and inputs.

#![allow(dead_code)]

use common::database::{Database, DbConfig, MinRecord, TsRecord};
use common::deck::Deck;
use pathsample::keywords::PathsampleInput;
use std::path::Path;

/// A one-variable network configuration (no alignment; identity by energy and |Δx|).
pub fn cfg() -> DbConfig {
    DbConfig::network(1, 0)
}

/// `PathsampleInput` from `pathdata` text (NATOMS 1 is added to satisfy the parser), with
/// the one-variable database configuration.
pub fn input(text: &str) -> PathsampleInput {
    let deck = Deck::parse(&format!("NATOMS 1\n{text}"), "pathdata").unwrap();
    let mut i = PathsampleInput::from_deck(&deck).unwrap();
    i.db = cfg();
    i
}

/// Append a minimum with energy `e`, fvib, order `h` at coordinate `x`.
pub fn min(db: &mut Database, e: f64, fvib: f64, h: usize, x: f64) -> usize {
    db.add_minimum(MinRecord::new(e, fvib, h, [0.0; 3]), &[x])
        .unwrap()
}

/// Append a TS between `plus` and `minus`.
pub fn ts(
    db: &mut Database,
    e: f64,
    fvib: f64,
    h: usize,
    plus: usize,
    minus: usize,
    x: f64,
) -> usize {
    let r = TsRecord {
        energy: e,
        fvib,
        order: h,
        plus,
        minus,
        inertia: [0.0; 3],
        negeig: None,
    };
    db.add_ts(r, &[x]).unwrap()
}

/// Run the CYCLES 0 analyses; the printed text.
pub fn analyse(dir: &Path, input: &PathsampleInput, db: &Database) -> anyhow::Result<String> {
    let mut out = Vec::new();
    pathsample::analysis::run(dir, input, db, &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

/// Read a file of `dir` (empty when missing).
pub fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

/// All files of a directory with their bytes, sorted by name.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::files::snapshot(dir).unwrap()
}

/// The numbers of a line of the form `...=<value> ...=<value>`.
pub fn values(line: &str) -> Vec<f64> {
    line.split('=')
        .skip(1)
        .map(|s| s.split_whitespace().next().unwrap().parse().unwrap())
        .collect()
}

/// The first printed line starting with `prefix`.
pub fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in\n{text}"))
}

/// Simple deterministic generator (xorshift) for random test databases.
pub struct Rng(pub u64);

impl Rng {
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.uniform() * n as f64) as usize % n
    }
}
