//! Fuzzing of the suite's readers on stable Rust (no cargo-fuzz, no nightly).
//!
//! One test per reader drives `FUZZ_ITERS` inputs (default 10 000, what CI runs) through it:
//!
//! - **random**: byte strings, uniform or drawn from the characters the formats use;
//! - **mutated**: real files — the `test_inputs/` decks and data files, plus files rendered by
//!   the library's own writers for the formats the corpus lacks — changed 1 to 8 times: bit
//!   flips, byte and token edits, numbers replaced by extreme spellings (`1e308`, `-0`, `NaN`,
//!   `99999999999`, `1D309`, ...), lines dropped, swapped or repeated, very long lines,
//!   truncation, keywords of the format inserted, splices of another file, CRLF endings;
//! - **structured**: inputs built with `arbitrary` from random bytes (keyword lines with
//!   numbers, words, null items, comments and continuations for the decks; records of numbers
//!   for the data files).
//!
//! Bytes become text with `String::from_utf8_lossy` (the deck reader's own rule; the other
//! readers receive `read_to_string`'s text, which is valid UTF-8 too); `points` gets the bytes.
//! Each input runs under `catch_unwind`. An input fails when it panics, when it takes more than
//! [`SLOW`] (a watchdog aborts the process, printing the case, after [`HANG`]), or when the
//! heap it needs at its peak exceeds [`MEM_BASE`] + [`MEM_PER_BYTE`] per input byte (a counting
//! global allocator; a single request over [`HARD_CAP`] aborts with the case printed, since an
//! allocation failure cannot be caught). An `Err` from a reader is fine.
//!
//! Every input derives from (seed, reader, case index), so a failure prints the command that
//! replays it, and the input is saved under `target/tmp/fuzz-failures/`.
//!
//! Environment: `FUZZ_ITERS` (inputs per reader, default 10 000), `FUZZ_SEED` (a number, or
//! `random`; default fixed, so CI runs the same inputs every time), `FUZZ_FROM` (first case
//! index, default 0). The long run of the README:
//!
//! ```sh
//! FUZZ_ITERS=1000000 cargo test --release -p e2e --test fuzz_parsers -- --nocapture
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Once;
use std::time::{Duration, Instant};

use arbitrary::{Arbitrary, Unstructured};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use common::deck::{self, Deck, DinfoDeck, Line};
use common::files::{bookkeeping, min_ab, min_data, min_data_info, path_info, points, ts_data};
use common::mlp::{DataLayout, MlpData, OutcomeColumn};

/// An input slower than this fails.
const SLOW: Duration = Duration::from_secs(1);
/// The watchdog aborts the process when one input runs this long (a hang).
const HANG: Duration = Duration::from_secs(20);
/// Heap allowed at the peak of one call, plus [`MEM_PER_BYTE`] per input byte.
const MEM_BASE: usize = 32 << 20;
/// Heap allowed per input byte.
const MEM_PER_BYTE: usize = 256;
/// A single allocation request above this aborts the process (after printing the case).
const HARD_CAP: usize = 1 << 30;
/// Longest input generated.
const MAX_LEN: usize = 256 << 10;
/// Failures reported per reader before it stops.
const MAX_FAILURES: usize = 5;
/// Default seed (fixed: CI runs the same inputs every time).
const DEFAULT_SEED: u64 = 0x5eed_f022_2026;

// ---------------------------------------------------------------------------------------------
// Counting allocator: live and peak heap bytes of the current thread.

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    /// (reader, seed, case) of the input running on this thread, for the oversize message.
    static CURRENT: Cell<Option<(&'static str, u64, u64)>> = const { Cell::new(None) };
    /// Set while an input runs: its panic message goes to PANIC_MESSAGE, not to stderr.
    static FUZZING: Cell<bool> = const { Cell::new(false) };
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn account(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let v = live.get() + delta;
        live.set(v);
        let _ = PEAK.try_with(|p| {
            if v > p.get() {
                p.set(v)
            }
        });
    });
}

fn oversized(size: usize) {
    let case = CURRENT.try_with(Cell::get).ok().flatten();
    if let Some((name, seed, i)) = case {
        eprintln!(
            "fuzz {name}: one allocation of {size} bytes requested (more than {HARD_CAP}); \
             replay: FUZZ_SEED={seed} FUZZ_FROM={i} FUZZ_ITERS=1 cargo test --release -p e2e \
             --test fuzz_parsers -- --exact {name} --nocapture"
        );
    }
}

// SAFETY: every call is forwarded to `System`; the bookkeeping touches only const-initialised
// thread-locals without destructors, and requests above HARD_CAP return null (an allocation
// failure, which the caller handles by aborting).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if l.size() > HARD_CAP {
            oversized(l.size());
            return std::ptr::null_mut();
        }
        let p = System.alloc(l);
        if !p.is_null() {
            account(l.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if l.size() > HARD_CAP {
            oversized(l.size());
            return std::ptr::null_mut();
        }
        let p = System.alloc_zeroed(l);
        if !p.is_null() {
            account(l.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l);
        account(-(l.size() as isize));
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        if new_size > HARD_CAP {
            oversized(new_size);
            return std::ptr::null_mut();
        }
        let q = System.realloc(p, l, new_size);
        if !q.is_null() {
            account(new_size as isize - l.size() as isize);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Panics of fuzzed inputs are recorded, not printed; other panics print as usual.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if FUZZING.with(Cell::get) {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(non-string panic payload)".into());
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                PANIC_MESSAGE.with(|m| *m.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                default(info);
            }
        }));
    });
}

// ---------------------------------------------------------------------------------------------
// Inputs.

/// One generated input: the bytes and a knob that picks the reader's parameters (NOPT, NMIN,
/// the MLPdata layout, ...).
struct Case {
    bytes: Vec<u8>,
    knob: u64,
    strategy: Strategy,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Strategy {
    Random,
    Mutated,
    Structured,
}

impl Case {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Option `slot` (0..8) of the knob among `options`.
    fn pick<T: Copy>(&self, slot: u32, options: &[T]) -> T {
        pick(self.knob, slot, options)
    }
}

fn pick<T: Copy>(knob: u64, slot: u32, options: &[T]) -> T {
    options[((knob >> (8 * slot)) & 0xff) as usize % options.len()]
}

/// What the readers may need besides the input: a directory with files to `#include`, and a
/// scratch file for the binary points reader.
struct Env {
    _dir: tempfile::TempDir,
    deck_file: String,
    points_file: PathBuf,
}

impl Env {
    fn new() -> Env {
        // In memory where there is a tmpfs (the points reader writes a file per input).
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::tempdir_in(shm)
        } else {
            tempfile::tempdir()
        }
        .expect("temporary directory");
        let p = dir.path();
        std::fs::write(p.join("inc"), "NATOMS 13\nSTEPS 10 1.0\n").unwrap();
        std::fs::write(p.join("self"), "STEPS 1\n#include self\n").unwrap();
        std::fs::write(p.join("back"), "A 1\n#revert\nB 2\n").unwrap();
        std::fs::write(p.join("cont"), "STEPS 100 +++\n").unwrap();
        Env {
            deck_file: p.join("deck").display().to_string(),
            points_file: p.join("points.min"),
            _dir: dir,
        }
    }
}

/// A structure-aware generator: bytes from `arbitrary`, and the case's knob.
type Generator = fn(&mut Unstructured, u64) -> arbitrary::Result<Vec<u8>>;
/// Runs the reader(s) on a case; true when the main reader accepted it.
type Runner = fn(&Case, &Env) -> bool;

/// A reader under test.
struct Target {
    name: &'static str,
    /// Files to mutate.
    corpus: Vec<Vec<u8>>,
    /// Keywords and fragments of the format, inserted by mutations.
    dict: &'static [&'static str],
    /// Structure-aware generator (gets the knob so it can match the reader's parameters).
    structured: Generator,
    /// Runs the reader(s); true when the main reader accepted the input.
    run: Runner,
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn generate(t: &Target, seed: u64, index: u64) -> Case {
    let case_seed = splitmix(seed ^ name_hash(t.name) ^ splitmix(index));
    let mut rng = ChaCha8Rng::seed_from_u64(case_seed);
    let knob = rng.gen();
    let roll = rng.gen_range(0..10);
    let (strategy, mut bytes) = if roll < 2 || (t.corpus.is_empty() && roll < 7) {
        (Strategy::Random, random_bytes(&mut rng))
    } else if roll < 7 {
        (Strategy::Mutated, mutate(&mut rng, t))
    } else {
        let n = [64usize, 256, 1024, 4096][rng.gen_range(0..4)];
        let mut raw = vec![0u8; rng.gen_range(1..=n)];
        rng.fill_bytes(&mut raw);
        let mut u = Unstructured::new(&raw);
        let bytes = (t.structured)(&mut u, knob).unwrap_or_default();
        (Strategy::Structured, bytes)
    };
    bytes.truncate(MAX_LEN);
    Case {
        bytes,
        knob,
        strategy,
    }
}

/// Characters the text formats are made of, and a few that they are not.
const ALPHABET: &[u8] = b"0123456789012345.+-eEdDqQ \t\n\n\r,()'\"&!#*/xXCaAsS=;:\x00\xc3\xa9\xff";

fn random_bytes(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let max = [16usize, 256, 4096][rng.gen_range(0..3)];
    let n = rng.gen_range(0..=max);
    if rng.gen_bool(0.3) {
        let mut b = vec![0u8; n];
        rng.fill_bytes(&mut b);
        b
    } else {
        (0..n)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())])
            .collect()
    }
}

/// Number spellings that stress the readers.
#[rustfmt::skip]
const EXTREME: &[&str] = &[
    "1e308", "-1e308", "1.7976931348623157D308", "1D309", "1e-400", "4.9E-324", "-0", "-0.0", "+0",
    "NaN", "nan", "inf", "-Infinity", "99999999999", "9999999999999999999999",
    "18446744073709551616", "-9223372036854775808", "9223372036854775807", "4611686018427387904",
    "4294967296", "4294967295", "2147483648", "1000000000000000", "1e15", "1e16", "0", "-1", "1",
    "2", "0.5", "1.5-3", "2+4", "1.E5", "1.5E", "1e", ".", "-", "+", "1,2", "1x0", "1.2.3", "--5",
    "0x10", "١", "1\u{feff}", "",
];

/// Separators between tokens.
fn is_sep(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b',')
}

/// Byte spans of the tokens.
fn tokens(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if is_sep(b[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && !is_sep(b[i]) {
            i += 1;
        }
        out.push((s, i));
    }
    out
}

/// Byte spans of the lines (without the newline).
fn lines(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' {
            out.push((s, i));
            s = i + 1;
        }
    }
    if s < b.len() {
        out.push((s, b.len()));
    }
    out
}

fn line_start(rng: &mut ChaCha8Rng, b: &[u8]) -> usize {
    let ls = lines(b);
    if ls.is_empty() {
        0
    } else {
        ls[rng.gen_range(0..ls.len())].0
    }
}

fn mutate(rng: &mut ChaCha8Rng, t: &Target) -> Vec<u8> {
    let mut b = t.corpus[rng.gen_range(0..t.corpus.len())].clone();
    for _ in 0..rng.gen_range(1..=8) {
        mutate_once(rng, &mut b, t);
        if b.len() > MAX_LEN {
            b.truncate(MAX_LEN);
        }
    }
    b
}

fn mutate_once(rng: &mut ChaCha8Rng, b: &mut Vec<u8>, t: &Target) {
    let n = b.len();
    match rng.gen_range(0..18) {
        // Bit flip.
        0 if n > 0 => {
            let i = rng.gen_range(0..n);
            b[i] ^= 1 << rng.gen_range(0..8);
        }
        // Byte replaced, inserted, deleted.
        1 if n > 0 => {
            let i = rng.gen_range(0..n);
            b[i] = ALPHABET[rng.gen_range(0..ALPHABET.len())];
        }
        2 => {
            let i = rng.gen_range(0..=n);
            let k = rng.gen_range(1..=8);
            let ins: Vec<u8> = (0..k)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())])
                .collect();
            b.splice(i..i, ins);
        }
        3 if n > 0 => {
            let i = rng.gen_range(0..n);
            let j = (i + rng.gen_range(1..=16)).min(n);
            b.drain(i..j);
        }
        // A token replaced by an extreme number, deleted, duplicated; two swapped.
        4 | 5 => {
            let ts = tokens(b);
            if let Some(&(s, e)) = ts.get(rng.gen_range(0..ts.len().max(1))) {
                let v = EXTREME[rng.gen_range(0..EXTREME.len())];
                b.splice(s..e, v.bytes());
            }
        }
        6 => {
            let ts = tokens(b);
            if let Some(&(s, e)) = ts.get(rng.gen_range(0..ts.len().max(1))) {
                b.drain(s..e);
            }
        }
        7 => {
            let ts = tokens(b);
            if let Some(&(s, e)) = ts.get(rng.gen_range(0..ts.len().max(1))) {
                let mut tok = b[s..e].to_vec();
                tok.insert(0, b' ');
                b.splice(e..e, tok);
            }
        }
        8 => {
            let ts = tokens(b);
            if ts.len() >= 2 {
                let (mut x, mut y) = (rng.gen_range(0..ts.len()), rng.gen_range(0..ts.len()));
                if x > y {
                    std::mem::swap(&mut x, &mut y);
                }
                if x != y {
                    let (a, c) = (ts[x], ts[y]);
                    let mut out = b[..a.0].to_vec();
                    out.extend_from_slice(&b[c.0..c.1]);
                    out.extend_from_slice(&b[a.1..c.0]);
                    out.extend_from_slice(&b[a.0..a.1]);
                    out.extend_from_slice(&b[c.1..]);
                    *b = out;
                }
            }
        }
        // A line deleted, duplicated (up to 1000 times), two lines swapped.
        9 => {
            let ls = lines(b);
            if let Some(&(s, e)) = ls.get(rng.gen_range(0..ls.len().max(1))) {
                b.drain(s..(e + 1).min(b.len()));
            }
        }
        10 => {
            let ls = lines(b);
            if let Some(&(s, e)) = ls.get(rng.gen_range(0..ls.len().max(1))) {
                let mut line = b[s..e].to_vec();
                line.push(b'\n');
                let times = if rng.gen_bool(0.2) {
                    rng.gen_range(2..=1000)
                } else {
                    1
                };
                let rep = line.repeat(times);
                b.splice(s..s, rep);
            }
        }
        11 => {
            let ls = lines(b);
            if ls.len() >= 2 {
                let x = ls[rng.gen_range(0..ls.len())];
                let y = ls[rng.gen_range(0..ls.len())];
                let (a, c) = if x.0 <= y.0 { (x, y) } else { (y, x) };
                if a != c {
                    let mut out = b[..a.0].to_vec();
                    out.extend_from_slice(&b[c.0..c.1]);
                    out.extend_from_slice(&b[a.1..c.0]);
                    out.extend_from_slice(&b[a.0..a.1]);
                    out.extend_from_slice(&b[c.1..]);
                    *b = out;
                }
            }
        }
        // A very long line: one token or character repeated.
        12 => {
            let i = line_start(rng, b);
            let ts = tokens(b);
            let unit: Vec<u8> = match ts.get(rng.gen_range(0..ts.len().max(1))) {
                Some(&(s, e)) if rng.gen_bool(0.5) => {
                    let mut u = b[s..e].to_vec();
                    u.push(b' ');
                    u
                }
                _ => vec![ALPHABET[rng.gen_range(0..ALPHABET.len())]],
            };
            let len = [
                200usize, 200, 200, 200, 200, 200, 5_000, 5_000, 5_000, 100_000,
            ][rng.gen_range(0..10)];
            let mut long: Vec<u8> = unit.iter().copied().cycle().take(len).collect();
            long.push(b'\n');
            b.splice(i..i, long);
        }
        // Truncation.
        13 if n > 0 => b.truncate(rng.gen_range(0..n)),
        // A keyword of the format, with a few arguments, on a line of its own or in place.
        14 | 15 if !t.dict.is_empty() => {
            let kw = t.dict[rng.gen_range(0..t.dict.len())];
            let mut ins = kw.as_bytes().to_vec();
            for _ in 0..rng.gen_range(0..4) {
                ins.push(b' ');
                ins.extend_from_slice(EXTREME[rng.gen_range(0..EXTREME.len())].as_bytes());
            }
            if rng.gen_bool(0.8) {
                ins.push(b'\n');
                let i = line_start(rng, b);
                b.splice(i..i, ins);
            } else {
                let i = rng.gen_range(0..=n);
                b.splice(i..i, ins);
            }
        }
        // A piece of another corpus file.
        16 if !t.corpus.is_empty() => {
            let other = &t.corpus[rng.gen_range(0..t.corpus.len())];
            if !other.is_empty() {
                let s = rng.gen_range(0..other.len());
                let e = (s + rng.gen_range(1..=512)).min(other.len());
                let i = rng.gen_range(0..=n);
                b.splice(i..i, other[s..e].iter().copied());
            }
        }
        // Line ends: CRLF, no final newline, trailing blanks.
        _ => match rng.gen_range(0..3) {
            0 => {
                let mut out = Vec::with_capacity(b.len() + b.len() / 8);
                for &c in b.iter() {
                    if c == b'\n' {
                        out.push(b'\r');
                    }
                    out.push(c);
                }
                *b = out;
            }
            1 => {
                while b.last() == Some(&b'\n') {
                    b.pop();
                }
            }
            _ => {
                let ls = lines(b);
                if let Some(&(_, e)) = ls.get(rng.gen_range(0..ls.len().max(1))) {
                    b.splice(e..e, *b"  \t ");
                }
            }
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Structure-aware pieces.

/// A number in one of the spellings the formats meet.
#[derive(Arbitrary, Debug)]
enum Num {
    Small(u8),
    Int(i64),
    Real(f64),
    Extreme(u8),
    Fortran {
        int: i32,
        frac: u32,
        letter: u8,
        exp: i16,
    },
    Plain {
        int: i16,
        frac: u16,
    },
}

impl Num {
    fn render(&self) -> String {
        match self {
            Num::Small(v) => format!("{}", v % 20),
            Num::Int(v) => v.to_string(),
            Num::Real(v) => format!("{v:?}"),
            Num::Extreme(k) => EXTREME[*k as usize % EXTREME.len()].to_string(),
            Num::Fortran {
                int,
                frac,
                letter,
                exp,
            } => {
                let l = ["E", "D", "e", "d", "Q", "", "E+", "D-"][*letter as usize % 8];
                let exp = if l.is_empty() {
                    format!("{:+}", exp % 400)
                } else {
                    (exp % 400).to_string()
                };
                format!("{int}.{frac}{l}{exp}")
            }
            Num::Plain { int, frac } => format!("{int}.{frac:05}"),
        }
    }
}

fn num(u: &mut Unstructured) -> arbitrary::Result<String> {
    Ok(u.arbitrary::<Num>()?.render())
}

/// A short word: a name, a keyword-ish token or arbitrary text.
fn word(u: &mut Unstructured, dict: &[&str]) -> arbitrary::Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 if !dict.is_empty() => u.choose(dict)?.to_string(),
        1 => {
            let s: String = u.arbitrary()?;
            s.chars().take(40).collect()
        }
        _ => u
            .choose(&[
                "min.data", "ts.data", "T", "F", "ON", "OFF", "x", "é", "C1", "viridis", "auc",
                "EXP",
            ])?
            .to_string(),
    })
}

fn separator(u: &mut Unstructured) -> arbitrary::Result<&'static str> {
    u.choose(&[" ", " ", "  ", "\t", ",", ", ", " ,", "\u{a0}"])
        .copied()
}

fn line_end(u: &mut Unstructured) -> arbitrary::Result<&'static str> {
    Ok(if u.ratio(1u8, 10)? {
        u.choose(&["\r\n", "", " \n", "\n\n"])?
    } else {
        "\n"
    })
}

/// Rows of numbers, `cols` per row (each row's count varied now and then).
fn table(
    u: &mut Unstructured,
    rows: usize,
    cols: usize,
    out: &mut String,
) -> arbitrary::Result<()> {
    for _ in 0..rows {
        let c = if u.ratio(1u8, 12)? {
            u.int_in_range(0..=cols + 2)?
        } else {
            cols
        };
        for k in 0..c {
            if k > 0 || u.ratio(1u8, 3)? {
                out.push_str(separator(u)?);
            }
            out.push_str(&num(u)?);
        }
        out.push_str(line_end(u)?);
    }
    Ok(())
}

/// Use a reader's result (so that nothing is optimised away).
fn keep<T>(x: T) {
    std::hint::black_box(x);
}

// ---------------------------------------------------------------------------------------------
// Decks: `data`, `odata`, `pathdata`, landscape decks (lexer, then the keyword tables).

#[rustfmt::skip]
const DECK_DICT: &[&str] = &[
    "#include inc", "#include self", "#include back", "#include cont", "#include nowhere",
    "#INCLUDE", "#revert", "#concat \"&&\"", "#concat", "+++", "NOTE", "COMMENT", "\\\\", "!", "#",
    "STOP", "POINTS", "VARIABLES", "(", ")", "'", "\"", ",,", "NATOMS", "STEPS", "TEMPERATURE",
    "STEP", "SAVE", "EDIFF", "SLOPPYCONV", "TIGHTCONV", "MAXIT", "RANSEED", "MLPPROB", "LJAT",
    "PERMDIST", "GPU", "DUMPINT", "RESTORE", "TARGET", "UPDATES", "MAXBFGS", "MLP3", "MLPB3",
    "MLPB3NEW", "MLPVB3", "MLPVB3NN", "MLPMULTI", "MLPNORM", "NOREGBIAS", "NEWCONNECT", "NEWNEB",
    "BFGSTS", "BFGSMIN", "EDIFFTOL", "GEOMDIFFTOL", "DUMPALLPATHS", "FREEZE", "PATH", "CONNECTIONS",
    "CYCLES", "DIJKSTRA", "CONNECTUNC", "CONNECTREGION", "EXEC", "CPUS", "SEED", "TRIPLES",
    "STARTFROMPATH", "ADDPATH", "READMIN", "MERGEDB", "NGT", "REGROUPFREE", "PLANCK", "TEMPERATURE",
    "DATASET", "MISLABEL", "BASINHOPPING", "WALKERS", "CONNECT", "TIMELIMIT", "JOBTIMEOUT",
    "LEVELS", "OPTIM", "GMIN", "PATHSAMPLE", "DINFO", "AUC", "AUCRANGE", "PALETTE", "FILES",
    "LJAT3", "MNIST", "D1", "D2",
];

fn deck_structured(u: &mut Unstructured, _knob: u64) -> arbitrary::Result<Vec<u8>> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=30)? {
        let kw = *u.choose(DECK_DICT)?;
        if u.ratio(1u8, 4)? {
            s.push_str(&kw.to_ascii_lowercase());
        } else {
            s.push_str(kw);
        }
        for _ in 0..u.int_in_range(0..=8)? {
            s.push_str(separator(u)?);
            match u.int_in_range(0..=9)? {
                0..=4 => s.push_str(&num(u)?),
                5 => s.push_str(&word(u, DECK_DICT)?),
                6 => s.push(','),
                7 => {
                    s.push('(');
                    s.push_str(&word(u, DECK_DICT)?);
                    if u.arbitrary()? {
                        s.push(')');
                    }
                }
                8 => {
                    let q = *u.choose(&["'", "\""])?;
                    s.push_str(q);
                    s.push_str(&word(u, DECK_DICT)?);
                    if u.arbitrary()? {
                        s.push_str(q);
                    }
                }
                _ => s.push_str("+++\n"),
            }
        }
        s.push_str(line_end(u)?);
        if kw == "POINTS" || kw == "VARIABLES" {
            let rows = u.int_in_range(0..=6)?;
            table(u, rows, 3, &mut s)?;
        }
    }
    Ok(s.into_bytes())
}

/// Every accessor of one lexed line, at the first and last indices and two past the end, with
/// the error messages rendered (not at every index, and messages only for lines up to 4 KiB:
/// each message copies the line, which would make the harness, not the lexer, quadratic on
/// lines of 10^5 items).
fn exercise_line(l: &Line) {
    keep((
        l.keyword(),
        l.keyword_raw(),
        l.file(),
        l.line_no(),
        l.text(),
    ));
    keep((l.nitems(), l.nargs(), l.items().len(), l.args().len()));
    let render = l.text().len() <= 4096;
    let show = |e: deck::DeckError| {
        if render {
            keep(e.to_string());
        }
    };
    let n = l.nitems();
    for i in (0..n.min(4)).chain(n.saturating_sub(1).max(n.min(4))..n + 2) {
        keep((l.item(i), l.has(i), l.is_null(i)));
        keep(l.f64(i).map_err(show));
        keep(l.opt_f64(i).map_err(show));
        keep(l.int(i).map_err(show));
        keep(l.opt_int(i).map_err(show));
        keep(l.usize(i).map_err(show));
        keep(l.opt_usize(i).map_err(show));
        keep((l.string(i), l.opt_string(i), l.word_upper(i)));
        keep(l.expect_args(i, i + 1).map_err(show));
        keep(l.expect_args(0, i).map_err(show));
        keep(l.expect_args(i, usize::MAX).map_err(show));
        show(l.error_at(i, "x"));
        if let Some(it) = l.item(i) {
            keep((it.column(), it.is_quoted(), it.is_null()));
            keep(deck::parse_number(it.text()).map_err(|e| e.to_string()));
            keep(deck::list_directed_real(it.text()));
            keep(deck::list_directed_int(it.text()));
        }
    }
    show(l.unknown());
    show(l.not_supported());
    show(l.error("x"));
    keep(l.expect_known(&["STEPS"]).map_err(show));
}

/// The first and last 8 elements.
fn ends<T>(v: &[T]) -> impl Iterator<Item = &T> {
    let n = v.len();
    v[..n.min(8)]
        .iter()
        .chain(&v[n.saturating_sub(8).max(n.min(8))..])
}

fn run_deck_lexer(c: &Case, env: &Env) -> bool {
    let text = c.text();
    let mut accepted = false;
    for terms in [&[][..], &["POINTS", "VARIABLES"][..]] {
        match Deck::parse_with_terminators(&text, &env.deck_file, terms) {
            Ok(d) => {
                accepted = true;
                keep((d.file(), d.end(), d.terminator()));
                // The accessors on the first and last 8 lines (all of them would cost the
                // harness far more than the lexer on decks of 1000 repeated lines).
                for l in ends(d.lines()) {
                    exercise_line(l);
                }
                for r in ends(d.trailing_lines()) {
                    keep((r.file(), r.line_no(), r.text()));
                    exercise_line(&r.to_line());
                }
            }
            Err(e) => {
                keep(e.to_string());
            }
        }
    }
    // The lexer on one line alone (OPTIM's coordinates after POINTS use it).
    exercise_line(&Line::new(&text, "line", 1));
    accepted
}

/// The keyword tables of the four programs that read decks (from their `match` arms).
#[rustfmt::skip]
const GMIN_KEYWORDS: &[&str] = &[
    "ACCEPTRATIO", "BASIN", "CENTRE", "CHANGEACCEPT", "CUDA", "DEBUG", "DGUESS", "DUMPINT",
    "DUMPMINDB", "EDIFF", "FIXBOTH", "FIXSTEP", "FIXTEMP", "GEOMDIFFTOL", "GPU", "LJAT", "MAXBFGS",
    "MAXERISE", "MAXIT", "MLPNORM", "MLPPROB", "MLPRINT", "NOREGBIAS", "NORESET", "PARALLEL",
    "PERMDIST", "QMAX", "RANDOMSEED", "RANSEED", "RESTORE", "SAVE", "SLOPPYCONV", "STEP", "STEPS",
    "TARGET", "TEMPERATURE", "TIGHTCONV", "TRACKDATA", "UPDATES", "MLP3", "MLPB3", "MLPB3NEW",
    "MLPVB3", "MLPVB3NN", "MLPMULTI",
];
#[rustfmt::skip]
const OPTIM_KEYWORDS: &[&str] = &[
    "BFGSCONV", "BFGSMIN", "BFGSSTEPS", "BFGSTS", "CHECKINDEX", "CONVERGE", "CUDA", "DGUESS",
    "DIJKSTRA", "DUMPALLPATHS", "DUMPBESTPATH", "DUMPDATA", "DUMPPATH", "EDIFFTOL", "ENDNUMHESS",
    "FREEZE", "GEOMDIFFTOL", "GPU", "MAXBFGS", "MAXERISE", "MAXMAX", "MAXSTEP", "MAXTSENERGY",
    "MINMAX", "MLPNORM", "NEBK", "NEWCONNECT", "NEWNEB", "NOFRQS", "NOHESS", "NOINVERSION", "NOIT",
    "NOREGBIAS", "PARAMS", "PATH", "PERMDIST", "PUSHOFF", "RANROT", "REOPTIMISEENDPOINTS", "STEPS",
    "TRAD", "UPDATES", "LJAT", "MLPVB3", "MLP3", "MLPMULTI", "POINTS", "VARIABLES",
];
#[rustfmt::skip]
const PATHSAMPLE_KEYWORDS: &[&str] = &[
    "AB", "ADDPATH", "ADDTRIPLES", "BA", "CONNECTIONS", "CONNECTREGION", "CONNECTUNC", "COPYOPTIM",
    "CPUS", "CYCLES", "DEBUG", "DIJINITCONT", "DIJINITSTART", "DIJKSTRA", "DIRECTION", "DISTREF",
    "DUMPGROUPS", "EDIFFTOL", "EREF", "ETOL", "EVCUT", "EXEC", "EXTRACTMIN", "EXTRACTTS",
    "GEOMDIFFTOL", "JOBTIMEOUT", "LOWEST", "MAXBARRIER", "MAXTSENERGY", "MERGEDB", "MINBARRIER",
    "MLPNORM", "NATOMS", "NCONNMIN", "NGT", "NOFRQS", "NOINVERSION", "NOPOINTGROUP", "NOREGBIAS",
    "PAIRLIST", "PERMDIST", "PLANCK", "READMIN", "REGROUPFREE", "REMOVESP", "REMOVEUNCONNECTED",
    "RETAINSP", "SEED", "SHORTCUT", "STARTFROMPATH", "STARTTRIPLES", "SYSTEM", "TEMPERATURE",
    "TRIPLES", "TSTHRESH", "UNTRAP", "ZEROS", "MLPVB3", "MLP3", "MLPMULTI",
];
#[rustfmt::skip]
const LANDSCAPE_KEYWORDS: &[&str] = &[
    "AUC", "AUCRANGE", "BASINHOPPING", "BINDIR", "CONNECT", "CONNECTREGION", "CONNECTUNC", "CPUS",
    "DATASET", "DELTA", "DIJKSTRA", "DINFO", "EDIFFTOL", "FILES", "FIRST", "GEOMDIFFTOL", "GMIN",
    "JOBS", "JOBTIMEOUT", "LEVELS", "MISLABEL", "MLP3", "MLPB3", "MLPB3NEW", "MLPMULTI", "MLPNORM",
    "MLPVB3", "MLPVB3NN", "NOFRQS", "NOREGBIAS", "OPTIM", "PALETTE", "PATHSAMPLE", "PERMDIST",
    "SEED", "TIMELIMIT", "UNC", "UNTRAP", "WALKERS", "WORKDIR",
];
/// Words the keywords take as arguments.
#[rustfmt::skip]
const KEYWORD_WORDS: &[&str] = &[
    "LJAT3", "MNIST", "D1", "D2", "D3", "MEAN", "CLASS", "REGION", "UNC", "DIJKSTRA", "T", "F",
    "TRUE", "FALSE", "ON", "OFF", "NONE", "EXP", "viridis", "MLPdata", "MLPdata.test", "odata",
];

/// Decks of one program's keywords (picked by the knob), arguments mostly small numbers.
fn keywords_structured(u: &mut Unstructured, knob: u64) -> arbitrary::Result<Vec<u8>> {
    let kws = pick(
        knob,
        7,
        &[
            GMIN_KEYWORDS,
            OPTIM_KEYWORDS,
            PATHSAMPLE_KEYWORDS,
            LANDSCAPE_KEYWORDS,
        ],
    );
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=16)? {
        s.push_str(u.choose(kws)?);
        for _ in 0..u.int_in_range(0..=7)? {
            s.push(' ');
            match u.int_in_range(0..=9)? {
                0..=4 => s.push_str(&u.int_in_range(0u32..=12)?.to_string()),
                5 | 6 => s.push_str(&num(u)?),
                7 | 8 => s.push_str(u.choose(KEYWORD_WORDS)?),
                _ => s.push_str(&word(u, kws)?),
            }
        }
        s.push('\n');
    }
    if s.contains("POINTS") || s.contains("VARIABLES") {
        let rows = u.int_in_range(0..=6)?;
        table(u, rows, 3, &mut s)?;
    }
    Ok(s.into_bytes())
}

fn run_deck_keywords(c: &Case, env: &Env) -> bool {
    let text = c.text();
    let mut accepted = false;
    if let Ok(d) = Deck::parse(&text, &env.deck_file) {
        accepted |= gmin::keywords::GminInput::from_deck(&d)
            .map_err(|e| e.to_string())
            .is_ok();
        accepted |= pathsample::keywords::PathsampleInput::from_deck(&d)
            .map_err(|e| e.to_string())
            .is_ok();
        accepted |= landscape::deck::Study::from_deck(&d, Path::new(&env.deck_file))
            .map_err(|e| e.to_string())
            .is_ok();
        // Every MLP keyword line through the network description, as the programs read it.
        for l in d.lines() {
            if common::mlp::is_mlp_keyword(l.keyword()) {
                let args: Vec<f64> = l
                    .args()
                    .iter()
                    .map(|it| deck::parse_number(it.text()).unwrap_or(0.0))
                    .collect();
                if let Ok(spec) = common::mlp::MlpSpec::from_keyword(l.keyword(), &args) {
                    keep((spec.data_layout(), spec.sizes()));
                }
            }
        }
    }
    if let Ok(d) = Deck::parse_with_terminators(&text, &env.deck_file, &["POINTS", "VARIABLES"]) {
        accepted |= optim::keywords::OptimInput::from_deck(&d)
            .map_err(|e| e.to_string())
            .is_ok();
    }
    accepted
}

fn deck_corpus() -> Vec<Vec<u8>> {
    corpus_files(|name| {
        matches!(
            name,
            "data"
                | "odata"
                | "odata.connect"
                | "pathdata.comments"
                | "landscape.in"
                | "reduced.in"
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Numbers: the INPUT-library and list-directed grammars.

fn numbers_structured(u: &mut Unstructured, _knob: u64) -> arbitrary::Result<Vec<u8>> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(1..=3)? {
        s.push_str(&num(u)?);
        if u.ratio(1u8, 4)? {
            let c: char = u.arbitrary()?;
            s.push(c);
        }
    }
    Ok(s.into_bytes())
}

fn run_numbers(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    let mut accepted = deck::parse_number(&text).is_ok();
    keep(deck::list_directed_real(&text));
    keep(deck::list_directed_int(&text));
    for t in text.split([' ', '\n', '\t', ',']) {
        accepted |= deck::parse_number(t).map_err(|e| e.to_string()).is_ok();
        keep(deck::list_directed_real(t));
        keep(deck::list_directed_int(t));
    }
    accepted
}

fn numbers_corpus() -> Vec<Vec<u8>> {
    [
        "13",
        "-2.5",
        "+0.9",
        ".5",
        "5.",
        "1.0D-7",
        "1.5-3",
        "2+4",
        "1.E5",
        "0.3D0",
        "1.5E+3",
        "1.5E",
        "2.5q1",
        "3.141592653589793238462643383279",
        "1.7976931348623157D308",
        "4.9E-324",
        "-168.5 0.2 29",
        "1.0D-3,1e-3, 5",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

// ---------------------------------------------------------------------------------------------
// dinfo: the disconnectionDPS reader and keyword table.

#[rustfmt::skip]
const DINFO_DICT: &[&str] = &[
    "DELTA", "FIRST", "LEVELS", "MINIMA", "TS", "CONNECTMIN", "NCONNMIN", "TSTHRESH", "MAXTSENERGY",
    "MAXTSBARRIER", "NOBARRIERS", "NOSPLIT", "LOWEST", "MONOTONIC", "EXCLUDEALL", "PICK", "IDMIN",
    "IDENTIFY", "IDENTIFY_NODE", "IDENTIFY_NODE_SIZE", "LABELSIZE", "LABELFORMAT", "CENTREGMIN",
    "DUMPNUMBERS", "DUMPSIZES", "TRMIN", "COLOUROUTPUT", "COLOURPRINT", "LETTER", "WEIGHTS",
    "COLOURBYVALUE", "COLORBYVALUE", "NOSVG", "YLABEL", "COLOURBARTITLE", "COLORBARTITLE",
    "CAPTION", "COMMENT", "!", "#", "&",
];

/// A LABELFORMAT descriptor: mostly valid ones, with widths up to the 10 characters allowed.
fn label_format(u: &mut Unstructured) -> arbitrary::Result<String> {
    let letter = *u.choose(&["F", "E", "ES", "D", "G", "I", "A", "X", "EN", "T", "'", "Z"])?;
    let w: u32 = u.int_in_range(0..=999_999_999)?;
    let w = if u.ratio(3u8, 4)? { w % 30 } else { w };
    let d: u32 = u.int_in_range(0..=40)?;
    let rep = if u.ratio(1u8, 5)? {
        format!("{}", u.int_in_range(0u32..=99)?)
    } else {
        String::new()
    };
    Ok(match u.int_in_range(0..=2)? {
        0 => format!("{rep}{letter}{w}.{d}"),
        1 => format!("{rep}{letter}{w}"),
        _ => format!("{rep}({letter}{w}.{d})"),
    })
}

fn dinfo_structured(u: &mut Unstructured, _knob: u64) -> arbitrary::Result<Vec<u8>> {
    let mut s = String::new();
    let required = u.arbitrary::<bool>()?;
    if required {
        s.push_str("DELTA 0.5\nFIRST 0.0\nLEVELS 7\nMINIMA min.data\nTS ts.data\n");
    }
    for _ in 0..u.int_in_range(0..=20)? {
        let kw = *u.choose(DINFO_DICT)?;
        s.push_str(kw);
        match kw {
            "LABELFORMAT" => {
                s.push(' ');
                s.push_str(&label_format(u)?);
            }
            "COLOURBYVALUE" | "COLORBYVALUE" => {
                s.push_str(" auc");
                for _ in 0..u.int_in_range(0..=3)? {
                    s.push(' ');
                    if u.arbitrary()? {
                        s.push_str(&num(u)?);
                    } else {
                        s.push_str(&word(u, &["viridis", "jet", "plasma", "bluered", "x"])?);
                    }
                }
            }
            _ => {
                for _ in 0..u.int_in_range(0..=4)? {
                    s.push_str(separator(u)?);
                    if u.ratio(2u8, 3)? {
                        s.push_str(&num(u)?);
                    } else {
                        s.push_str(&word(u, DINFO_DICT)?);
                    }
                }
            }
        }
        if u.ratio(1u8, 10)? {
            s.push_str(" &");
            if u.arbitrary()? {
                s.push_str(&"9".repeat(u.int_in_range(1..=150)?));
            }
        }
        s.push_str(line_end(u)?);
    }
    Ok(s.into_bytes())
}

fn run_dinfo(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    let d = DinfoDeck::parse(&text, "dinfo");
    keep(d.file());
    for l in ends(d.lines()) {
        keep((
            l.keyword(),
            l.file(),
            l.line_no(),
            l.text(),
            l.items().len(),
        ));
        let n = l.nitems();
        for i in (0..n.min(8)).chain(n.saturating_sub(2).max(n.min(8))..n + 2) {
            keep((l.opt_f64(i), l.opt_int(i), l.opt_usize(i), l.has(i)));
            keep((l.string(i), l.opt_string(i)));
        }
        keep(l.unknown().to_string());
        keep(l.error("x").to_string());
    }
    match disconnectiondps::Config::parse(&text, "dinfo") {
        Ok(cfg) => {
            for i in [0, 1, cfg.nlevels()] {
                let e = cfg.level_energy(i);
                keep(cfg.label_format.render(e).map_err(|e| e.to_string()));
            }
            true
        }
        Err(e) => {
            keep(e.to_string());
            false
        }
    }
}

// ---------------------------------------------------------------------------------------------
// MLPdata.

fn mlp_layout(knob: u64) -> DataLayout {
    DataLayout {
        nin: pick(knob, 0, &[1, 2, 2, 2, 3, 4, 5, 8]),
        nout: pick(knob, 1, &[1, 2, 3, 4, 4, 10]),
        ndata: pick(
            knob,
            2,
            &[
                1,
                2,
                3,
                5,
                10,
                20,
                20,
                100,
                1_000_000,
                1_000_000_000_000_000,
            ],
        ),
        nstart: pick(knob, 3, &[1, 1, 1, 2, 3, 1_000_000_000_000_000]),
        outcome: pick(knob, 4, &[OutcomeColumn::First, OutcomeColumn::Last]),
        datstart: pick(knob, 5, &[0, 1, 1, 1, 2, 3, 10, usize::MAX]),
        normalise: pick(knob, 6, &[false, true]),
    }
}

fn mlpdata_structured(u: &mut Unstructured, knob: u64) -> arbitrary::Result<Vec<u8>> {
    let l = mlp_layout(knob);
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=40)? {
        let label = if u.ratio(9u8, 10)? {
            (u.int_in_range(0..=l.nout as u64)?).to_string()
        } else {
            num(u)?
        };
        let mut cells: Vec<String> = Vec::new();
        let n = if u.ratio(9u8, 10)? {
            l.nin + l.nstart.min(4) - 1
        } else {
            u.int_in_range(0..=l.nin + 3)?
        };
        for _ in 0..n {
            cells.push(num(u)?);
        }
        match l.outcome {
            OutcomeColumn::First => cells.insert(0, label),
            OutcomeColumn::Last => cells.push(label),
        }
        for (k, c) in cells.iter().enumerate() {
            if k > 0 {
                s.push_str(separator(u)?);
            }
            s.push_str(c);
        }
        s.push_str(line_end(u)?);
    }
    Ok(s.into_bytes())
}

fn run_mlpdata(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    match MlpData::parse(&text, "MLPdata", &mlp_layout(c.knob)) {
        Ok(d) => {
            keep((
                d.nin(),
                d.ndata(),
                d.inputs().len(),
                d.labels().len(),
                d.scales(),
            ));
            true
        }
        Err(e) => {
            keep(e.to_string());
            false
        }
    }
}

fn mlpdata_corpus() -> Vec<Vec<u8>> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut out = Vec::new();
    for (nin, last) in [(2, false), (2, true), (3, false), (5, false)] {
        let mut s = String::new();
        for _ in 0..20 {
            let label = rng.gen_range(0..4);
            let xs: Vec<String> = (0..nin)
                .map(|_| format!("{:.15}", rng.gen_range(-3.0..3.0)))
                .collect();
            if last {
                s.push_str(&format!("{} {label}\n", xs.join(" ")));
            } else {
                s.push_str(&format!("{label} {}\n", xs.join(" ")));
            }
        }
        out.push(s.into_bytes());
    }
    out.push(b"1, 0.5D0, -1.0-2\n\n0 1.0E+00 2\n3 .5 -.5\n".to_vec());
    out
}

// ---------------------------------------------------------------------------------------------
// min.data and ts.data (PATHSAMPLE's readers and disconnectionDPS's).

fn min_data_structured(u: &mut Unstructured, _knob: u64) -> arbitrary::Result<Vec<u8>> {
    let mut s = String::new();
    let rows = u.int_in_range(0..=30)?;
    let cols = if u.ratio(1u8, 5)? { 8 } else { 6 };
    table(u, rows, cols, &mut s)?;
    Ok(s.into_bytes())
}

fn run_min_data(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    let ok = match min_data::parse(&text, "min.data") {
        Ok(r) => {
            keep(min_data::render(&r, min_data::Widths::Current));
            keep(min_data::render(&r, min_data::Widths::Fortran2011));
            true
        }
        Err(e) => {
            keep(e.to_string());
            false
        }
    };
    keep(
        disconnectiondps::database::Database::parse_minima(&text, "min.data")
            .map_err(|e| e.to_string()),
    );
    ok
}

fn ts_data_structured(u: &mut Unstructured, knob: u64) -> arbitrary::Result<Vec<u8>> {
    let nmin = ts_nmin(knob) as u64;
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=30)? {
        let mut cells = vec![num(u)?, num(u)?, num(u)?];
        for _ in 0..2 {
            cells.push(if u.ratio(4u8, 5)? {
                u.int_in_range(1..=nmin.max(1))?.to_string()
            } else {
                num(u)?
            });
        }
        for _ in 0..u.int_in_range(3..=4)? {
            cells.push(num(u)?);
        }
        if u.ratio(1u8, 10)? {
            cells.truncate(u.int_in_range(0..=cells.len())?);
        }
        for (k, c) in cells.iter().enumerate() {
            if k > 0 {
                s.push_str(separator(u)?);
            }
            s.push_str(c);
        }
        s.push_str(line_end(u)?);
    }
    Ok(s.into_bytes())
}

fn ts_nmin(knob: u64) -> usize {
    pick(knob, 0, &[0, 1, 2, 4, 6, 10, 39, 1000])
}

fn run_ts_data(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    let nmin = ts_nmin(c.knob);
    let ok = match ts_data::parse(&text, "ts.data") {
        Ok(r) => {
            keep(ts_data::check_minima(&r, nmin, "ts.data").map_err(|e| e.to_string()));
            keep(ts_data::render(&r, ts_data::Widths::Current));
            keep(r.iter().filter(|t| t.is_degenerate()).count());
            true
        }
        Err(e) => {
            keep(e.to_string());
            false
        }
    };
    keep(
        disconnectiondps::database::Database::parse_ts(&text, "ts.data", nmin)
            .map_err(|e| e.to_string()),
    );
    ok
}

// ---------------------------------------------------------------------------------------------
// points.min / points.ts (binary).

fn points_nopt(knob: u64) -> usize {
    pick(knob, 0, &[1, 2, 3, 3, 6, 9, 9, 39, 117])
}

fn points_structured(u: &mut Unstructured, knob: u64) -> arbitrary::Result<Vec<u8>> {
    let nopt = points_nopt(knob);
    let records = u.int_in_range(0..=6)?;
    let mut v: Vec<f64> = Vec::new();
    for _ in 0..records * nopt {
        v.push(match u.int_in_range(0..=4)? {
            0 => f64::NAN,
            1 => u
                .choose(&[f64::INFINITY, -0.0, f64::MAX, f64::MIN_POSITIVE, 5e-324])?
                .to_owned(),
            _ => u.arbitrary()?,
        });
    }
    let mut b = points::encode(&v);
    if u.ratio(1u8, 4)? {
        let extra = u.int_in_range(0..=15)?;
        b.extend(std::iter::repeat_n(0xaa, extra));
    }
    Ok(b)
}

fn run_points(c: &Case, env: &Env) -> bool {
    let nopt = points_nopt(c.knob);
    let values = points::decode(&c.bytes);
    keep(points::encode(&values));
    let path = &env.points_file;
    std::fs::write(path, &c.bytes).expect("scratch points file");
    let records = c.bytes.len() / points::record_bytes(nopt);
    let expected = pick(c.knob, 1, &[0, 1, 2, records, records, records + 1]);
    let ok = points::read(path, nopt, expected)
        .map_err(|e| e.to_string())
        .is_ok();
    keep(points::size(path, nopt).map(|s| (s.bytes, s.records, s.remainder)));
    keep(points::check(c.bytes.len() as u64, nopt, expected, path).map_err(|e| e.to_string()));
    keep(points::not_multiple_message(c.bytes.len() as u64, nopt));
    let id = pick(
        c.knob,
        2,
        &[
            0,
            1,
            2,
            records,
            records,
            records + 1,
            1000,
            u32::MAX as usize,
        ],
    );
    keep(points::read_record(path, nopt, id).map_err(|e| e.to_string()));
    ok
}

fn points_corpus() -> Vec<Vec<u8>> {
    let one: Vec<f64> = (0..9).map(|i| i as f64 * 0.37 - 1.0).collect();
    let three: Vec<f64> = (0..27).map(|i| (i as f64).sin()).collect();
    vec![points::encode(&one), points::encode(&three), Vec::new()]
}

// ---------------------------------------------------------------------------------------------
// path.info.

/// NOPT for path.info and min.data.info: mostly small, sometimes far beyond the text.
fn info_nopt(knob: u64) -> usize {
    pick(knob, 0, &[1, 2, 3, 3, 3, 6, 9, 9, 0, 1 << 40])
}

fn path_info_structured(u: &mut Unstructured, knob: u64) -> arbitrary::Result<Vec<u8>> {
    let nopt = info_nopt(knob).min(12);
    let eig = u.arbitrary::<bool>()?;
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=9)? {
        s.push_str(&format!("{:>25}\n", num(u)?));
        let order = if u.ratio(9u8, 10)? {
            u.int_in_range(1u32..=120)?.to_string()
        } else {
            num(u)?
        };
        let sym = *u.choose(&["C1  ", "D3h ", "O h ", "DXh ", "C2v", "", "é"])?;
        s.push_str(&format!("{order:>6} {sym}\n"));
        let groups = if eig { 2 } else { 1 };
        for _ in 0..groups {
            let rows = nopt.div_ceil(3);
            for r in 0..rows {
                let cols = if r + 1 == rows { nopt - 3 * r } else { 3 };
                table(u, 1, cols, &mut s)?;
            }
        }
        if u.ratio(1u8, 20)? {
            break;
        }
    }
    Ok(s.into_bytes())
}

fn run_path_info(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    let nopt = info_nopt(c.knob);
    let eig = pick(
        c.knob,
        1,
        &[
            path_info::Eigenvalues::Auto,
            path_info::Eigenvalues::Present,
            path_info::Eigenvalues::Absent,
        ],
    );
    match path_info::parse(&text, "path.info", nopt, eig) {
        Ok(info) => {
            let layout = path_info::detect_layout(&info);
            keep(path_info::triples(&info.blocks, layout));
            keep(path_info::triples(
                &info.blocks,
                path_info::Layout::Sequential,
            ));
            keep(path_info::render(&info.blocks));
            keep(
                info.blocks
                    .iter()
                    .map(|b| b.last_eigenvalue())
                    .collect::<Vec<_>>(),
            );
            keep(info.incomplete.as_ref().map(|i| (i.line, i.message.len())));
            true
        }
        Err(e) => {
            keep(e.to_string());
            false
        }
    }
}

fn path_info_corpus() -> Vec<Vec<u8>> {
    path_info_seeds().into_iter().map(|(b, _)| b).collect()
}

/// Files rendered by the writer, with their NOPT: triples and sequential paths, with and
/// without eigenvalues.
fn path_info_seeds() -> Vec<(Vec<u8>, usize)> {
    let block = |energy: f64, ts: bool, nopt: usize, eig: bool, k: usize| {
        let mut ev: Vec<f64> = (0..nopt).map(|i| 10.0 - i as f64 * 1.1).collect();
        if ts {
            ev[nopt - 1] = -0.7;
        }
        path_info::PathInfoBlock {
            energy,
            order: [1, 2, 12][k % 3],
            symbol: ["C1", "C2v", "D3h"][k % 3].to_string(),
            eigenvalues: eig.then_some(ev),
            coords: (0..nopt).map(|i| (i as f64 + k as f64).cos()).collect(),
        }
    };
    let mut out = Vec::new();
    for (nopt, eig) in [(3, true), (9, true), (9, false), (3, false)] {
        let tri: Vec<_> = (0..6)
            .map(|k| block(-1.0 - k as f64, k % 3 == 1, nopt, eig, k))
            .collect();
        out.push((path_info::render(&tri).into_bytes(), nopt));
        let seq: Vec<_> = (0..5)
            .map(|k| block(-2.0 + k as f64, k % 2 == 1, nopt, eig, k))
            .collect();
        out.push((path_info::render(&seq).into_bytes(), nopt));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// min.data.info.

fn min_data_info_structured(u: &mut Unstructured, knob: u64) -> arbitrary::Result<Vec<u8>> {
    let nopt = info_nopt(knob).min(12);
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=6)? {
        table(u, 1, 6, &mut s)?;
        let rows = nopt.div_ceil(3);
        for r in 0..rows {
            let cols = if r + 1 == rows { nopt - 3 * r } else { 3 };
            table(u, 1, cols, &mut s)?;
        }
    }
    Ok(s.into_bytes())
}

fn run_min_data_info(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    match min_data_info::parse(&text, "min.data.info", info_nopt(c.knob)) {
        Ok(r) => {
            keep(r.iter().map(|m| m.render()).collect::<String>());
            keep(r.iter().map(min_data::MinRecord::from).collect::<Vec<_>>());
            true
        }
        Err(e) => {
            keep(e.to_string());
            false
        }
    }
}

fn min_data_info_corpus() -> Vec<Vec<u8>> {
    [3usize, 9, 6]
        .iter()
        .map(|&nopt| {
            let recs: String = (0..3)
                .map(|k| {
                    min_data_info::MinDataInfo {
                        energy: -2.185098840268771 - k as f64,
                        fvib: 11.693670447770367,
                        order: [1, 12, 2][k],
                        inertia: [0.6829909897, 0.6829909897, 1.3659819793],
                        coords: (0..nopt).map(|i| (i * k) as f64 * 0.5843).collect(),
                    }
                    .render()
                })
                .collect();
            recs.into_bytes()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// min.A / min.B.

fn min_ab_structured(u: &mut Unstructured, _knob: u64) -> arbitrary::Result<Vec<u8>> {
    let n = u.int_in_range(0..=30u32)?;
    let mut s = if u.ratio(4u8, 5)? {
        n.to_string()
    } else {
        num(u)?
    };
    s.push('\n');
    for _ in 0..n {
        if u.ratio(9u8, 10)? {
            s.push_str(&u.int_in_range(1..=40u32)?.to_string());
        } else {
            s.push_str(&num(u)?);
        }
        s.push_str(if u.ratio(1u8, 3)? { " " } else { "\n" });
    }
    Ok(s.into_bytes())
}

fn run_min_ab(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    let nmin = c.pick(0, &[None, Some(0), Some(1), Some(5), Some(40), Some(1000)]);
    match min_ab::parse(&text, "min.A", nmin) {
        Ok(ids) => {
            keep(min_ab::render(&ids));
            true
        }
        Err(e) => {
            keep(e.to_string());
            false
        }
    }
}

fn min_ab_corpus() -> Vec<Vec<u8>> {
    vec![
        min_ab::render(&[1]).into_bytes(),
        min_ab::render(&[3, 5, 7, 11]).into_bytes(),
        b"2 4 9 17 (surplus)\n".to_vec(),
        b"0\n".to_vec(),
    ]
}

// ---------------------------------------------------------------------------------------------
// PATHSAMPLE bookkeeping files: pairs.data, min.done, ts.attempts, commit.data, perm.allow.

fn bookkeeping_structured(u: &mut Unstructured, _knob: u64) -> arbitrary::Result<Vec<u8>> {
    let mut s = String::new();
    if u.arbitrary()? {
        // perm.allow: groups of p atoms with s secondary sets.
        let g = u.int_in_range(0..=4u32)?;
        s.push_str(&format!("{g}\n"));
        for _ in 0..g {
            let p = u.int_in_range(0..=5u32)?;
            let sec = u.int_in_range(0..=2u32)?;
            s.push_str(&format!("{p} {sec}\n"));
            for _ in 0..p * (sec + 1) {
                if u.ratio(9u8, 10)? {
                    s.push_str(&u.int_in_range(1..=14u32)?.to_string());
                } else {
                    s.push_str(&num(u)?);
                }
                s.push_str(separator(u)?);
            }
            s.push('\n');
        }
    } else {
        let rows = u.int_in_range(0..=20)?;
        let cols = u.int_in_range(1..=2)?;
        table(u, rows, cols, &mut s)?;
    }
    Ok(s.into_bytes())
}

fn run_bookkeeping(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    let nmin = c.pick(0, &[None, Some(0), Some(3), Some(40), Some(1000)]);
    let n = c.pick(1, &[0usize, 1, 5, 40]);
    let natoms = c.pick(2, &[0usize, 1, 3, 13, 38]);
    let mut ok = false;
    if let Ok(p) = bookkeeping::parse_pairs(&text, "pairs.data", nmin).map_err(|e| e.to_string()) {
        keep(bookkeeping::render_pairs(&p));
        ok = true;
    }
    if let Ok(ids) = bookkeeping::parse_ids(&text, "min.done", nmin).map_err(|e| e.to_string()) {
        keep(bookkeeping::render_i8(&ids));
        ok = true;
    }
    if let Ok(v) = bookkeeping::parse_ts_attempts(&text, "ts.attempts", n) {
        keep(bookkeeping::render_i8(&v));
    }
    if let Ok(v) = bookkeeping::parse_committors(&text, "commit.data", n) {
        keep(bookkeeping::render_committors(&v));
    }
    keep(bookkeeping::default_committors(n, &[1, 3, 1000]));
    match bookkeeping::parse_perm_allow(&text, "perm.allow", natoms) {
        Ok(g) => {
            keep(bookkeeping::perm_groups_zero_based(&g));
            ok = true;
        }
        Err(e) => {
            keep(e.to_string());
        }
    }
    // PATHSAMPLE's tried-pairs list is built from what the one pairs.data reader gives.
    if let Ok(p) = bookkeeping::parse_pairs(&text, "pairs.data", nmin) {
        keep(pathsample::pairs::TriedPairs::from_pairs(&p).pairs().len());
    }
    ok
}

fn bookkeeping_corpus() -> Vec<Vec<u8>> {
    vec![
        bookkeeping::render_pairs(&[(1, 2), (3, 7), (2, 5)]).into_bytes(),
        bookkeeping::render_i8(&[1, 4, 9]).into_bytes(),
        bookkeeping::render_committors(&[0.0, 1.0, 0.25, 1e-300]).into_bytes(),
        b"1\n3 0\n1 2 3\n".to_vec(),
        b"2\n2 1\n1 2\n3 4\n3 0\n5 6\n7\n".to_vec(),
    ]
}

// ---------------------------------------------------------------------------------------------
// disconnectionDPS side files: PICK/TRMIN lists, COLOURBYVALUE values, WEIGHTS.

fn run_dps_lists(c: &Case, _env: &Env) -> bool {
    use disconnectiondps::database as db;
    let text = c.text();
    let nmin = c.pick(0, &[0usize, 1, 6, 40]);
    let ok = db::parse_ids(&text, "list")
        .map_err(|e| e.to_string())
        .is_ok();
    keep(db::parse_values(&text, "auc", nmin).map_err(|e| e.to_string()));
    keep(db::parse_weights(&text, "weights").map_err(|e| e.to_string()));
    ok
}

fn dps_lists_structured(u: &mut Unstructured, _knob: u64) -> arbitrary::Result<Vec<u8>> {
    let mut s = String::new();
    let rows = u.int_in_range(0..=20)?;
    let cols = *u.choose(&[1, 1, 4])?;
    table(u, rows, cols, &mut s)?;
    Ok(s.into_bytes())
}

fn dps_lists_corpus() -> Vec<Vec<u8>> {
    let mut c = corpus_files(|n| matches!(n, "list1" | "list2" | "lista" | "listb" | "auc"));
    c.push(b"1 -170.0 -169.5 -3.2\n2 -169.5 -169.0 -1.5\n".to_vec());
    c.push(b"0.5\n\nNaN\n0.75\n".to_vec());
    c
}

// ---------------------------------------------------------------------------------------------
// GMIN coords and the restart dump.

fn coords_nopt(knob: u64) -> usize {
    pick(knob, 0, &[3, 9, 39, 40, 1 << 40])
}

fn run_coords(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    let ok = gmin::coords::parse_atoms(&text, "coords")
        .map_err(|e| e.to_string())
        .is_ok();
    let _ =
        gmin::coords::parse_values(&text, "coords", coords_nopt(c.knob)).map_err(|e| e.to_string());
    ok
}

fn coords_structured(u: &mut Unstructured, _knob: u64) -> arbitrary::Result<Vec<u8>> {
    let mut s = String::new();
    let rows = u.int_in_range(0..=20)?;
    table(u, rows, 3, &mut s)?;
    Ok(s.into_bytes())
}

const DUMP_TEMPLATE: &str = "RUST-GMIN-DUMP 1
walkers 2
steps_done 5
e_markov -44.326801
step 0.36
temperature 1.0
stream 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 3 1234
accepted 2 4
calls 120
best -44.326801
target_hit false
x_markov 3 0.1 0.2 0.3
x_current 3 0.1 0.2 0.3
saved 1 5 1e-7
min -44.326801 3 100
coords 3 0.1 0.2 0.3
steps_done 0
e_markov -1.5
step 0.4
temperature 0.8
stream ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 0 0
accepted 0 0
calls 7
best -1.5
target_hit true
x_markov 2 1 2
x_current 2 1 2
saved 0 3 0.0001
";

#[rustfmt::skip]
const DUMP_DICT: &[&str] = &[
    "RUST-GMIN-DUMP 1", "walkers", "steps_done", "e_markov", "step", "temperature", "stream",
    "accepted", "calls", "best", "target_hit", "x_markov", "x_current", "saved", "min", "coords",
    "true", "false",
];

fn dump_structured(u: &mut Unstructured, _knob: u64) -> arbitrary::Result<Vec<u8>> {
    // The template with a few of its values replaced (keys kept, so parsing goes deep).
    let mut s = String::new();
    for line in DUMP_TEMPLATE.lines() {
        let mut it = line.split(' ');
        let key = it.next().unwrap_or("");
        s.push_str(key);
        for v in it {
            s.push(' ');
            match u.int_in_range(0..=31)? {
                0 => s.push_str(&num(u)?),
                1 | 3 if key == "stream" && v.len() == 64 => {
                    let hex: String = (0..64)
                        .map(|_| *u.choose(&['0', 'a', 'f', 'g', 'é', '9']).unwrap_or(&'0'))
                        .collect();
                    s.push_str(&hex);
                }
                2 => s.push_str(&word(u, DUMP_DICT)?),
                _ => s.push_str(v),
            }
        }
        s.push('\n');
    }
    Ok(s.into_bytes())
}

fn run_gmin_dump(c: &Case, _env: &Env) -> bool {
    let text = c.text();
    match gmin::dump::parse(
        &text,
        "dump",
        &gmin::keywords::GminInput::default().settings,
    ) {
        Ok(w) => {
            keep(gmin::dump::render(&w));
            true
        }
        Err(e) => {
            keep(e.to_string());
            false
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Corpus files from test_inputs/.

fn corpus_files(want: impl Fn(&str) -> bool) -> Vec<Vec<u8>> {
    fn walk(dir: &Path, want: &dyn Fn(&str) -> bool, out: &mut Vec<Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("test_inputs")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, want, out);
            } else if p.file_name().and_then(|n| n.to_str()).is_some_and(want) {
                out.push(std::fs::read(&p).expect("corpus file"));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../test_inputs"),
        &want,
        &mut out,
    );
    out
}

fn target(name: &str) -> Target {
    let (corpus, dict, structured, run): (
        Vec<Vec<u8>>,
        &'static [&'static str],
        Generator,
        Runner,
    ) = match name {
        "deck_lexer" => (deck_corpus(), DECK_DICT, deck_structured, run_deck_lexer),
        "deck_keywords" => (
            deck_corpus(),
            DECK_DICT,
            keywords_structured,
            run_deck_keywords,
        ),
        "numbers" => (numbers_corpus(), EXTREME, numbers_structured, run_numbers),
        "dinfo" => (
            corpus_files(|n| n == "dinfo" || n == "dinfo.lj38"),
            DINFO_DICT,
            dinfo_structured,
            run_dinfo,
        ),
        "mlpdata" => (mlpdata_corpus(), &[], mlpdata_structured, run_mlpdata),
        "min_data" => (
            corpus_files(|n| n == "min.data"),
            &[],
            min_data_structured,
            run_min_data,
        ),
        "ts_data" => (
            corpus_files(|n| n == "ts.data"),
            &[],
            ts_data_structured,
            run_ts_data,
        ),
        "points" => (points_corpus(), &[], points_structured, run_points),
        "path_info" => (
            path_info_corpus(),
            &["C1", "     1 C1  ", "D3h"],
            path_info_structured,
            run_path_info,
        ),
        "min_data_info" => (
            min_data_info_corpus(),
            &[],
            min_data_info_structured,
            run_min_data_info,
        ),
        "min_ab" => (min_ab_corpus(), &[], min_ab_structured, run_min_ab),
        "bookkeeping" => (
            bookkeeping_corpus(),
            &[],
            bookkeeping_structured,
            run_bookkeeping,
        ),
        "dps_lists" => (
            dps_lists_corpus(),
            &["NaN", "nan"],
            dps_lists_structured,
            run_dps_lists,
        ),
        "coords" => (
            corpus_files(|n| n == "coords" || n == "finish"),
            &[],
            coords_structured,
            run_coords,
        ),
        "gmin_dump" => (
            vec![DUMP_TEMPLATE.as_bytes().to_vec()],
            DUMP_DICT,
            dump_structured,
            run_gmin_dump,
        ),
        _ => panic!("no fuzz target {name}"),
    };
    let name: &'static str = Box::leak(name.to_string().into_boxed_str());
    Target {
        name,
        corpus,
        dict,
        structured,
        run,
    }
}

// ---------------------------------------------------------------------------------------------
// The driver.

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) if v == "random" => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1),
        Ok(v) => v
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v}: not a number")),
        Err(_) => default,
    }
}

/// The input escaped and cut for a report.
fn show(t: &Target, c: &Case) -> String {
    let shown = if t.name == "points" {
        format!("{:02x?}", &c.bytes[..c.bytes.len().min(400)])
    } else {
        let s = format!("{:?}", c.text());
        if s.len() > 1500 {
            let mut k = 1500;
            while !s.is_char_boundary(k) {
                k -= 1;
            }
            format!("{}... ({} bytes in all)", &s[..k], c.bytes.len())
        } else {
            s
        }
    };
    format!("knob {:#018x}, {:?} input: {shown}", c.knob, c.strategy)
}

fn replay(name: &str, seed: u64, i: u64) -> String {
    format!(
        "FUZZ_SEED={seed} FUZZ_FROM={i} FUZZ_ITERS=1 cargo test --release -p e2e --test \
         fuzz_parsers -- --exact {name} --nocapture"
    )
}

fn save_failure(name: &str, seed: u64, i: u64, c: &Case) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let path = dir.join(format!("{name}-{seed}-{i}"));
    match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, &c.bytes)) {
        Ok(()) => format!(" (input saved in {})", path.display()),
        Err(_) => String::new(),
    }
}

fn fuzz(name: &str) {
    install_panic_hook();
    let t = target(name);
    let iters = env_u64("FUZZ_ITERS", 10_000);
    let seed = env_u64("FUZZ_SEED", DEFAULT_SEED);
    let from = env_u64("FUZZ_FROM", 0);
    let env = Env::new();

    let started_ns = AtomicU64::new(0);
    let current = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let clock = Instant::now();

    let mut failures: Vec<String> = Vec::new();
    let mut counts = [0u64; 3];
    let mut accepted = 0u64;
    let mut ran = 0u64;
    let (mut slowest, mut slowest_case, mut slowest_len) = (Duration::ZERO, from, 0usize);
    let (mut peak_mem, mut peak_case) = (0usize, from);
    let mut total_bytes = 0u64;
    let mut wall = Duration::ZERO;

    std::thread::scope(|scope| {
        // Watchdog: an input running longer than HANG is a hang; print it and abort.
        let watchdog = scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                std::thread::park_timeout(Duration::from_millis(100));
                let s = started_ns.load(Ordering::Relaxed);
                if s != 0 && clock.elapsed().as_nanos() as u64 - s > HANG.as_nanos() as u64 {
                    let i = current.load(Ordering::Relaxed);
                    let c = generate(&t, seed, i);
                    eprintln!(
                        "fuzz {name}: case {i} has run for more than {HANG:?} (a hang); {}; \
                         replay: {}{}",
                        show(&t, &c),
                        replay(name, seed, i),
                        save_failure(name, seed, i, &c)
                    );
                    std::process::abort();
                }
            }
        });

        for i in from..from + iters {
            let c = generate(&t, seed, i);
            counts[c.strategy as usize] += 1;
            total_bytes += c.bytes.len() as u64;

            current.store(i, Ordering::Relaxed);
            CURRENT.with(|x| x.set(Some((t.name, seed, i))));
            let live0 = LIVE.with(Cell::get);
            PEAK.with(|p| p.set(live0));
            FUZZING.with(|f| f.set(true));
            let t0 = Instant::now();
            started_ns.store(clock.elapsed().as_nanos().max(1) as u64, Ordering::Relaxed);
            let result = catch_unwind(AssertUnwindSafe(|| (t.run)(&c, &env)));
            started_ns.store(0, Ordering::Relaxed);
            let took = t0.elapsed();
            FUZZING.with(|f| f.set(false));
            CURRENT.with(|x| x.set(None));
            let peak = (PEAK.with(Cell::get) - live0).max(0) as usize;
            ran += 1;

            if took > slowest {
                (slowest, slowest_case, slowest_len) = (took, i, c.bytes.len());
            }
            if peak > peak_mem {
                (peak_mem, peak_case) = (peak, i);
            }
            let problem = match result {
                Ok(ok) => {
                    accepted += u64::from(ok);
                    if took > SLOW {
                        Some(format!("took {took:?} (more than {SLOW:?})"))
                    } else if peak > MEM_BASE + MEM_PER_BYTE * c.bytes.len() {
                        Some(format!(
                            "needed {peak} bytes of heap at its peak for {} input bytes",
                            c.bytes.len()
                        ))
                    } else {
                        None
                    }
                }
                Err(_) => {
                    let msg = PANIC_MESSAGE
                        .with(|m| m.borrow_mut().take())
                        .unwrap_or_default();
                    Some(format!("panicked: {msg}"))
                }
            };
            if let Some(p) = problem {
                let report = format!(
                    "fuzz {name}: case {i} {p}\n  {}\n  replay: {}{}",
                    show(&t, &c),
                    replay(name, seed, i),
                    save_failure(name, seed, i, &c)
                );
                eprintln!("{report}");
                failures.push(report);
                if failures.len() >= MAX_FAILURES {
                    break;
                }
            }
        }
        wall = clock.elapsed();
        done.store(true, Ordering::Relaxed);
        watchdog.thread().unpark();
    });

    println!(
        "fuzz {name}: {ran} inputs (seed {seed}, cases {from}..{}; {} random, {} mutated, {} \
         structured; {} corpus files), {:.1} s, {:.1} µs/input, {} accepted, mean {} bytes; \
         slowest {:.3} ms (case {slowest_case}, {slowest_len} bytes); largest heap peak {:.2} \
         MiB (case {peak_case}); {} failures",
        from + ran,
        counts[0],
        counts[1],
        counts[2],
        t.corpus.len(),
        wall.as_secs_f64(),
        wall.as_secs_f64() * 1e6 / ran.max(1) as f64,
        accepted,
        total_bytes / ran.max(1),
        slowest.as_secs_f64() * 1e3,
        peak_mem as f64 / (1 << 20) as f64,
        failures.len(),
    );
    assert!(
        failures.is_empty(),
        "{} failing inputs for {name}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

macro_rules! fuzz_tests {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            fuzz(stringify!($name));
        }
    )*};
}

fuzz_tests!(
    deck_lexer,
    deck_keywords,
    numbers,
    dinfo,
    mlpdata,
    min_data,
    ts_data,
    points,
    path_info,
    min_data_info,
    min_ab,
    bookkeeping,
    dps_lists,
    coords,
    gmin_dump,
);

/// The synthetic seed files are valid for their readers (so mutations start from real files).
#[test]
fn corpus_seeds_are_valid() {
    for (f, nopt) in path_info_seeds() {
        let text = String::from_utf8(f).unwrap();
        let i = path_info::parse(&text, "p", nopt, path_info::Eigenvalues::Auto).unwrap();
        assert!(i.blocks.len() >= 5 && i.incomplete.is_none(), "{i:?}");
    }
    for (f, nopt) in min_data_info_corpus().iter().zip([3, 9, 6]) {
        let r = min_data_info::parse(std::str::from_utf8(f).unwrap(), "m", nopt).unwrap();
        assert_eq!(r.len(), 3);
    }
    for f in min_ab_corpus() {
        min_ab::parse(std::str::from_utf8(&f).unwrap(), "min.A", None).unwrap();
    }
    let mlp = mlpdata_corpus();
    let layout = |nin, last| DataLayout {
        outcome: if last {
            OutcomeColumn::Last
        } else {
            OutcomeColumn::First
        },
        ..DataLayout::outcome_first(nin, 4, 20)
    };
    for (f, (nin, last)) in mlp
        .iter()
        .zip([(2, false), (2, true), (3, false), (5, false)])
    {
        MlpData::parse(std::str::from_utf8(f).unwrap(), "d", &layout(nin, last)).unwrap();
    }
    let w = gmin::dump::parse(
        DUMP_TEMPLATE,
        "dump",
        &gmin::keywords::GminInput::default().settings,
    )
    .unwrap();
    assert_eq!(w.len(), 2);
    let b = bookkeeping_corpus();
    bookkeeping::parse_pairs(std::str::from_utf8(&b[0]).unwrap(), "p", None).unwrap();
    bookkeeping::parse_perm_allow(std::str::from_utf8(&b[3]).unwrap(), "perm.allow", 3).unwrap();
    bookkeeping::parse_perm_allow(std::str::from_utf8(&b[4]).unwrap(), "perm.allow", 7).unwrap();
    assert!(!deck_corpus().is_empty());
    for f in corpus_files(|n| n == "dinfo") {
        disconnectiondps::Config::parse(std::str::from_utf8(&f).unwrap(), "dinfo").unwrap();
    }
}
