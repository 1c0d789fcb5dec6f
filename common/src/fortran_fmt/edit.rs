//! Rendering of single values with one edit descriptor (the gfortran conventions are documented
//! in the parent module).

use super::decimal::Decimal;

fn stars(w: usize) -> String {
    "*".repeat(w)
}

/// Right-justifies `s` in `w` columns; `w` asterisks when it does not fit; `w == 0` returns `s`
/// unchanged (minimal width).
fn justify(s: String, w: usize) -> String {
    let len = s.chars().count();
    if w == 0 {
        s
    } else if len > w {
        stars(w)
    } else {
        let mut out = " ".repeat(w - len);
        out.push_str(&s);
        out
    }
}

/// NaN / Infinity as libgfortran writes them for F, E, D, ES and G (`build_infnan_string`),
/// with the default sign mode (no `+` for positive values):
///
/// | value | w < 3 | w = 3 | 4 ≤ w ≤ 7 | w = 8 | w ≥ 9 |
/// |---|---|---|---|---|---|
/// | NaN (any sign) | `*`×w | `NaN` | `NaN` right-justified | | |
/// | +∞ | `*`×w | `Inf` | `Inf` right-justified | `Infinity` | `Infinity` right-justified |
/// | −∞ | `*`×w | `***` | `-Inf` right-justified | `-Inf` right-justified | `-Infinity` right-justified |
///
/// `w == 0` (minimal width) gives `NaN`, `Inf`, `-Inf`.
pub(crate) fn infnan(v: f64, w: usize) -> String {
    if v.is_nan() {
        return if w == 0 {
            "NaN".to_string()
        } else {
            justify("NaN".to_string(), w)
        };
    }
    let neg = v.is_sign_negative();
    if w == 0 {
        return if neg { "-Inf" } else { "Inf" }.to_string();
    }
    if w < 3 || (neg && w == 3) {
        return stars(w);
    }
    let text = match (neg, w) {
        (false, 3..=7) => "Inf",
        (false, _) => "Infinity",
        (true, 4..=8) => "-Inf",
        (true, _) => "-Infinity",
    };
    justify(text.to_string(), w)
}

/// `Iw.m`; `m` is the minimum number of digits (plain `Iw` is `m = 1`).
pub(crate) fn int(v: i64, w: usize, m: usize) -> String {
    let mut digits = if m == 0 && v == 0 {
        String::new()
    } else {
        v.unsigned_abs().to_string()
    };
    if digits.len() < m {
        digits = "0".repeat(m - digits.len()) + &digits;
    }
    let s = if v < 0 { format!("-{digits}") } else { digits };
    if w == 0 && s.is_empty() {
        // I0.0 of 0: the processor must pick a width; one blank.
        return " ".to_string();
    }
    justify(s, w)
}

/// `Fw.d`.
pub(crate) fn fixed(v: f64, w: usize, d: usize) -> String {
    if !v.is_finite() {
        return infnan(v, w);
    }
    let neg = v.is_sign_negative();
    let exact = Decimal::exact(v);
    let r = exact.round_keep(exact.exp as i64 + d as i64);
    let mut body = String::new();
    if !r.is_zero() && r.exp > 0 {
        for q in (0..r.exp).rev() {
            body.push((b'0' + r.digit_at(q)) as char);
        }
    }
    let int_empty = body.is_empty();
    body.push('.');
    for q in 1..=d as i32 {
        body.push((b'0' + r.digit_at(-q)) as char);
    }
    let sign_len = usize::from(neg);
    if int_empty {
        // The zero before the point is optional: printed when there is room (never for F0.d),
        // mandatory when d = 0 (the field would otherwise be a bare point).
        let with_zero = sign_len + body.len() + 1;
        if d == 0 || (w > 0 && with_zero <= w) {
            body.insert(0, '0');
        }
    }
    if neg {
        body.insert(0, '-');
    }
    justify(body, w)
}

/// The exponent field of E/D/ES output: `E±xx` (`D±xx`) for |x| ≤ 99 and `±xxx` for
/// 100 ≤ |x| ≤ 999 without an explicit exponent width; `E±` followed by exactly `e` digits
/// with one. `None` when the exponent does not fit.
fn exponent_field(x: i32, e: Option<usize>, letter: char) -> Option<String> {
    let sign = if x < 0 { '-' } else { '+' };
    let a = x.unsigned_abs();
    match e {
        None => {
            if a <= 99 {
                Some(format!("{letter}{sign}{a:02}"))
            } else if a <= 999 {
                Some(format!("{sign}{a:03}"))
            } else {
                None
            }
        }
        Some(e) => {
            let s = a.to_string();
            if e == 0 || s.len() > e {
                None
            } else {
                Some(format!("{letter}{sign}{s:0>e$}"))
            }
        }
    }
}

/// `Ew.d[Ee]` (and `Dw.d` with `letter = 'D'`): `[-][0].d₁…d_d` followed by the exponent.
pub(crate) fn expo(v: f64, w: usize, d: usize, e: Option<usize>, letter: char) -> String {
    if !v.is_finite() {
        return infnan(v, w);
    }
    if d == 0 || w == 0 {
        // gfortran rejects Ew.0 at run time; E0.d is not supported here.
        return stars(w);
    }
    let neg = v.is_sign_negative();
    let r = Decimal::exact(v).round_keep(d as i64);
    let x = if r.is_zero() { 0 } else { r.exp };
    let Some(ef) = exponent_field(x, e, letter) else {
        return stars(w);
    };
    let mut body = String::from(".");
    for i in 0..d {
        body.push((b'0' + r.digits.get(i).copied().unwrap_or(0)) as char);
    }
    body.push_str(&ef);
    if usize::from(neg) + body.len() < w {
        body.insert(0, '0');
    }
    if neg {
        body.insert(0, '-');
    }
    justify(body, w)
}

/// `ESw.d[Ee]`: one non-zero digit before the point (`0.` for zero).
pub(crate) fn sci(v: f64, w: usize, d: usize, e: Option<usize>) -> String {
    if !v.is_finite() {
        return infnan(v, w);
    }
    if w == 0 {
        return String::new();
    }
    let neg = v.is_sign_negative();
    let r = Decimal::exact(v).round_keep(d as i64 + 1);
    let x = if r.is_zero() { 0 } else { r.exp - 1 };
    let Some(ef) = exponent_field(x, e, 'E') else {
        return stars(w);
    };
    let mut body = String::new();
    if neg {
        body.push('-');
    }
    body.push((b'0' + r.digits.first().copied().unwrap_or(0)) as char);
    body.push('.');
    for i in 1..=d {
        body.push((b'0' + r.digits.get(i).copied().unwrap_or(0)) as char);
    }
    body.push_str(&ef);
    justify(body, w)
}

macro_rules! g_decimals {
    ($name:ident, $t:ty) => {
        /// gfortran's choice between the F and E forms of `Gw.d` (libgfortran
        /// `write_float.def`, default rounding mode), reproduced operation by operation in the
        /// value's own precision: with `r_sc = 1 − 0.5/10^d`, the magnitude `m` is compared
        /// with the floating-point thresholds `10^(j−1)·r_sc`, `j = 0..=d+1`. `m < 0.1·r_sc`
        /// or `10^d − m ≤ 0.5` gives the E form (`None`); otherwise `m` in
        /// `[10^(j−2)·r_sc, 10^(j−1)·r_sc)` gives `F(w−n).(d+1−j)` (`Some(d + 1 − j)`), and
        /// zero gives `d − 1` decimals. Mathematically this is "round to d significant
        /// digits, then pick k", but the thresholds are rounded binary numbers, so within an
        /// ulp of a decade boundary gfortran can choose the wider form (0.99999999995, whose
        /// exact value is 0.99999999994999…, prints `1.000000000` in G20.10).
        fn $name(m: $t, d: usize) -> Option<usize> {
            let calc_exp = |k: i32| -> $t {
                let mut r: $t = 1.0;
                for _ in 0..k.unsigned_abs() {
                    r *= 10.0;
                }
                if k >= 0 {
                    r
                } else {
                    1.0 / r
                }
            };
            let r: $t = 0.5;
            let exp_d = calc_exp(d as i32);
            let r_sc: $t = 1.0 - r / exp_d;
            // C: `temp = 0.1 * r_sc;` — the constant is a double, the result is stored in
            // the value's type.
            let temp = (0.1f64 * f64::from(r_sc)) as $t;
            if m > 0.0 && (m < temp || r >= exp_d - m) {
                return None;
            }
            if m == 0.0 {
                return Some(d - 1);
            }
            let (mut low, mut high) = (0i32, d as i32 + 1);
            let (mut lbound, mut ubound) = (0i32, d as i32 + 1);
            let mut mid = 0i32;
            while low <= high {
                mid = (low + high) / 2;
                let temp = calc_exp(mid - 1) * r_sc;
                if m < temp {
                    ubound = mid;
                    if ubound == lbound + 1 {
                        break;
                    }
                    high = mid - 1;
                } else if m > temp {
                    lbound = mid;
                    if ubound == lbound + 1 {
                        mid += 1;
                        break;
                    }
                    low = mid + 1;
                } else {
                    mid += 1;
                    break;
                }
            }
            usize::try_from(d as i32 + 1 - mid).ok()
        }
    };
}
g_decimals!(g_decimals_f64, f64);
g_decimals!(g_decimals_f32, f32);

/// `Gw.d[Ee]` once the form is chosen: `Some(dd)` is `F(w−n).dd` plus `n` blanks, `None` is
/// `Ew.d[Ee]`. An overflowing F part gives `w` asterisks.
fn general_with(v: f64, w: usize, d: usize, e: Option<usize>, decimals: Option<usize>) -> String {
    let n = e.map_or(4, |e| e + 2);
    match decimals {
        Some(dd) => {
            // gfortran reduces n to w − 1 when n ≥ w; an F field of width 1 always
            // overflows, so the result is the same: asterisks.
            if w <= n {
                return stars(w);
            }
            let f = fixed(v, w - n, dd);
            if f.starts_with('*') {
                stars(w)
            } else {
                f + &" ".repeat(n)
            }
        }
        None => expo(v, w, d, e, 'E'),
    }
}

/// `Gw.d[Ee]` for a double-precision real.
pub(crate) fn general(v: f64, w: usize, d: usize, e: Option<usize>) -> String {
    if !v.is_finite() {
        return infnan(v, w);
    }
    if d == 0 || w == 0 {
        // gfortran rejects Gw.0 for reals at run time; G0 is not supported here.
        return stars(w);
    }
    general_with(v, w, d, e, g_decimals_f64(v.abs(), d))
}

/// `Gw.d[Ee]` for a single-precision real: the F/E choice is made in `f32` arithmetic, as
/// libgfortran does for `REAL(4)`; the digits are those of the exact `f32` value.
pub(crate) fn general32(v: f32, w: usize, d: usize, e: Option<usize>) -> String {
    if !v.is_finite() {
        return infnan(f64::from(v), w);
    }
    if d == 0 || w == 0 {
        return stars(w);
    }
    general_with(f64::from(v), w, d, e, g_decimals_f32(v.abs(), d))
}

/// `Aw` (`w = None`: plain `A`, the whole string). Shorter strings are right-justified (as the
/// Fortran standard prescribes for a character variable shorter than `w`); longer ones keep
/// their leftmost `w` characters.
pub(crate) fn alpha(s: &str, w: Option<usize>) -> String {
    match w {
        None => s.to_string(),
        Some(w) => {
            let len = s.chars().count();
            if len >= w {
                s.chars().take(w).collect()
            } else {
                " ".repeat(w - len) + s
            }
        }
    }
}
