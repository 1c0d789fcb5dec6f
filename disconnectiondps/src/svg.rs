//! `tree.svg` (project extension): the drawing of `tree.ps` as SVG 1.1.
//!
//! Conventions:
//! - Same page (width and height in `pt`, `viewBox` in points), same coordinates: every
//!   number is the `F7.2`-rounded PostScript value, with y flipped (`y_svg = PY − y_ps`),
//!   written with two decimals.
//! - Same colours: TRMIN red/green/blue/magenta, COLOURBYVALUE colours as `rgb(r%,g%,b%)`
//!   with the three decimals written to `tree.ps`, CHOOSECOLOURS colours with its four
//!   decimals, labels in the PostScript label colours.
//! - AUTORANGE leaves the top level out as `tree.ps` does; SCALEBAR draws the same red bar
//!   and label in place of the axis, and the tree's lines 1.5 pt wide.
//! - Segments are `<line>` elements inside one `<g>` per level (`id="level-N"`, N the lower
//!   level), a coloured one carrying its own `stroke`. Leaf-end labels are `<text>` elements
//!   with the minimum id as content.
//! - Lines are 0.5 pt wide instead of the PostScript's 0.1 (PostScript devices draw 0.1 pt
//!   as one device pixel; SVG renderers would draw it almost invisible).
//! - Texts keep their blanks (`xml:space="preserve"`), as PostScript `show` does.
//! - A white background rectangle covers the page.

use std::io::{self, Write};

use crate::drawing::{bar_step, ColourBar, Drawing, Label, Paint};
use crate::palette::Rgb;
use crate::postscript::{axis_labels, fmt_hundredths, hundredths, rounded, scale_bar};

/// Escape text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// An SVG colour with the precision of `tree.ps` (thousandths as tenths of a percent).
pub fn svg_colour(c: Rgb) -> String {
    let t = c.thousandths();
    let pct = |v: u32| {
        if v.is_multiple_of(10) {
            format!("{}%", v / 10)
        } else {
            format!("{}.{}%", v / 10, v % 10)
        }
    };
    match t {
        [0, 0, 0] => "black".to_string(),
        _ => format!("rgb({},{},{})", pct(t[0]), pct(t[1]), pct(t[2])),
    }
}

/// A CHOOSECOLOURS colour (ten-thousandths, the four decimals of `tree.ps`) as
/// `rgb(r%,g%,b%)` with two decimals.
pub fn svg_colour_fine(c: [u16; 3]) -> String {
    let pct = |v: u16| format!("{}.{:02}%", v / 100, v % 100);
    format!("rgb({},{},{})", pct(c[0]), pct(c[1]), pct(c[2]))
}

struct Svg<'a> {
    py: f64,
    d: &'a Drawing<'a>,
}

impl Svg<'_> {
    fn x(&self, v: f64) -> String {
        match hundredths(v) {
            Some(n) => fmt_hundredths(n),
            None => format!("{:.2}", rounded(v)),
        }
    }

    fn y(&self, v: f64) -> String {
        match hundredths(v) {
            Some(n) if self.py.fract() == 0.0 => fmt_hundredths(self.py as i64 * 100 - n),
            _ => {
                let r = self.py - rounded(v);
                format!("{:.2}", if r == 0.0 { 0.0 } else { r })
            }
        }
    }

    /// `<line .../>` from (x0, y0) to (x1, y1) in drawing coordinates (points).
    fn line(
        &self,
        w: &mut impl Write,
        (x0, y0): (f64, f64),
        (x1, y1): (f64, f64),
    ) -> io::Result<()> {
        writeln!(
            w,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            self.x(x0),
            self.y(y0),
            self.x(x1),
            self.y(y1)
        )
    }

    fn labels(
        &self,
        w: &mut impl Write,
        class: &str,
        colour: &str,
        size: i64,
        labels: &[Label],
        tick: bool,
    ) -> io::Result<()> {
        writeln!(
            w,
            "<g class=\"{class}\" fill=\"{colour}\" stroke=\"{colour}\" font-size=\"{size}\">"
        )?;
        for l in labels {
            writeln!(
                w,
                "<text x=\"{}\" y=\"{}\" stroke=\"none\">{}</text>",
                self.x(l.x),
                self.y(l.y),
                xml_escape(&l.text)
            )?;
            if tick {
                self.line(w, (l.x, l.y), (l.x, l.y - 10.0))?;
            }
        }
        writeln!(w, "</g>")
    }

    fn bar(&self, w: &mut impl Write, bar: &ColourBar) -> io::Result<()> {
        let (x0, x1) = ColourBar::extent(&self.d.page);
        let (y0, y1) = (ColourBar::Y0, ColourBar::Y0 + ColourBar::HEIGHT);
        let n = ColourBar::STEPS;
        let step = (x1 - x0) / n as f64;
        writeln!(w, "<g class=\"colour-bar\" stroke=\"none\">")?;
        for s in 0..n {
            let c = bar.scale.palette.at((s as f64 + 0.5) / n as f64);
            let (a, b) = bar_step(x0, step, s, n);
            let (ra, rb) = (rounded(a), rounded(b));
            writeln!(
                w,
                "<rect x=\"{:.2}\" y=\"{}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{}\"/>",
                ra,
                self.y(y1),
                rb - ra,
                rounded(y1) - rounded(y0),
                svg_colour(c)
            )?;
        }
        writeln!(
            w,
            "<rect x=\"{}\" y=\"{}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"none\" \
             stroke=\"black\"/>",
            self.x(x0),
            self.y(y1),
            rounded(x1) - rounded(x0),
            rounded(y1) - rounded(y0)
        )?;
        let ty = y0 + 1.0;
        writeln!(w, "<g fill=\"black\" font-size=\"{}\">", ColourBar::FONT)?;
        writeln!(
            w,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            self.x(x0 - 3.0),
            self.y(ty),
            xml_escape(&bar.lo_text)
        )?;
        writeln!(
            w,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            self.x(x1 + 3.0),
            self.y(ty),
            xml_escape(&bar.hi_text)
        )?;
        writeln!(
            w,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            self.x((x0 + x1) / 2.0),
            self.y(y1 + 3.0),
            xml_escape(self.d.cfg.bar_title.as_deref().unwrap_or(&bar.caption))
        )?;
        writeln!(w, "</g>\n</g>")
    }
}

/// Write `tree.svg` for `d` to `w`.
pub fn write(w: &mut impl Write, d: &Drawing) -> io::Result<()> {
    let cfg = d.cfg;
    let (px, py) = (d.page.px, d.page.py);
    let s = Svg { py, d };
    let nlev = d.tree.levels.len();
    writeln!(
        w,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"
    )?;
    writeln!(
        w,
        "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \
         \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">"
    )?;
    writeln!(
        w,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{px}pt\" \
         height=\"{py}pt\" viewBox=\"0 0 {px} {py}\">"
    )?;
    writeln!(
        w,
        "<title>Disconnectivity graph: {} / {}</title>",
        xml_escape(cfg.minima.as_deref().unwrap_or("")),
        xml_escape(cfg.ts.as_deref().unwrap_or(""))
    )?;
    writeln!(
        w,
        "<rect x=\"0\" y=\"0\" width=\"{px}\" height=\"{py}\" fill=\"white\"/>"
    )?;
    writeln!(
        w,
        "<g font-family=\"Times New Roman, Times, serif\" stroke-linecap=\"round\">"
    )?;
    if let Some((x, y0, y1, ly, text)) = scale_bar(d) {
        // SCALEBAR: the red bar (4 pt) with its end ticks, and its label, as in tree.ps.
        writeln!(
            w,
            "<g class=\"scale-bar\" stroke=\"{}\" stroke-width=\"4\" fill=\"none\">",
            svg_colour(Rgb(1.0, 0.0, 0.0))
        )?;
        s.line(w, (x, y1), (x, y0))?;
        for y in [y0, y1] {
            s.line(w, (x - 6.0, y), (x + 6.0, y))?;
        }
        writeln!(w, "</g>")?;
        writeln!(
            w,
            "<text class=\"scale-bar-label\" x=\"{}\" y=\"{}\" font-size=\"14\" \
             fill=\"black\" xml:space=\"preserve\">{}</text>",
            s.x(x + 6.0),
            s.y(ly),
            xml_escape(&text)
        )?;
    } else {
        // Axis and ticks.
        writeln!(
            w,
            "<g class=\"axis\" stroke=\"black\" stroke-width=\"0.5\" fill=\"none\">"
        )?;
        let ax = 70.0;
        s.line(w, (ax, d.page.y(0.0)), (ax, d.page.y(1.0)))?;
        for li in d.top..nlev {
            let y = d.level_y(li);
            s.line(w, (ax - 1.5, y), (ax + 1.5, y))?;
        }
        writeln!(w, "</g>")?;
        writeln!(
            w,
            "<g class=\"axis-labels\" fill=\"black\" font-size=\"10\" xml:space=\"preserve\">"
        )?;
        for (y, text) in axis_labels(d) {
            writeln!(
                w,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                s.x(15.0),
                s.y(y),
                xml_escape(&text)
            )?;
        }
        writeln!(w, "</g>")?;
    }
    if let Some(label) = &cfg.ylabel {
        // The energy axis' title, upright along the left edge, centred on the axis.
        let (x, y) = (s.x(8.0), s.y((d.page.y(0.0) + d.page.y(1.0)) / 2.0));
        writeln!(
            w,
            "<text class=\"ylabel\" x=\"{x}\" y=\"{y}\" transform=\"rotate(-90 {x} {y})\" \
             text-anchor=\"middle\" font-size=\"11\" fill=\"black\">{}</text>",
            xml_escape(label)
        )?;
    }
    if let Some(caption) = &cfg.caption {
        writeln!(
            w,
            "<text class=\"caption\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
             font-size=\"9\" fill=\"black\">{}</text>",
            s.x(px / 2.0),
            s.y(5.0),
            xml_escape(caption)
        )?;
    }
    // Segments.
    // 0.5 pt for the PostScript's 0.1; SCALEBAR's 1.5 pt as it is.
    let width = if cfg.scale_bar.is_some() {
        "1.5"
    } else {
        "0.5"
    };
    writeln!(
        w,
        "<g class=\"tree\" stroke=\"black\" stroke-width=\"{width}\" fill=\"none\">"
    )?;
    let mut segs = Vec::new();
    for li in d.top + 1..nlev {
        if d.tree.levels[li - 1].is_empty() {
            break;
        }
        d.segments_into(li, &mut segs);
        writeln!(w, "<g id=\"level-{}\">", li + 1)?;
        for g in &segs {
            let stroke = match g.paint {
                Paint::Plain => String::new(),
                Paint::Chosen(k) => match crate::palette::chosen(k) {
                    Some(c) => format!(" stroke=\"{}\"", svg_colour_fine(c)),
                    None => " stroke=\"black\"".to_string(),
                },
                p => format!(" stroke=\"{}\"", svg_colour(p.rgb())),
            };
            writeln!(
                w,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{stroke}/>",
                s.x(g.x1),
                s.y(g.y1),
                s.x(g.x2),
                s.y(g.y2)
            )?;
        }
        writeln!(w, "</g>")?;
    }
    writeln!(w, "</g>")?;
    let red = svg_colour(Rgb(1.0, 0.0, 0.0));
    if cfg.identify {
        s.labels(
            w,
            "identify",
            &red,
            cfg.label_size,
            &d.identify_labels(),
            false,
        )?;
    }
    if let Some(m) = cfg.identify_node {
        s.labels(
            w,
            "identify-node",
            &svg_colour(Rgb(0.5, 0.0, 1.0)),
            cfg.label_size,
            &d.node_labels(m, false),
            false,
        )?;
    }
    if let Some(m) = cfg.identify_node_size {
        s.labels(
            w,
            "identify-node-size",
            &svg_colour(Rgb(0.0, 0.7, 0.0)),
            cfg.label_size,
            &d.node_labels(m, true),
            false,
        )?;
    }
    if !cfg.idmin.is_empty() {
        s.labels(w, "idmin", &red, cfg.label_size, &d.idmin_labels(), true)?;
    }
    if let Some(bar) = &d.bar {
        s.bar(w, bar)?;
    }
    writeln!(w, "</g>\n</svg>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        assert_eq!(svg_colour(Rgb(1.0, 0.0, 0.0)), "rgb(100%,0%,0%)");
        assert_eq!(
            svg_colour(Rgb(0.267, 0.005, 0.329)),
            "rgb(26.7%,0.5%,32.9%)"
        );
        assert_eq!(svg_colour(Rgb::BLACK), "black");
        assert_eq!(
            svg_colour_fine([6706, 431, 10000]),
            "rgb(67.06%,4.31%,100.00%)"
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(xml_escape("a<b&\"c\""), "a&lt;b&amp;&quot;c&quot;");
    }
}
