//! Randomised robustness check: no input text makes the deck lexers panic, and every
//! error names a file, a line and (where there is one) a keyword.

use common::deck::{Deck, DinfoDeck, Line};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Fragments that hit the lexers' special cases.
const FRAGMENTS: &[&str] = &[
    " ",
    "  ",
    "\t",
    ",",
    ",,",
    "(",
    ")",
    "'",
    "\"",
    "+++",
    "+",
    "-",
    ".",
    "D",
    "e",
    "E-",
    "1",
    "2.5",
    "1.0D-6",
    "1.5-3",
    "2+4",
    "STOP",
    "POINTS",
    "VARIABLES",
    "NOTE",
    "!",
    "#",
    "\\\\",
    "#include",
    "#revert",
    "#concat",
    "#echo",
    "OFF",
    "&",
    "COMMENT",
    "\n",
    "\n",
    "\r\n",
    "inf",
    "nan",
    "é",
    "\u{0}",
    "x",
    "STEPS",
    "99999999999999999999",
    "1e400",
];

fn random_bytes(rng: &mut ChaCha8Rng) -> String {
    let n = rng.gen_range(0..300);
    let bytes: Vec<u8> = (0..n).map(|_| rng.gen()).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn random_fragments(rng: &mut ChaCha8Rng) -> String {
    let n = rng.gen_range(0..80);
    (0..n)
        .map(|_| FRAGMENTS[rng.gen_range(0..FRAGMENTS.len())])
        .collect()
}

/// Call every accessor on every argument position, including past the end.
fn exercise(line: &Line) {
    for i in 0..line.nitems() + 2 {
        for e in [
            line.f64(i).err(),
            line.int(i).err(),
            line.usize(i).err(),
            line.opt_f64(i).err(),
            line.opt_int(i).err(),
            line.opt_usize(i).err(),
        ]
        .into_iter()
        .flatten()
        {
            assert!(e.line >= 1, "{e}");
            assert_eq!(e.keyword, line.keyword());
            let _ = e.to_string();
        }
        let _ = (
            line.string(i),
            line.word_upper(i),
            line.has(i),
            line.is_null(i),
        );
        let _ = line.error_at(i, "x").to_string();
    }
    let _ = line.unknown().to_string();
    let _ = line.expect_args(1, 2);
}

#[test]
fn random_inputs_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    // Relative `#include`s resolve inside an empty directory.
    let file = dir.path().join("data").display().to_string();
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_dec4);
    let mut parsed = 0;
    for round in 0..3000 {
        let text = if round % 2 == 0 {
            random_bytes(&mut rng)
        } else {
            random_fragments(&mut rng)
        };
        match Deck::parse_with_terminators(&text, &file, &["POINTS", "VARIABLES"]) {
            Ok(deck) => {
                parsed += 1;
                deck.lines().iter().for_each(exercise);
                for raw in deck.trailing_lines() {
                    exercise(&raw.to_line());
                }
            }
            Err(e) => {
                assert!(e.file.starts_with(&file), "{e}");
                assert!(e.line >= 1, "{e}");
                let _ = e.to_string();
            }
        }
        for l in DinfoDeck::parse(&text, "dinfo").lines() {
            for i in 0..l.nitems() + 2 {
                let _ = (l.opt_f64(i), l.opt_int(i), l.opt_usize(i), l.string(i));
            }
            assert!(l.keyword().chars().count() <= 50);
            let _ = l.unknown().to_string();
        }
    }
    assert!(
        parsed > 1000,
        "the generator should mostly produce valid decks ({parsed})"
    );
}
