//! Page geometry, segments, leaf ends and labels (algorithms.md §13 steps 12–15, files.md
//! §4.2). Both writers ([`crate::postscript`], [`crate::svg`]) draw from a [`Drawing`], so
//! the PostScript and the SVG share every coordinate, colour and label.
//!
//! Conventions: coordinates are PostScript points with the origin at the bottom left
//! (the SVG writer flips y). Level `li` (0-based) lies at `g = li/(LEVELS−1)`;
//! `X(f) = f·(PX − 120) + 80`, `Y(g) = PY − (g·(PY − 100) + 50)`. Segments are produced on
//! demand, level by level, so memory does not grow with the size of the output.

use crate::analysis::Connectivity;
use crate::config::Config;
use crate::database::{Database, WeightRow};
use crate::palette::{ColourScale, Rgb};
use crate::tree::Tree;

/// Page size in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// Width.
    pub px: f64,
    /// Height.
    pub py: f64,
}

impl Page {
    /// A4, 595×842 (the default).
    pub const A4: Page = Page {
        px: 595.0,
        py: 842.0,
    };
    /// LETTER, 612×792.
    pub const LETTER: Page = Page {
        px: 612.0,
        py: 792.0,
    };

    /// Horizontal page coordinate of fraction `f`.
    pub fn x(&self, f: f64) -> f64 {
        f * (self.px - 120.0) + 80.0
    }

    /// Vertical page coordinate of level fraction `g` (0 = top level).
    pub fn y(&self, g: f64) -> f64 {
        self.py - (g * (self.py - 100.0) + 50.0)
    }
}

/// How a segment is painted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paint {
    /// Black, no colour lines.
    Plain,
    /// TRMIN list index (≥ 1; 1–4 have colours, larger indices draw black).
    Trmin(u32),
    /// COLOURBYVALUE colour.
    Value(Rgb),
    /// TRMIN list index (≥ 1) with CHOOSECOLOURS: 1–9 have [`crate::palette::CHOSEN`]
    /// colours, larger indices draw black.
    Chosen(u32),
}

impl Paint {
    /// The colour shown (TRMIN: red, green, blue, magenta, then black).
    pub fn rgb(&self) -> Rgb {
        match *self {
            Paint::Plain => Rgb::BLACK,
            Paint::Trmin(1) => Rgb(1.0, 0.0, 0.0),
            Paint::Trmin(2) => Rgb(0.0, 1.0, 0.0),
            Paint::Trmin(3) => Rgb(0.0, 0.0, 1.0),
            Paint::Trmin(4) => Rgb(1.0, 0.0, 1.0),
            Paint::Trmin(_) => Rgb::BLACK,
            Paint::Value(c) => c,
            Paint::Chosen(k) => crate::palette::chosen(k).map_or(Rgb::BLACK, |c| {
                Rgb(
                    f64::from(c[0]) / 1e4,
                    f64::from(c[1]) / 1e4,
                    f64::from(c[2]) / 1e4,
                )
            }),
        }
    }
}

/// One line segment from a parent node to a node (or to a leaf's end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Start x.
    pub x1: f64,
    /// Start y.
    pub y1: f64,
    /// End x.
    pub x2: f64,
    /// End y.
    pub y2: f64,
    /// Colour.
    pub paint: Paint,
}

/// A text label at a point (baseline start).
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// x.
    pub x: f64,
    /// y (baseline).
    pub y: f64,
    /// Text.
    pub text: String,
}

/// The COLOURBYVALUE colour bar: [`ColourBar::STEPS`] uniform steps in a horizontal bar
/// from `X(0.25)` to `X(0.75)` at y 18–26 (below the lowest level and its labels, inside the
/// fixed BoundingBox), the range ends written left and right of it (four significant
/// digits) and the value file's name centred above it, in 8-point Times-Roman.
#[derive(Debug, Clone, PartialEq)]
pub struct ColourBar {
    /// The scale drawn.
    pub scale: ColourScale,
    /// Caption (the value file's name).
    pub caption: String,
    /// Low-end label text.
    pub lo_text: String,
    /// High-end label text.
    pub hi_text: String,
}

impl ColourBar {
    /// Number of uniform colour steps drawn.
    pub const STEPS: usize = 64;
    /// Bottom of the bar.
    pub const Y0: f64 = 18.0;
    /// Height of the bar.
    pub const HEIGHT: f64 = 8.0;
    /// Font size of the range labels and caption.
    pub const FONT: u32 = 8;

    /// Horizontal extent of the bar on `page`: the middle half of the drawing width.
    pub fn extent(page: &Page) -> (f64, f64) {
        (page.x(0.25), page.x(0.75))
    }
}

/// Horizontal extent of colour-bar step `s` of `n` starting at `x0`: each step overlaps the
/// next by a quarter point so that renderers leave no seams.
pub fn bar_step(x0: f64, step: f64, s: usize, n: usize) -> (f64, f64) {
    let a = x0 + s as f64 * step;
    let b = x0 + (s + 1) as f64 * step;
    (a, if s + 1 < n { b + 0.25 } else { b })
}

/// Everything the writers draw.
pub struct Drawing<'a> {
    /// Settings.
    pub cfg: &'a Config,
    /// The graph.
    pub tree: &'a Tree,
    /// Page size.
    pub page: Page,
    /// Page x of every node, per level.
    pub xpos: Vec<Vec<f64>>,
    /// Leaf end point of each minimum that ends a leaf.
    pub ends: Vec<Option<(f64, f64)>>,
    /// COLOURBYVALUE: value per minimum and the scale.
    pub values: Option<(&'a [Option<f64>], ColourScale)>,
    /// Connectivity (for excluded minima).
    pub conn: &'a Connectivity,
    /// Minima energies.
    pub energies: &'a [f64],
    /// The colour bar, with COLOURBYVALUE.
    pub bar: Option<ColourBar>,
    /// The first level drawn (0-based): 1 with AUTORANGE (the level above every TS is left
    /// out) when there are at least three levels, 0 otherwise. The drawn levels span the
    /// page's full height.
    pub top: usize,
}

/// Per-level log weights for WEIGHTS (step 15): `LW_i = ln Σ exp(lnweight)` over the rows
/// with `Vmax < E_i`, 0 when there is none; nonzero values shifted so that the smallest
/// becomes 1.
pub fn level_log_weights(rows: &[WeightRow], energies: &[f64]) -> Vec<f64> {
    let mut lw: Vec<f64> = energies
        .iter()
        .map(|&e| {
            let sel: Vec<f64> = rows
                .iter()
                .filter(|r| r.vmax < e)
                .map(|r| r.ln_weight)
                .collect();
            if sel.is_empty() {
                return 0.0;
            }
            let mx = sel.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            mx + sel.iter().map(|v| (v - mx).exp()).sum::<f64>().ln()
        })
        .collect();
    let min_nonzero = lw
        .iter()
        .cloned()
        .filter(|&v| v != 0.0)
        .fold(f64::INFINITY, f64::min);
    if min_nonzero.is_finite() {
        for v in lw.iter_mut().filter(|v| **v != 0.0) {
            *v += 1.0 - min_nonzero;
        }
    }
    lw
}

impl<'a> Drawing<'a> {
    /// Lay the tree out on the page. `weights`: WEIGHTS rows, if given.
    pub fn new(
        cfg: &'a Config,
        tree: &'a Tree,
        db: &'a Database,
        conn: &'a Connectivity,
        weights: Option<&[WeightRow]>,
        values: Option<(&'a [Option<f64>], ColourScale, String)>,
    ) -> Drawing<'a> {
        let page = if cfg.letter { Page::LETTER } else { Page::A4 };
        let mut xfrac: Vec<Vec<f64>> = tree
            .levels
            .iter()
            .map(|l| l.x.iter().map(|&x| f64::from(x)).collect())
            .collect();
        if let Some(rows) = weights {
            apply_weights(tree, rows, &mut xfrac);
        }
        let xpos = xfrac
            .iter()
            .map(|l| l.iter().map(|&f| page.x(f)).collect())
            .collect();
        let bar = values.as_ref().map(|(_, scale, caption)| ColourBar {
            scale: *scale,
            caption: caption.clone(),
            lo_text: short_number(scale.lo),
            hi_text: short_number(scale.hi),
        });
        let top = usize::from(cfg.autorange && tree.levels.len() >= 3);
        let mut d = Drawing {
            cfg,
            tree,
            page,
            xpos,
            ends: vec![None; db.nmin()],
            values: values.map(|(v, s, _)| (v, s)),
            conn,
            energies: &db.energies,
            bar,
            top,
        };
        let mut ends = std::mem::take(&mut d.ends);
        for li in top + 1..tree.levels.len() {
            d.for_each_segment(li, |seg, leaf| {
                if let Some(m) = leaf {
                    ends[m] = Some((seg.x2, seg.y2));
                }
            });
        }
        d.ends = ends;
        d
    }

    /// Vertical page coordinate of level `li` (0-based; `li ≥ top`): the drawn levels
    /// `top..LEVELS` are spread evenly from the top of the page (y 792 on A4) to y 50.
    pub fn level_y(&self, li: usize) -> f64 {
        let span = self.tree.levels.len() as f64 - 1.0 - self.top as f64;
        self.page.y((li as f64 - self.top as f64) / span)
    }

    /// Page points per energy unit (the level spacing over DELTA).
    pub fn points_per_energy(&self) -> f64 {
        let span = self.tree.levels.len() as f64 - 1.0 - self.top as f64;
        (self.page.py - 100.0) / span / self.cfg.delta
    }

    fn paint(&self, li: usize, k: usize) -> Paint {
        let level = &self.tree.levels[li];
        if let Some((values, scale)) = &self.values {
            return match values[level.lowest[k] as usize] {
                Some(v) if !v.is_nan() => Paint::Value(scale.colour(v)),
                _ => Paint::Plain,
            };
        }
        match level.colour[k] {
            0 => Paint::Plain,
            c if self.cfg.choose_colours => Paint::Chosen(c),
            c => Paint::Trmin(c),
        }
    }

    /// The segments from level `li − 1` to level `li` (`li ≥ 1`), in display order, into
    /// `out` (cleared first). A leaf's segment stops at its lowest member's energy.
    pub fn segments_into(&self, li: usize, out: &mut Vec<Segment>) {
        out.clear();
        self.for_each_segment(li, |seg, _| out.push(seg));
    }

    /// [`Drawing::segments_into`] into a new vector.
    pub fn segments(&self, li: usize) -> Vec<Segment> {
        let mut out = Vec::new();
        self.segments_into(li, &mut out);
        out
    }

    /// Calls `f(segment, leaf minimum)` for each segment of level `li`, in display order.
    fn for_each_segment(&self, li: usize, mut f: impl FnMut(Segment, Option<usize>)) {
        let tree = self.tree;
        let level = &tree.levels[li];
        let e = self.cfg.level_energy(li);
        let (y1, y2) = (self.level_y(li - 1), self.level_y(li));
        for &k in &level.order {
            let k = k as usize;
            let x1 = self.xpos[li - 1][level.parent[k] as usize];
            let x2 = self.xpos[li][k];
            let paint = self.paint(li, k);
            if tree.is_leaf(li, k) {
                let m = level.lowest[k] as usize;
                let frac = (e - self.energies[m]) / self.cfg.delta;
                let mut y3 = y1 + frac * (y2 - y1);
                let x3 = x1 + frac * (x2 - x1);
                if y3 < y2 {
                    y3 = y2;
                }
                let seg = Segment {
                    x1,
                    y1,
                    x2: x3,
                    y2: y3,
                    paint,
                };
                f(seg, Some(m));
            } else {
                let seg = Segment {
                    x1,
                    y1,
                    x2,
                    y2,
                    paint,
                };
                f(seg, None);
            }
        }
    }

    /// IDENTIFY labels: every non-excluded minimum with a leaf end (x > 0, y > 0), ids
    /// ascending.
    pub fn identify_labels(&self) -> Vec<Label> {
        self.ends
            .iter()
            .enumerate()
            .filter_map(|(m, e)| match e {
                Some((x, y)) if *x > 0.0 && *y > 0.0 && !self.conn.excluded[m] => Some(Label {
                    x: *x,
                    y: *y,
                    text: (m + 1).to_string(),
                }),
                _ => None,
            })
            .collect()
    }

    /// IDENTIFY_NODE (`sizes = false`: `level_position` of branching nodes) or
    /// IDENTIFY_NODE_SIZE (`sizes = true`: the size) labels for nodes larger than `m`,
    /// the levels below the top drawn one (level 2 and below without AUTORANGE), levels ascending, display order.
    pub fn node_labels(&self, m: i64, sizes: bool) -> Vec<Label> {
        let mut out = Vec::new();
        for (li, level) in self.tree.levels.iter().enumerate().skip(self.top + 1) {
            let y = self.level_y(li);
            for (j, &k) in level.order.iter().enumerate() {
                let k = k as usize;
                let size = level.size[k] as i64;
                let text = if sizes {
                    if size > 1 && size > m {
                        size.to_string()
                    } else {
                        continue;
                    }
                } else if level.children_of(k).len() > 1 && size > m {
                    format!("{}_{}", li + 1, j + 1)
                } else {
                    continue;
                };
                out.push(Label {
                    x: self.xpos[li][k],
                    y,
                    text,
                });
            }
        }
        out
    }

    /// IDMIN labels: the listed minima that end a leaf, in deck order.
    pub fn idmin_labels(&self) -> Vec<Label> {
        self.cfg
            .idmin
            .iter()
            .filter_map(|&id| {
                self.ends[(id - 1) as usize].map(|(x, y)| Label {
                    x,
                    y,
                    text: id.to_string(),
                })
            })
            .collect()
    }
}

fn apply_weights(tree: &Tree, rows: &[WeightRow], xfrac: &mut [Vec<f64>]) {
    let energies: Vec<f64> = tree.levels.iter().map(|l| l.energy).collect();
    let lw = level_log_weights(rows, &energies);
    if lw.first().copied().unwrap_or(0.0) <= 0.0 {
        log::warn!("WEIGHTS: no weight below the top level; widths left unscaled");
        return;
    }
    let n = f64::from(tree.ncols.max(1));
    let span = |li: usize| -> Option<(f64, f64)> {
        let l = &tree.levels[li];
        let a = l.col0.iter().min()?;
        let b = l.col0.iter().zip(&l.size).map(|(c, s)| c + s - 1).max()?;
        let width = f64::from(b - a + 1);
        Some((width / n, (f64::from(*a) + width / 2.0 - 1.0) / n))
    };
    let Some((span1, _)) = span(0) else {
        return;
    };
    for (li, xs) in xfrac.iter_mut().enumerate() {
        let Some((spani, centre)) = span(li) else {
            continue;
        };
        let factor = (lw[li] / lw[0]) * (span1 / spani);
        for x in xs.iter_mut() {
            *x = (*x - centre) * factor + 0.5;
        }
    }
}

/// A compact rendering of a colour-bar end value: four significant digits, fixed point
/// for 1e-3 ≤ |v| < 1e5, scientific otherwise.
pub fn short_number(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let a = v.abs();
    if (1e-3..1e5).contains(&a) {
        let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{v:.3e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_coordinates() {
        assert_eq!(Page::A4.x(0.5), 317.5);
        assert_eq!(Page::A4.y(0.0), 792.0);
        assert_eq!(Page::A4.y(1.0), 50.0);
        assert_eq!(Page::LETTER.x(1.0), 572.0);
        assert_eq!(Page::LETTER.y(0.0), 742.0);
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(0.5), "0.5");
        assert_eq!(short_number(0.8125), "0.8125");
        assert_eq!(short_number(-173.92842), "-173.9");
        assert_eq!(short_number(1.0), "1");
        assert_eq!(short_number(2.5e-7), "2.500e-7");
    }

    #[test]
    fn log_weights() {
        let rows = [
            WeightRow {
                vmax: -3.0,
                ln_weight: 0.0,
            },
            WeightRow {
                vmax: -2.0,
                ln_weight: 0.0,
            },
        ];
        let lw = level_log_weights(&rows, &[0.0, -2.5, -5.0]);
        // ln 2 and ln 1 = 0 (kept at zero), ln 2 shifted to 1.
        assert_eq!(lw, vec![1.0, 0.0, 0.0]);
    }
}
