//! Parsing and interpretation of Fortran format specifications.

use super::edit;
use std::fmt;

/// One value of a formatted output list.
#[derive(Debug, Clone, PartialEq)]
pub enum FValue {
    /// An INTEGER item (edited by `I`, or `G` acting as `Iw`).
    Int(i64),
    /// A double-precision REAL item (edited by `F`, `E`, `D`, `ES`, `G`).
    Real(f64),
    /// A single-precision REAL item (`REAL(4)`, e.g. disconnectionDPS). Its exact binary value
    /// is printed; it differs from `Real(f64::from(v))` only in `G` editing, where gfortran
    /// chooses between the F and E forms in single-precision arithmetic.
    Real32(f32),
    /// A CHARACTER item (edited by `A`, or `G` acting as `Aw`). The string is the whole value
    /// of the Fortran variable, trailing blanks included: `A4` of `"C1"` is `"  C1"`, while
    /// `A4` of `"C1  "` (a `CHARACTER(LEN=4)` holding `C1`) is `"C1  "`.
    Str(String),
}

impl FValue {
    fn kind(&self) -> &'static str {
        match self {
            FValue::Int(_) => "integer",
            FValue::Real(_) | FValue::Real32(_) => "real",
            FValue::Str(_) => "character",
        }
    }
}

macro_rules! fvalue_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for FValue {
            fn from(v: $t) -> Self {
                FValue::Int(i64::from(v))
            }
        }
    )*};
}
fvalue_from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<usize> for FValue {
    /// Saturates at `i64::MAX` (never reached by ids and counts).
    fn from(v: usize) -> Self {
        FValue::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<u64> for FValue {
    /// Saturates at `i64::MAX`.
    fn from(v: u64) -> Self {
        FValue::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<f64> for FValue {
    fn from(v: f64) -> Self {
        FValue::Real(v)
    }
}
impl From<f32> for FValue {
    /// [`FValue::Real32`]: printed as gfortran prints a `REAL(4)` item.
    fn from(v: f32) -> Self {
        FValue::Real32(v)
    }
}
impl From<&str> for FValue {
    fn from(v: &str) -> Self {
        FValue::Str(v.to_string())
    }
}
impl From<String> for FValue {
    fn from(v: String) -> Self {
        FValue::Str(v)
    }
}
impl From<&String> for FValue {
    fn from(v: &String) -> Self {
        FValue::Str(v.clone())
    }
}

/// Errors from parsing a format or from applying it to a list of values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The format specification is malformed or uses an unsupported descriptor.
    #[error("bad Fortran format {format:?} at character {pos}: {msg}")]
    Parse {
        /// The format text.
        format: String,
        /// 0-based character offset of the problem.
        pos: usize,
        /// What is wrong.
        msg: String,
    },
    /// A value of the wrong type for its edit descriptor (gfortran: a run-time error).
    #[error("item {item}: {descriptor} cannot edit a {kind} value")]
    TypeMismatch {
        /// 1-based position of the value in the output list.
        item: usize,
        /// The descriptor, e.g. `F20.10`.
        descriptor: String,
        /// `integer`, `real` or `character`.
        kind: &'static str,
    },
    /// Values remain but the (reverted part of the) format has no data edit descriptor.
    #[error(
        "format {format:?} has no data edit descriptor for the remaining {remaining} value(s)"
    )]
    NoDataDescriptor {
        /// The format text.
        format: String,
        /// Number of values not written.
        remaining: usize,
    },
    /// A descriptor that is valid syntax but cannot edit this value (e.g. `G20.0` of a real).
    #[error("item {item}: {descriptor} is not usable for this value ({msg})")]
    Descriptor {
        /// 1-based position of the value in the output list.
        item: usize,
        /// The descriptor.
        descriptor: String,
        /// Why.
        msg: String,
    },
}

/// A data edit descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Descriptor {
    /// `Iw` (`m = 1`) or `Iw.m`; `w = 0` is minimal width.
    I {
        /// Field width.
        w: usize,
        /// Minimum number of digits.
        m: usize,
    },
    /// `Fw.d`; `w = 0` is minimal width.
    F {
        /// Field width.
        w: usize,
        /// Digits after the point.
        d: usize,
    },
    /// `Ew.d` or `Ew.dEe`.
    E {
        /// Field width.
        w: usize,
        /// Significant digits.
        d: usize,
        /// Exponent digits, if given.
        e: Option<usize>,
    },
    /// `Dw.d` (as `Ew.d` with the letter `D`).
    D {
        /// Field width.
        w: usize,
        /// Significant digits.
        d: usize,
    },
    /// `ESw.d` or `ESw.dEe`.
    ES {
        /// Field width.
        w: usize,
        /// Digits after the point.
        d: usize,
        /// Exponent digits, if given.
        e: Option<usize>,
    },
    /// `Gw.d` or `Gw.dEe`.
    G {
        /// Field width.
        w: usize,
        /// Significant digits.
        d: usize,
        /// Exponent digits, if given.
        e: Option<usize>,
    },
    /// `A` (`None`) or `Aw`.
    A {
        /// Field width, if given.
        w: Option<usize>,
    },
}

impl fmt::Display for Descriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ex = |e: &Option<usize>| e.map(|e| format!("E{e}")).unwrap_or_default();
        match self {
            Descriptor::I { w, m } if *m == 1 => write!(f, "I{w}"),
            Descriptor::I { w, m } => write!(f, "I{w}.{m}"),
            Descriptor::F { w, d } => write!(f, "F{w}.{d}"),
            Descriptor::E { w, d, e } => write!(f, "E{w}.{d}{}", ex(e)),
            Descriptor::D { w, d } => write!(f, "D{w}.{d}"),
            Descriptor::ES { w, d, e } => write!(f, "ES{w}.{d}{}", ex(e)),
            Descriptor::G { w, d, e } => write!(f, "G{w}.{d}{}", ex(e)),
            Descriptor::A { w: None } => write!(f, "A"),
            Descriptor::A { w: Some(w) } => write!(f, "A{w}"),
        }
    }
}

impl Descriptor {
    /// Renders one value. `item` (1-based) is used in error messages only.
    ///
    /// Type rules follow gfortran: `I` needs an integer; `F`, `E`, `D`, `ES` a real; `A` a
    /// string; `G` edits integers as `Iw`, strings as `Aw` and reals as `Gw.d` (`d ≥ 1`).
    pub fn render(&self, value: &FValue, item: usize) -> Result<String, FormatError> {
        let mismatch = || FormatError::TypeMismatch {
            item,
            descriptor: self.to_string(),
            kind: value.kind(),
        };
        if let FValue::Real32(v) = value {
            if let Descriptor::G { w, d, e } = *self {
                if d == 0 && v.is_finite() {
                    return Err(FormatError::Descriptor {
                        item,
                        descriptor: self.to_string(),
                        msg: "d must be positive for a real".into(),
                    });
                }
                return Ok(edit::general32(*v, w, d, e));
            }
            return self.render(&FValue::Real(f64::from(*v)), item);
        }
        match (*self, value) {
            (Descriptor::I { w, m }, FValue::Int(v)) => Ok(edit::int(*v, w, m)),
            (Descriptor::F { w, d }, FValue::Real(v)) => Ok(edit::fixed(*v, w, d)),
            (Descriptor::E { w, d, e }, FValue::Real(v)) => Ok(edit::expo(*v, w, d, e, 'E')),
            (Descriptor::D { w, d }, FValue::Real(v)) => Ok(edit::expo(*v, w, d, None, 'D')),
            (Descriptor::ES { w, d, e }, FValue::Real(v)) => Ok(edit::sci(*v, w, d, e)),
            (Descriptor::G { w, d, e }, FValue::Real(v)) => {
                if d == 0 && v.is_finite() {
                    return Err(FormatError::Descriptor {
                        item,
                        descriptor: self.to_string(),
                        msg: "d must be positive for a real".into(),
                    });
                }
                Ok(edit::general(*v, w, d, e))
            }
            (Descriptor::G { w, .. }, FValue::Int(v)) => Ok(edit::int(*v, w, 1)),
            (Descriptor::G { w, .. }, FValue::Str(s)) => Ok(edit::alpha(s, Some(w))),
            (Descriptor::A { w }, FValue::Str(s)) => Ok(edit::alpha(s, w)),
            _ => Err(mismatch()),
        }
    }
}

/// One item of a format list.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// A data edit descriptor with its repeat count.
    Data { desc: Descriptor, repeat: usize },
    /// A character string edit descriptor (quoted or Hollerith).
    Lit(String),
    /// `/` (or `r/`): end the current record(s).
    Slash(usize),
    /// `:`: stop if no values remain.
    Colon,
    /// `nX`, `TRn`: move right.
    Right(usize),
    /// `TLn`: move left.
    Left(usize),
    /// `Tn`: absolute (1-based) column.
    Tab(usize),
    /// A parenthesised group with its repeat count.
    Group { repeat: usize, items: Vec<Item> },
}

impl Item {
    fn has_data(&self) -> bool {
        match self {
            Item::Data { repeat, .. } => *repeat > 0,
            Item::Group { repeat, items } => *repeat > 0 && items.iter().any(Item::has_data),
            _ => false,
        }
    }
}

/// A parsed Fortran format specification, e.g. `(2F25.15,I6,3F20.10)`.
///
/// Supported: repeat counts; `Iw[.m]`, `Fw.d`, `Ew.d[Ee]`, `Dw.d`, `ESw.d[Ee]`, `Gw.d[Ee]`,
/// `A[w]`; quoted literals (`'…'` with `''`, `"…"` with `""`) and Hollerith `nH…`; `nX`
/// (`X` alone is `1X`), `Tn`, `TLn`, `TRn`; `/` and `r/`; `:`; nested groups `r(…)`.
/// Letters are case-insensitive, blanks outside literals are ignored, and commas between
/// items are optional. Scale factors (`kP`), sign and blank control, `L`, `B`/`O`/`Z`, `EN`,
/// `G0` and `E0.d` are rejected with [`FormatError::Parse`].
///
/// Output follows Fortran format control: items are processed left to right; output stops at
/// a data descriptor (or `:`) when no values remain; at the final right parenthesis with
/// values left, the record ends and control reverts to the last top-level group (with its
/// repeat count), or to the start when there is none. `X`/`TR` only move the position, so
/// they produce no trailing blanks at the end of a record (as gfortran).
#[derive(Debug, Clone, PartialEq)]
pub struct FortranFormat {
    source: String,
    items: Vec<Item>,
    reversion: usize,
}

impl fmt::Display for FortranFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl std::str::FromStr for FortranFormat {
    type Err = FormatError;
    fn from_str(s: &str) -> Result<Self, FormatError> {
        FortranFormat::parse(s)
    }
}

struct Parser<'a> {
    src: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl Parser<'_> {
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, FormatError> {
        Err(FormatError::Parse {
            format: self.src.to_string(),
            pos: self.pos,
            msg: msg.into(),
        })
    }

    fn skip_ws(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }

    /// Next significant character (blanks skipped), upper-cased, not consumed.
    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).map(|c| c.to_ascii_uppercase())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// An unsigned integer (blanks between digits allowed, as in Fortran).
    fn number(&mut self) -> Option<usize> {
        let mut v: Option<usize> = None;
        while let Some(c) = self.peek() {
            let Some(dg) = c.to_digit(10) else { break };
            self.pos += 1;
            v = Some(
                v.unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(dg as usize),
            );
        }
        v
    }

    fn required_number(&mut self, what: &str) -> Result<usize, FormatError> {
        match self.number() {
            Some(n) => Ok(n),
            None => self.err(format!("expected {what}")),
        }
    }

    /// `.d` after a width.
    fn dot_number(&mut self, what: &str) -> Result<usize, FormatError> {
        if self.peek() != Some('.') {
            return self.err(format!("expected '.' and {what}"));
        }
        self.pos += 1;
        self.required_number(what)
    }

    /// Optional `Ee` exponent width.
    fn exponent(&mut self) -> Result<Option<usize>, FormatError> {
        if self.peek() == Some('E') {
            let save = self.pos;
            self.pos += 1;
            if let Some(e) = self.number() {
                if e == 0 {
                    return self.err("exponent width must be positive");
                }
                return Ok(Some(e));
            }
            self.pos = save;
        }
        Ok(None)
    }

    fn literal(&mut self, quote: char) -> Result<String, FormatError> {
        // Opening quote already consumed; blanks inside are significant.
        let mut s = String::new();
        loop {
            match self.chars.get(self.pos) {
                None => return self.err("unterminated character string"),
                Some(&c) if c == quote => {
                    if self.chars.get(self.pos + 1) == Some(&quote) {
                        s.push(quote);
                        self.pos += 2;
                    } else {
                        self.pos += 1;
                        return Ok(s);
                    }
                }
                Some(&c) => {
                    s.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// Items up to and including the closing parenthesis.
    fn list(&mut self) -> Result<Vec<Item>, FormatError> {
        let mut items = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return self.err("missing ')'");
            };
            match c {
                ')' => {
                    self.pos += 1;
                    return Ok(items);
                }
                ',' => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let start = self.pos;
            let rep = self.number();
            let Some(c) = self.bump() else {
                return self.err("missing ')'");
            };
            let no_repeat = |p: &Self| -> Result<(), FormatError> {
                if rep.is_some() {
                    Err(FormatError::Parse {
                        format: p.src.to_string(),
                        pos: start,
                        msg: format!("a repeat count cannot precede '{c}'"),
                    })
                } else {
                    Ok(())
                }
            };
            let item = match c {
                '(' => Item::Group {
                    repeat: rep.unwrap_or(1),
                    items: self.list()?,
                },
                '\'' | '"' => {
                    no_repeat(self)?;
                    Item::Lit(self.literal(c)?)
                }
                'H' => {
                    let Some(n) = rep else {
                        return self.err("Hollerith H needs a count");
                    };
                    if self.pos + n > self.chars.len() {
                        return self.err("Hollerith string runs past the end");
                    }
                    let s: String = self.chars[self.pos..self.pos + n].iter().collect();
                    self.pos += n;
                    Item::Lit(s)
                }
                'X' => Item::Right(rep.unwrap_or(1)),
                '/' => Item::Slash(rep.unwrap_or(1)),
                ':' => {
                    no_repeat(self)?;
                    Item::Colon
                }
                'T' => {
                    no_repeat(self)?;
                    match self.peek() {
                        Some('L') => {
                            self.pos += 1;
                            Item::Left(self.required_number("a TL count")?)
                        }
                        Some('R') => {
                            self.pos += 1;
                            Item::Right(self.required_number("a TR count")?)
                        }
                        _ => {
                            let n = self.required_number("a T column")?;
                            if n == 0 {
                                return self.err("T column must be at least 1");
                            }
                            Item::Tab(n)
                        }
                    }
                }
                'I' => {
                    let w = self.required_number("a width after I")?;
                    let m = if self.peek() == Some('.') {
                        self.dot_number("digits after I")?
                    } else {
                        1
                    };
                    Item::Data {
                        desc: Descriptor::I { w, m },
                        repeat: rep.unwrap_or(1),
                    }
                }
                'F' => {
                    let w = self.required_number("a width after F")?;
                    let d = self.dot_number("decimals after F")?;
                    Item::Data {
                        desc: Descriptor::F { w, d },
                        repeat: rep.unwrap_or(1),
                    }
                }
                'E' | 'D' | 'G' => {
                    let es = c == 'E' && self.peek() == Some('S');
                    if es {
                        self.pos += 1;
                    } else if c == 'E' && self.peek() == Some('N') {
                        return self.err("EN editing is not supported");
                    }
                    let w = self.required_number("a width")?;
                    if w == 0 {
                        return self.err("zero width is supported only for I and F");
                    }
                    let d = self.dot_number("digits")?;
                    let e = if c == 'D' { None } else { self.exponent()? };
                    if (c == 'E' && !es || c == 'D') && d == 0 {
                        return self.err("E and D editing need d > 0");
                    }
                    let desc = match (c, es) {
                        ('E', true) => Descriptor::ES { w, d, e },
                        ('E', false) => Descriptor::E { w, d, e },
                        ('D', _) => Descriptor::D { w, d },
                        _ => Descriptor::G { w, d, e },
                    };
                    Item::Data {
                        desc,
                        repeat: rep.unwrap_or(1),
                    }
                }
                'A' => {
                    let w = self.number();
                    if w == Some(0) {
                        return self.err("A width must be positive");
                    }
                    Item::Data {
                        desc: Descriptor::A { w },
                        repeat: rep.unwrap_or(1),
                    }
                }
                other => {
                    self.pos = start;
                    return self.err(format!("unsupported or unknown edit descriptor '{other}'"));
                }
            };
            items.push(item);
        }
    }
}

/// Output state: finished records and the current record with its position.
struct Writer<'v> {
    values: &'v [FValue],
    next: usize,
    records: Vec<String>,
    cur: Vec<char>,
    pos: usize,
}

enum Flow {
    Continue,
    Stop,
}

impl Writer<'_> {
    fn put(&mut self, s: &str) {
        for c in s.chars() {
            if self.pos < self.cur.len() {
                self.cur[self.pos] = c;
            } else {
                while self.cur.len() < self.pos {
                    self.cur.push(' ');
                }
                self.cur.push(c);
            }
            self.pos += 1;
        }
    }

    fn end_record(&mut self) {
        self.records.push(self.cur.drain(..).collect());
        self.pos = 0;
    }

    fn run(&mut self, items: &[Item]) -> Result<Flow, FormatError> {
        for item in items {
            match item {
                Item::Data { desc, repeat } => {
                    for _ in 0..*repeat {
                        let Some(v) = self.values.get(self.next) else {
                            return Ok(Flow::Stop);
                        };
                        self.next += 1;
                        let s = desc.render(v, self.next)?;
                        self.put(&s);
                    }
                }
                Item::Lit(s) => self.put(s),
                Item::Slash(n) => {
                    for _ in 0..*n {
                        self.end_record();
                    }
                }
                Item::Colon => {
                    if self.next >= self.values.len() {
                        return Ok(Flow::Stop);
                    }
                }
                Item::Right(n) => self.pos += n,
                Item::Left(n) => self.pos = self.pos.saturating_sub(*n),
                Item::Tab(n) => self.pos = n - 1,
                Item::Group { repeat, items } => {
                    for _ in 0..*repeat {
                        if let Flow::Stop = self.run(items)? {
                            return Ok(Flow::Stop);
                        }
                    }
                }
            }
        }
        Ok(Flow::Continue)
    }
}

impl FortranFormat {
    /// Parses a format specification; it must be enclosed in parentheses (surrounding blanks
    /// allowed).
    pub fn parse(src: &str) -> Result<FortranFormat, FormatError> {
        let mut p = Parser {
            src,
            chars: src.chars().collect(),
            pos: 0,
        };
        if p.bump() != Some('(') {
            p.pos = 0;
            return p.err("a format must start with '('");
        }
        let items = p.list()?;
        if p.peek().is_some() {
            return p.err("text after the closing ')'");
        }
        let reversion = items
            .iter()
            .rposition(|i| matches!(i, Item::Group { .. }))
            .unwrap_or(0);
        Ok(FortranFormat {
            source: src.to_string(),
            items,
            reversion,
        })
    }

    /// The format text as given to [`FortranFormat::parse`].
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Writes `values` and returns the records (lines), without line terminators. There is
    /// always at least one record (an empty list with `(A)` gives one empty record, as an
    /// empty `WRITE` does).
    pub fn format_lines(&self, values: &[FValue]) -> Result<Vec<String>, FormatError> {
        let mut w = Writer {
            values,
            next: 0,
            records: Vec::new(),
            cur: Vec::new(),
            pos: 0,
        };
        let mut start = 0;
        loop {
            if let Flow::Stop = w.run(&self.items[start..])? {
                break;
            }
            if w.next >= values.len() {
                break;
            }
            if !self.items[self.reversion..].iter().any(Item::has_data) {
                return Err(FormatError::NoDataDescriptor {
                    format: self.source.clone(),
                    remaining: values.len() - w.next,
                });
            }
            w.end_record();
            start = self.reversion;
        }
        w.end_record();
        Ok(w.records)
    }

    /// Writes `values` and returns the records joined with `'\n'`, **without** a trailing
    /// newline (a one-record write returns just that line; append `'\n'` or use `writeln!`
    /// when writing to a file).
    pub fn format(&self, values: &[FValue]) -> Result<String, FormatError> {
        Ok(self.format_lines(values)?.join("\n"))
    }
}

/// Parses `fmt` and writes `values` with it: [`FortranFormat::format`] in one call.
pub fn fortran_write(fmt: &str, values: &[FValue]) -> Result<String, FormatError> {
    FortranFormat::parse(fmt)?.format(values)
}
