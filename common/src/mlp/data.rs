//! The `MLPdata` file: one data item per line, an integer outcome and the input features.
//!
//! Storage conventions: inputs are kept **item-major** (row-major `Ndata × Nin`: item `d`,
//! input `k` at `d·Nin + k`, both 0-based) and outcomes (labels) **0-based** (`0..Nout`), the
//! values as written in the file.
//!
//! Line syntax: values separated by blanks, tabs or commas (several separators in a row count
//! as one; the Fortran "null item" `,,` is not supported in data lines). Reals may use the
//! Fortran exponent letters `D`/`Q` or a signed exponent without a letter (`1.0-7`). Blank
//! lines are skipped without counting as data items (a Fortran list-directed read skips them
//! too); the `datstart − 1` lines skipped by the legacy layout are raw lines, blank or not.
//! An outcome must be an integer (`1` or `1.0`); non-finite numbers are rejected.

use std::path::Path;

use thiserror::Error;

/// Where the outcome column is on a data line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeColumn {
    /// `c x_1 x_2 ...`: outcome first, inputs are the feature columns `Nstart..Nstart+Nin−1`
    /// (1-based, counted after the outcome); other columns are ignored.
    First,
    /// Legacy `x_1 .. x_Nin c`: exactly `Nin + 1` values, outcome last.
    Last,
}

/// How to read `MLPdata` for one network (from the ML keyword and `MLPNORM`).
#[derive(Debug, Clone, PartialEq)]
pub struct DataLayout {
    /// Number of inputs used per item (I).
    pub nin: usize,
    /// Number of outcomes (O); file outcomes must lie in `0..O`.
    pub nout: usize,
    /// Number of data items read (lines beyond are ignored; fewer is an error).
    pub ndata: usize,
    /// 1-based first feature column used (counted after the outcome), outcome-first form only.
    pub nstart: usize,
    /// Outcome first or last.
    pub outcome: OutcomeColumn,
    /// 1-based first line used: `datstart − 1` leading lines are skipped (legacy form; 1 =
    /// skip nothing; 0 behaves as 1).
    pub datstart: usize,
    /// `MLPNORM`: divide every input column by its mean absolute value after reading.
    pub normalise: bool,
}

impl DataLayout {
    /// Outcome-first layout with `Nstart = 1`, nothing skipped, no normalisation.
    pub fn outcome_first(nin: usize, nout: usize, ndata: usize) -> Self {
        Self {
            nin,
            nout,
            ndata,
            nstart: 1,
            outcome: OutcomeColumn::First,
            datstart: 1,
            normalise: false,
        }
    }
}

/// Errors reading `MLPdata`; every variant names the file, and the line (1-based) where one is
/// involved.
#[derive(Debug, Error)]
pub enum MlpDataError {
    /// The file could not be read.
    #[error("cannot read {file}: {source}")]
    Io {
        /// File name.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line has too few (or, outcome-last, not exactly the right number of) values.
    #[error("{file} line {line}: found {found} values, {expected}")]
    ColumnCount {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// Number of values found.
        found: usize,
        /// What was expected, in words.
        expected: String,
    },
    /// The outcome is an integer outside `0..nout`.
    #[error("{file} line {line}: outcome {value} is outside 0..{max}")]
    LabelRange {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// The outcome read.
        value: i64,
        /// Largest allowed outcome (`Nout − 1`).
        max: usize,
    },
    /// The outcome is not an integer.
    #[error("{file} line {line}: outcome '{text}' is not an integer")]
    LabelNotInteger {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// The offending item.
        text: String,
    },
    /// An input value is not a (finite) number.
    #[error("{file} line {line}: value '{text}' in column {column} is not a number")]
    NotANumber {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// 1-based column on the line (the outcome, if first, is column 1).
        column: usize,
        /// The offending item.
        text: String,
    },
    /// The file ended before `Ndata` items were read.
    #[error("{file} line {line}: end of file after {found} data items, Ndata = {expected}")]
    TooFewLines {
        /// File name.
        file: String,
        /// Number of the last line of the file (1-based; 0 for an empty file).
        line: usize,
        /// Items read.
        found: usize,
        /// Items required.
        expected: usize,
    },
}

/// A data set: `Ndata` items of `Nin` inputs with 0-based outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpData {
    nin: usize,
    inputs: Vec<f64>,
    labels: Vec<usize>,
    scales: Option<Vec<f64>>,
}

impl MlpData {
    /// A data set from item-major inputs (`labels.len() × nin`) and 0-based labels.
    ///
    /// # Panics
    /// If `inputs.len() != labels.len() * nin`.
    pub fn new(nin: usize, inputs: Vec<f64>, labels: Vec<usize>) -> Self {
        assert_eq!(
            inputs.len(),
            labels.len() * nin,
            "MlpData::new: inputs must hold Ndata × Nin values"
        );
        Self {
            nin,
            inputs,
            labels,
            scales: None,
        }
    }

    /// Read and parse a data file (see [`MlpData::parse`]).
    pub fn read(path: impl AsRef<Path>, layout: &DataLayout) -> Result<Self, MlpDataError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| MlpDataError::Io {
            file: file.clone(),
            source,
        })?;
        Self::parse(&text, &file, layout)
    }

    /// Parse the text of a data file; `file_name` is used in error messages only. Applies
    /// `MLPNORM` when `layout.normalise` is set.
    pub fn parse(text: &str, file_name: &str, layout: &DataLayout) -> Result<Self, MlpDataError> {
        let nin = layout.nin;
        let ndata = layout.ndata;
        // Reserve for what the text can hold (an item takes a line, a value at least a byte),
        // not for the deck's Ndata alone: Ndata = 10^15 with a short file is the TooFewLines
        // error below, not an allocation failure.
        let items = ndata.min(text.len() / 2 + 1);
        let mut inputs = Vec::with_capacity(items.saturating_mul(nin).min(text.len()));
        let mut labels = Vec::with_capacity(items);
        let skip = layout.datstart.saturating_sub(1);
        let mut last_line = 0;
        let mut tokens: Vec<&str> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if labels.len() == ndata {
                break;
            }
            last_line = i + 1;
            if i < skip {
                continue;
            }
            tokens.clear();
            tokens.extend(
                line.split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|s| !s.is_empty()),
            );
            if tokens.is_empty() {
                continue;
            }
            let line_no = i + 1;
            let (label_col, first_input) = match layout.outcome {
                OutcomeColumn::First => {
                    let need = layout.nstart.max(1) + nin;
                    if tokens.len() < need {
                        return Err(MlpDataError::ColumnCount {
                            file: file_name.to_string(),
                            line: line_no,
                            found: tokens.len(),
                            expected: format!(
                                "at least {need} needed (the outcome, then features up to column {})",
                                need - 1
                            ),
                        });
                    }
                    (0, layout.nstart.max(1))
                }
                OutcomeColumn::Last => {
                    if tokens.len() != nin + 1 {
                        return Err(MlpDataError::ColumnCount {
                            file: file_name.to_string(),
                            line: line_no,
                            found: tokens.len(),
                            expected: format!(
                                "exactly {} needed ({nin} inputs, then the outcome)",
                                nin + 1
                            ),
                        });
                    }
                    (nin, 0)
                }
            };
            let label =
                parse_label(tokens[label_col]).ok_or_else(|| MlpDataError::LabelNotInteger {
                    file: file_name.to_string(),
                    line: line_no,
                    text: tokens[label_col].to_string(),
                })?;
            if label < 0 || label >= layout.nout as i64 {
                return Err(MlpDataError::LabelRange {
                    file: file_name.to_string(),
                    line: line_no,
                    value: label,
                    max: layout.nout.saturating_sub(1),
                });
            }
            for (j, tok) in tokens[first_input..first_input + nin].iter().enumerate() {
                let v = parse_real(tok).ok_or_else(|| MlpDataError::NotANumber {
                    file: file_name.to_string(),
                    line: line_no,
                    column: first_input + j + 1,
                    text: tok.to_string(),
                })?;
                inputs.push(v);
            }
            labels.push(label as usize);
        }
        if labels.len() < ndata {
            return Err(MlpDataError::TooFewLines {
                file: file_name.to_string(),
                line: last_line,
                found: labels.len(),
                expected: ndata,
            });
        }
        let mut data = Self::new(nin, inputs, labels);
        if layout.normalise {
            data.normalise();
        }
        Ok(data)
    }

    /// Number of inputs per item.
    pub fn nin(&self) -> usize {
        self.nin
    }

    /// Number of items.
    pub fn ndata(&self) -> usize {
        self.labels.len()
    }

    /// All inputs, item-major (`d·Nin + k`).
    pub fn inputs(&self) -> &[f64] {
        &self.inputs
    }

    /// The inputs of item `d` (0-based).
    #[inline]
    pub fn input(&self, d: usize) -> &[f64] {
        &self.inputs[d * self.nin..(d + 1) * self.nin]
    }

    /// All labels (0-based outcomes).
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// Label (0-based outcome) of item `d`.
    #[inline]
    pub fn label(&self, d: usize) -> usize {
        self.labels[d]
    }

    /// The column divisors applied by [`MlpData::normalise`] / [`MlpData::apply_scales`], if
    /// any (1.0 for a column left unchanged).
    pub fn scales(&self) -> Option<&[f64]> {
        self.scales.as_deref()
    }

    /// `MLPNORM`: divide each input column `k` by `(1/Ndata) Σ_d |x_dk|` (computed from this data
    /// set; columns whose mean absolute value is 0 are left unchanged, with a warning). Returns
    /// the divisors.
    pub fn normalise(&mut self) -> Vec<f64> {
        let n = self.ndata();
        let mut scales = vec![0.0; self.nin];
        for row in self.inputs.chunks_exact(self.nin) {
            for (s, x) in scales.iter_mut().zip(row) {
                *s += x.abs();
            }
        }
        for (k, s) in scales.iter_mut().enumerate() {
            *s /= n as f64;
            if *s == 0.0 || !s.is_finite() {
                log::warn!(
                    "MLPNORM: input column {} has mean absolute value {}; left unchanged",
                    k + 1,
                    s
                );
                *s = 1.0;
            }
        }
        self.apply_scales(&scales);
        scales
    }

    /// Divide each input column by the given divisor (e.g. a training set's [`MlpData::scales`]
    /// applied to a test set).
    ///
    /// # Panics
    /// If `scales.len() != nin`.
    pub fn apply_scales(&mut self, scales: &[f64]) {
        assert_eq!(scales.len(), self.nin, "one scale per input column");
        for row in self.inputs.chunks_exact_mut(self.nin) {
            for (x, s) in row.iter_mut().zip(scales) {
                *x /= s;
            }
        }
        self.scales = Some(scales.to_vec());
    }
}

/// An outcome: an integer, or a real with no fractional part.
fn parse_label(tok: &str) -> Option<i64> {
    if let Ok(v) = tok.parse::<i64>() {
        return Some(v);
    }
    let v = parse_real(tok)?;
    (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
}

/// A finite real in Fortran list-directed syntax (`1.5`, `1.5E-3`, `1.5D-3`, `1.5-3`, `.5`).
pub(crate) fn parse_real(tok: &str) -> Option<f64> {
    let finite = |v: f64| v.is_finite().then_some(v);
    // Only digits, signs, '.', and exponent letters are Fortran; this also rejects "inf"/"nan".
    if !tok.bytes().all(|b| {
        b.is_ascii_digit()
            || matches!(
                b,
                b'+' | b'-' | b'.' | b'e' | b'E' | b'd' | b'D' | b'q' | b'Q'
            )
    }) {
        return None;
    }
    if let Ok(v) = tok.parse::<f64>() {
        return finite(v);
    }
    let mut s: String = tok
        .chars()
        .map(|c| match c {
            'd' | 'D' | 'q' | 'Q' => 'e',
            c => c,
        })
        .collect();
    if !s.contains(['e', 'E']) {
        // A signed exponent without a letter: a sign after the first character.
        if let Some(p) = s[1..].rfind(['+', '-']) {
            s.insert(p + 1, 'e');
        }
    }
    s.parse::<f64>().ok().and_then(finite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_ndata_is_an_error_not_an_allocation() {
        // Found by tests/tests/fuzz_parsers.rs: Ndata × Nin values were reserved before reading
        // (8·10^15 bytes for an MLP keyword's Ndata of 10^15).
        let layout = DataLayout::outcome_first(2, 3, 1_000_000_000_000_000);
        let e = MlpData::parse("1 0.5 0.25\n2 1.0 -1.0\n", "MLPdata", &layout).unwrap_err();
        assert!(
            e.to_string()
                .contains("end of file after 2 data items, Ndata = 1000000000000000"),
            "{e}"
        );
        let layout = DataLayout::outcome_first(1_000_000_000_000_000, 3, 1_000_000_000_000_000);
        assert!(MlpData::parse("1 0.5 0.25\n", "MLPdata", &layout).is_err());
    }

    #[test]
    fn reals() {
        assert_eq!(parse_real("1.5"), Some(1.5));
        assert_eq!(parse_real("1.5D-3"), Some(1.5e-3));
        assert_eq!(parse_real("1.5d+3"), Some(1.5e3));
        assert_eq!(parse_real("1.0-7"), Some(1.0e-7));
        assert_eq!(parse_real("-2.5+2"), Some(-250.0));
        assert_eq!(parse_real(".5"), Some(0.5));
        assert_eq!(parse_real("-7"), Some(-7.0));
        assert_eq!(parse_real("abc"), None);
        assert_eq!(parse_real("inf"), None);
        assert_eq!(parse_real("NaN"), None);
        assert_eq!(parse_real("1.2.3"), None);
        assert_eq!(parse_real("1e400"), None);
        assert_eq!(parse_label("2"), Some(2));
        assert_eq!(parse_label("2.0"), Some(2));
        assert_eq!(parse_label("2.5"), None);
    }
}
