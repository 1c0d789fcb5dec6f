//! Number grammars: the INPUT library's own reader ([`parse_number`]) used by
//! `data`/`odata`/`pathdata`, and Fortran list-directed conversion
//! ([`list_directed_real`], [`list_directed_int`]) used by `dinfo`.
//!
//! Both parse correctly rounded: the recognised parts are reassembled into a normalised
//! decimal string that Rust's `f64` parser converts.

use nom::{
    branch::alt,
    character::complete::{char, digit0, digit1, one_of},
    combinator::{map, opt},
    sequence::{pair, preceded, tuple},
    IResult,
};

/// Why an item is not a number in the INPUT-library grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// A character that cannot continue the number; `offset` is its 0-based character
    /// position in the item.
    #[error("Invalid character '{ch}' while reading number")]
    InvalidChar { ch: char, offset: usize },
    /// The item ended before any digit (`-`, `.`, `+.`).
    #[error("Incomplete number (no digits) while reading number")]
    Incomplete,
    /// An empty (quoted `''`) item where a number was expected.
    #[error("Empty item while reading number")]
    Empty,
    /// The value overflows a double.
    #[error("Number out of range while reading number")]
    OutOfRange,
}

/// Mantissa sign: `true` for `-`.
fn sign(input: &str) -> IResult<&str, bool> {
    map(one_of("+-"), |c| c == '-')(input)
}

/// `digits [. digits*]` or `. digits`; returns (integral digits, fraction digits).
fn mantissa(input: &str) -> IResult<&str, (&str, &str)> {
    alt((
        pair(
            digit1,
            map(opt(preceded(char('.'), digit0)), |f| f.unwrap_or("")),
        ),
        map(preceded(char('.'), digit1), |f| ("", f)),
    ))(input)
}

/// INPUT-library exponent: `D`/`E` (either case) with optional sign and digits — a letter with
/// neither gives exponent 0 as in the Fortran — or a sign directly followed by digits.
fn library_exponent(input: &str) -> IResult<&str, (bool, &str)> {
    alt((
        preceded(
            one_of("DdEe"),
            alt((pair(sign, digit1), map(digit0, |d| (false, d)))),
        ),
        pair(sign, digit1),
    ))(input)
}

/// List-directed exponent: `E`/`D`/`Q` (either case), optional sign, digits; or sign and digits.
fn list_exponent(input: &str) -> IResult<&str, (bool, &str)> {
    alt((
        preceded(
            one_of("EeDdQq"),
            pair(map(opt(sign), |s| s.unwrap_or(false)), digit1),
        ),
        pair(sign, digit1),
    ))(input)
}

/// Reassemble the parts into a normalised literal and convert it.
fn assemble(negative: bool, int: &str, frac: &str, exp: Option<(bool, &str)>) -> Option<f64> {
    let (exp_negative, exp_digits) = exp.unwrap_or((false, ""));
    let literal = format!(
        "{}{}.{}e{}{}",
        if negative { "-" } else { "" },
        if int.is_empty() { "0" } else { int },
        if frac.is_empty() { "0" } else { frac },
        if exp_negative { "-" } else { "" },
        if exp_digits.is_empty() {
            "0"
        } else {
            exp_digits
        },
    );
    literal.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Read a number item with the INPUT library's grammar.
///
/// Optional sign, digits, optional `.` and digits (at least one digit in all), optional
/// exponent: `D`/`E`/`d`/`e` with optional sign and digits, or a sign directly after the
/// mantissa (`1.5-3` = 1.5e-3, `2+4` = 2e4). `.5`, `5.`, `1.E5`, `1.0D-6` are valid; a bare
/// exponent letter (`1.5E`) means exponent 0, as in the Fortran. `inf`, `nan`, `*` and any
/// other character are errors.
pub fn parse_number(text: &str) -> Result<f64, NumberError> {
    if text.is_empty() {
        return Err(NumberError::Empty);
    }
    let parsed = tuple((
        map(opt(sign), |s| s.unwrap_or(false)),
        mantissa,
        opt(library_exponent),
    ))(text);
    match parsed {
        Ok((rest, (negative, (int, frac), exp))) => {
            if let Some(ch) = rest.chars().next() {
                let offset = text[..text.len() - rest.len()].chars().count();
                return Err(NumberError::InvalidChar { ch, offset });
            }
            assemble(negative, int, frac, exp).ok_or(NumberError::OutOfRange)
        }
        Err(_) => {
            // No mantissa: the culprit follows an optional sign and an optional point.
            let chars: Vec<char> = text.chars().collect();
            let mut k = 0;
            if matches!(chars.first(), Some('+') | Some('-')) {
                k += 1;
            }
            if chars.get(k) == Some(&'.') {
                k += 1;
            }
            match chars.get(k) {
                Some(&ch) => Err(NumberError::InvalidChar { ch, offset: k }),
                None => Err(NumberError::Incomplete),
            }
        }
    }
}

/// Fortran list-directed conversion of one item to a real: `5`, `-.5`, `1.0D-3`, `1e-3`,
/// `2.5Q0`, `1.5-3`. Returns `None` when the item is not a valid real (the Fortran read fails
/// and the variable keeps its value). `Inf`/`NaN` spellings are not accepted.
pub fn list_directed_real(text: &str) -> Option<f64> {
    let parsed = tuple((
        map(opt(sign), |s| s.unwrap_or(false)),
        mantissa,
        opt(list_exponent),
    ))(text);
    match parsed {
        Ok(("", (negative, (int, frac), exp))) => assemble(negative, int, frac, exp),
        _ => None,
    }
}

/// Fortran list-directed conversion of one item to an integer: optional sign and digits only
/// (`5.0` is not an integer). `None` when invalid or out of `i64` range.
pub fn list_directed_int(text: &str) -> Option<i64> {
    let parsed: IResult<&str, (Option<char>, &str)> = pair(opt(one_of("+-")), digit1)(text);
    match parsed {
        Ok(("", (s, digits))) => {
            let literal = format!("{}{}", if s == Some('-') { "-" } else { "" }, digits);
            literal.parse::<i64>().ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> f64 {
        parse_number(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn plain_and_decimal() {
        assert_eq!(ok("13"), 13.0);
        assert_eq!(ok("-2.5"), -2.5);
        assert_eq!(ok("+0.9"), 0.9);
        assert_eq!(ok(".5"), 0.5);
        assert_eq!(ok("5."), 5.0);
        assert_eq!(ok("-.25"), -0.25);
    }

    #[test]
    fn exponents() {
        assert_eq!(ok("1.0D-7"), 1.0e-7);
        assert_eq!(ok("1.0d-7"), 1.0e-7);
        assert_eq!(ok("1.0e-7"), 1.0e-7);
        assert_eq!(ok("1.0E-7"), 1.0e-7);
        assert_eq!(ok("1.0-7"), 1.0e-7);
        assert_eq!(ok("1.5-3"), 1.5e-3);
        assert_eq!(ok("2+4"), 2e4);
        assert_eq!(ok("1.E5"), 1e5);
        assert_eq!(ok("0.3D0"), 0.3);
        assert_eq!(ok("5.0D-3"), 5.0e-3);
        assert_eq!(ok("1.5E+3"), 1500.0);
        assert_eq!(ok("1.5E"), 1.5);
    }

    #[test]
    fn correctly_rounded() {
        assert_eq!(ok("0.1"), 0.1);
        assert_eq!(ok("3.141592653589793238462643383279"), std::f64::consts::PI);
        assert_eq!(ok("1.7976931348623157D308"), f64::MAX);
        assert_eq!(ok("4.9E-324"), 4.9e-324);
        assert_eq!(ok("1E-400"), 0.0);
    }

    #[test]
    fn invalid() {
        assert_eq!(
            parse_number("1x0"),
            Err(NumberError::InvalidChar { ch: 'x', offset: 1 })
        );
        assert_eq!(
            parse_number("inf"),
            Err(NumberError::InvalidChar { ch: 'i', offset: 0 })
        );
        assert_eq!(
            parse_number("nan"),
            Err(NumberError::InvalidChar { ch: 'n', offset: 0 })
        );
        assert_eq!(
            parse_number("*"),
            Err(NumberError::InvalidChar { ch: '*', offset: 0 })
        );
        assert_eq!(
            parse_number("1.2.3"),
            Err(NumberError::InvalidChar { ch: '.', offset: 3 })
        );
        assert_eq!(
            parse_number("1.5E-"),
            Err(NumberError::InvalidChar { ch: '-', offset: 4 })
        );
        assert_eq!(
            parse_number("E5"),
            Err(NumberError::InvalidChar { ch: 'E', offset: 0 })
        );
        assert_eq!(
            parse_number("--5"),
            Err(NumberError::InvalidChar { ch: '-', offset: 1 })
        );
        assert_eq!(parse_number("-"), Err(NumberError::Incomplete));
        assert_eq!(parse_number("."), Err(NumberError::Incomplete));
        assert_eq!(parse_number(""), Err(NumberError::Empty));
        assert_eq!(parse_number("1E400"), Err(NumberError::OutOfRange));
        assert_eq!(
            parse_number("1Q5"),
            Err(NumberError::InvalidChar { ch: 'Q', offset: 1 })
        );
        assert_eq!(
            parse_number("١"),
            Err(NumberError::InvalidChar {
                ch: '١', offset: 0
            })
        );
    }

    #[test]
    fn list_directed() {
        assert_eq!(list_directed_real("1.0D-3"), Some(1.0e-3));
        assert_eq!(list_directed_real("1e-3"), Some(1.0e-3));
        assert_eq!(list_directed_real("5"), Some(5.0));
        assert_eq!(list_directed_real("-168.5"), Some(-168.5));
        assert_eq!(list_directed_real("2.5q1"), Some(25.0));
        assert_eq!(list_directed_real("1.5-3"), Some(1.5e-3));
        assert_eq!(list_directed_real("1.5E"), None);
        assert_eq!(list_directed_real("abc"), None);
        assert_eq!(list_directed_real("inf"), None);
        assert_eq!(list_directed_real(""), None);
        assert_eq!(list_directed_int("45"), Some(45));
        assert_eq!(list_directed_int("-2"), Some(-2));
        assert_eq!(list_directed_int("+7"), Some(7));
        assert_eq!(list_directed_int("5.0"), None);
        assert_eq!(list_directed_int("x"), None);
        assert_eq!(list_directed_int("99999999999999999999"), None);
    }
}
