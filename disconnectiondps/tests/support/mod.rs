//! Helpers shared by the integration tests: run the binary in a scratch directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's `test_inputs/<case>` folder.
pub fn case_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("test_inputs")
        .join(case)
}

/// A scratch directory holding a copy of `test_inputs/<case>`.
pub fn copy_case(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(case_dir(case)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// A scratch directory holding the given files.
pub fn with_files(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Run `disconnectionDPS` in `dir`.
pub fn run_in(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_disconnectionDPS"))
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Run in `dir` and insist on success; returns stdout.
pub fn run_ok(dir: &Path) -> String {
    let out = run_in(dir);
    assert!(
        out.status.success(),
        "disconnectionDPS failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Run in `dir` and insist on failure; returns stderr.
pub fn run_err(dir: &Path) -> String {
    let out = run_in(dir);
    assert!(!out.status.success(), "expected a failure");
    String::from_utf8(out.stderr).unwrap()
}

/// Read a file of `dir`.
pub fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The segment lines of `tree.ps` between `% Level: a to b` and the next blank line.
pub fn level_block(ps: &str, from: usize) -> Vec<String> {
    let head = format!("% Level: {:2} to {:2}", from, from + 1);
    let mut lines = ps.lines().skip_while(|l| l.trim_end() != head).skip(2);
    let mut out = Vec::new();
    for l in lines.by_ref() {
        if l.is_empty() || l.ends_with("findfont 10 scalefont setfont") {
            break;
        }
        out.push(l.to_string());
    }
    out
}

/// A minimal XML well-formedness check: one root element, properly nested and closed
/// tags, quoted attributes without duplicates, known entity references, no `<` or `&` left
/// bare. Returns the element names in document order.
pub fn check_xml(text: &str) -> Result<Vec<String>, String> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut roots = 0;
    let check_text = |s: &str| -> Result<(), String> {
        let mut rest = s;
        while let Some(p) = rest.find('&') {
            let tail = &rest[p + 1..];
            let end = tail.find(';').ok_or("bare &")?;
            let ent = &tail[..end];
            let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
                || (ent.starts_with('#') && ent.len() > 1);
            if !ok {
                return Err(format!("unknown entity &{ent};"));
            }
            rest = &tail[end + 1..];
        }
        Ok(())
    };
    while i < b.len() {
        if b[i] != b'<' {
            let end = text[i..].find('<').map_or(b.len(), |p| i + p);
            let chunk = &text[i..end];
            if stack.is_empty() && !chunk.trim().is_empty() {
                return Err(format!("text outside the root: {chunk:?}"));
            }
            check_text(chunk)?;
            i = end;
            continue;
        }
        let rest = &text[i..];
        if rest.starts_with("<?") {
            i += rest.find("?>").ok_or("unclosed <?")? + 2;
        } else if rest.starts_with("<!--") {
            i += rest.find("-->").ok_or("unclosed comment")? + 3;
        } else if rest.starts_with("<!DOCTYPE") {
            if !stack.is_empty() || roots > 0 {
                return Err("DOCTYPE inside the document".into());
            }
            i += rest.find('>').ok_or("unclosed DOCTYPE")? + 1;
        } else if let Some(close) = rest.strip_prefix("</") {
            let end = close.find('>').ok_or("unclosed end tag")?;
            let name = close[..end].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            i += 2 + end + 1;
        } else {
            let end = rest.find('>').ok_or("unclosed tag")?;
            let mut inner = &rest[1..end];
            let empty = inner.ends_with('/');
            if empty {
                inner = &inner[..inner.len() - 1];
            }
            let name_end = inner
                .find(|c: char| c.is_whitespace())
                .unwrap_or(inner.len());
            let name = &inner[..name_end];
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c))
            {
                return Err(format!("bad element name {name:?}"));
            }
            // Attributes: name="value" pairs.
            let mut attrs = inner[name_end..].trim();
            let mut seen = Vec::new();
            while !attrs.is_empty() {
                let eq = attrs
                    .find('=')
                    .ok_or(format!("attribute without value in <{name}>"))?;
                let an = attrs[..eq].trim();
                if an.is_empty() || an.contains(char::is_whitespace) {
                    return Err(format!("bad attribute name {an:?} in <{name}>"));
                }
                if seen.contains(&an.to_string()) {
                    return Err(format!("duplicate attribute {an} in <{name}>"));
                }
                seen.push(an.to_string());
                let after = attrs[eq + 1..].trim_start();
                let q = after.chars().next().ok_or("missing attribute value")?;
                if q != '"' && q != '\'' {
                    return Err(format!("unquoted attribute {an} in <{name}>"));
                }
                let close = after[1..].find(q).ok_or("unclosed attribute value")?;
                let value = &after[1..1 + close];
                if value.contains('<') {
                    return Err(format!("< in attribute {an}"));
                }
                check_text(value)?;
                attrs = after[close + 2..].trim_start();
            }
            if stack.is_empty() {
                roots += 1;
                if roots > 1 {
                    return Err("more than one root element".into());
                }
            }
            names.push(name.to_string());
            if !empty {
                stack.push(name.to_string());
            }
            i += end + 1;
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if roots != 1 {
        return Err("no root element".into());
    }
    Ok(names)
}

/// The `<line>` elements of `tree.svg` as (x1, y1, x2, y2, stroke attribute or "").
pub fn svg_lines(svg: &str) -> Vec<(f64, f64, f64, f64, String)> {
    let attr = |tag: &str, a: &str| -> Option<String> {
        let key = format!(" {a}=\"");
        let p = tag.find(&key)? + key.len();
        let e = tag[p..].find('"')?;
        Some(tag[p..p + e].to_string())
    };
    svg.split("<line")
        .skip(1)
        .map(|rest| {
            let tag = &rest[..rest.find("/>").unwrap()];
            let num = |a: &str| attr(tag, a).unwrap().parse::<f64>().unwrap();
            (
                num("x1"),
                num("y1"),
                num("x2"),
                num("y2"),
                attr(tag, "stroke").unwrap_or_default(),
            )
        })
        .collect()
}

/// The segments of `tree.ps` (those after `% Manipulate landmark.` and before the label
/// blocks) with the SVG colour in force: (x1, y1, x2, y2, colour).
pub fn ps_segments(ps: &str) -> Vec<(f64, f64, f64, f64, String)> {
    use disconnectiondps::palette::Rgb;
    use disconnectiondps::svg::svg_colour;
    let body = ps.split("% Manipulate landmark.").nth(1).unwrap();
    let mut colour = "black".to_string();
    let mut out = Vec::new();
    for line in body.lines() {
        if line.starts_with("/Times-Roman") || line.starts_with("% Colour scale") {
            break;
        }
        if let Some(c) = line.strip_suffix("setrgbcolor") {
            let v: Vec<f64> = c.split_whitespace().map(|s| s.parse().unwrap()).collect();
            colour = svg_colour(Rgb(v[0], v[1], v[2]));
        } else if line.ends_with(" ls") {
            let v: Vec<f64> = line
                .split_whitespace()
                .filter_map(|s| s.parse().ok())
                .collect();
            out.push((v[0], v[1], v[2], v[3], colour.clone()));
        }
    }
    out
}

/// The tree segments of `tree.svg` in PostScript coordinates (y flipped back with the page
/// height `py`): (x1, y1, x2, y2, colour).
pub fn svg_segments(svg: &str, py: f64) -> Vec<(f64, f64, f64, f64, String)> {
    let tree = svg.split("<g class=\"tree\"").nth(1).unwrap();
    let tree = tree.split("<g class=").next().unwrap();
    svg_lines(tree)
        .into_iter()
        .map(|(x1, y1, x2, y2, c)| {
            let c = if c.is_empty() { "black".to_string() } else { c };
            (x1, py - y1, x2, py - y2, c)
        })
        .collect()
}

/// Assert that `tree.svg` draws exactly the segments of `tree.ps`, in the same order and
/// colours, to the hundredth.
pub fn assert_svg_matches_ps(dir: &Path, py: f64) {
    let ps = ps_segments(&read(dir, "tree.ps"));
    let svg = svg_segments(&read(dir, "tree.svg"), py);
    assert_eq!(ps.len(), svg.len(), "segment counts");
    for (a, b) in ps.iter().zip(&svg) {
        let close = |u: f64, v: f64| (u - v).abs() < 0.005;
        assert!(
            close(a.0, b.0) && close(a.1, b.1) && close(a.2, b.2) && close(a.3, b.3),
            "{a:?} vs {b:?}"
        );
        assert_eq!(a.4, b.4, "colour of {a:?}");
    }
}

/// A scratch directory holding `test_inputs/kinetics_trap_energy` and the nine-community
/// database it draws (`min.data`, `ts.data` of `test_inputs/kinetics_mfpt`, the same files
/// as the tutorial's).
pub fn copy_trap_energy() -> tempfile::TempDir {
    let dir = copy_case("kinetics_trap_energy");
    for f in ["min.data", "ts.data"] {
        std::fs::copy(case_dir("kinetics_mfpt").join(f), dir.path().join(f)).unwrap();
    }
    dir
}
