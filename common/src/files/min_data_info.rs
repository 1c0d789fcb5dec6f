//! `min.data.info` (files.md §2.5): one record per minimum, possibly several concatenated.
//!
//! Record: a header `E fvib h Ix Iy Iz` written `(2F25.15,I6,3F20.10)`, then the NOPT
//! coordinates written `3F25.15` (three per line, the last line short). The reader is free
//! format: it takes the six header numbers from one line, then NOPT numbers from as many lines
//! as they need.

use crate::fortran_fmt::{fmt_f, fmt_i};
use crate::hessian_data::PointData;

/// One minimum of a `min.data.info` file.
#[derive(Debug, Clone, PartialEq)]
pub struct MinDataInfo {
    /// Energy.
    pub energy: f64,
    /// ln of the product of the positive non-zero Hessian eigenvalues.
    pub fvib: f64,
    /// Point-group order.
    pub order: usize,
    /// Principal moments of inertia (ascending; 0 for networks).
    pub inertia: [f64; 3],
    /// Coordinates (NOPT values).
    pub coords: Vec<f64>,
}

impl MinDataInfo {
    /// From computed Hessian data and coordinates.
    pub fn from_point(p: &PointData, coords: &[f64]) -> Self {
        Self {
            energy: p.energy,
            fvib: p.fvib,
            order: p.group.order,
            inertia: p.inertia,
            coords: coords.to_vec(),
        }
    }

    /// The record text (with a final newline).
    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str(&fmt_f(self.energy, 25, 15));
        s.push_str(&fmt_f(self.fvib, 25, 15));
        s.push_str(&fmt_i(self.order as i64, 6));
        for v in self.inertia {
            s.push_str(&fmt_f(v, 20, 10));
        }
        s.push('\n');
        for chunk in self.coords.chunks(3) {
            for v in chunk {
                s.push_str(&fmt_f(*v, 25, 15));
            }
            s.push('\n');
        }
        s
    }
}

/// A reading problem, naming the file and line.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ReadError {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parse every record of a `min.data.info` text with NOPT coordinates per record.
pub fn parse(text: &str, file: &str, nopt: usize) -> Result<Vec<MinDataInfo>, ReadError> {
    let err = |line: usize, message: String| ReadError {
        file: file.into(),
        line,
        message,
    };
    let mut out = Vec::new();
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    while let Some((i, header)) = lines.next() {
        let h: Vec<&str> = header.split_whitespace().collect();
        if h.len() < 6 {
            return Err(err(
                i + 1,
                format!(
                    "expected 6 header values (E fvib h Ix Iy Iz), found {}",
                    h.len()
                ),
            ));
        }
        let num = |t: &str| {
            crate::deck::list_directed_real(t)
                .ok_or_else(|| err(i + 1, format!("cannot read '{t}' as a number")))
        };
        let energy = num(h[0])?;
        let fvib = num(h[1])?;
        let order = num(h[2])?;
        if order < 1.0 || order.fract() != 0.0 {
            return Err(err(i + 1, format!("bad point-group order '{}'", h[2])));
        }
        let inertia = [num(h[3])?, num(h[4])?, num(h[5])?];
        // NOPT comes from the deck: reserve no more than the text can hold (a value takes at
        // least a byte), so an absurd NOPT is the "record ends" error, not an allocation failure.
        let mut coords = Vec::with_capacity(nopt.min(text.len()));
        while coords.len() < nopt {
            let Some((j, l)) = lines.next() else {
                return Err(err(
                    i + 1,
                    format!("record ends after {} of {nopt} coordinates", coords.len()),
                ));
            };
            for t in l.split_whitespace() {
                coords.push(
                    crate::deck::list_directed_real(t)
                        .ok_or_else(|| err(j + 1, format!("cannot read '{t}' as a number")))?,
                );
            }
            if coords.len() > nopt {
                return Err(err(
                    j + 1,
                    format!("more than {nopt} coordinates in the record"),
                ));
            }
        }
        out.push(MinDataInfo {
            energy,
            fvib,
            order: order as usize,
            inertia,
            coords,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_layout() {
        let m = MinDataInfo {
            energy: -2.185098840268771,
            fvib: 11.693670447770367,
            order: 12,
            inertia: [0.6829909897, 0.6829909897, 1.3659819793],
            coords: vec![
                0.0,
                0.0,
                0.0,
                1.16875231736338,
                0.0,
                0.0,
                0.58437615868169,
                1.01216919756862,
                0.0,
            ],
        };
        let text = m.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "       -2.185098840268771       11.693670447770367    12        0.6829909897        0.6829909897        1.3659819793"
        );
        assert_eq!(
            lines[2],
            "        1.168752317363380        0.000000000000000        0.000000000000000"
        );
        assert_eq!(lines.len(), 4);
        let two = format!("{text}{text}");
        let back = parse(&two, "min.data.info", 9).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].render(), text);
        // A 7-value record (4 + 3 lines) has a short last line.
        let m7 = MinDataInfo {
            coords: (0..7).map(|i| i as f64).collect(),
            ..m.clone()
        };
        assert_eq!(m7.render().lines().count(), 4);
        assert_eq!(parse(&m7.render(), "f", 7).unwrap()[0], m7);
    }

    #[test]
    fn damaged_records_name_the_line() {
        let e = parse("1.0 2.0 1\n", "min.data.info", 3).unwrap_err();
        assert!(e.to_string().starts_with("min.data.info:1:"), "{e}");
        let e = parse("1.0 2.0 1 0 0 0\n1 2\n", "min.data.info", 3).unwrap_err();
        assert!(e.to_string().contains("record ends"), "{e}");
        let e = parse("1.0 2.0 1 0 0 0\n1 2 x\n", "min.data.info", 3).unwrap_err();
        assert!(e.to_string().starts_with("min.data.info:2:"), "{e}");
    }

    #[test]
    fn absurd_nopt_is_an_error_not_an_allocation() {
        // Found by tests/tests/fuzz_parsers.rs: NOPT = 2^40 reserved 8 TiB before reading.
        let e = parse("1.0 2.0 1 0 0 0\n1 2 3\n", "min.data.info", 1 << 40).unwrap_err();
        assert!(e.to_string().contains("record ends after 3 of"), "{e}");
    }
}
