//! The `dinfo` keyword table ([`table`], keyword-decks.md §5) → [`Config`]; it also prints
//! `disconnectionDPS --keywords` and generates docs/reference/disconnectiondps-keywords.md.
//!
//! Conventions:
//! - Keywords are matched upper-case; arguments keep their case (file names).
//! - A missing or unreadable numeric argument leaves the setting unchanged, as the Fortran
//!   does; a missing file name is an error naming the line (the Fortran would try to open a
//!   blank name).
//! - Ids are 1-based, as written in the deck.
//! - Project keywords (not in the Fortran): `COLOURBYVALUE` (alias `COLORBYVALUE`), `NOSVG`,
//!   and for `tree.svg` only `YLABEL text`, `COLOURBARTITLE text` (alias `COLORBARTITLE`) and
//!   `CAPTION text` (the rest of the line). Without them the outputs are the Fortran's (plus
//!   `tree.svg`); `tree.ps` never changes with the three text keywords.

use common::deck::{Arg, DeckError, DinfoDeck, DinfoLine, Keyword, KeywordTable};
use common::fortran_fmt::{FValue, FormatError, FortranFormat};

use crate::error::{Error, Result};
use crate::palette::Palette;

/// TRMIN: colour the subtrees whose minima are all listed in one of the files.
#[derive(Debug, Clone, PartialEq)]
pub struct Trmin {
    /// `max` as given (the largest id expected in the lists; checked loosely).
    pub max: i64,
    /// The list files, list index = position + 1.
    pub files: Vec<String>,
}

/// COLOURBYVALUE: colour each branch by a per-minimum value (project extension).
///
/// Syntax `COLOURBYVALUE file [min max] [palette]` (alias `COLORBYVALUE`). Line k of the
/// file holds the value of minimum k (first item); a blank line, `NaN` or a missing line
/// (short file) means "no value". Each segment is drawn in the colour of the value of its
/// node's lowest-energy member (ties: lowest id), or black when that minimum has no value.
/// The scale maps `min`..`max` linearly onto the palette and clamps outside; without
/// `min max` it spans the finite values of the minima drawn (visible and kept; a single
/// value v gives v ± 0.5, none gives 0..1). Palettes: [`Palette::NAMES`], viridis by
/// default. Without this keyword nothing in the output changes.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueColouring {
    /// File with one value per minimum, in `min.data` order.
    pub file: String,
    /// Fixed colour-scale range; `None` = the range of the values of the minima drawn.
    pub range: Option<(f64, f64)>,
    /// Colour scale.
    pub palette: Palette,
}

/// The largest LEVELS accepted (the memory of the basin bookkeeping grows with it).
pub const MAX_LEVELS: i64 = 10_000;

/// The largest number (width, decimals, repeat count, tab position) accepted in LABELFORMAT:
/// a label is a few characters beside a level, and `I999999999` would render a gigabyte.
pub const MAX_LABEL_NUMBER: u64 = 100;

/// The axis-label format (LABELFORMAT): a Fortran edit descriptor such as `F8.2`.
#[derive(Debug, Clone)]
pub struct LabelFormat {
    text: String,
    format: FortranFormat,
}

impl PartialEq for LabelFormat {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl LabelFormat {
    /// Parse a descriptor list as written after LABELFORMAT (without parentheses). At most
    /// the first 10 characters are used, as the Fortran's `CHARACTER(LEN=10)` variable keeps.
    /// Numbers above [`MAX_LABEL_NUMBER`] (outside quoted literals) are an error.
    pub fn parse(text: &str) -> std::result::Result<LabelFormat, FormatError> {
        let text: String = text.chars().take(10).collect();
        let format = FortranFormat::parse(&format!("({text})"))?;
        if let Some((pos, n)) = first_number_above(&text, MAX_LABEL_NUMBER) {
            return Err(FormatError::Parse {
                format: format!("({text})"),
                pos: pos + 1,
                msg: format!("{n} is too large for a label (at most {MAX_LABEL_NUMBER})"),
            });
        }
        let lf = LabelFormat { text, format };
        lf.render(0.0)?;
        Ok(lf)
    }

    /// The descriptor text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Render a level energy. Real descriptors (`F`, `E`, `ES`, `D`, `G`) get the value
    /// itself; an integer descriptor (`I4`) gets the energy rounded to the nearest integer,
    /// halves away from zero (the Fortran would stop with a run-time type error).
    pub fn render(&self, energy: f64) -> std::result::Result<String, FormatError> {
        match self.format.format(&[FValue::Real(energy)]) {
            Err(FormatError::TypeMismatch { .. }) => {
                self.format.format(&[FValue::Int(energy.round() as i64)])
            }
            other => other,
        }
    }
}

/// The character position and value of the first number above `max` outside quotes.
fn first_number_above(text: &str, max: u64) -> Option<(usize, u64)> {
    let mut quote = None;
    let mut number: Option<(usize, u64)> = None;
    for (i, c) in text.chars().chain([' ']).enumerate() {
        match (quote, c.to_digit(10)) {
            (Some(q), _) => {
                if c == q {
                    quote = None;
                }
            }
            (None, Some(d)) => {
                let (start, v) = number.unwrap_or((i, 0));
                number = Some((start, v.saturating_mul(10).saturating_add(u64::from(d))));
            }
            (None, None) => {
                if let Some((start, v)) = number.take() {
                    if v > max {
                        return Some((start, v));
                    }
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                }
            }
        }
    }
    None
}

impl Default for LabelFormat {
    fn default() -> Self {
        LabelFormat::parse("F8.2").expect("F8.2 is valid")
    }
}

/// All settings of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// DELTA: level spacing (must be > 0).
    pub delta: f64,
    /// FIRST: energy of the top level.
    pub first: f64,
    /// LEVELS: number of levels (must be ≥ 2 in the project).
    pub levels: i64,
    /// MINIMA file name as written (also printed in the tree.ps header).
    pub minima: Option<String>,
    /// TS file name as written.
    pub ts: Option<String>,
    /// CONNECTMIN: reference minimum (1-based); 0 = the global minimum.
    pub connect_min: i64,
    /// NCONNMIN: minima with at most this many connections are dropped.
    pub nconnmin: i64,
    /// TSTHRESH / MAXTSENERGY.
    pub ts_thresh: f64,
    /// MAXTSBARRIER.
    pub max_ts_barrier: f64,
    /// NOBARRIERS.
    pub no_barriers: bool,
    /// NOSPLIT.
    pub no_split: bool,
    /// LOWEST: show only the n lowest minima (≤ 0 or > N_MIN = all).
    pub lowest: i64,
    /// MONOTONIC.
    pub monotonic: bool,
    /// EXCLUDEALL.
    pub exclude_all: bool,
    /// PICK file.
    pub pick: Option<String>,
    /// IDMIN ids in deck order (1-based as written).
    pub idmin: Vec<i64>,
    /// IDENTIFY.
    pub identify: bool,
    /// IDENTIFY_NODE m.
    pub identify_node: Option<i64>,
    /// IDENTIFY_NODE_SIZE m.
    pub identify_node_size: Option<i64>,
    /// LABELSIZE (font size of the labels, written `I2`).
    pub label_size: i64,
    /// LABELFORMAT (default `F8.2`).
    pub label_format: LabelFormat,
    /// CENTREGMIN.
    pub centre_gmin: bool,
    /// DUMPNUMBERS.
    pub dump_numbers: bool,
    /// DUMPSIZES.
    pub dump_sizes: bool,
    /// TRMIN.
    pub trmin: Option<Trmin>,
    /// COLOUROUTPUT / COLOURPRINT.
    pub colour_output: bool,
    /// LETTER page size.
    pub letter: bool,
    /// WEIGHTS file.
    pub weights: Option<String>,
    /// COLOURBYVALUE (project).
    pub colour_by_value: Option<ValueColouring>,
    /// Write `tree.svg` (project; `NOSVG` turns it off).
    pub svg: bool,
    /// YLABEL: the energy axis' title in `tree.svg` (project).
    pub ylabel: Option<String>,
    /// COLOURBARTITLE: the colour bar's title in `tree.svg` (project; default the value file).
    pub bar_title: Option<String>,
    /// CAPTION: one line under the graph in `tree.svg` (project).
    pub caption: Option<String>,
    /// AUTORANGE: move the level grid down (or up) by whole DELTAs so that its top level is
    /// the lowest grid level at or above the highest transition state drawn, and leave that
    /// top level out of the drawing (see [`crate::autorange_first`]).
    pub autorange: bool,
    /// SCALEBAR x: a vertical bar x energy units tall replaces the energy axis; the lines
    /// are drawn 1.5 pt wide.
    pub scale_bar: Option<f64>,
    /// CHOOSECOLOURS: the nine hand-chosen TRMIN colours ([`crate::palette::CHOSEN`])
    /// instead of the four defaults.
    pub choose_colours: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            delta: 0.0,
            first: 0.0,
            levels: 0,
            minima: None,
            ts: None,
            connect_min: 0,
            nconnmin: 0,
            ts_thresh: 1.0e100,
            max_ts_barrier: 1.0e100,
            no_barriers: false,
            no_split: false,
            lowest: 0,
            monotonic: false,
            exclude_all: false,
            pick: None,
            idmin: Vec::new(),
            identify: false,
            identify_node: None,
            identify_node_size: None,
            label_size: 10,
            label_format: LabelFormat::default(),
            centre_gmin: false,
            dump_numbers: false,
            dump_sizes: false,
            trmin: None,
            colour_output: false,
            letter: false,
            weights: None,
            colour_by_value: None,
            svg: true,
            ylabel: None,
            bar_title: None,
            caption: None,
            autorange: false,
            scale_bar: None,
            choose_colours: false,
        }
    }
}

fn set_f64(line: &DinfoLine, i: usize, v: &mut f64) {
    if let Some(x) = line.opt_f64(i) {
        *v = x;
    }
}

fn set_int(line: &DinfoLine, i: usize, v: &mut i64) {
    if let Some(x) = line.opt_int(i) {
        *v = x;
    }
}

fn file_arg(line: &DinfoLine, i: usize) -> std::result::Result<String, DeckError> {
    line.opt_string(i)
        .map(str::to_string)
        .ok_or_else(|| line.error(format!("{} needs a file name", line.keyword())))
}

/// The text after the keyword (trimmed); an error when there is none.
fn rest_of_line(line: &DinfoLine) -> std::result::Result<String, DeckError> {
    let t = line.text().trim_start();
    let rest = t
        .split_once(|c: char| c.is_whitespace() || c == ',')
        .map_or("", |(_, r)| r)
        .trim();
    if rest.is_empty() {
        return Err(line.error(format!("{} needs a text", line.keyword())));
    }
    Ok(rest.to_string())
}

type C = Config;

/// A dinfo keyword (its arguments lenient, as the Fortran reader: [`DinfoLine`] checks no types).
fn dk(name: &'static str) -> Keyword<C, DinfoLine> {
    Keyword::named(name)
}

fn f64_at(l: &DinfoLine, v: &mut f64) -> std::result::Result<(), DeckError> {
    set_f64(l, 1, v);
    Ok(())
}

fn int_at(l: &DinfoLine, v: &mut i64) -> std::result::Result<(), DeckError> {
    set_int(l, 1, v);
    Ok(())
}

/// disconnectionDPS's keyword table.
pub fn table() -> KeywordTable<C, DinfoLine> {
    KeywordTable::new("disconnectionDPS", "dinfo").with(vec![
        dk("DELTA")
            .arg(Arg::real("dE"))
            .doc("energy spacing of the levels (required)")
            .set(|c: &mut C, l| f64_at(l, &mut c.delta)),
        dk("FIRST")
            .arg(Arg::real("E").or("highest TS"))
            .doc("energy of the top level")
            .set(|c: &mut C, l| f64_at(l, &mut c.first)),
        dk("LEVELS")
            .arg(Arg::int("n"))
            .doc("number of levels (required, at least 2)")
            .set(|c: &mut C, l| int_at(l, &mut c.levels)),
        dk("MINIMA")
            .arg(Arg::word("file"))
            .doc("the minima file (min.data)")
            .set(|c: &mut C, l| {
                c.minima = Some(file_arg(l, 1)?);
                Ok(())
            }),
        dk("TS")
            .arg(Arg::word("file"))
            .doc("the transition-state file (ts.data)")
            .set(|c: &mut C, l| {
                c.ts = Some(file_arg(l, 1)?);
                Ok(())
            }),
        dk("CONNECTMIN")
            .arg(Arg::int("id"))
            .doc("draw only the minima connected to this one (default: the global minimum)")
            .set(|c: &mut C, l| int_at(l, &mut c.connect_min)),
        dk("NCONNMIN")
            .arg(Arg::int("n"))
            .doc("leave out minima with n or fewer connections")
            .set(|c: &mut C, l| int_at(l, &mut c.nconnmin)),
        dk("TSTHRESH")
            .alias("MAXTSENERGY")
            .arg(Arg::real("E"))
            .doc("leave out TSs above this energy")
            .set(|c: &mut C, l| f64_at(l, &mut c.ts_thresh)),
        dk("MAXTSBARRIER")
            .arg(Arg::real("E"))
            .doc("leave out TSs whose lower barrier exceeds this")
            .set(|c: &mut C, l| f64_at(l, &mut c.max_ts_barrier)),
        dk("NOBARRIERS")
            .doc("draw minima without the barrier structure")
            .set(|c: &mut C, _| {
                c.no_barriers = true;
                Ok(())
            }),
        dk("NOSPLIT")
            .doc("do not split the lines of single minima below a node")
            .set(|c: &mut C, _| {
                c.no_split = true;
                Ok(())
            }),
        dk("LOWEST")
            .arg(Arg::int("n"))
            .doc("draw only the n lowest minima")
            .set(|c: &mut C, l| int_at(l, &mut c.lowest)),
        dk("MONOTONIC")
            .doc("draw only minima reached by monotonic sequences")
            .set(|c: &mut C, _| {
                c.monotonic = true;
                Ok(())
            }),
        dk("EXCLUDEALL")
            .doc("with PICK, leave out every minimum not picked")
            .set(|c: &mut C, _| {
                c.exclude_all = true;
                Ok(())
            }),
        dk("PICK")
            .arg(Arg::word("file"))
            .doc("draw the minima listed in the file")
            .set(|c: &mut C, l| {
                c.pick = Some(file_arg(l, 1)?);
                Ok(())
            }),
        dk("IDMIN")
            .arg(Arg::int("id"))
            .doc("label this minimum with its id (may be repeated)")
            .set(|c: &mut C, l| {
                if let Some(id) = l.opt_int(1) {
                    c.idmin.push(id);
                }
                Ok(())
            }),
        dk("IDENTIFY")
            .doc("label every minimum at the bottom of the graph with its id")
            .set(|c: &mut C, _| {
                c.identify = true;
                Ok(())
            }),
        dk("IDENTIFY_NODE")
            .arg(Arg::int("level"))
            .doc("label the nodes above this level with their numbers")
            .set(|c: &mut C, l| {
                let mut m = c.identify_node.unwrap_or(0);
                set_int(l, 1, &mut m);
                c.identify_node = Some(m);
                Ok(())
            }),
        dk("IDENTIFY_NODE_SIZE")
            .arg(Arg::int("n"))
            .doc("label the nodes holding at least n minima")
            .set(|c: &mut C, l| {
                let mut m = c.identify_node_size.unwrap_or(0);
                set_int(l, 1, &mut m);
                c.identify_node_size = Some(m);
                Ok(())
            }),
        dk("LABELSIZE")
            .arg(Arg::int("pt"))
            .doc("font size of the labels (points)")
            .set(|c: &mut C, l| int_at(l, &mut c.label_size)),
        dk("LABELFORMAT")
            .arg(Arg::word("format"))
            .doc("Fortran format of the energy-axis labels (at most 10 characters)")
            .example("F10.4")
            .set(|c: &mut C, l| {
                if let Some(text) = l.opt_string(1) {
                    if text.chars().count() > 10 {
                        log::warn!(
                            "{}:{}: LABELFORMAT {text:?} is longer than 10 characters; \
                             only the first 10 are used",
                            l.file(),
                            l.line_no()
                        );
                    }
                    c.label_format = LabelFormat::parse(text)
                        .map_err(|e| l.error(format!("LABELFORMAT {text:?} is not usable: {e}")))?;
                }
                Ok(())
            }),
        dk("CENTREGMIN")
            .doc("put the global minimum at the centre")
            .set(|c: &mut C, _| {
                c.centre_gmin = true;
                Ok(())
            }),
        dk("DUMPNUMBERS")
            .doc("write node_numbers: the node of each minimum at each level")
            .set(|c: &mut C, _| {
                c.dump_numbers = true;
                Ok(())
            }),
        dk("DUMPSIZES")
            .doc("write node_sizes: the minima per node at each level")
            .set(|c: &mut C, _| {
                c.dump_sizes = true;
                Ok(())
            }),
        dk("TRMIN")
            .arg(Arg::int("n"))
            .arg(Arg::int("max"))
            .arg(Arg::word("file").many())
            .doc("colour the branches whose minima are all listed in one of n files")
            .example("2 10 a.txt b.txt")
            .set(|c: &mut C, l| {
                c.trmin = Some(parse_trmin(l)?);
                Ok(())
            }),
        dk("COLOUROUTPUT")
            .alias("COLOURPRINT")
            .doc("colour output")
            .set(|c: &mut C, _| {
                c.colour_output = true;
                Ok(())
            }),
        dk("LETTER")
            .doc("US letter paper instead of A4")
            .set(|c: &mut C, _| {
                c.letter = true;
                Ok(())
            }),
        dk("WEIGHTS")
            .arg(Arg::word("file"))
            .doc("line widths from per-minimum weights in the file")
            .set(|c: &mut C, l| {
                c.weights = Some(file_arg(l, 1)?);
                Ok(())
            }),
        dk("COLOURBYVALUE")
            .alias("COLORBYVALUE")
            .arg(Arg::word("file"))
            .arg(Arg::real("min").or("data minimum"))
            .arg(Arg::real("max").or("data maximum"))
            .arg(Arg::word("palette").or("viridis"))
            .doc("colour each branch by a per-minimum value from the file (project extension)")
            .example("values.txt")
            .set(|c: &mut C, l| {
                c.colour_by_value = Some(parse_colour_by_value(l)?);
                Ok(())
            }),
        dk("AUTORANGE")
            .doc(
                "shift the levels by whole DELTAs so that the top level is the lowest one at or \
                 above the highest TS, and draw from the level below it",
            )
            .set(|c: &mut C, _| {
                c.autorange = true;
                Ok(())
            }),
        dk("SCALEBAR")
            .arg(Arg::real("dE"))
            .doc("draw a red energy scale bar dE tall instead of the energy axis (lines 1.5 pt)")
            .example("5")
            .set(|c: &mut C, l| {
                let mut v = c.scale_bar.unwrap_or(f64::NAN);
                set_f64(l, 1, &mut v);
                if !(v.is_finite() && v > 0.0) {
                    return Err(l.error("SCALEBAR needs a positive energy length"));
                }
                c.scale_bar = Some(v);
                Ok(())
            }),
        dk("CHOOSECOLOURS")
            .doc("colour the TRMIN lists with the nine hand-chosen colours instead of four")
            .set(|c: &mut C, _| {
                c.choose_colours = true;
                Ok(())
            }),
        dk("NOSVG")
            .doc("do not write tree.svg (project extension)")
            .set(|c: &mut C, _| {
                c.svg = false;
                Ok(())
            }),
        dk("YLABEL")
            .arg(Arg::word("text").many())
            .doc("energy-axis title of tree.svg (rest of the line; project extension)")
            .set(|c: &mut C, l| {
                c.ylabel = Some(rest_of_line(l)?);
                Ok(())
            }),
        dk("COLOURBARTITLE")
            .alias("COLORBARTITLE")
            .arg(Arg::word("text").many())
            .doc("colour-bar title of tree.svg (rest of the line; project extension)")
            .set(|c: &mut C, l| {
                c.bar_title = Some(rest_of_line(l)?);
                Ok(())
            }),
        dk("CAPTION")
            .arg(Arg::word("text").many())
            .doc("caption under tree.svg (rest of the line; project extension)")
            .set(|c: &mut C, l| {
                c.caption = Some(rest_of_line(l)?);
                Ok(())
            }),
    ])
}

impl Config {
    /// Interpret the keyword lines of a parsed deck, then apply the checks made after
    /// reading (DELTA, LEVELS, MINIMA, TS).
    pub fn from_deck(deck: &DinfoDeck) -> Result<Config> {
        let mut c = Config::default();
        table().apply(deck.lines(), &mut c)?;
        c.check()?;
        Ok(c)
    }

    /// Parse `dinfo` text (named `file` in messages).
    pub fn parse(text: &str, file: &str) -> Result<Config> {
        Config::from_deck(&DinfoDeck::parse(text, file))
    }

    fn check(&self) -> Result<()> {
        if self.delta.is_nan() || self.delta <= 0.0 {
            return Err(Error::config("Energy gap must be specified using DELTA."));
        }
        if self.levels <= 0 {
            return Err(Error::config(
                "Number of levels must be specified using LEVELS.",
            ));
        }
        if self.levels == 1 {
            return Err(Error::config(
                "LEVELS 1 is not supported: at least 2 levels are needed \
                 (the drawing spaces the levels 1/(LEVELS-1) apart)",
            ));
        }
        if self.levels > MAX_LEVELS {
            // Every level holds a row of basins for every minimum: 10^8 levels took all the
            // memory of a 24 GB machine. A graph is drawn with tens to hundreds of levels.
            return Err(Error::config(format!(
                "LEVELS {} is too large: at most {MAX_LEVELS} levels (a graph needs tens to hundreds)",
                self.levels
            )));
        }
        if self.minima.is_none() {
            return Err(Error::config(
                "No minima file: give it with the MINIMA keyword",
            ));
        }
        if self.ts.is_none() {
            return Err(Error::config(
                "No transition-state file: give it with the TS keyword",
            ));
        }
        Ok(())
    }

    /// Energy of level `i` (1-based): `FIRST − (i−1)·DELTA`.
    pub fn level_energy(&self, i: usize) -> f64 {
        self.first - (i as f64 - 1.0) * self.delta
    }

    /// True when the dinfo uses a keyword of the later Fortran program only (AUTORANGE,
    /// SCALEBAR, CHOOSECOLOURS): the outputs then take that program's layouts (the
    /// `EPSF-3.0` header of tree.ps, `I8` numbers in node_numbers).
    pub fn later_layout(&self) -> bool {
        self.autorange || self.scale_bar.is_some() || self.choose_colours
    }

    /// Number of levels as a count (valid after the checks).
    pub fn nlevels(&self) -> usize {
        self.levels as usize
    }
}

fn parse_trmin(line: &DinfoLine) -> std::result::Result<Trmin, DeckError> {
    let n = line
        .opt_int(1)
        .filter(|&n| n > 0)
        .ok_or_else(|| line.error("TRMIN needs the number of list files (n > 0)"))?;
    let max = line
        .opt_int(2)
        .ok_or_else(|| line.error("TRMIN needs the largest listed id (max) after n"))?;
    let n = n as usize;
    let files: Vec<String> = line.items().iter().skip(3).cloned().collect();
    if files.len() < n {
        return Err(line.error(format!(
            "TRMIN announces {n} list files but names {}",
            files.len()
        )));
    }
    if files.len() > n {
        log::warn!(
            "{}:{}: TRMIN names {} files but announces {n}; the extra ones are ignored",
            line.file(),
            line.line_no(),
            files.len()
        );
    }
    Ok(Trmin {
        max,
        files: files.into_iter().take(n).collect(),
    })
}

fn parse_colour_by_value(line: &DinfoLine) -> std::result::Result<ValueColouring, DeckError> {
    let file = file_arg(line, 1)?;
    let mut next = 2;
    let mut range = None;
    if let Some(lo) = line.opt_f64(next) {
        let hi = line.opt_f64(next + 1).ok_or_else(|| {
            line.error("COLOURBYVALUE: the scale minimum must be followed by its maximum")
        })?;
        if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
            return Err(line.error(format!(
                "COLOURBYVALUE: the scale minimum {lo} must be below the maximum {hi}"
            )));
        }
        range = Some((lo, hi));
        next += 2;
    }
    let mut palette = Palette::default();
    if let Some(name) = line.opt_string(next) {
        palette = Palette::from_name(name).ok_or_else(|| {
            line.error(format!(
                "COLOURBYVALUE: unknown palette {name:?} (known: {})",
                Palette::NAMES.join(", ")
            ))
        })?;
        next += 1;
    }
    if line.has(next) {
        return Err(line.error("COLOURBYVALUE takes: file [min max] [palette]"));
    }
    Ok(ValueColouring {
        file,
        range,
        palette,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every keyword: its example line is accepted and changes the settings.
    #[test]
    fn every_keyword_of_the_table() {
        let f = common::deck::check_table(&table(), Config::default, &[]);
        assert!(f.is_empty(), "{f:#?}");
    }

    /// The committed reference is the table's (regenerate with
    /// `disconnectionDPS --keywords=markdown > docs/reference/disconnectiondps-keywords.md`).
    #[test]
    fn the_committed_reference_is_generated_from_the_table() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../docs/reference/disconnectiondps-keywords.md"
        );
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == table().markdown(),
            "{path} is stale: run `disconnectionDPS --keywords=markdown > {path}`"
        );
    }

    #[test]
    fn a_misspelt_keyword_gets_a_suggestion() {
        let e = Config::parse(
            "DELTA 1
LEVLES 5
",
            "dinfo",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("Keyword not recognised in dinfo: LEVLES (did you mean LEVELS?)"),
            "{e}"
        );
    }

    const G1: &str = "DELTA 0.5\nFIRST 0.0\nLEVELS 7\nMINIMA min.data\nTS ts.data\n\
                      IDENTIFY\nDUMPNUMBERS\nDUMPSIZES\n";

    #[test]
    fn g1_deck() {
        let c = Config::parse(G1, "dinfo").unwrap();
        assert_eq!(c.delta, 0.5);
        assert_eq!(c.levels, 7);
        assert_eq!(c.minima.as_deref(), Some("min.data"));
        assert!(c.identify && c.dump_numbers && c.dump_sizes);
        assert_eq!(c.label_format.as_str(), "F8.2");
    }

    #[test]
    fn lower_case_and_comments() {
        let c = Config::parse(
            "! comment\ndelta 1\n# another\nfirst 15.0\nlevels 45\nminima min.data\nts ts.data\n",
            "dinfo",
        )
        .unwrap();
        assert_eq!((c.delta, c.first, c.levels), (1.0, 15.0, 45));
    }

    #[test]
    fn unknown_keyword_names_it_and_the_line() {
        let e = Config::parse("DELTA 1\nFOO 3\n", "dinfo").unwrap_err();
        let s = e.to_string();
        assert!(s.contains("Keyword not recognised in dinfo: FOO"), "{s}");
        assert!(s.contains("dinfo:2"), "{s}");
    }

    #[test]
    fn required_settings() {
        let e = Config::parse("LEVELS 5\nMINIMA m\nTS t\n", "dinfo").unwrap_err();
        assert_eq!(e.to_string(), "Energy gap must be specified using DELTA.");
        let e = Config::parse("DELTA 1\nMINIMA m\nTS t\n", "dinfo").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Number of levels must be specified using LEVELS."
        );
        let e = Config::parse("DELTA 1\nLEVELS 1\nMINIMA m\nTS t\n", "dinfo").unwrap_err();
        assert!(e.to_string().contains("LEVELS 1 is not supported"));
        let e = Config::parse("DELTA 1\nLEVELS 3\nTS t\n", "dinfo").unwrap_err();
        assert!(e.to_string().contains("MINIMA"));
    }

    #[test]
    fn unreadable_number_keeps_value() {
        let c = Config::parse("DELTA 1\nDELTA x\nLEVELS 3\nMINIMA m\nTS t\n", "dinfo").unwrap();
        assert_eq!(c.delta, 1.0);
    }

    #[test]
    fn label_formats() {
        let f = LabelFormat::parse("F6.1").unwrap();
        assert_eq!(f.render(-10.5).unwrap(), " -10.5");
        let f = LabelFormat::parse("I4").unwrap();
        assert_eq!(f.render(-168.5).unwrap(), "-169");
        assert_eq!(f.render(3.2).unwrap(), "   3");
        let f = LabelFormat::parse("F8.2").unwrap();
        assert_eq!(f.render(-3.0).unwrap(), "   -3.00");
        let f = LabelFormat::parse("G10.3").unwrap();
        assert_eq!(f.render(-174.1).unwrap(), " -174.    ");
        assert!(LabelFormat::parse("Q3").is_err());
        assert!(LabelFormat::parse("A5").is_err());
    }

    #[test]
    fn huge_label_widths_are_errors_not_allocations() {
        // Found by tests/tests/fuzz_parsers.rs: `LABELFORMAT I999999999` rendered a 1 GB label
        // while the deck was read.
        let e = Config::parse("LABELFORMAT I999999999\n", "dinfo").unwrap_err();
        assert!(
            e.to_string()
                .contains("999999999 is too large for a label (at most 100)"),
            "{e}"
        );
        assert!(LabelFormat::parse("F101.2").is_err());
        assert!(LabelFormat::parse("999(I9)").is_err());
        assert!(LabelFormat::parse("T1000").is_err());
        assert_eq!(
            LabelFormat::parse("F100.2")
                .unwrap()
                .render(1.0)
                .unwrap()
                .len(),
            100
        );
        let f = LabelFormat::parse("'1000'F5.1").unwrap();
        assert_eq!(f.render(2.0).unwrap(), "1000  2.0");
    }

    #[test]
    fn autorange_scalebar_choosecolours() {
        let base = "DELTA 1\nLEVELS 3\nMINIMA m\nTS t\n";
        let c = Config::parse(base, "dinfo").unwrap();
        assert!(!c.autorange && c.scale_bar.is_none() && !c.choose_colours);
        assert!(!c.later_layout());
        let c = Config::parse(
            &format!("AUTORANGE\n{base}SCALEBAR 5\nCHOOSECOLOURS\n"),
            "dinfo",
        )
        .unwrap();
        assert!(c.autorange && c.choose_colours && c.later_layout());
        assert_eq!(c.scale_bar, Some(5.0));
        // An unreadable length keeps the one given before, as every dinfo number does.
        let c = Config::parse(&format!("{base}SCALEBAR 2.5\nSCALEBAR x\n"), "dinfo").unwrap();
        assert_eq!(c.scale_bar, Some(2.5));
        for bad in ["SCALEBAR", "SCALEBAR x", "SCALEBAR 0", "SCALEBAR -1"] {
            let e = Config::parse(&format!("{base}{bad}\n"), "dinfo").unwrap_err();
            let s = e.to_string();
            assert!(s.contains("SCALEBAR needs a positive energy length"), "{s}");
            assert!(s.contains("dinfo:5"), "{s}");
        }
        for k in ["AUTORANGE", "SCALEBAR 1", "CHOOSECOLOURS"] {
            let c = Config::parse(&format!("{base}{k}\n"), "dinfo").unwrap();
            assert!(c.later_layout(), "{k}");
        }
    }

    #[test]
    fn trmin_and_colour_by_value() {
        let c = Config::parse(
            "DELTA 1\nLEVELS 3\nMINIMA m\nTS t\nTRMIN 2 8 a b\nCOLOURPRINT\n\
             COLOURBYVALUE auc 0 1 coolwarm\n",
            "dinfo",
        )
        .unwrap();
        let t = c.trmin.unwrap();
        assert_eq!(t.files, vec!["a", "b"]);
        assert_eq!(t.max, 8);
        assert!(c.colour_output);
        let v = c.colour_by_value.unwrap();
        assert_eq!(v.range, Some((0.0, 1.0)));
        assert_eq!(v.palette, Palette::Coolwarm);
        let e = Config::parse("TRMIN 3 8 a b\n", "dinfo").unwrap_err();
        assert!(e.to_string().contains("announces 3"), "{e}");
        let e = Config::parse("COLOURBYVALUE f 1 0\n", "dinfo").unwrap_err();
        assert!(e.to_string().contains("below"), "{e}");
        let e = Config::parse("COLOURBYVALUE f rainbowish\n", "dinfo").unwrap_err();
        assert!(e.to_string().contains("unknown palette"), "{e}");
    }
}
