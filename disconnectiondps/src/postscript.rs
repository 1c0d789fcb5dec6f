//! `tree.ps`: the 2011 PostScript layout, byte for byte (files.md §4.2, DECISION 8).
//!
//! Conventions: every coordinate is written `F7.2` (gfortran rounding: the exact binary
//! value to the nearest hundredth, exact ties to even — [`f72`]); ids and sizes are
//! written without padding; lines end with `\n`. The COLOURBYVALUE segment colours and
//! colour bar are the only additions, and appear only with that keyword.
//!
//! With AUTORANGE, SCALEBAR or CHOOSECOLOURS (the later Fortran program's keywords) the
//! file takes the later program's layout instead: its header and procedures, SCALEBAR's bar
//! in place of the axis, AUTORANGE's `I3` level blocks from level 2, CHOOSECOLOURS'
//! `F6.4` colours (the Kinetics TRAP_ENERGY tutorial's tree.ps byte for byte).

use std::io::{self, Write};

use common::fortran_fmt::{fmt_f, fmt_i};

use crate::drawing::{bar_step, ColourBar, Drawing, Label, Paint, Segment};

/// `v` rounded to hundredths as gfortran rounds it for `F7.2` (exact binary value, ties to
/// even), as an integer number of hundredths; `None` where the quick computation cannot be
/// trusted (within 10⁻⁶ of a tie, negative values that round to zero, |v| ≥ 1000 or not
/// finite) — use [`f72`] or [`rounded`] there, which fall back to the exact formatter.
pub fn hundredths(v: f64) -> Option<i64> {
    if v.is_finite() && v > -999.9 && v < 999.9 {
        let s = v * 100.0;
        let frac = s - s.floor();
        if (frac - 0.5).abs() > 1e-6 {
            let n = s.round() as i64;
            if n != 0 || v > 0.0 || (v == 0.0 && v.is_sign_positive()) {
                return Some(n);
            }
        }
    }
    None
}

/// Hundredths as a decimal with two digits after the point (`-123` → `-1.23`).
pub fn fmt_hundredths(n: i64) -> String {
    let a = n.unsigned_abs();
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// `F7.2` of `v`, as gfortran writes it: [`hundredths`] where it applies, the exact
/// formatter of `common` otherwise.
pub fn f72(v: f64) -> String {
    match hundredths(v) {
        Some(n) => format!("{:>7}", fmt_hundredths(n)),
        None => fmt_f(v, 7, 2),
    }
}

/// The value `v` as rounded by [`f72`] (used by the SVG writer to share the geometry).
pub fn rounded(v: f64) -> f64 {
    match hundredths(v) {
        Some(n) => n as f64 / 100.0,
        None => f72(v).trim().parse().unwrap_or(v),
    }
}

/// The colour line written before a coloured segment, if any.
pub fn colour_line(paint: &Paint) -> Option<String> {
    match paint {
        Paint::Plain => None,
        Paint::Trmin(1) => Some("1 0 0  setrgbcolor".to_string()),
        Paint::Trmin(2) => Some("0 1 0 setrgbcolor".to_string()),
        Paint::Trmin(3) => Some("0 0 1 setrgbcolor".to_string()),
        Paint::Trmin(4) => Some("1 0 1 setrgbcolor".to_string()),
        Paint::Trmin(_) => None,
        Paint::Chosen(k) => crate::palette::chosen(*k).map(|c| {
            let f = |v: u16| format!("{}.{:04}", v / 10_000, v % 10_000);
            // The first colour's line has two blanks before the operator, as the default
            // palette's `1 0 0  setrgbcolor` does.
            let gap = if *k == 1 { "  " } else { " " };
            format!("{} {} {}{gap}setrgbcolor", f(c[0]), f(c[1]), f(c[2]))
        }),
        Paint::Value(c) => Some(format!(
            "{} {} {} setrgbcolor",
            fmt_f(c.0, 5, 3),
            fmt_f(c.1, 5, 3),
            fmt_f(c.2, 5, 3)
        )),
    }
}

fn seg_line(w: &mut impl Write, s: &Segment) -> io::Result<()> {
    writeln!(
        w,
        "{}{} mt {}{} ls",
        f72(s.x1),
        f72(s.y1),
        f72(s.x2),
        f72(s.y2)
    )
}

/// Escape a string for a PostScript string literal.
pub fn ps_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii_graphic() || c == ' ' => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

fn label_block(
    w: &mut impl Write,
    colour: &str,
    label_size: i64,
    labels: &[Label],
    tick: bool,
) -> io::Result<()> {
    writeln!(w, "{colour}")?;
    writeln!(
        w,
        "/Times-Roman findfont {} scalefont setfont",
        fmt_i(label_size, 2)
    )?;
    for l in labels {
        writeln!(w, "{}{} mt ({}) show", f72(l.x), f72(l.y), l.text)?;
        if tick {
            writeln!(
                w,
                "{}{} mt {}{} ls ",
                f72(l.x),
                f72(l.y),
                f72(l.x),
                f72(l.y - 10.0)
            )?;
        }
    }
    writeln!(w, "0 0 0 setrgbcolor")
}

fn colour_bar(w: &mut impl Write, d: &Drawing, bar: &ColourBar) -> io::Result<()> {
    let (x0, x1) = ColourBar::extent(&d.page);
    let (y0, y1) = (ColourBar::Y0, ColourBar::Y0 + ColourBar::HEIGHT);
    let n = ColourBar::STEPS;
    let step = (x1 - x0) / n as f64;
    writeln!(w, "% Colour scale (COLOURBYVALUE)")?;
    for s in 0..n {
        let c = bar.scale.palette.at((s as f64 + 0.5) / n as f64);
        writeln!(w, "{}", colour_line(&Paint::Value(c)).unwrap_or_default())?;
        let (a, b) = bar_step(x0, step, s, n);
        writeln!(
            w,
            "{}{} mt {}{} lineto {}{} lineto {}{} lineto closepath fill",
            f72(a),
            f72(y0),
            f72(b),
            f72(y0),
            f72(b),
            f72(y1),
            f72(a),
            f72(y1)
        )?;
    }
    writeln!(w, "0 0 0 setrgbcolor")?;
    writeln!(
        w,
        "{}{} mt {}{} lineto {}{} lineto {}{} lineto closepath stroke",
        f72(x0),
        f72(y0),
        f72(x1),
        f72(y0),
        f72(x1),
        f72(y1),
        f72(x0),
        f72(y1)
    )?;
    writeln!(
        w,
        "/Times-Roman findfont {} scalefont setfont",
        ColourBar::FONT
    )?;
    let ty = y0 + 1.0;
    writeln!(
        w,
        "{}{} mt ({}) dup stringwidth pop neg 0 rmoveto show",
        f72(x0 - 3.0),
        f72(ty),
        ps_string(&bar.lo_text)
    )?;
    writeln!(
        w,
        "{}{} mt ({}) show",
        f72(x1 + 3.0),
        f72(ty),
        ps_string(&bar.hi_text)
    )?;
    writeln!(
        w,
        "{}{} mt ({}) dup stringwidth pop 2 div neg 0 rmoveto show",
        f72((x0 + x1) / 2.0),
        f72(y1 + 3.0),
        ps_string(&bar.caption)
    )
}

/// The procedures the later Fortran program defines after its header (unused by the
/// drawing; written for byte identity), ending with an empty line.
const LATER_PROLOGUE: &str = "/swidth { 30 mul } def
/dpi { 30 div } def
/Rez 1000 dpi def % calc lines per point for fill
/Step 1 Rez div def
/StartRGB { /B1 exch def /S1 exch def /H1 exch def
          } def
/EndRGB { /B2 exch def /S2 exch def /H2 exch def
          /Steps s Step div def
          /Hstep H2 H1 sub Steps div def
          /Sstep S2 S1 sub Steps div def
          /Bstep B2 B1 sub Steps div def
        } def
/StepRGB { /H1 H1 Hstep add def
           /S1 S1 Sstep add def
           /B1 B1 Bstep add def
           H1 S1 B1 setrgbcolor
         } def

";

/// Line width of the graph: 1.5 pt with SCALEBAR, 0.1 pt otherwise.
pub fn line_width(d: &Drawing) -> &'static str {
    if d.cfg.scale_bar.is_some() {
        "1.5"
    } else {
        "0.1"
    }
}

/// The SCALEBAR bar: (x, bottom y, top y, label baseline y, label text). The bar stands on
/// the lowest level (y 50 on A4) at the axis' x, `x·points_per_energy` tall; its label
/// (LABELFORMAT, `F8.2` by default) is 6 pt right of it, 5 pt below its middle.
pub fn scale_bar(d: &Drawing) -> Option<(f64, f64, f64, f64, String)> {
    let v = d.cfg.scale_bar?;
    let x = 70.0;
    let y0 = d.page.y(1.0);
    let y1 = y0 + v * d.points_per_energy();
    let text = d
        .cfg
        .label_format
        .render(v)
        .unwrap_or_else(|_| "*".repeat(8));
    Some((x, y0, y1, (y0 + y1) / 2.0 - 5.0, text))
}

/// Write `tree.ps` for `d` to `w`.
pub fn write(w: &mut impl Write, d: &Drawing) -> io::Result<()> {
    let cfg = d.cfg;
    let nlev = d.tree.levels.len();
    let later = cfg.later_layout();
    if later {
        writeln!(w, "%!PS-Adobe-3.0 EPSF-3.0")?;
    } else {
        writeln!(w, "%!PS-Adobe-2.0 EPSF-2.0")?;
    }
    writeln!(w, "%% Creator: disconnection.f90")?;
    writeln!(w, "%% Minima: {}", cfg.minima.as_deref().unwrap_or(""))?;
    writeln!(
        w,
        "%% Transition states: {}",
        cfg.ts.as_deref().unwrap_or("")
    )?;
    if later {
        writeln!(
            w,
            "%%BoundingBox: 0 0 {}{}",
            fmt_i(d.page.px as i64, 5),
            fmt_i(d.page.py as i64, 5)
        )?;
    } else {
        writeln!(w, "%%BoundingBox: 0 0 593 809")?;
    }
    writeln!(w, "/ls {{lineto stroke}} def")?;
    writeln!(w, "/mt {{moveto}} def")?;
    writeln!(w, "{} setlinewidth", line_width(d))?;
    if later {
        w.write_all(LATER_PROLOGUE.as_bytes())?;
    }
    let x1 = 70.0;
    if let Some((x, y0, y1, ly, text)) = scale_bar(d) {
        writeln!(w, "1.0 0.0 0.0 setrgbcolor")?;
        writeln!(w, "4.0 setlinewidth")?;
        writeln!(w, "{}{} mt {}{} ls", f72(x), f72(y1), f72(x), f72(y0))?;
        // Each end tick is written twice, as the Fortran does.
        for y in [y0, y0, y1, y1] {
            writeln!(
                w,
                "{}{} mt {}{} ls",
                f72(x - 6.0),
                f72(y),
                f72(x + 6.0),
                f72(y)
            )?;
        }
        writeln!(w, "0.0 0.0 0.0 setrgbcolor")?;
        writeln!(w, "{} setlinewidth", line_width(d))?;
        writeln!(w, "/Times-Roman findfont 14 scalefont setfont")?;
        writeln!(
            w,
            "{}{} mt ({}) show",
            f72(x + 6.0),
            f72(ly),
            ps_string(&text)
        )?;
    } else {
        writeln!(
            w,
            "{}{} mt {}{} ls",
            f72(x1),
            f72(d.page.y(0.0)),
            f72(x1),
            f72(d.page.y(1.0))
        )?;
        for li in d.top..nlev {
            let y = d.level_y(li);
            writeln!(
                w,
                "{}{} mt {}{} ls",
                f72(x1 - 1.5),
                f72(y),
                f72(x1 + 1.5),
                f72(y)
            )?;
        }
        writeln!(w, "/Times-Roman findfont 10 scalefont setfont")?;
        for (y, text) in axis_labels(d) {
            writeln!(w, "{}{} mt ({}) show", f72(15.0), f72(y), text)?;
        }
    }
    write!(w, "\n% Manipulate landmark.\n\n")?;
    let mut segs = Vec::new();
    // AUTORANGE's blocks number the levels with three digits.
    let width = if cfg.autorange { 3 } else { 2 };
    for li in d.top + 1..nlev {
        write!(
            w,
            "\n% Level: {} to {}\n\n",
            fmt_i(li as i64, width),
            fmt_i(li as i64 + 1, width)
        )?;
        if d.tree.levels[li - 1].is_empty() {
            break;
        }
        d.segments_into(li, &mut segs);
        for s in &segs {
            let colour = colour_line(&s.paint);
            if let Some(c) = &colour {
                writeln!(w, "{c}")?;
            }
            seg_line(w, s)?;
            if s.paint != Paint::Plain {
                writeln!(w, "0 0 0 setrgbcolor")?;
            }
        }
    }
    if cfg.identify {
        label_block(
            w,
            "1 0 0 setrgbcolor",
            cfg.label_size,
            &d.identify_labels(),
            false,
        )?;
    }
    if let Some(m) = cfg.identify_node {
        label_block(
            w,
            "0.5 0 1 setrgbcolor",
            cfg.label_size,
            &d.node_labels(m, false),
            false,
        )?;
    }
    if let Some(m) = cfg.identify_node_size {
        label_block(
            w,
            "0 0.7 0 setrgbcolor",
            cfg.label_size,
            &d.node_labels(m, true),
            false,
        )?;
    }
    if !cfg.idmin.is_empty() {
        label_block(
            w,
            "1 0 0 setrgbcolor",
            cfg.label_size,
            &d.idmin_labels(),
            true,
        )?;
    }
    if let Some(bar) = &d.bar {
        colour_bar(w, d, bar)?;
    }
    write!(w, "\nshowpage\n")
}

/// The axis labels of the drawn levels, bottom level first: (baseline y, text in
/// LABELFORMAT).
pub fn axis_labels(d: &Drawing) -> Vec<(f64, String)> {
    let cfg = d.cfg;
    let l = d.tree.levels.len();
    (1..=l - d.top)
        .map(|i| {
            let energy = cfg.first - (l - i) as f64 * cfg.delta;
            let text = cfg
                .label_format
                .render(energy)
                .unwrap_or_else(|_| "*".repeat(8));
            (d.level_y(l - i) - 5.0, text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f72_matches_the_exact_formatter() {
        for v in [
            258.125, 376.875, 139.375, 495.625, 0.0, -0.0, -0.001, 0.004, 0.005, -3.0, 792.0,
            9999.99, 9999.995, -999.99, -1000.0, 12345.0, 142.75, 1.0e-300,
        ] {
            assert_eq!(f72(v), fmt_f(v, 7, 2), "{v}");
        }
        let mut s: u64 = 99;
        for _ in 0..200_000 {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = ((s >> 11) as f64 / (1u64 << 53) as f64) * 1200.0 - 200.0;
            assert_eq!(f72(v), fmt_f(v, 7, 2), "{v}");
            let q = (v * 8.0).round() / 8.0;
            assert_eq!(f72(q), fmt_f(q, 7, 2), "{q}");
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(ps_string("a(b)\\c"), "a\\(b\\)\\\\c");
    }
}
