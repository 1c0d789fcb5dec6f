//! Fortran edit-descriptor formatting, byte-compatible with gfortran (files.md §0).
//!
//! Two layers:
//! - one value per descriptor: [`fmt_i`], [`fmt_f`], [`fmt_e`], [`fmt_g`], … returning the
//!   field text;
//! - whole format specifications: [`FortranFormat::parse`] then [`FortranFormat::format`] /
//!   [`FortranFormat::format_lines`] over a list of [`FValue`]s (or [`fortran_write`] in one
//!   call).
//!
//! ```
//! use common::fortran_fmt::{fmt_f, fmt_g, FortranFormat, FValue};
//! assert_eq!(fmt_f(258.125, 7, 2), " 258.12");
//! assert_eq!(fmt_g(-173.9284262, 20, 10), "    -173.9284262    ");
//! let f = FortranFormat::parse("(I10,G20.10)").unwrap();
//! assert_eq!(f.format(&[1.into(), (-167.3731638).into()]).unwrap(),
//!            "         1    -167.3731638    ");
//! ```
//!
//! # Conventions (gfortran, default modes; checked against gfortran 12.2)
//!
//! - **Rounding**: the exact binary value is rounded to the nearest representable decimal,
//!   exact ties to even (`258.125` in `F7.2` is ` 258.12`, `376.875` is ` 376.88`). The
//!   decimal expansion is computed exactly (big-integer arithmetic), for every finite `f64`
//!   including subnormals, whatever the number of digits requested. Single-precision values
//!   ([`fmt_f32_f`], [`FValue::Real32`]) are widened exactly, so their own binary value is
//!   printed, as gfortran does for `REAL(4)`.
//! - **Overflow**: a field that does not fit is `w` asterisks.
//! - **`Iw[.m]`**: right-justified, `-` for negative values, at least `m` digits (`Iw.0` of 0 is
//!   blank). `w = 0`: minimal width.
//! - **`Fw.d`**: the `0` before the point is printed only when there is room (`F4.3` of 0.5 is
//!   `.500`, `F5.3` is `0.500`) and is mandatory when `d = 0` (`F3.0` of 0.4 is ` 0.`).
//!   Negative values that round to zero, and −0.0, keep their sign (`-0.00`, gfortran's
//!   default `-fsign-zero`). `w = 0`: minimal width, without the optional zero (`F0.3` of 0.5
//!   is `.500`).
//! - **`Ew.d[Ee]`, `Dw.d`**: `[-][0].d₁…d_d` then `E±xx`; exponents with three digits drop the
//!   letter (`0.1234+100`); with `Ee` the exponent is `E±` and exactly `e` digits (asterisks if
//!   it needs more). The leading `0` is printed when there is room. Zero has exponent `+00`.
//!   `d = 0` (a gfortran run-time error) gives asterisks here.
//! - **`ESw.d[Ee]`**: one non-zero digit before the point.
//! - **`Gw.d[Ee]`** (reals): files.md §0 states the rule as "round to `d` significant
//!   digits; if the rounded value `N` has `10^(k−1) ≤ N < 10^k` with `0 ≤ k ≤ d` (i.e.
//!   `0.1 ≤ N < 10^d`), write `F(w−n).(d−k)` followed by `n` blanks (`n = 4`, or `e + 2` with
//!   `Ee`); zero as `F(w−n).(d−1)` plus `n` blanks; otherwise `Ew.d[Ee]`". So 9.99999999996
//!   in `G20.10` is `     10.00000000    ` and 0.099999999999 is `    0.1000000000    `.
//!   libgfortran implements the rule by comparing the value with the floating-point
//!   thresholds `10^(j−1)·(1 − 0.5·10^(−d))`, computed in the value's own precision; this
//!   module reproduces those operations exactly, so it agrees with gfortran even within an
//!   ulp of a boundary, where the idealised rule and gfortran can differ (0.99999999995,
//!   exactly 0.99999999994999…, is `     1.000000000    ` in `G20.10`, as gfortran prints
//!   it). The digits themselves are always exactly rounded. When the F part overflows, the
//!   whole field is `w` asterisks. `Gw.0` of a finite real is a gfortran run-time error:
//!   [`FormatError::Descriptor`] in the format layer, asterisks from [`fmt_g`]. `G` of an
//!   integer is `Iw`, of a string `Aw`. For `f32` values ([`fmt_f32_g`],
//!   [`FValue::Real32`]) the F/E choice is made in `f32` arithmetic, as for `REAL(4)`.
//! - **NaN and infinities** (all real descriptors, field width `w`): `NaN` right-justified for
//!   `w ≥ 3`; `+∞` is `Inf` for `3 ≤ w ≤ 7` and `Infinity` for `w ≥ 8`; `−∞` is `-Inf` for
//!   `4 ≤ w ≤ 8` and `-Infinity` for `w ≥ 9`; narrower fields (and `−∞` in 3 columns) are
//!   asterisks. No `+` is printed (that needs `SP`, which is not supported).
//! - **`A[w]`**: `A` writes the whole string; `Aw` right-justifies a shorter string and keeps
//!   the leftmost `w` characters of a longer one (pass Fortran `CHARACTER(LEN=n)` values with
//!   their trailing blanks: `(I6,1X,A4)` of `1, "C1  "` is `     1 C1  `).
//! - **List-directed integers** ([`fmt_list_int`]): right-justified in 12 columns (a default
//!   `INTEGER` of gfortran: one blank plus 11 columns).
//! - **Records**: [`FortranFormat::format`] joins records with `'\n'` and adds **no** trailing
//!   newline; [`FortranFormat::format_lines`] returns them as a vector.

mod decimal;
mod edit;
mod format;

#[cfg(test)]
mod tests;

pub use format::{fortran_write, Descriptor, FValue, FormatError, FortranFormat};

/// `Iw`: right-justified in `w` columns, `w` asterisks when it does not fit (`w = 0`: minimal
/// width).
pub fn fmt_i(v: i64, w: usize) -> String {
    edit::int(v, w, 1)
}

/// `Iw.m`: as [`fmt_i`] with at least `m` digits (leading zeros); `Iw.0` of 0 is `w` blanks.
pub fn fmt_i_m(v: i64, w: usize, m: usize) -> String {
    edit::int(v, w, m)
}

/// `Fw.d` (see the module documentation for the leading zero, `-0.00` and rounding).
pub fn fmt_f(v: f64, w: usize, d: usize) -> String {
    edit::fixed(v, w, d)
}

/// `Ew.d`: `0.<d digits>E±xx`, or `0.<d digits>±xxx` for three-digit exponents.
pub fn fmt_e(v: f64, w: usize, d: usize) -> String {
    edit::expo(v, w, d, None, 'E')
}

/// `Ew.dEe`: the exponent written with exactly `e` digits (asterisks if it needs more).
pub fn fmt_e_exp(v: f64, w: usize, d: usize, e: usize) -> String {
    edit::expo(v, w, d, Some(e), 'E')
}

/// `Dw.d`: as `Ew.d` with the letter `D`.
pub fn fmt_d(v: f64, w: usize, d: usize) -> String {
    edit::expo(v, w, d, None, 'D')
}

/// `ESw.d`: scientific notation, one non-zero digit before the point.
pub fn fmt_es(v: f64, w: usize, d: usize) -> String {
    edit::sci(v, w, d, None)
}

/// `Gw.d`: `F(w−4).(d−k)` plus 4 blanks when `0.1 ≤ |v| < 10^d` after rounding to `d`
/// significant digits, else `Ew.d` (see the module documentation).
pub fn fmt_g(v: f64, w: usize, d: usize) -> String {
    edit::general(v, w, d, None)
}

/// `Gw.dEe`: as [`fmt_g`] with `e + 2` trailing blanks in the F form and `Ew.dEe` otherwise.
pub fn fmt_g_exp(v: f64, w: usize, d: usize, e: usize) -> String {
    edit::general(v, w, d, Some(e))
}

/// `A` (`w = None`) or `Aw`: shorter strings right-justified, longer ones truncated on the
/// right.
pub fn fmt_a(s: &str, w: Option<usize>) -> String {
    edit::alpha(s, w)
}

/// List-directed output of one default integer: right-justified in 12 columns (a value
/// needing 12 or more characters gets a single leading blank).
pub fn fmt_list_int(v: i64) -> String {
    let s = v.to_string();
    if s.len() >= 12 {
        format!(" {s}")
    } else {
        format!("{s:>12}")
    }
}

/// `Fw.d` of a single-precision value: the exact `f32` binary value is printed (gfortran
/// `REAL(4)` output; disconnectionDPS computes in single precision).
pub fn fmt_f32_f(v: f32, w: usize, d: usize) -> String {
    edit::fixed(f64::from(v), w, d)
}

/// `Ew.d` of a single-precision value (exact `f32` binary value).
pub fn fmt_f32_e(v: f32, w: usize, d: usize) -> String {
    edit::expo(f64::from(v), w, d, None, 'E')
}

/// `Gw.d` of a single-precision value: exact `f32` digits, F/E choice made in `f32`
/// arithmetic (as libgfortran does for `REAL(4)`).
pub fn fmt_f32_g(v: f32, w: usize, d: usize) -> String {
    edit::general32(v, w, d, None)
}
