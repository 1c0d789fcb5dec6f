//! The restart dump (`DUMPINT n` writes it, `RESTORE file` resumes from it).
//!
//! A plain-text file holding the complete state of every walker: Markov and current
//! coordinates, step size, temperature, the exact random-stream position, counters and the
//! SAVE list. Reals are written in Rust's shortest round-trip form, so a resumed run continues
//! bit for bit as the uninterrupted one would have. The file is written to `<name>.tmp` and
//! renamed over `<name>`, so a crash while dumping leaves the previous dump intact.
//! *Open question in the spec* (GMIN restart files): this layout is the project's own.

use crate::hopping::{BhSettings, Restarts, Walker};
use crate::save::{SaveList, SavedMinimum};
use common::rng::{Stream, StreamPosition};
use std::fmt::Write as _;
use std::path::Path;

/// Version 2 adds the NEWRESTART/AVOID state, version 3 the angular-move threshold (`astep`);
/// earlier dumps are still read (empty state; ASTEP scaled as the step was).
const MAGIC: &str = "RUST-GMIN-DUMP 3";
const MAGIC_V2: &str = "RUST-GMIN-DUMP 2";
const MAGIC_V1: &str = "RUST-GMIN-DUMP 1";

/// A problem reading a dump.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct DumpError {
    /// File name.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

fn vec_line(out: &mut String, key: &str, v: &[f64]) {
    let _ = write!(out, "{key} {}", v.len());
    for x in v {
        let _ = write!(out, " {x:?}");
    }
    out.push('\n');
}

/// Render the walkers' state.
pub fn render(walkers: &[Walker]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{MAGIC}");
    let _ = writeln!(out, "walkers {}", walkers.len());
    for w in walkers {
        let p = w.stream.position();
        let seed: String = p.seed.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(out, "steps_done {}", w.steps_done);
        let _ = writeln!(out, "e_markov {:?}", w.e_markov);
        let _ = writeln!(out, "step {:?}", w.step);
        let _ = writeln!(out, "astep {:?}", w.astep);
        let _ = writeln!(out, "temperature {:?}", w.temperature);
        let _ = writeln!(out, "stream {seed} {} {}", p.stream, p.word);
        let _ = writeln!(out, "accepted {} {}", w.accepted_in_block, w.accepted_total);
        let _ = writeln!(out, "calls {}", w.calls);
        let _ = writeln!(out, "best {:?}", w.best_energy);
        let _ = writeln!(out, "target_hit {}", w.target_hit);
        vec_line(&mut out, "x_markov", &w.x_markov);
        vec_line(&mut out, "x_current", &w.x_current);
        let _ = writeln!(
            out,
            "saved {} {} {:?}",
            w.saved.entries().len(),
            w.saved.capacity(),
            w.saved.ediff()
        );
        for m in w.saved.entries() {
            let _ = writeln!(out, "min {:?} {} {}", m.energy, m.step, m.calls);
            vec_line(&mut out, "coords", &m.coords);
        }
        let rs = &w.restarts;
        let _ = writeln!(
            out,
            "restarts {:?} {} {} {}",
            rs.best,
            rs.since,
            rs.next,
            rs.avoid.len()
        );
        vec_line(&mut out, "best_x", &rs.best_x);
        for m in &rs.avoid {
            vec_line(&mut out, "avoid", m);
        }
    }
    out
}

/// Write the dump atomically (temporary file, then rename).
pub fn write(path: &Path, walkers: &[Walker]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, render(walkers))?;
    std::fs::rename(&tmp, path)
}

struct Reader<'a> {
    file: &'a str,
    lines: std::iter::Enumerate<std::str::Lines<'a>>,
}

impl<'a> Reader<'a> {
    fn err(&self, msg: impl Into<String>) -> DumpError {
        DumpError {
            file: self.file.into(),
            message: msg.into(),
        }
    }

    /// The fields of the next line, whose first word must be `key`.
    fn next(&mut self, key: &str) -> Result<(usize, Vec<&'a str>), DumpError> {
        let (i, line) = self
            .lines
            .next()
            .ok_or_else(|| self.err(format!("truncated: expected '{key}'")))?;
        let mut f = line.split_whitespace();
        if f.next() != Some(key) {
            return Err(self.err(format!("line {}: expected '{key}'", i + 1)));
        }
        Ok((i + 1, f.collect()))
    }

    fn parse<T: std::str::FromStr>(&self, line: usize, s: Option<&&str>) -> Result<T, DumpError> {
        s.and_then(|t| t.parse().ok())
            .ok_or_else(|| self.err(format!("line {line}: unreadable value")))
    }

    fn scalar<T: std::str::FromStr>(&mut self, key: &str) -> Result<T, DumpError> {
        let (l, f) = self.next(key)?;
        self.parse(l, f.first())
    }

    fn vector(&mut self, key: &str) -> Result<Vec<f64>, DumpError> {
        let (l, f) = self.next(key)?;
        let n: usize = self.parse(l, f.first())?;
        if n.checked_add(1) != Some(f.len()) {
            return Err(self.err(format!("line {l}: expected {n} values")));
        }
        f[1..].iter().map(|t| self.parse(l, Some(t))).collect()
    }
}

/// Parse a dump written by [`render`].
pub fn parse(text: &str, file: &str, settings: &BhSettings) -> Result<Vec<Walker>, DumpError> {
    let mut r = Reader {
        file,
        lines: text.lines().enumerate(),
    };
    let version = match r.lines.next() {
        Some((_, l)) if l.trim() == MAGIC => 3,
        Some((_, l)) if l.trim() == MAGIC_V2 => 2,
        Some((_, l)) if l.trim() == MAGIC_V1 => 1,
        _ => return Err(r.err("not a GMIN restart dump (bad first line)")),
    };
    let n: usize = r.scalar("walkers")?;
    // Nothing reserved from the count: a damaged count is the "truncated" error below.
    let mut walkers = Vec::new();
    for _ in 0..n {
        let steps_done = r.scalar("steps_done")?;
        let e_markov = r.scalar("e_markov")?;
        let step: f64 = r.scalar("step")?;
        let astep = if version >= 3 {
            r.scalar("astep")?
        } else {
            // Both are scaled by the same factors (or neither is).
            settings.astep * step / settings.step
        };
        let temperature = r.scalar("temperature")?;
        let (l, f) = r.next("stream")?;
        let hex = f.first().copied().unwrap_or("");
        if hex.len() != 64 || !hex.is_ascii() {
            return Err(r.err(format!("line {l}: bad stream key")));
        }
        let mut seed = [0u8; 32];
        for (k, b) in seed.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * k..2 * k + 2], 16)
                .map_err(|_| r.err(format!("line {l}: bad stream key")))?;
        }
        let stream = Stream::at_position(&StreamPosition {
            seed,
            stream: r.parse(l, f.get(1))?,
            word: r.parse(l, f.get(2))?,
        });
        let (l, f) = r.next("accepted")?;
        let accepted_in_block = r.parse(l, f.first())?;
        let accepted_total = r.parse(l, f.get(1))?;
        let calls = r.scalar("calls")?;
        let best_energy = r.scalar("best")?;
        let target_hit = r.scalar("target_hit")?;
        let x_markov = r.vector("x_markov")?;
        let x_current = r.vector("x_current")?;
        let (l, f) = r.next("saved")?;
        let count: usize = r.parse(l, f.first())?;
        let mut saved = SaveList::new(r.parse(l, f.get(1))?, r.parse(l, f.get(2))?);
        for _ in 0..count {
            let (l, f) = r.next("min")?;
            let energy = r.parse(l, f.first())?;
            let step = r.parse(l, f.get(1))?;
            let calls = r.parse(l, f.get(2))?;
            let coords = r.vector("coords")?;
            saved.offer(SavedMinimum {
                energy,
                coords,
                step,
                calls,
            });
        }
        let restarts = if version >= 2 {
            let (l, f) = r.next("restarts")?;
            let best = r.parse(l, f.first())?;
            let since = r.parse(l, f.get(1))?;
            let next = r.parse(l, f.get(2))?;
            let navoid: usize = r.parse(l, f.get(3))?;
            let best_x = r.vector("best_x")?;
            let mut avoid = Vec::new();
            for _ in 0..navoid {
                avoid.push(r.vector("avoid")?);
            }
            Restarts {
                best,
                best_x,
                since,
                avoid,
                next,
            }
        } else {
            Restarts {
                best: best_energy,
                best_x: x_markov.clone(),
                since: steps_done,
                avoid: Vec::new(),
                next: 0,
            }
        };
        walkers.push(Walker {
            steps_done,
            x_markov,
            e_markov,
            x_current,
            step,
            astep,
            temperature,
            stream,
            accepted_in_block,
            accepted_total,
            calls,
            best_energy,
            target_hit,
            saved,
            restarts,
        });
    }
    Ok(walkers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hopping::{tests::ljat3_settings, Silent};
    use common::ljat::{geometry, Ljat};

    #[test]
    fn dump_round_trips_and_resumes_identically() {
        let p = Ljat::new(3, 2.0);
        let settings = ljat3_settings(80);
        let x0 = geometry::equilateral3(1.3);
        let mut w = Walker::start(&p, &settings, &x0, Stream::new(4, 0), &mut Silent);
        for _ in 0..30 {
            w.step(&p, &settings, &mut Silent);
        }
        let text = render(std::slice::from_ref(&w));
        let mut back = parse(&text, "GMIN.dump", &settings).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(render(&back), text);
        w.run(&p, &settings, &mut Silent, &mut |_| {});
        back[0].run(&p, &settings, &mut Silent, &mut |_| {});
        assert_eq!(render(&back), render(std::slice::from_ref(&w)));
    }

    /// NEWRESTART/AVOID state survives the dump, and a resumed run continues identically.
    #[test]
    fn restart_state_round_trips() {
        let p = Ljat::new(3, 2.0);
        let mut settings = ljat3_settings(120);
        // Step (and ASTEP) adjustments before the dump.
        settings.naccept = 13;
        settings.newrestart = Some(3);
        settings.avoid = Some(crate::hopping::Avoid {
            dist: 0.05,
            size: 2,
            reseed: false,
            symmetry: std::sync::Arc::new(common::system::Symmetry::atoms(
                common::geometry::AlignOptions::default(),
            )),
        });
        let x0 = geometry::equilateral3(1.3);
        let mut w = Walker::start(&p, &settings, &x0, Stream::new(5, 0), &mut Silent);
        for _ in 0..40 {
            w.step(&p, &settings, &mut Silent);
        }
        assert!(!w.restarts.avoid.is_empty(), "no restart in 40 steps");
        let text = render(std::slice::from_ref(&w));
        let mut back = parse(&text, "GMIN.dump", &settings).unwrap();
        assert_eq!(back[0].restarts, w.restarts);
        assert_eq!(render(&back), text);
        w.run(&p, &settings, &mut Silent, &mut |_| {});
        back[0].run(&p, &settings, &mut Silent, &mut |_| {});
        assert_eq!(render(&back), render(std::slice::from_ref(&w)));
        // A version-1 dump (no restart state) is still read.
        let v1 = text
            .replacen(MAGIC, MAGIC_V1, 1)
            .lines()
            .filter(|l| {
                !l.starts_with("restarts")
                    && !l.starts_with("best_x")
                    && !l.starts_with("avoid")
                    && !l.starts_with("astep")
            })
            .collect::<Vec<_>>()
            .join("\n");
        let old = parse(&v1, "old", &settings).unwrap();
        assert_eq!(old[0].restarts.avoid.len(), 0);
        // Without an `astep` line, ASTEP is the initial one scaled as the step was: the value
        // the version-3 dump of the same walker holds.
        let full = parse(&text, "GMIN.dump", &settings).unwrap();
        assert_ne!(full[0].step, settings.step);
        assert!((old[0].astep - full[0].astep).abs() <= 1e-12 * full[0].astep);
    }

    #[test]
    fn damaged_dumps_are_errors() {
        assert!(parse("hello\n", "d", &ljat3_settings(1)).is_err());
        let p = Ljat::new(3, 2.0);
        let settings = ljat3_settings(3);
        let w = Walker::start(
            &p,
            &settings,
            &geometry::equilateral3(1.2),
            Stream::new(1, 0),
            &mut Silent,
        );
        let text = render(&[w]);
        let cut = &text[..text.len() / 2];
        let e = parse(cut, "GMIN.dump", &settings).unwrap_err();
        assert!(e.to_string().starts_with("GMIN.dump:"));
    }

    /// Found by tests/tests/fuzz_parsers.rs: counts in the dump reserved memory before anything
    /// was read (a capacity-overflow panic), a vector length of 2^64 − 1 overflowed, and a
    /// 64-byte stream key with a non-ASCII character was sliced inside the character.
    #[test]
    fn damaged_counts_and_keys_are_errors_not_panics() {
        let e = parse(
            "RUST-GMIN-DUMP 1\nwalkers 18446744073709551615\nsteps_done 0\n",
            "GMIN.dump",
            &ljat3_settings(1),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("truncated: expected 'e_markov'"),
            "{e}"
        );
        let head = "RUST-GMIN-DUMP 1\nwalkers 1\nsteps_done 0\ne_markov 1\nstep 1\n\
                    temperature 1\n";
        let key = format!("0é{}", "0".repeat(61));
        assert_eq!(key.len(), 64);
        let e = parse(
            &format!("{head}stream {key} 0 0\n"),
            "GMIN.dump",
            &ljat3_settings(1),
        )
        .unwrap_err();
        assert!(e.to_string().contains("line 7: bad stream key"), "{e}");
        let rest = format!(
            "stream {} 0 0\naccepted 0 0\ncalls 0\nbest 1\ntarget_hit false\n",
            "0".repeat(64)
        );
        let e = parse(
            &format!("{head}{rest}x_markov 18446744073709551615 1\n"),
            "GMIN.dump",
            &ljat3_settings(1),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("line 12: expected 18446744073709551615 values"),
            "{e}"
        );
        let e = parse(
            &format!("{head}{rest}x_markov 1 1\nx_current 1 1\nsaved 0 18446744073709551615 0\n"),
            "GMIN.dump",
            &ljat3_settings(1),
        );
        assert_eq!(e.unwrap()[0].saved.capacity(), usize::MAX);
    }
}
