//! End to end: `landscape run` on the small deck `test_inputs/landscape_d2_small` (LJAT3 D2,
//! [2,5,4,200,1e-4], 10 % mislabelled, small budgets), then every output checked against an
//! independent reading of the database and the data: its own network evaluation (tanh hidden
//! layer, softmax, written from potentials.md §3.2) and its own O(n²) AUC.
//!
//! The four programs must sit beside `landscape` in the target directory:
//! `cargo test --release --workspace` builds them; for `cargo test --release -p landscape`
//! run `cargo build --release --bins` first.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn landscape() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_landscape"))
}

fn bindir() -> PathBuf {
    let dir = landscape().parent().unwrap().to_path_buf();
    for p in ["GMIN", "OPTIM", "PATHSAMPLE", "disconnectionDPS"] {
        assert!(
            dir.join(p).exists(),
            "{p} is not built in {}: run `cargo build --release --bins` first \
             (cargo test --release --workspace builds it)",
            dir.display()
        );
    }
    dir
}

fn deck(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test_inputs")
        .join(case)
        .join("landscape.in")
}

fn run_landscape(args: &[&str]) -> Output {
    Command::new(landscape())
        .args(args)
        .env("LANDSCAPE_BINDIR", bindir())
        .output()
        .unwrap()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Data lines `label x1 x2 ...`.
fn read_data(text: &str) -> Vec<(usize, Vec<f64>)> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut w = l.split_whitespace();
            let c: usize = w.next().unwrap().parse().unwrap();
            (c, w.map(|v| v.parse().unwrap()).collect())
        })
        .collect()
}

/// Softmax probabilities of the MLPVB3 network `x` (layout of potentials.md §2.3) on `inputs`.
fn probabilities(x: &[f64], nin: usize, nh: usize, nout: usize, inputs: &[f64]) -> Vec<f64> {
    let w2 = |j: usize, k: usize| x[j * nin + k];
    let w1 = |i: usize, j: usize| x[nh * nin + i * nh + j];
    let bh = |j: usize| x[nh * (nin + nout) + j];
    let bo = |i: usize| x[nh * (nin + nout) + nh + i];
    let h: Vec<f64> = (0..nh)
        .map(|j| (bh(j) + (0..nin).map(|k| w2(j, k) * inputs[k]).sum::<f64>()).tanh())
        .collect();
    let y: Vec<f64> = (0..nout)
        .map(|i| bo(i) + (0..nh).map(|j| w1(i, j) * h[j]).sum::<f64>())
        .collect();
    let m = y.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = y.iter().map(|v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

/// Pairwise AUC of class `c` (ties 1/2); `None` without positives or negatives.
fn pair_auc(p: &[Vec<f64>], labels: &[usize], c: usize) -> Option<f64> {
    let pos: Vec<f64> = (0..labels.len())
        .filter(|&d| labels[d] == c)
        .map(|d| p[d][c])
        .collect();
    let neg: Vec<f64> = (0..labels.len())
        .filter(|&d| labels[d] != c)
        .map(|d| p[d][c])
        .collect();
    if pos.is_empty() || neg.is_empty() {
        return None;
    }
    let mut wins = 0.0;
    for a in &pos {
        for b in &neg {
            wins += if a > b {
                1.0
            } else if a == b {
                0.5
            } else {
                0.0
            };
        }
    }
    Some(wins / (pos.len() * neg.len()) as f64)
}

/// The paper's AUC for LJAT3 data (the default of an LJAT3 deck): class 0, the equilateral
/// outcome, against the rest, scored by p_0, on the items `items`.
fn class0_auc(p: &[Vec<f64>], labels: &[usize], items: &[usize]) -> Option<f64> {
    let pp: Vec<Vec<f64>> = items.iter().map(|&d| p[d].clone()).collect();
    let ll: Vec<usize> = items.iter().map(|&d| labels[d]).collect();
    pair_auc(&pp, &ll, 0)
}

fn field(v: &str) -> Option<f64> {
    (v != "NA").then(|| v.parse().unwrap())
}

fn close(a: Option<f64>, b: Option<f64>, tol: f64) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() < tol,
        (None, None) => true,
        _ => false,
    }
}

/// A small XML well-formedness check: balanced tags, one root, quoted attributes, known
/// entities.
fn check_xml(text: &str) -> Result<Vec<String>, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut roots = 0;
    let mut rest = text;
    let entities = |s: &str| -> Result<(), String> {
        let mut r = s;
        while let Some(p) = r.find('&') {
            let tail = &r[p + 1..];
            let end = tail.find(';').ok_or("bare &")?;
            let ent = &tail[..end];
            if !(matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos") || ent.starts_with('#')) {
                return Err(format!("unknown entity &{ent};"));
            }
            r = &tail[end + 1..];
        }
        Ok(())
    };
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            if !rest.trim().is_empty() {
                return Err("text after the root".into());
            }
            break;
        };
        let chunk = &rest[..open];
        if stack.is_empty() && !chunk.trim().is_empty() {
            return Err(format!("text outside the root: {chunk:?}"));
        }
        entities(chunk)?;
        rest = &rest[open..];
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>").ok_or("unclosed <?")? + 2..];
        } else if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->").ok_or("unclosed comment")? + 3..];
        } else if rest.starts_with("<!DOCTYPE") {
            rest = &rest[rest.find('>').ok_or("unclosed DOCTYPE")? + 1..];
        } else if let Some(close) = rest.strip_prefix("</") {
            let end = close.find('>').ok_or("unclosed end tag")?;
            let name = close[..end].trim();
            match stack.pop() {
                Some(o) if o == name => {}
                o => return Err(format!("</{name}> closes {o:?}")),
            }
            rest = &close[end + 1..];
        } else {
            let end = rest.find('>').ok_or("unclosed tag")?;
            let mut inner = &rest[1..end];
            let empty = inner.ends_with('/');
            if empty {
                inner = &inner[..inner.len() - 1];
            }
            let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
            let name = &inner[..name_end];
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == ':')
            {
                return Err(format!("bad element name {name:?}"));
            }
            // Attributes: name="value" pairs.
            let mut attrs = inner[name_end..].trim();
            while !attrs.is_empty() {
                let eq = attrs
                    .find('=')
                    .ok_or(format!("attribute without value in <{name}>"))?;
                let after = attrs[eq + 1..].trim_start();
                let q = after.chars().next().ok_or("missing quote")?;
                if q != '"' && q != '\'' {
                    return Err(format!("unquoted attribute in <{name}>"));
                }
                let close = after[1..].find(q).ok_or("unclosed attribute")?;
                entities(&after[1..1 + close])?;
                attrs = after[close + 2..].trim_start();
            }
            if stack.is_empty() {
                roots += 1;
            }
            names.push(name.to_string());
            if !empty {
                stack.push(name.to_string());
            }
            rest = &rest[end + 1..];
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(names)
}

#[test]
fn xml_checker_rejects_broken_documents() {
    assert!(check_xml("<?xml version=\"1.0\"?><svg a=\"1\"><g><line/></g></svg>").is_ok());
    assert!(check_xml("<svg><g></svg>").is_err());
    assert!(check_xml("<svg a=1></svg>").is_err());
    assert!(check_xml("<svg>&nbsp;</svg>").is_err());
    assert!(check_xml("<svg></svg><svg></svg>").is_err());
}

#[test]
fn small_d2_study_end_to_end() {
    let work = tempfile::tempdir().unwrap();
    let d = work.path();
    let t0 = std::time::Instant::now();
    let out = run_landscape(&[
        "run",
        deck("landscape_d2_small").to_str().unwrap(),
        "--dir",
        d.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    eprintln!(
        "landscape run took {:.1} s\n{stdout}",
        t0.elapsed().as_secs_f64()
    );

    // Progress lines: every stage, with elapsed times and running totals.
    for stage in [
        "dataset",
        "basin-hopping",
        "database",
        "dijkstra",
        "analysis",
        "graph",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with('[') && l.contains(stage)),
            "no progress line for {stage}:\n{stdout}"
        );
    }
    assert!(stdout.contains("transition states"), "{stdout}");

    // Every output file exists.
    for f in [
        "MLPdata",
        "MLPdata.test",
        "MLPdata.correct",
        "data",
        "coords",
        "GMIN_out",
        "min.data.info",
        "odata.connect",
        "pathdata",
        "pathdata.readmin",
        "min.data",
        "ts.data",
        "points.min",
        "points.ts",
        "min.A",
        "min.B",
        "minima.csv",
        "auc_train.dat",
        "auc_test.dat",
        "summary.txt",
        "dinfo",
        "dinfo.train",
        "dinfo.test",
        "tree.ps",
        "tree.svg",
        "tree_train.ps",
        "tree_train.svg",
        "GMIN.log",
        "PATHSAMPLE.log",
        "disconnectionDPS.log",
        "landscape.log",
    ] {
        assert!(d.join(f).is_file(), "{f} missing");
    }

    // The database, read independently.
    let (nin, nh, nout) = (2, 5, 4);
    let nopt = nh * (nin + nout) + nh + nout;
    let min_data = read(d, "min.data");
    let energies: Vec<f64> = min_data
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    let nmin = energies.len();
    let nts = read(d, "ts.data")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    assert!(nmin >= 2, "{nmin} minima");
    let bytes = std::fs::read(d.join("points.min")).unwrap();
    assert_eq!(bytes.len(), nmin * nopt * 8);
    let points: Vec<Vec<f64>> = bytes
        .chunks_exact(nopt * 8)
        .map(|r| {
            r.chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
                .collect()
        })
        .collect();

    // The data.
    let train = read_data(&read(d, "MLPdata"));
    let test = read_data(&read(d, "MLPdata.test"));
    let correct: Vec<usize> = read(d, "MLPdata.correct")
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    assert_eq!((train.len(), test.len(), correct.len()), (200, 200, 200));
    let labels: Vec<usize> = train.iter().map(|t| t.0).collect();
    let test_labels: Vec<usize> = test.iter().map(|t| t.0).collect();
    let wrong: Vec<usize> = (0..200).filter(|&i| labels[i] != correct[i]).collect();
    let right: Vec<usize> = (0..200).filter(|&i| labels[i] == correct[i]).collect();
    assert_eq!(wrong.len(), 20, "10 % of 200 mislabelled");

    // minima.csv: one row per min.data line, values recomputed.
    let csv = read(d, "minima.csv");
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "min",
            "train_loss",
            "train_auc_class0",
            "test_auc_class0",
            "auc_correct_class0",
            "auc_incorrect_class0",
            "auc_incorrect_true_class0",
            "test_loss",
            "connected"
        ]
    );
    let rows: Vec<Vec<&str>> = rows.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), nmin, "minima.csv rows = min.data lines");
    let lambda = 1.0e-4;
    let loss = |x: &[f64], set: &[(usize, Vec<f64>)]| -> f64 {
        let ce: f64 = set
            .iter()
            .map(|(c, inp)| -probabilities(x, nin, nh, nout, inp)[*c].ln())
            .sum::<f64>()
            / set.len() as f64;
        ce + lambda * x.iter().map(|v| v * v).sum::<f64>()
    };
    let all: Vec<usize> = (0..200).collect();
    let mut test_aucs = Vec::new();
    let mut train_aucs = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), header.len());
        assert_eq!(row[0], (k + 1).to_string());
        let x = &points[k];
        let p_train: Vec<Vec<f64>> = train
            .iter()
            .map(|t| probabilities(x, nin, nh, nout, &t.1))
            .collect();
        let p_test: Vec<Vec<f64>> = test
            .iter()
            .map(|t| probabilities(x, nin, nh, nout, &t.1))
            .collect();
        let train_loss = loss(x, &train);
        assert!(
            (train_loss - energies[k]).abs() < 1e-7,
            "minimum {}: {train_loss} vs min.data {}",
            k + 1,
            energies[k]
        );
        assert!(
            (field(row[1]).unwrap() - train_loss).abs() < 1e-8,
            "minimum {} train loss",
            k + 1
        );
        assert!(
            (field(row[7]).unwrap() - loss(x, &test)).abs() < 1e-8,
            "minimum {} test loss",
            k + 1
        );
        let checks = [
            (2, class0_auc(&p_train, &labels, &all)),
            (
                3,
                class0_auc(&p_test, &test_labels, &(0..200).collect::<Vec<_>>()),
            ),
            (4, class0_auc(&p_train, &labels, &right)),
            (5, class0_auc(&p_train, &labels, &wrong)),
            (6, class0_auc(&p_train, &correct, &wrong)),
        ];
        for (col, expect) in checks {
            assert!(
                close(field(row[col]), expect, 1e-9),
                "minimum {} {}: {} vs {:?}",
                k + 1,
                header[col],
                row[col],
                expect
            );
        }
        train_aucs.push(field(row[2]).unwrap());
        test_aucs.push(field(row[3]).unwrap());
    }

    // Connectivity column: the component of the global minimum through ts.data.
    let gmin = (0..nmin)
        .min_by(|&a, &b| energies[a].total_cmp(&energies[b]))
        .unwrap()
        + 1;
    let mut reach: HashSet<usize> = HashSet::from([gmin]);
    let edges: Vec<(usize, usize)> = read(d, "ts.data")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[3].parse().unwrap(), w[4].parse().unwrap())
        })
        .collect();
    loop {
        let n = reach.len();
        for &(a, b) in &edges {
            if reach.contains(&a) || reach.contains(&b) {
                reach.insert(a);
                reach.insert(b);
            }
        }
        if reach.len() == n {
            break;
        }
    }
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(
            row[8] == "1",
            reach.contains(&(k + 1)),
            "minimum {} connected",
            k + 1
        );
    }
    // The deck's connection stages run until every minimum is connected (from ts.data).
    assert_eq!(
        reach.len(),
        nmin,
        "minima not connected to the global minimum: {:?}",
        (1..=nmin)
            .filter(|m| !reach.contains(m))
            .collect::<Vec<_>>()
    );

    // The colour files hold the CSV's AUCs, one line per minimum.
    for (file, col) in [("auc_test.dat", &test_aucs), ("auc_train.dat", &train_aucs)] {
        let v: Vec<f64> = read(d, file)
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect();
        assert_eq!(v.len(), nmin, "{file}");
        for (a, b) in v.iter().zip(col.iter()) {
            assert!((a - b).abs() < 1e-9, "{file}");
        }
    }

    // summary.txt: table 1 row = database size and the global minimum's row of the CSV.
    let summary = read(d, "summary.txt");
    let lines: Vec<&str> = summary.lines().collect();
    let t1 = lines.iter().position(|l| l.starts_with("Table 1")).unwrap();
    let row: Vec<&str> = lines[t1 + 2].split_whitespace().collect();
    assert_eq!(row[0], "10");
    assert_eq!(row[1].parse::<usize>().unwrap(), nmin);
    assert_eq!(row[2].parse::<usize>().unwrap(), nts);
    let g = &rows[gmin - 1];
    for (col, csv_col) in [(3, 2), (4, 3), (5, 1), (6, 7), (7, 4), (8, 5)] {
        let a: f64 = row[col].parse().unwrap();
        let b = field(g[csv_col]).unwrap();
        assert!((a - b).abs() <= 5.1e-5, "table 1 column {col}: {a} vs {b}");
    }
    let t2 = lines.iter().position(|l| l.starts_with("Table 2")).unwrap();
    let row: Vec<f64> = lines[t2 + 2]
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let sd = |v: &[f64]| {
        let m = mean(v);
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt()
    };
    assert!((row[2] - mean(&train_aucs)).abs() <= 5.1e-5);
    assert!((row[3] - sd(&train_aucs)).abs() <= 5.1e-5);
    assert!((row[4] - mean(&test_aucs)).abs() <= 5.1e-5);
    assert!((row[5] - sd(&test_aucs)).abs() <= 5.1e-5);
    // The second row: over the minima connected to the global minimum (minima.csv's column).
    let conn: Vec<usize> = (0..rows.len()).filter(|&k| rows[k][8] == "1").collect();
    let row: Vec<f64> = lines[t2 + 3]
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(row[1] as usize, conn.len());
    let pick = |v: &[f64]| conn.iter().map(|&k| v[k]).collect::<Vec<f64>>();
    assert!((row[2] - mean(&pick(&train_aucs))).abs() <= 5.1e-5);
    assert!((row[4] - mean(&pick(&test_aucs))).abs() <= 5.1e-5);
    assert!(summary.contains(&format!("{} not connected", rows.len() - conn.len())));

    // The graphs: PostScript, well-formed SVG, coloured from the value files.
    for stem in ["tree", "tree_train"] {
        assert!(read(d, &format!("{stem}.ps")).starts_with("%!PS"));
        let svg = read(d, &format!("{stem}.svg"));
        let names = check_xml(&svg).unwrap_or_else(|e| panic!("{stem}.svg: {e}"));
        assert_eq!(names[0], "svg");
        assert!(svg.contains("rgb("), "{stem}.svg has no colours");
        // Axis title, colour-bar title (the AUC named) and the caption with n of N minima.
        assert!(
            svg.contains(">training loss</text>"),
            "{stem}.svg: no axis title"
        );
        let set = if stem == "tree" { "test" } else { "training" };
        assert!(
            svg.contains(&format!(">{set} AUC (class 0 vs rest)</text>")),
            "{stem}.svg: no colour-bar title"
        );
        let nconn = rows.iter().filter(|r| r[8] == "1").count();
        assert!(
            svg.contains(&format!(">{nconn} of {} minima drawn", rows.len())),
            "{stem}.svg: no caption"
        );
    }
    assert!(read(d, "dinfo").contains("COLOURBYVALUE auc_test.dat"));
    assert!(read(d, "dinfo.train").contains("COLOURBYVALUE auc_train.dat"));

    // A second run of the finished study redoes only the analysis and the graphs: the
    // database is byte-identical, the outputs identical ...
    let before = read(d, "minima.csv");
    let summary_before = read(d, "summary.txt");
    let db_before = (read(d, "min.data"), read(d, "ts.data"));
    let again = run_landscape(&[
        "run",
        deck("landscape_d2_small").to_str().unwrap(),
        "--dir",
        d.to_str().unwrap(),
    ]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(
        said.contains("the study is finished: redoing only the analysis"),
        "{said}"
    );
    assert_eq!((read(d, "min.data"), read(d, "ts.data")), db_before);
    assert_eq!(read(d, "minima.csv"), before);
    // ... a directory that holds a database `landscape run` did not start is refused ...
    let foreign = tempfile::tempdir().unwrap();
    std::fs::copy(d.join("min.data"), foreign.path().join("min.data")).unwrap();
    let refused = run_landscape(&[
        "run",
        deck("landscape_d2_small").to_str().unwrap(),
        "--dir",
        foreign.path().to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already holds min.data"));
    // ... and `analyse` redoes the outputs identically.
    let out = run_landscape(&[
        "analyse",
        deck("landscape_d2_small").to_str().unwrap(),
        "--dir",
        d.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(d, "minima.csv"), before);
    assert_eq!(read(d, "summary.txt"), summary_before);
    // A deck whose network differs (lambda 1e-3): the recomputed losses of the points records
    // are not the database's, so `analyse` refuses it and writes nothing.
    let other = tempfile::tempdir().unwrap();
    let other_deck = other.path().join("other.in");
    std::fs::write(
        &other_deck,
        std::fs::read_to_string(deck("landscape_d2_small"))
            .unwrap()
            .replace("200 1.0D-4", "200 1.0D-3"),
    )
    .unwrap();
    let out = run_landscape(&[
        "analyse",
        other_deck.to_str().unwrap(),
        "--dir",
        d.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("is not this study's") && err.contains("points.min: record 1"),
        "{err}"
    );
    assert_eq!(read(d, "minima.csv"), before);
}

/// The processes whose working directory is `dir` (from /proc).
fn processes_in(dir: &Path) -> Vec<String> {
    let dir = dir.canonicalize().unwrap();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if std::fs::read_link(e.path().join("cwd")).is_ok_and(|c| c == dir) {
            let cmd = std::fs::read_to_string(e.path().join("cmdline")).unwrap_or_default();
            out.push(format!("{name}: {}", cmd.replace('\0', " ")));
        }
    }
    out
}

/// SIGTERM while PATHSAMPLE and its OPTIM jobs run: within 10 s nothing is left running in the
/// directory and `landscape` exits 143; the same command then resumes the study, keeps every
/// minimum found before (the files are append-only) and finishes.
#[test]
fn sigterm_during_connections_leaves_nothing_running_and_the_study_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut child = Command::new(landscape())
        .args(["run", deck("landscape_d2_small").to_str().unwrap(), "--dir"])
        .arg(d)
        .env("LANDSCAPE_BINDIR", bindir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the connections (at most 60 s).
    let t0 = std::time::Instant::now();
    loop {
        let log = std::fs::read_to_string(d.join("landscape.log")).unwrap_or_default();
        if log.contains("jobs done") {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the study ended before its connections could be interrupted:\n{log}"
        );
        assert!(
            t0.elapsed().as_secs() < 60,
            "no connection job in 60 s:\n{log}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let pid = child.id() as libc::pid_t;
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let t1 = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t1.elapsed().as_secs() < 10,
            "landscape still runs 10 s after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(143), "{err}");
    assert!(err.contains("stopped by SIGTERM"), "{err}");
    loop {
        let left = processes_in(d);
        if left.is_empty() {
            break;
        }
        assert!(t1.elapsed().as_secs() < 10, "still running: {left:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let minima_before = read(d, "min.data");
    let out = run_landscape(&[
        "run",
        deck("landscape_d2_small").to_str().unwrap(),
        "--dir",
        d.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("resume")
            && said.contains("finished before: dataset, basin-hopping, database"),
        "{said}"
    );
    assert!(read(d, "min.data").starts_with(&minima_before));
    assert!(d.join("summary.txt").exists());
    assert!(read(d, "landscape.state").ends_with("done finished\n"));
}

/// A full disk (simulated by a free-space threshold above what the disk has) stops the study
/// at once with that message, before any program writes: not as failed connection jobs.
#[test]
fn a_full_disk_stops_the_study_with_that_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("w");
    let out = Command::new(landscape())
        .args(["run", deck("landscape_d2_small").to_str().unwrap(), "--dir"])
        .arg(&d)
        .env("LANDSCAPE_BINDIR", bindir())
        .env(common::files::disk::MIN_FREE_ENV, u64::MAX.to_string())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("the disk is full"), "{err}");
    assert!(!d.join("MLPdata").exists() && !d.join("min.data.info").exists());
}
