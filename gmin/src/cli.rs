//! GMIN's command-line modes besides the default run.

use anyhow::{bail, Context, Result};
use common::dataset::{self, Item};
use std::path::PathBuf;

/// `GMIN --help`.
pub const USAGE: &str = "\
usage: GMIN [output]
    Basin-hopping run in the current directory: reads `data`, `coords` and, for networks,
    `MLPdata`; writes the main output to GMIN_out (or the file the argument names, as the
    Fortran does), lowest, and the optional files.
    Keywords: docs/keywords.md (section 2 and the extensions of section 0).

usage: GMIN --keywords[=markdown]
    Print every `data` keyword: arguments with their defaults, meaning, and whether it is
    implemented, accepted without effect or not provided (Markdown: docs/reference/).

usage: GMIN --ljat3-dataset [options]
    Generate an LJAT3 (Z = 2) classification dataset: random 3-atom starts in a cube,
    minimised to RMS 1e-10, labelled by the minimum reached (0 = equilateral, 1..3 = linear
    with atom 1, 2 or 3 in the middle); inputs r12 r13 of the start geometry.
    --set D1|D2|D3      cube side 2*sqrt(3), 1.385 or 2*sqrt(2) (default D1)
    --side L            explicit cube side (overrides --set)
    --train N           training items (default 1000)
    --test M            test items (default 1000)
    --seed S            random seed (default 1)
    --mislabel P        move P percent of the training labels to another class, uniformly
    --out DIR           output directory (default .)
    Writes DIR/MLPdata (training), DIR/MLPdata.test, and with --mislabel DIR/MLPdata.correct
    (the correct training labels, one per line). Prints the class distribution.";

fn value<T: std::str::FromStr>(args: &[String], i: usize, name: &str) -> Result<T> {
    args.get(i + 1)
        .with_context(|| format!("{name} needs a value"))?
        .parse()
        .map_err(|_| anyhow::anyhow!("{name}: cannot read '{}'", args[i + 1]))
}

/// `GMIN --ljat3-dataset ...`.
pub fn dataset(args: &[String]) -> Result<()> {
    let mut side = dataset::side_d1();
    let (mut ntrain, mut ntest, mut seed) = (1000usize, 1000usize, 1u64);
    let mut mislabel: Option<f64> = None;
    let mut out = PathBuf::from(".");
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--set" => {
                side = match args.get(i + 1).map(|s| s.to_ascii_uppercase()).as_deref() {
                    Some("D1") => dataset::side_d1(),
                    Some("D2") => dataset::SIDE_D2,
                    Some("D3") => dataset::side_d3(),
                    other => bail!("--set: expected D1, D2 or D3, got {other:?}"),
                }
            }
            "--side" => side = value(args, i, "--side")?,
            "--train" => ntrain = value(args, i, "--train")?,
            "--test" => ntest = value(args, i, "--test")?,
            "--seed" => seed = value(args, i, "--seed")?,
            "--mislabel" => {
                let p: f64 = value(args, i, "--mislabel")?;
                if !(0.0..=100.0).contains(&p) {
                    bail!("--mislabel: percentage must lie in 0..100");
                }
                mislabel = Some(p);
            }
            "--out" => out = PathBuf::from(value::<String>(args, i, "--out")?),
            other => bail!("unknown option {other} (see GMIN --help)"),
        }
        i += 2;
    }
    if side <= 0.0 {
        bail!("--side must be positive");
    }
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let start = std::time::Instant::now();
    // One generation call: training items first, then test items (item streams by index).
    let all = dataset::generate(ntrain + ntest, side, seed);
    let secs = start.elapsed().as_secs_f64();
    let (train, test) = all.split_at(ntrain);
    let mut train: Vec<Item> = train.to_vec();
    let report = |name: &str, items: &[Item]| {
        let c = dataset::class_counts(items);
        let n = items.len().max(1) as f64;
        println!(
            "{name}: {} items; class 0 (equilateral) {} ({:.1}%), 1 {} ({:.1}%), 2 {} ({:.1}%), 3 {} ({:.1}%)",
            items.len(),
            c[0],
            100.0 * c[0] as f64 / n,
            c[1],
            100.0 * c[1] as f64 / n,
            c[2],
            100.0 * c[2] as f64 / n,
            c[3],
            100.0 * c[3] as f64 / n
        );
    };
    report("training", &train);
    report("test", test);
    if let Some(p) = mislabel {
        let correct: String = train.iter().map(|it| format!("{}\n", it.label)).collect();
        let moved = dataset::mislabel(&mut train, p, seed);
        std::fs::write(out.join("MLPdata.correct"), correct)?;
        println!(
            "mislabelled {} of {} training items ({p}%)",
            moved.len(),
            train.len()
        );
    }
    std::fs::write(out.join("MLPdata"), dataset::to_mlpdata(&train))?;
    std::fs::write(out.join("MLPdata.test"), dataset::to_mlpdata(test))?;
    println!(
        "{} minimisations in {secs:.2} s ({:.0} per second) with {} threads",
        ntrain + ntest,
        (ntrain + ntest) as f64 / secs.max(1e-9),
        rayon::current_num_threads()
    );
    Ok(())
}
