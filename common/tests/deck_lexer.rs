//! Integration tests of the keyword-deck lexer (`common::deck`): the parsing goldens
//! P1–P12 of spec/goldens.md §3 and the line syntax of spec/keyword-decks.md §1 and §5.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use common::deck::{Deck, DeckEnd, DeckError, DinfoDeck, Line};

// ---------------------------------------------------------------------------------------
// Helpers

/// Logger that records every message, so warnings can be checked.
struct Capture;

static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static CAPTURE: Capture = Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        LOGS.lock().unwrap().push(format!("{}", record.args()));
    }
    fn flush(&self) {}
}

fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&CAPTURE).expect("logger");
        log::set_max_level(log::LevelFilter::Warn);
    });
}

/// Captured messages mentioning `needle` (tests use unique file names).
fn logs_with(needle: &str) -> Vec<String> {
    LOGS.lock()
        .unwrap()
        .iter()
        .filter(|m| m.contains(needle))
        .cloned()
        .collect()
}

fn parse(text: &str) -> Deck {
    Deck::parse(text, "data").unwrap_or_else(|e| panic!("{e}"))
}

fn one_line(text: &str) -> Line {
    let deck = parse(text);
    assert_eq!(deck.lines().len(), 1, "{:?}", deck.lines());
    deck.lines()[0].clone()
}

/// Items of a line, null items as `<null>`.
fn words(line: &Line) -> Vec<String> {
    line.items()
        .iter()
        .map(|it| {
            if it.is_null() {
                "<null>".into()
            } else {
                it.text().into()
            }
        })
        .collect()
}

fn inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs/deck_lexer")
}

fn assert_located(e: &DeckError, file: &str, line: usize, keyword: &str) {
    assert_eq!(e.file, file, "{e}");
    assert_eq!(e.line, line, "{e}");
    assert_eq!(e.keyword, keyword, "{e}");
    let shown = e.to_string();
    let head = if keyword.is_empty() {
        format!("{file}:{line}: ")
    } else {
        format!("{file}:{line}: {keyword}: ")
    };
    assert!(shown.starts_with(&head), "{shown}");
}

// ---------------------------------------------------------------------------------------
// Goldens P1–P12

#[test]
fn p1_comment_lines_are_ignored() {
    let deck = Deck::read(&inputs().join("pathdata.comments")).unwrap();
    assert_eq!(deck.lines().len(), 1);
    let l = &deck.lines()[0];
    assert_eq!(l.keyword(), "NATOMS");
    assert_eq!(l.line_no(), 8);
    assert!(l.file().ends_with("pathdata.comments"));
    // The same markers are only comments when they stand alone.
    let deck = parse("NOTES 1\nCOMMENTS 2\n\\\\x 3\n");
    let kws: Vec<&str> = deck.lines().iter().map(Line::keyword).collect();
    assert_eq!(kws, ["NOTES", "COMMENTS", "\\\\X"]);
}

#[test]
fn p2_keywords_are_case_insensitive() {
    let l = one_line("natoms 13");
    assert_eq!(l.keyword(), "NATOMS");
    assert_eq!(l.keyword_raw(), "natoms");
    let natoms = l.usize(1).unwrap();
    assert_eq!((natoms, 3 * natoms), (13, 39));
    assert_eq!(one_line("NaToMs 13").keyword(), "NATOMS");
}

#[test]
fn p3_exponent_forms() {
    let deck = parse("EDIFFTOL 1.0D-7\nEDIFFTOL 1.0-7\nEDIFFTOL 1.0e-7\nedifftol 1.0d-7\n");
    assert_eq!(deck.lines().len(), 4);
    for l in deck.lines() {
        assert_eq!(l.keyword(), "EDIFFTOL");
        assert_eq!(l.f64(1).unwrap(), 1.0e-7, "{}", l.text());
    }
}

#[test]
fn p4_missing_trailing_argument_keeps_default() {
    let l = one_line("CONNECTIONS 1");
    let (mut connections, mut max_ts_attempts) = (0, 10);
    connections = l.opt_int(1).unwrap().unwrap_or(connections);
    if let Some(n) = l.opt_int(2).unwrap() {
        max_ts_attempts = n;
    }
    assert_eq!((connections, max_ts_attempts), (1, 10));
    assert_eq!(l.nitems(), 2);
}

#[test]
fn p5_unknown_keyword_is_fatal() {
    let deck = parse("NATOMS 3\nFOO 1\n");
    let l = &deck.lines()[1];
    let e = match l.keyword() {
        "NATOMS" => panic!("wrong line"),
        _ => l.unknown(),
    };
    assert_eq!(e.message, "Unrecognized command FOO");
    assert_located(&e, "data", 2, "FOO");
    let shown = e.to_string();
    assert!(
        shown.contains("Unrecognized command FOO in \"FOO 1\""),
        "{shown}"
    );
    assert!(shown.ends_with("\n    FOO 1\n    ^"), "{shown}");
}

#[test]
fn p6_sub_option_words() {
    let deck = parse("NGT 0 T\nDIJINITSTART EXP\ndijinitstart exp\nDIJINITSTART 3\n");
    let l = &deck.lines();
    assert_eq!(l[0].int(1).unwrap(), 0);
    assert_eq!(l[0].word_upper(2).unwrap(), "T");
    assert_eq!(l[1].word_upper(1).unwrap(), "EXP");
    assert_eq!(l[2].keyword(), "DIJINITSTART");
    assert_eq!(l[2].word_upper(1).unwrap(), "EXP");
    assert_eq!(l[2].string(1).unwrap(), "exp");
    // A number where a word may appear: the program tries the number when it is no word.
    assert!(l[3].f64(1).is_ok());
    assert_eq!(l[3].int(1).unwrap(), 3);
    assert!(l[1].f64(1).is_err());
}

#[test]
fn p7_comments_and_continuation() {
    for text in [
        "STEPS 100 (comment (nested)) 0.9",
        "STEPS 100 +++\n0.9",
        "STEPS 100 +++   \n   0.9",
        "STEPS +++\n100 +++\n0.9",
    ] {
        let l = one_line(text);
        assert_eq!(words(&l), ["STEPS", "100", "0.9"], "{text:?}");
        assert_eq!(l.usize(1).unwrap(), 100);
        assert_eq!(l.f64(2).unwrap(), 0.9);
        assert_eq!(l.line_no(), 1);
    }
}

#[test]
fn p8_null_item_reads_zero() {
    let l = one_line("BFGSTS 50,,25 1.0D-4");
    assert_eq!(words(&l), ["BFGSTS", "50", "<null>", "25", "1.0D-4"]);
    assert_eq!(l.int(1).unwrap(), 50);
    assert_eq!(l.int(2).unwrap(), 0);
    assert_eq!(
        l.opt_int(2).unwrap(),
        Some(0),
        "null is present, not missing"
    );
    assert_eq!(l.int(3).unwrap(), 25);
    assert_eq!(l.f64(4).unwrap(), 1.0e-4);
    assert_eq!(
        l.opt_int(5).unwrap(),
        None,
        "NEVL missing keeps its default"
    );
}

#[test]
fn p9_bang_text_is_a_keyword() {
    let deck = parse("! a comment\n!text\n#text\n# comment\n");
    let kws: Vec<&str> = deck.lines().iter().map(Line::keyword).collect();
    assert_eq!(kws, ["!TEXT", "#TEXT"]);
    let e = deck.lines()[0].unknown();
    assert_eq!(e.message, "Unrecognized command !TEXT");
    assert_located(&e, "data", 2, "!TEXT");
}

#[test]
fn p10_dinfo_lower_case_and_bang_comments() {
    let d = DinfoDeck::parse(
        "! comment\ndelta 1\n!another\nfirst 15.0\nlevels 45\nminima min.data\nts ts.data\n",
        "dinfo",
    );
    let kws: Vec<&str> = d.lines().iter().map(|l| l.keyword()).collect();
    assert_eq!(kws, ["DELTA", "FIRST", "LEVELS", "MINIMA", "TS"]);
    assert_eq!(d.lines()[0].opt_f64(1), Some(1.0));
    assert_eq!(d.lines()[1].opt_f64(1), Some(15.0));
    assert_eq!(d.lines()[2].opt_int(1), Some(45));
    assert_eq!(d.lines()[3].string(1), "min.data");
    assert_eq!(d.lines()[4].string(1), "ts.data");
}

#[test]
fn p11_dinfo_missing_delta_is_detectable() {
    let d = DinfoDeck::parse("LEVELS 45\nFIRST 1.0\n", "dinfo");
    let mut delta = 0.0;
    for l in d.lines() {
        if l.keyword() == "DELTA" {
            delta = l.opt_f64(1).unwrap_or(delta);
        }
    }
    assert!(
        delta <= 0.0,
        "DELTA stays at its default; the program reports it"
    );
}

#[test]
fn p12_dinfo_reads_only_100_characters() {
    // 120 characters: the argument starts at column 96, so only "12345" survives.
    let line = format!("DELTA{}12345678", " ".repeat(90));
    let line = format!("{line}{}", "9".repeat(120 - line.len()));
    assert_eq!(line.len(), 120);
    let d = DinfoDeck::parse(&line, "dinfo");
    let l = &d.lines()[0];
    assert_eq!(l.text().chars().count(), 100);
    assert_eq!(l.opt_f64(1), Some(12345.0));
    // An `&` beyond column 100 is not seen, so the next line stays separate.
    let d = DinfoDeck::parse(&format!("LEVELS 3{}&\nFIRST 2", " ".repeat(95)), "dinfo");
    assert_eq!(d.lines().len(), 2);
}

// ---------------------------------------------------------------------------------------
// Line syntax

#[test]
fn continuation_appends_at_the_first_plus() {
    assert_eq!(
        words(&one_line("STEPS 100 +++\n0.9")),
        ["STEPS", "100", "0.9"]
    );
    assert_eq!(words(&one_line("STEPS 100+++\n0.9")), ["STEPS", "1000.9"]);
    assert_eq!(one_line("STEPS 100+++\n0.9").f64(1).unwrap(), 1000.9);
    // Only the final +++ counts; + elsewhere is data.
    let deck = parse("A +++ B\nC 1");
    assert_eq!(
        deck.lines().len(),
        2,
        "+++ not at the end is no continuation"
    );
    // The logical line starts at the first physical line; numbering continues after it.
    let deck = parse("A 1 +++\n2 +++\n3\nB 4\n");
    assert_eq!(deck.lines()[0].text(), "A 1 2 3");
    assert_eq!(deck.lines()[1].line_no(), 4);
    // A comment line can be continued too.
    assert!(parse("! note +++\nNATOMS 3\n").lines().is_empty());
}

#[test]
fn eof_while_continuing_is_an_error() {
    let e = Deck::parse("NATOMS 3\nSTEPS 100 +++\n", "data").unwrap_err();
    assert!(e.message.starts_with("Unexpected end of data file"), "{e}");
    assert_located(&e, "data", 2, "STEPS");
}

#[test]
fn concat_directive() {
    let deck = parse("#concat \"&\"\nSTEPS 100 &\n0.9\nA +++\n#concat\nB 1 &\n");
    let texts: Vec<&str> = deck.lines().iter().map(Line::text).collect();
    assert_eq!(texts, ["STEPS 100 0.9", "A +++", "B 1 &"]);
}

#[test]
fn nested_parenthesised_comments() {
    let l = one_line("STEPS 100 (number of steps (BH)) 1.0");
    assert_eq!(words(&l), ["STEPS", "100", "1.0"]);
    let l = one_line("(lead (nested)) TEMPERATURE(K) 1.0 (tail)");
    assert_eq!(words(&l), ["TEMPERATURE(K)", "1.0"]);
    assert!(parse("(only a comment)\n").lines().is_empty());
}

#[test]
fn null_items() {
    assert_eq!(words(&one_line("A,,B")), ["A", "<null>", "B"]);
    assert_eq!(words(&one_line("A, ,B")), ["A", "<null>", "B"]);
    assert_eq!(words(&one_line("A ,B")), ["A", "B"]);
    assert_eq!(words(&one_line("A,B,C")), ["A", "B", "C"]);
    // Leading comma: the first item is null, so the line is a comment.
    assert!(parse(",A 1\n").lines().is_empty());
    let l = one_line("X 1,,");
    assert_eq!(words(&l), ["X", "1", "<null>"]);
    assert!(l.is_null(2));
    assert!(!l.is_null(1));
    assert_eq!(l.string(2).unwrap(), "");
    assert_eq!(l.opt_string(2).unwrap(), Some(String::new()));
    assert_eq!(l.opt_string(3).unwrap(), None);
}

#[test]
fn quoted_items() {
    let l = one_line("EXEC '/home/a b/OPTIM, v4' \"it's\" tail");
    assert_eq!(words(&l), ["EXEC", "/home/a b/OPTIM, v4", "it's", "tail"]);
    assert!(l.item(1).unwrap().is_quoted());
    assert!(!l.item(3).unwrap().is_quoted());
    assert_eq!(l.string(1).unwrap(), "/home/a b/OPTIM, v4");
    // Case is kept in strings; comments inside quotes are text.
    let l = one_line("SYSTEM 'Path (x)'");
    assert_eq!(l.string(1).unwrap(), "Path (x)");
    // A quoted number reads as a number.
    assert_eq!(one_line("STEPS '100'").usize(1).unwrap(), 100);
}

#[test]
fn numbers_and_integer_truncation() {
    let l = one_line("X 1.0D-6 5.0D-3 0.3D0 .5 1.E5 1.5-3 2+4 -7 +8. 2.7 1.5E3 -2.7");
    assert_eq!(l.f64(1).unwrap(), 1.0e-6);
    assert_eq!(l.f64(2).unwrap(), 5.0e-3);
    assert_eq!(l.f64(3).unwrap(), 0.3);
    assert_eq!(l.f64(4).unwrap(), 0.5);
    assert_eq!(l.f64(5).unwrap(), 1.0e5);
    assert_eq!(l.f64(6).unwrap(), 1.5e-3);
    assert_eq!(l.f64(7).unwrap(), 2.0e4);
    assert_eq!(l.int(8).unwrap(), -7);
    assert_eq!(l.int(9).unwrap(), 8);
    assert_eq!(l.int(10).unwrap(), 2, "CYCLES 2.7 gives 2");
    assert_eq!(l.int(11).unwrap(), 1500, "STEPS 1.5E3 gives 1500");
    assert_eq!(l.int(12).unwrap(), -2, "truncation toward zero");
    assert!(l.usize(12).is_err());
    assert_eq!(l.f64(13).unwrap(), 0.0, "missing reads zero");
    assert_eq!(l.opt_f64(13).unwrap(), None);
}

#[test]
fn bad_numbers_are_located_errors() {
    let deck = Deck::parse("NATOMS 3\n\nSTEPS 1x0\n", "data").unwrap();
    let e = deck.lines()[1].int(1).unwrap_err();
    assert_located(&e, "data", 3, "STEPS");
    assert!(e
        .to_string()
        .starts_with("data:3: STEPS: Invalid character 'x' while reading number in \"STEPS 1x0\""));
    for bad in [
        "inf", "nan", "*", "abc", "1.0.0", "1.0E-", "-", "''", "1e999",
    ] {
        let l = one_line(&format!("TEMPERATURE {bad}"));
        let e = l.f64(1).unwrap_err();
        assert_located(&e, "data", 1, "TEMPERATURE");
        assert!(e.message.contains("while reading number"), "{bad}: {e}");
        assert!(l.int(1).is_err() && l.opt_f64(1).is_err());
    }
}

#[test]
fn argument_count_checks() {
    let l = one_line("NEWNEB 20 500 0.01 9");
    let e = l.expect_args(1, 3).unwrap_err();
    assert_located(&e, "data", 1, "NEWNEB");
    assert!(
        e.message
            .contains("NEWNEB expects 1 to 3 arguments, found 4"),
        "{e}"
    );
    assert!(l.expect_args(3, 4).is_ok());
    assert!(l
        .error("bad value")
        .to_string()
        .contains("NEWNEB: bad value in"));
    let e = l.error_at(9, "needs an argument");
    assert_eq!(e.column, Some(l.text().len()));
    assert!(l.not_supported().to_string().contains("not supported"));
}

#[test]
fn stop_ends_keyword_reading() {
    let deck = parse("NATOMS 3\nstop\nFOO 1\n");
    assert_eq!(deck.lines().len(), 1);
    assert_eq!(deck.end(), DeckEnd::Stop);
    assert_eq!(deck.trailing_lines().len(), 1);
    assert_eq!(deck.trailing_lines()[0].text(), "FOO 1");
    assert_eq!(parse("NATOMS 3\n").end(), DeckEnd::Eof);
    assert!(parse("NATOMS 3\n").terminator().is_none());
}

#[test]
fn terminators_and_trailing_lines() {
    let path = inputs().join("odata.connect");
    let deck = Deck::read_with_terminators(&path, &["POINTS", "VARIABLES"]).unwrap();
    assert_eq!(deck.end(), DeckEnd::Terminator);
    assert_eq!(deck.lines().len(), 11);
    let last = deck.lines().last().unwrap();
    assert_eq!(last.keyword(), "VARIABLES");
    assert_eq!(deck.terminator().unwrap().line_no(), 11);
    let l = &deck.lines()[9];
    assert_eq!(l.keyword(), "MLPVB3");
    assert_eq!(
        (1..=5).map(|i| l.int(i).unwrap()).collect::<Vec<_>>(),
        [2, 1, 10, 4, 100]
    );
    assert_eq!(l.f64(6).unwrap(), 1.0e-4);
    let trailing = deck.trailing_lines();
    let nums: Vec<(usize, f64)> = trailing
        .iter()
        .map(|r| (r.line_no(), r.to_line().f64(0).unwrap()))
        .collect();
    assert_eq!(nums, [(12, 0.1), (13, -0.2), (14, 0.3)]);
    assert_eq!(trailing[1].text(), " -0.2");
    // Without terminators, the coordinates would be read as keywords.
    let deck = Deck::read(&path).unwrap();
    assert_eq!(deck.lines().len(), 14);
    // POINTS with lower-case keyword; comments before it are still skipped.
    let deck = Deck::parse_with_terminators(
        "PARAMS 2.0\n! c\npoints\nAX 0 0 0\nAX 1 0 0\n",
        "odata",
        &["POINTS", "VARIABLES"],
    )
    .unwrap();
    assert_eq!(deck.terminator().unwrap().keyword(), "POINTS");
    assert_eq!(deck.trailing_lines().len(), 2);
    assert_eq!(deck.trailing_lines()[1].to_line().f64(1).unwrap(), 1.0);
}

#[test]
fn long_lines_warn_but_parse_whole() {
    capture_logs();
    let text = format!("STEPS 100{}0.9\nNATOMS 3\n", " ".repeat(85));
    let deck = Deck::parse(&text, "long_line_deck").unwrap();
    assert_eq!(words(&deck.lines()[0]), ["STEPS", "100", "0.9"]);
    let warnings = logs_with("long_line_deck");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("long_line_deck:1:"), "{warnings:?}");
    // Blanks beyond column 80 are no reason to warn.
    Deck::parse(&format!("NATOMS 3{}\n", " ".repeat(100)), "blank_tail_deck").unwrap();
    assert!(logs_with("blank_tail_deck").is_empty());
}

#[test]
fn unclosed_quote_and_parenthesis_are_lenient_with_a_warning() {
    capture_logs();
    // As in the Fortran: an unclosed quote runs to the end of the line ...
    let deck = Deck::parse("EXEC '/bin/OPTIM -v   \nNATOMS 3\n", "unclosed_quote").unwrap();
    assert_eq!(deck.lines()[0].string(1).unwrap(), "/bin/OPTIM -v");
    assert_eq!(deck.lines()[1].keyword(), "NATOMS");
    let w = logs_with("unclosed_quote");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("unclosed_quote:1: EXEC:"), "{w:?}");
    // ... and an unclosed '(' comments out the rest of the line.
    let deck = Deck::parse("STEPS 100 (steps 5\nNATOMS 3\n", "unclosed_paren").unwrap();
    assert_eq!(words(&deck.lines()[0]), ["STEPS", "100"]);
    let w = logs_with("unclosed_paren");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("unclosed_paren:1: STEPS:"), "{w:?}");
    // Comment lines are not checked.
    Deck::parse("! see eq. (3\nNOTE 'x\n", "comment_shape").unwrap();
    assert!(logs_with("comment_shape").is_empty());
}

// ---------------------------------------------------------------------------------------
// Files and #include

#[test]
fn missing_deck_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pathdata");
    let e = Deck::read(&path).unwrap_err();
    assert_eq!(e.file, path.display().to_string());
    assert!(e.to_string().contains("pathdata"), "{e}");
}

#[test]
fn include_nesting_revert_and_locations() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    fs::write(
        dir.path().join("data"),
        "NATOMS 3\n#INCLUDE sub/first\nSTEPS 10\n#include 'sub/third'\nSAVE 2\n",
    )
    .unwrap();
    // Relative to the including file's directory (sub/), not the working directory.
    fs::write(sub.join("first"), "A 1\n  #include second\nB 2\n").unwrap();
    fs::write(sub.join("second"), "! c\nC 3\n").unwrap();
    fs::write(sub.join("third"), "D 4\n#revert\nIGNORED 5\n").unwrap();
    let deck = Deck::read(&dir.path().join("data")).unwrap();
    let got: Vec<(String, String, usize)> = deck
        .lines()
        .iter()
        .map(|l| {
            let f = Path::new(l.file())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (l.keyword().to_string(), f, l.line_no())
        })
        .collect();
    let want = [
        ("NATOMS", "data", 1),
        ("A", "first", 1),
        ("C", "second", 2),
        ("B", "first", 3),
        ("STEPS", "data", 3),
        ("D", "third", 1),
        ("SAVE", "data", 5),
    ];
    let want: Vec<(String, String, usize)> = want
        .iter()
        .map(|(k, f, n)| (k.to_string(), f.to_string(), *n))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn include_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::write(&data, "NATOMS 3\n#include nothere.inc\n").unwrap();
    let name = data.display().to_string();
    let e = Deck::read(&data).unwrap_err();
    assert_located(&e, &name, 2, "#INCLUDE");
    assert!(e.message.contains("nothere.inc"), "{e}");

    fs::write(&data, "#include\n").unwrap();
    let e = Deck::read(&data).unwrap_err();
    assert_located(&e, &name, 1, "#INCLUDE");

    // A file including itself is stopped.
    fs::write(&data, "A 1\n#include data\n").unwrap();
    let e = Deck::read(&data).unwrap_err();
    assert_eq!(e.keyword, "#INCLUDE");
    assert!(e.message.contains("nested"), "{e}");

    // Continuation may not run off the end of an included file.
    fs::write(dir.path().join("cont.inc"), "STEPS 100 +++\n").unwrap();
    fs::write(&data, "#include cont.inc\n0.9\n").unwrap();
    let e = Deck::read(&data).unwrap_err();
    assert!(e.message.starts_with("Unexpected end of data file"), "{e}");
    let inc = dir.path().join("cont.inc").display().to_string();
    assert_located(&e, &inc, 1, "STEPS");
}

#[test]
fn terminator_inside_include_keeps_the_rest_as_trailing_lines() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("coords"), "POINTS\nAX 0 0 0\n").unwrap();
    fs::write(
        dir.path().join("odata"),
        "PARAMS 2\n#include coords\nAX 1 0 0\n",
    )
    .unwrap();
    let deck =
        Deck::read_with_terminators(&dir.path().join("odata"), &["POINTS", "VARIABLES"]).unwrap();
    assert_eq!(deck.terminator().unwrap().keyword(), "POINTS");
    let rest: Vec<(&str, usize)> = deck
        .trailing_lines()
        .iter()
        .map(|r| (r.text(), r.line_no()))
        .collect();
    assert_eq!(rest, [("AX 0 0 0", 2), ("AX 1 0 0", 3)]);
}

// ---------------------------------------------------------------------------------------
// dinfo

#[test]
fn dinfo_lj38_example() {
    let d = DinfoDeck::read(&inputs().join("dinfo.lj38")).unwrap();
    let kws: Vec<&str> = d.lines().iter().map(|l| l.keyword()).collect();
    assert_eq!(
        kws,
        [
            "DELTA",
            "FIRST",
            "LEVELS",
            "MINIMA",
            "TS",
            "MAXTSENERGY",
            "NCONNMIN",
            "CENTREGMIN",
            "CONNECTMIN",
            "IDMIN",
            "IDMIN"
        ]
    );
    let l = &d.lines();
    assert_eq!(l[0].opt_f64(1), Some(0.2));
    assert_eq!(l[1].opt_f64(1), Some(-168.5));
    assert_eq!(l[2].opt_int(1), Some(29));
    assert_eq!(l[5].line_no(), 8);
    assert_eq!(l[7].nitems(), 1);
    assert_eq!(l[10].opt_usize(1), Some(8));
}

#[test]
fn dinfo_separators_comments_and_numbers() {
    let d = DinfoDeck::parse(
        "\n  \nCOMMENT x\ncomment y\n#z\n!w\nDELTA,1.0D-3\nFIRST\t1e-3 , 5\nLEVELS 5.0\nTS Ts.Data\n",
        "dinfo",
    );
    let l = d.lines();
    assert_eq!(l.len(), 4);
    assert_eq!(l[0].opt_f64(1), Some(1.0e-3));
    assert_eq!(l[0].line_no(), 7);
    assert_eq!(l[1].items(), ["FIRST", "1e-3", "5"]);
    assert_eq!(l[1].opt_f64(2), Some(5.0));
    // List-directed: 5.0 is no integer, so the variable would stay unchanged.
    assert_eq!(l[2].opt_int(1), None);
    assert_eq!(l[2].opt_f64(1), Some(5.0));
    assert_eq!(l[2].opt_int(2), None, "missing");
    assert_eq!(l[3].string(1), "Ts.Data");
    assert_eq!(l[3].string(2), "");
    assert_eq!(l[3].opt_f64(1), None, "unreadable");
}

#[test]
fn dinfo_ampersand_continuation() {
    let d = DinfoDeck::parse("TRMIN 2 100 &lost text\n a.dat b.dat\nLEVELS 3\n", "dinfo");
    let l = d.lines();
    assert_eq!(l.len(), 2);
    assert_eq!(l[0].items(), ["TRMIN", "2", "100", "a.dat", "b.dat"]);
    assert_eq!(l[1].line_no(), 3);
    // Only two physical lines: a '&' on the second is ordinary.
    let d = DinfoDeck::parse("A &\nB &\nC\n", "dinfo");
    let items: Vec<Vec<String>> = d.lines().iter().map(|l| l.items().to_vec()).collect();
    assert_eq!(items, [vec!["A", "B", "&"], vec!["C"]]);
    // The second line also contributes at most 100 characters.
    let second = format!("{}7", "x ".repeat(50));
    let d = DinfoDeck::parse(&format!("K &\n{second}"), "dinfo");
    assert_eq!(d.lines()[0].nitems(), 51);
}

#[test]
fn dinfo_errors() {
    let d = DinfoDeck::parse("DELTA 1\nbogus 3\n", "dinfo");
    let e = d.lines()[1].unknown();
    assert_eq!(e.message, "Keyword not recognised in dinfo: BOGUS");
    assert_located(&e, "dinfo", 2, "BOGUS");
    let dir = tempfile::tempdir().unwrap();
    let e = DinfoDeck::read(&dir.path().join("dinfo")).unwrap_err();
    assert_eq!(e.message, "ERROR: Could not open dinfo file");
    assert!(e.to_string().contains("dinfo"));
}
