//! Declarative keyword tables: each program's deck keywords as one list of values
//! ([`Keyword`]), each with its name, aliases, typed arguments with the Fortran defaults, a
//! one-line description and what it does ([`Action`]).
//!
//! One table ([`KeywordTable`]) drives everything about a program's keywords:
//! - reading a deck ([`KeywordTable::apply`]): the arguments are checked against their
//!   declared types and choices before the keyword's setter runs, so a setter reads values it
//!   knows are there;
//! - the three classes of keyword: implemented ([`Action::Set`]); recognised but without
//!   effect here ([`Action::NoEffect`], a warning) or not provided ([`Action::NotProvided`], an
//!   error); keywords of other systems ([`super::foreign`]: AMBER, CHARMM, ...) with their own
//!   message; unknown (`Unrecognized command`, with the nearest known keyword suggested);
//! - the reference a user can grep (`PROGRAM --keywords`, [`KeywordTable::reference`]) and
//!   the generated Markdown in `docs/reference/` ([`KeywordTable::markdown`]).
//!
//! Groups shared between programs (the L-BFGS settings, the MLP keywords, GPU) are functions
//! returning `Vec<Keyword<T>>` generic over a small trait of the target, written once.
//!
//! ```
//! use common::deck::{Arg, Deck, KeywordTable, kw};
//! #[derive(Default, Debug)]
//! struct Run { steps: usize, tfac: f64 }
//! let table = KeywordTable::new("DEMO", "data").with(vec![
//!     kw("STEPS")
//!         .arg(Arg::int("n"))
//!         .arg(Arg::real("tfac").or("1.0"))
//!         .doc("number of steps and the temperature factor")
//!         .set(|r: &mut Run, l| {
//!             r.steps = l.usize(1)?;
//!             r.tfac = l.opt_f64(2)?.unwrap_or(1.0);
//!             Ok(())
//!         }),
//! ]);
//! let mut run = Run::default();
//! table.apply(Deck::parse("steps 10 0.9\n", "data")?.lines(), &mut run)?;
//! assert_eq!((run.steps, run.tfac), (10, 0.9));
//! let e = table.apply(Deck::parse("STESP 10\n", "data")?.lines(), &mut run).unwrap_err();
//! assert!(e.to_string().contains("Unrecognized command STESP (did you mean STEPS?)"));
//! # Ok::<(), common::deck::DeckError>(())
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;

use super::dinfo::DinfoLine;
use super::error::DeckError;
use super::foreign::{self, ForeignKind};
use super::line::Line;

/// The type of a keyword argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    /// An integer (a real is truncated toward zero, as the Fortran reads it).
    Int,
    /// A real number (Fortran `D` exponents accepted).
    Real,
    /// A word or file name; with [`Arg::one_of`], one of a list (any case).
    Word,
    /// A logical: `T`/`F` (also `TRUE`/`FALSE`, `.TRUE.`/`.FALSE.`), any case.
    Flag,
}

impl ArgType {
    fn name(self) -> &'static str {
        match self {
            ArgType::Int => "integer",
            ArgType::Real => "real",
            ArgType::Word => "word",
            ArgType::Flag => "T|F",
        }
    }
}

/// One declared argument of a keyword (1-based position after the keyword, in list order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// Name in the reference (`n`, `tfac`, ...).
    pub name: &'static str,
    /// Type, checked before the setter runs.
    pub ty: ArgType,
    /// The value used when the item is missing (the Fortran default); `None`: required.
    pub default: Option<&'static str>,
    /// For a word: the accepted values (upper case); empty: any word.
    pub choices: Vec<&'static str>,
    /// The argument takes the rest of the line (a list of values of its type).
    pub repeats: bool,
}

impl Arg {
    fn new(name: &'static str, ty: ArgType) -> Arg {
        Arg {
            name,
            ty,
            default: None,
            choices: Vec::new(),
            repeats: false,
        }
    }

    /// A required integer.
    pub fn int(name: &'static str) -> Arg {
        Arg::new(name, ArgType::Int)
    }

    /// A required real.
    pub fn real(name: &'static str) -> Arg {
        Arg::new(name, ArgType::Real)
    }

    /// A required word (a file name, a mode, ...).
    pub fn word(name: &'static str) -> Arg {
        Arg::new(name, ArgType::Word)
    }

    /// A required logical (`T`/`F`).
    pub fn flag(name: &'static str) -> Arg {
        Arg::new(name, ArgType::Flag)
    }

    /// Optional, with the value the program uses when it is missing (shown in the reference;
    /// write `"none"` or a phrase when there is no single value).
    pub fn or(mut self, default: &'static str) -> Arg {
        self.default = Some(default);
        self
    }

    /// The accepted words (upper case; matched in any case).
    pub fn one_of(mut self, choices: &[&'static str]) -> Arg {
        self.choices = choices.to_vec();
        self
    }

    /// The argument is a list running to the end of the line (at least one value unless
    /// [`Arg::or`] gives a default).
    pub fn many(mut self) -> Arg {
        self.repeats = true;
        self
    }

    /// `n`, `[tfac=1.0]`, `AB|BA`, `T...`.
    fn synopsis(&self) -> String {
        let mut core = if self.choices.is_empty() {
            self.name.to_string()
        } else {
            self.choices.join("|")
        };
        if self.repeats {
            core.push_str("...");
        }
        match self.default {
            None => core,
            Some(d) => format!("[{core}={d}]"),
        }
    }

    /// A value of this argument for examples and tests.
    fn sample(&self) -> &'static str {
        if let Some(c) = self.choices.first() {
            return c;
        }
        match self.ty {
            ArgType::Int => "3",
            ArgType::Real => "0.7",
            ArgType::Word => "file.x",
            ArgType::Flag => "T",
        }
    }
}

/// What a keyword does. Only a setter's arguments are checked; the items of a keyword without
/// effect or not provided are not looked at.
pub enum Action<T, L = Line> {
    /// Implemented: the setter applies the line to the target (the arguments have been checked
    /// against their declarations).
    Set(fn(&mut T, &L) -> Result<(), DeckError>),
    /// Recognised, accepted and without effect here (a warning gives the reason): options
    /// that cannot change the results of this implementation.
    NoEffect(&'static str),
    /// Recognised and not provided by this implementation: an error giving the reason,
    /// because running without it would give different results.
    NotProvided(&'static str),
}

/// One keyword of a table: a single value holding everything about it.
pub struct Keyword<T, L = Line> {
    /// Upper-case name.
    pub name: &'static str,
    /// Other names (upper case) with the same meaning.
    pub aliases: Vec<&'static str>,
    /// Declared arguments, in order.
    pub args: Vec<Arg>,
    /// One-line description (units included).
    pub doc: &'static str,
    /// What it does.
    pub action: Action<T, L>,
    /// Arguments of a line that exercises the keyword in the table's tests, when those made
    /// from the declarations ([`Keyword::example_line`]) would not (e.g. a consistent shape).
    pub example: Option<&'static str>,
}

/// Start a keyword of a `data`/`odata`/`pathdata` table: no arguments, no description, no
/// effect until [`Keyword::set`] or another action is given. (Other line types:
/// [`Keyword::named`].)
pub fn kw<T>(name: &'static str) -> Keyword<T, Line> {
    Keyword::named(name)
}

impl<T, L> Keyword<T, L> {
    /// Start a keyword (see [`kw`]).
    pub fn named(name: &'static str) -> Self {
        Keyword {
            name,
            aliases: Vec::new(),
            args: Vec::new(),
            doc: "",
            action: Action::NoEffect(""),
            example: None,
        }
    }

    /// Add an alias.
    pub fn alias(mut self, name: &'static str) -> Self {
        self.aliases.push(name);
        self
    }

    /// Add aliases.
    pub fn aliases(mut self, names: &[&'static str]) -> Self {
        self.aliases.extend_from_slice(names);
        self
    }

    /// Declare the next argument.
    pub fn arg(mut self, a: Arg) -> Self {
        self.args.push(a);
        self
    }

    /// The one-line description.
    pub fn doc(mut self, d: &'static str) -> Self {
        self.doc = d;
        self
    }

    /// The setter (implemented keyword).
    pub fn set(mut self, f: fn(&mut T, &L) -> Result<(), DeckError>) -> Self {
        self.action = Action::Set(f);
        self
    }

    /// Accepted with no effect here, for the reason given (a warning when used).
    pub fn no_effect(mut self, why: &'static str) -> Self {
        self.action = Action::NoEffect(why);
        self
    }

    /// Recognised and not provided: an error with the reason when used.
    pub fn not_provided(mut self, why: &'static str) -> Self {
        self.action = Action::NotProvided(why);
        self
    }

    /// Arguments of the test line (see [`Keyword::example`]).
    pub fn example(mut self, args: &'static str) -> Self {
        self.example = Some(args);
        self
    }

    /// `STEPS n [tfac=1.0]`.
    pub fn synopsis(&self) -> String {
        let mut s = self.name.to_string();
        for a in &self.args {
            s.push(' ');
            s.push_str(&a.synopsis());
        }
        s
    }

    /// A deck line that uses the keyword: the name and [`Keyword::example`], or a sample
    /// value of every declared argument.
    pub fn example_line(&self) -> String {
        match self.example {
            Some("") => self.name.to_string(),
            Some(e) => format!("{} {e}", self.name),
            None => {
                let mut s = self.name.to_string();
                for a in &self.args {
                    s.push(' ');
                    s.push_str(a.sample());
                }
                s
            }
        }
    }

    /// The class shown in the reference.
    fn class(&self) -> String {
        match self.action {
            Action::Set(_) => String::new(),
            Action::NoEffect(why) => format!("accepted, no effect: {why}"),
            Action::NotProvided(why) => format!("not provided (an error): {why}"),
        }
    }
}

/// What a deck line needs from its line type for the table to check and dispatch it.
pub trait KeywordLine {
    /// Whether [`KeywordLine::check_args`] refuses items of the wrong type (`dinfo` keeps the
    /// Fortran's leniency: an unreadable number leaves the value unchanged).
    const STRICT: bool;
    /// Upper-case keyword.
    fn keyword(&self) -> &str;
    /// File named in messages.
    fn file(&self) -> &str;
    /// 1-based line number.
    fn line_no(&self) -> usize;
    /// An error about this line.
    fn error(&self, msg: impl Into<String>) -> DeckError;
    /// The error for an unknown keyword in this kind of deck.
    fn unknown(&self) -> DeckError;
    /// Check the items against the declared arguments.
    fn check_args(&self, args: &[Arg]) -> Result<(), DeckError>;
    /// One line of this kind read from `text` (for table checks).
    fn parse_one(text: &str, file: &str, line_no: usize) -> Self;
}

impl KeywordLine for Line {
    const STRICT: bool = true;
    fn keyword(&self) -> &str {
        Line::keyword(self)
    }
    fn file(&self) -> &str {
        Line::file(self)
    }
    fn line_no(&self) -> usize {
        Line::line_no(self)
    }
    fn error(&self, msg: impl Into<String>) -> DeckError {
        Line::error(self, msg)
    }
    fn unknown(&self) -> DeckError {
        Line::unknown(self)
    }
    fn parse_one(text: &str, file: &str, line_no: usize) -> Self {
        Line::new(text, file, line_no)
    }

    fn check_args(&self, args: &[Arg]) -> Result<(), DeckError> {
        let n = self.nargs();
        for (k, a) in args.iter().enumerate() {
            let i = k + 1;
            let last = if a.repeats { n.max(i) } else { i };
            if i > n {
                if a.default.is_none() {
                    return Err(self.error_at(
                        i,
                        format!(
                            "{} needs {} ({}) as argument {i}",
                            self.keyword(),
                            a.name,
                            a.ty.name()
                        ),
                    ));
                }
                break;
            }
            for j in i..=last {
                if self.is_null(j) {
                    continue;
                }
                match a.ty {
                    ArgType::Int => {
                        self.int(j)?;
                    }
                    ArgType::Real => {
                        self.f64(j)?;
                    }
                    ArgType::Flag => {
                        let w = self.word_upper(j)?;
                        if parse_flag(&w).is_none() {
                            return Err(
                                self.error_at(j, format!("{}: expected T or F, got {w}", a.name))
                            );
                        }
                    }
                    ArgType::Word if !a.choices.is_empty() => {
                        let w = self.word_upper(j)?;
                        if !a.choices.contains(&w.as_str()) {
                            return Err(self.error_at(
                                j,
                                format!("{}: expected {}, got {w}", a.name, a.choices.join(", ")),
                            ));
                        }
                    }
                    ArgType::Word => {}
                }
            }
        }
        let takes_rest = args.last().is_some_and(|a| a.repeats);
        if !takes_rest && n > args.len() {
            log::warn!(
                "{}:{}: {}: {} item(s) after the {} declared argument(s) ignored",
                self.file(),
                self.line_no(),
                self.keyword(),
                n - args.len(),
                args.len()
            );
        }
        Ok(())
    }
}

impl KeywordLine for DinfoLine {
    const STRICT: bool = false;
    fn keyword(&self) -> &str {
        DinfoLine::keyword(self)
    }
    fn file(&self) -> &str {
        DinfoLine::file(self)
    }
    fn line_no(&self) -> usize {
        DinfoLine::line_no(self)
    }
    fn error(&self, msg: impl Into<String>) -> DeckError {
        DinfoLine::error(self, msg)
    }
    fn unknown(&self) -> DeckError {
        DinfoLine::unknown(self)
    }
    fn parse_one(text: &str, file: &str, line_no: usize) -> Self {
        let padded = format!("{}{text}", "\n".repeat(line_no.saturating_sub(1)));
        let deck = super::dinfo::DinfoDeck::parse(&padded, file);
        deck.lines()[0].clone()
    }
    /// The Fortran dinfo reader keeps a value whose item is missing or unreadable; the
    /// setters do the same, so nothing is checked here.
    fn check_args(&self, _args: &[Arg]) -> Result<(), DeckError> {
        Ok(())
    }
}

/// `T`/`TRUE`/`.TRUE.` → true, `F`/`FALSE`/`.FALSE.` → false (upper-case input).
pub fn parse_flag(word: &str) -> Option<bool> {
    match word.trim_matches('.') {
        "T" | "TRUE" => Some(true),
        "F" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A program's keyword table.
pub struct KeywordTable<T, L = Line> {
    program: &'static str,
    deck: &'static str,
    keywords: Vec<Keyword<T, L>>,
    index: HashMap<&'static str, usize>,
}

impl<T, L: KeywordLine> KeywordTable<T, L> {
    /// An empty table for `program` reading decks called `deck` (`data`, `odata`, ...).
    pub fn new(program: &'static str, deck: &'static str) -> Self {
        KeywordTable {
            program,
            deck,
            keywords: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Add a group of keywords.
    ///
    /// # Panics
    /// When a name or alias is already in the table (a programming error, caught by every
    /// table's tests).
    pub fn with(mut self, group: Vec<Keyword<T, L>>) -> Self {
        for k in group {
            let at = self.keywords.len();
            for name in std::iter::once(k.name).chain(k.aliases.iter().copied()) {
                assert!(
                    self.index.insert(name, at).is_none(),
                    "{}: keyword {name} declared twice",
                    self.program
                );
            }
            self.keywords.push(k);
        }
        self
    }

    /// Program name.
    pub fn program(&self) -> &'static str {
        self.program
    }

    /// The keywords, in table order.
    pub fn keywords(&self) -> &[Keyword<T, L>] {
        &self.keywords
    }

    /// The keyword with this name or alias (upper case).
    pub fn find(&self, name: &str) -> Option<&Keyword<T, L>> {
        self.index.get(name).map(|&i| &self.keywords[i])
    }

    /// The known name (or alias) nearest to `word`, when it is near enough to be a likely
    /// typing error.
    pub fn suggest(&self, word: &str) -> Option<&'static str> {
        let mut best: Option<(f64, &'static str)> = None;
        for &name in self.index.keys() {
            let score = strsim::jaro_winkler(word, name);
            if best.is_none_or(|(s, n)| score > s || (score == s && name < n)) {
                best = Some((score, name));
            }
        }
        best.filter(|&(s, _)| s >= 0.85).map(|(_, n)| n)
    }

    /// Apply one line.
    pub fn apply_line(&self, line: &L, target: &mut T) -> Result<(), DeckError> {
        let word = line.keyword();
        if let Some(k) = self.find(word) {
            return match k.action {
                Action::Set(f) => {
                    line.check_args(&k.args)?;
                    f(target, line)
                }
                Action::NoEffect(why) => {
                    log::warn!(
                        "{}:{}: {word} has no effect in this implementation: {why}",
                        line.file(),
                        line.line_no()
                    );
                    Ok(())
                }
                Action::NotProvided(why) => Err(line.error(format!(
                    "{word} is not provided by this implementation: {why}"
                ))),
            };
        }
        if let Some(f) = foreign::find(word) {
            return match f.kind {
                ForeignKind::Potential | ForeignKind::Option => Err(line.error(f.message())),
                ForeignKind::Harmless => {
                    log::warn!(
                        "{}:{}: {word}: {}",
                        line.file(),
                        line.line_no(),
                        f.message()
                    );
                    Ok(())
                }
            };
        }
        let mut e = line.unknown();
        if let Some(s) = self.suggest(word) {
            let _ = write!(e.message, " (did you mean {s}?)");
        }
        Err(e)
    }

    /// Apply every line in order. A deck naming a potential of another system is reported
    /// by that line first, whatever comes before it (its options would otherwise be the
    /// first complaint).
    pub fn apply(&self, lines: &[L], target: &mut T) -> Result<(), DeckError> {
        for line in lines {
            if self.find(line.keyword()).is_none() {
                if let Some(f) = foreign::find(line.keyword()) {
                    if f.kind == ForeignKind::Potential {
                        return Err(line.error(f.message()));
                    }
                }
            }
        }
        for line in lines {
            self.apply_line(line, target)?;
        }
        Ok(())
    }

    /// The plain-text reference printed by `PROGRAM --keywords`: one line per keyword
    /// (grep-able), the description on the next.
    pub fn reference(&self) -> String {
        let mut s = format!(
            "{} keywords (deck `{}`; any case; [arg=default] is optional)\n\n",
            self.program, self.deck
        );
        for k in &self.keywords {
            let _ = write!(s, "{}", k.synopsis());
            if !k.aliases.is_empty() {
                let _ = write!(s, "    (alias {})", k.aliases.join(", "));
            }
            s.push('\n');
            let _ = writeln!(s, "    {}", k.doc);
            let class = k.class();
            if !class.is_empty() {
                let _ = writeln!(s, "    {class}");
            }
        }
        let _ = writeln!(
            s,
            "\nKeywords of other systems (recognised, not provided):\n    {}",
            foreign::names().join(" ")
        );
        s
    }

    /// The Markdown reference kept in `docs/reference/` (generated; a test compares it).
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "# {} `{}` keywords\n\n\
             Generated from the program's keyword table (`{} --keywords` prints the same \
             list); do not edit by hand. Keywords and words are read in any case; \
             `[arg=default]` is optional with the value used when it is missing.\n\n\
             | keyword | arguments | meaning |\n|---|---|---|\n",
            self.program, self.deck, self.program
        );
        for k in &self.keywords {
            let mut name = format!("`{}`", k.name);
            for a in &k.aliases {
                let _ = write!(name, ", `{a}`");
            }
            let args: Vec<String> = k.args.iter().map(Arg::synopsis).collect();
            let args = if args.is_empty() {
                String::new()
            } else {
                format!("`{}`", args.join(" "))
            };
            let class = k.class();
            let doc = if class.is_empty() {
                k.doc.to_string()
            } else {
                format!("{} *({class})*", k.doc)
            };
            let _ = writeln!(s, "| {name} | {args} | {} |", doc.replace('|', "\\|"));
        }
        let _ = writeln!(
            s,
            "\nKeywords of other systems, recognised and not provided by this implementation \
             (an error for potentials and options that change results, a warning for the \
             rest): {}.",
            foreign::names()
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        s
    }
}

/// Table checks every program runs in its tests: names unique (checked by
/// [`KeywordTable::with`]), upper case, documented; every implemented keyword accepts its
/// example line and changes the target (its `Debug` form) unless listed in
/// `same_as_default`; every keyword with a numeric first argument rejects a word there,
/// naming the keyword; no keyword shadows another system's.
///
/// Returns one message per failure (empty when the table is sound).
pub fn check_table<T: std::fmt::Debug, L: KeywordLine>(
    table: &KeywordTable<T, L>,
    fresh: impl Fn() -> T,
    same_as_default: &[&str],
) -> Vec<String> {
    let mut failures = Vec::new();
    for k in table.keywords() {
        if k.name != k.name.to_ascii_uppercase() || k.doc.is_empty() {
            failures.push(format!("{}: name not upper case or no description", k.name));
        }
        if foreign::find(k.name).is_some() {
            failures.push(format!(
                "{}: also listed as another system's keyword",
                k.name
            ));
        }
        let example = k.example_line();
        let line = L::parse_one(&example, table.deck, 1);
        let mut t = fresh();
        let before = format!("{t:?}");
        let r = table.apply_line(&line, &mut t);
        match (&k.action, r) {
            (Action::Set(_), Ok(())) => {
                let after = format!("{t:?}");
                let unchanged = after == before;
                let listed = same_as_default.contains(&k.name);
                if unchanged && !listed {
                    failures.push(format!("{example}: example line changed nothing"));
                }
                if !unchanged && listed {
                    failures.push(format!("{}: listed as unchanged but changed", k.name));
                }
            }
            (Action::Set(_), Err(e)) => {
                failures.push(format!("{example}: example line refused: {e}"))
            }
            (Action::NoEffect(_), Ok(())) => {
                if format!("{t:?}") != before {
                    failures.push(format!("{}: no-effect keyword changed the target", k.name));
                }
            }
            (Action::NotProvided(_), Err(e)) => {
                if !e.message.contains("not provided") {
                    failures.push(format!("{}: unexpected refusal {e}", k.name));
                }
            }
            (_, r) => failures.push(format!("{}: unexpected outcome {r:?}", k.name)),
        }
        if L::STRICT
            && matches!(k.args.first(), Some(a) if matches!(a.ty, ArgType::Int | ArgType::Real))
        {
            let bad = L::parse_one(&format!("{} xyz", k.name), table.deck, 7);
            match table.apply_line(&bad, &mut fresh()) {
                Err(e) if e.line == 7 && e.keyword == k.name && e.column.is_some() => {}
                other => failures.push(format!("{} xyz: not refused clearly: {other:?}", k.name)),
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Deck;

    #[derive(Debug, Default)]
    struct Demo {
        n: usize,
        x: Vec<f64>,
        dir: String,
        on: bool,
    }

    fn table() -> KeywordTable<Demo> {
        KeywordTable::new("DEMO", "data").with(vec![
            kw("STEPS")
                .arg(Arg::int("n"))
                .doc("steps")
                .set(|d: &mut Demo, l| {
                    d.n = l.usize(1)?;
                    Ok(())
                }),
            kw("TEMPERATURE")
                .arg(Arg::real("T").many())
                .doc("temperatures")
                .set(|d: &mut Demo, l| {
                    d.x = (1..=l.nargs())
                        .map(|i| l.f64(i))
                        .collect::<Result<_, _>>()?;
                    Ok(())
                }),
            kw("DIRECTION")
                .arg(Arg::word("d").one_of(&["AB", "BA"]).or("AB"))
                .doc("direction")
                .set(|d: &mut Demo, l| {
                    d.dir = l.word_upper(1)?;
                    Ok(())
                }),
            kw("SWITCH")
                .alias("TOGGLE")
                .arg(Arg::flag("on").or("T"))
                .doc("a flag")
                .set(|d: &mut Demo, l| {
                    d.on = parse_flag(&l.word_upper(1)?).unwrap_or(true);
                    Ok(())
                }),
            kw("SORT").doc("sorting").no_effect("output order only"),
            kw("FANCY").doc("fancy").not_provided("a search we lack"),
        ])
    }

    fn run(text: &str) -> Result<Demo, DeckError> {
        let mut d = Demo::default();
        table().apply(Deck::parse(text, "data").unwrap().lines(), &mut d)?;
        Ok(d)
    }

    #[test]
    fn arguments_are_checked_before_the_setter() {
        let d = run("STEPS 4\nTEMPERATURE 1 2.5D0\nDIRECTION ba\nTOGGLE f\n").unwrap();
        assert_eq!(
            (d.n, d.x, d.dir.as_str(), d.on),
            (4, vec![1.0, 2.5], "BA", false)
        );
        let e = run("STEPS\n").unwrap_err();
        assert!(e.message.contains("STEPS needs n (integer)"), "{e}");
        let e = run("TEMPERATURE 1 x\n").unwrap_err();
        assert_eq!((e.line, e.keyword.as_str()), (1, "TEMPERATURE"));
        assert!(e.to_string().contains("^"), "{e}");
        let e = run("DIRECTION CA\n").unwrap_err();
        assert!(e.message.contains("expected AB, BA, got CA"), "{e}");
        let e = run("SWITCH maybe\n").unwrap_err();
        assert!(e.message.contains("expected T or F"), "{e}");
    }

    #[test]
    fn three_classes_of_keyword() {
        assert!(run("SORT\n").is_ok());
        let e = run("FANCY\n").unwrap_err();
        assert!(e
            .message
            .contains("not provided by this implementation: a search we lack"));
        let e = run("STEPS 3\nGROUPROTATION 5\nAMBER12 start\n").unwrap_err();
        assert_eq!(e.line, 3, "the potential is named first: {e}");
        assert!(e.message.contains("AMBER potential is not provided"), "{e}");
        let e = run("STPES 3\n").unwrap_err();
        assert!(
            e.message
                .contains("Unrecognized command STPES (did you mean STEPS?)"),
            "{e}"
        );
        let e = run("QQQQQQ\n").unwrap_err();
        assert_eq!(e.message, "Unrecognized command QQQQQQ");
    }

    #[test]
    fn reference_and_markdown_list_every_keyword() {
        let t = table();
        let r = t.reference();
        assert!(r.contains("\nSTEPS n\n    steps\n"), "{r}");
        assert!(r.contains("DIRECTION [AB|BA=AB]"), "{r}");
        assert!(r.contains("TEMPERATURE T..."), "{r}");
        assert!(r.contains("SWITCH [on=T]    (alias TOGGLE)"), "{r}");
        assert!(r.contains("accepted, no effect: output order only"), "{r}");
        assert!(r.contains("AMBER12"), "{r}");
        let m = t.markdown();
        assert!(
            m.contains("| `SWITCH`, `TOGGLE` | `[on=T]` | a flag |"),
            "{m}"
        );
    }

    #[test]
    fn the_checker_finds_a_setter_that_does_nothing() {
        let t = KeywordTable::new("DEMO", "data").with(vec![kw("IDLE")
            .doc("nothing")
            .set(|_: &mut Demo, _| Ok(()))]);
        let f = check_table(&t, Demo::default, &[]);
        assert_eq!(f, vec!["IDLE: example line changed nothing".to_string()]);
        assert!(check_table(&table(), Demo::default, &[]).is_empty());
    }

    #[test]
    #[should_panic(expected = "declared twice")]
    fn a_name_declared_twice_is_caught() {
        let _ = KeywordTable::<Demo>::new("DEMO", "data")
            .with(vec![kw("A").doc("a"), kw("B").alias("A").doc("b")]);
    }
}
