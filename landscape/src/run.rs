//! The study, stage by stage, in a work directory: dataset, basin-hopping (GMIN), database
//! (PATHSAMPLE READMIN), connections (PATHSAMPLE with EXEC OPTIM), analysis (`minima.csv`,
//! `summary.txt`) and the two coloured graphs (disconnectionDPS).

use crate::analysis::{self, Landscape};
use crate::dataset;
use crate::deck::{Stage, Study};
use crate::programs::{format_elapsed, run_logged, Invocation, Programs, Progress};
use crate::report;
use crate::signals::Interrupt;
use crate::state::{self, State};
use crate::templates::{self, GMIN_MINIMA};
use anyhow::{bail, Context, Result};
use common::files::min_ab;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Logs of the programs in the work directory (each run appended after a header line).
pub const GMIN_LOG: &str = "GMIN.log";
/// PATHSAMPLE's output.
pub const PATHSAMPLE_LOG: &str = "PATHSAMPLE.log";
/// disconnectionDPS's output.
pub const DPS_LOG: &str = "disconnectionDPS.log";
/// The driver's own progress lines.
pub const LANDSCAPE_LOG: &str = "landscape.log";

/// Output files of the analysis.
pub const MINIMA_CSV: &str = "minima.csv";
/// The paper's tables 1 and 2.
pub const SUMMARY: &str = "summary.txt";
/// Training AUC per minimum (COLOURBYVALUE file of `tree_train.*`).
pub const AUC_TRAIN: &str = "auc_train.dat";
/// Test AUC per minimum (COLOURBYVALUE file of `tree.*`).
pub const AUC_TEST: &str = "auc_test.dat";

/// GMIN's restart dump (DUMPINT), from which an interrupted basin-hopping resumes.
pub const GMIN_DUMP: &str = "GMIN.dump";

/// How often basin-hopping progress is printed.
const GMIN_REPORT: Duration = Duration::from_secs(10);

/// The work directory: `--dir`, else the deck's WORKDIR, else the current directory.
pub fn work_dir(study: &Study, dir: Option<&Path>) -> PathBuf {
    dir.map(Path::to_path_buf)
        .or_else(|| study.workdir.clone())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Number of records in a `min.data.info` text (header lines have six numbers).
pub fn count_min_data_info(text: &str) -> usize {
    text.lines()
        .filter(|l| l.split_whitespace().count() == 6)
        .count()
}

/// `totals N minima, M transition states` of a PATHSAMPLE cycle line.
pub fn parse_totals(line: &str) -> Option<(usize, usize)> {
    let rest = line.split("totals ").nth(1)?;
    let mut w = rest.split_whitespace();
    let nmin = w.next()?.parse().ok()?;
    w.next()?;
    let nts = w.next()?.parse().ok()?;
    Some((nmin, nts))
}

/// The number of minima connected to the A set after a job, from PATHSAMPLE's
/// `cycle> job N: ... minima connected to A: x -> y` line.
pub fn parse_connected(line: &str) -> Option<usize> {
    line.split("minima connected to A: ")
        .nth(1)?
        .split("->")
        .nth(1)?
        .trim()
        .parse()
        .ok()
}

/// The whole study in `dir` (created if needed). A directory that holds a study this deck
/// started ([`state`]) resumes it: finished stages are skipped, basin-hopping continues from
/// `GMIN.dump`, PATHSAMPLE restarts as it does; a finished study only redoes the analysis and
/// graphs. A stop signal (`interrupt`) ends the running program and returns
/// [`crate::signals::Interrupted`], leaving a study that resumes.
pub fn run(
    study: &Study,
    dir: &Path,
    progress: &mut Progress,
    interrupt: &Interrupt,
) -> Result<Landscape> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // One writer per database directory, for the whole study (its programs share the lock).
    let _lock = common::database::DirLock::acquire(dir, "landscape")?;
    let deck_text = std::fs::read_to_string(&study.deck_file)
        .with_context(|| format!("cannot read {}", study.deck_file.display()))?;
    let mut state = State::open(dir, &deck_text, &["min.data", "ts.data", GMIN_MINIMA])?;
    progress.log_to(&dir.join(LANDSCAPE_LOG))?;
    let programs = Programs::locate(study.bindir.as_deref())?;
    progress.say(
        "start",
        format!(
            "deck {}, work directory {}, programs in {}",
            study.deck_file.display(),
            dir.display(),
            programs.gmin.parent().unwrap_or(Path::new(".")).display()
        ),
    );
    if state.resumed() {
        let done = state.finished_stages();
        progress.say(
            "resume",
            if done.is_empty() {
                "the study had not finished a stage: starting it again".to_string()
            } else {
                format!("finished before: {}", done.join(", "))
            },
        );
    }
    if state.done(state::FINISHED) {
        progress.say(
            "resume",
            "the study is finished: redoing only the analysis and the graphs",
        );
        return analyse_and_draw(study, dir, &programs, progress, interrupt);
    }

    // Dataset.
    if state.done(state::DATASET) {
        progress.say(
            "dataset",
            "resumed: the data files of the first run are kept",
        );
    } else {
        let described = dataset::prepare(study, dir, &mut |args| {
            run_logged(
                Invocation {
                    program: &programs.gmin,
                    args,
                    dir,
                    log: GMIN_LOG,
                    threads: study.cpus,
                },
                &mut |_| {},
                &mut || {},
                interrupt,
            )
        })?;
        progress.say("dataset", &described);
    }
    // Every data file is validated before the first program runs on it: a bad test set or
    // label must not wait for basin-hopping and the connections to be reported.
    let sets = dataset::load(study, dir).context("checking the data files")?;
    analysis::network(study, &sets.train)?;
    drop(sets);
    state.mark(state::DATASET)?;

    // Basin-hopping.
    let info = dir.join(GMIN_MINIMA);
    let count = |p: &Path| std::fs::read_to_string(p).map_or(0, |t| count_min_data_info(&t));
    if !state.done(state::BASIN_HOPPING) {
        let restore = state.resumed() && dir.join(GMIN_DUMP).exists();
        let mut data = templates::gmin_data(study);
        if restore {
            data.push_str(&format!("RESTORE {GMIN_DUMP}\n"));
        }
        std::fs::write(dir.join("data"), data)?;
        std::fs::write(dir.join("coords"), templates::gmin_coords(study))?;
        progress.say(
            "basin-hopping",
            format!(
                "GMIN: {} steps x {} walker(s), {}, {} threads{}",
                study.hopping.steps,
                study.hopping.walkers,
                study.network_line,
                study.cpus,
                if restore {
                    format!(
                        "; resumed from {GMIN_DUMP} with {} minima in {GMIN_MINIMA}",
                        count(&info)
                    )
                } else {
                    String::new()
                }
            ),
        );
        let mut last = Instant::now();
        run_logged(
            Invocation {
                program: &programs.gmin,
                args: &[],
                dir,
                log: GMIN_LOG,
                threads: study.cpus,
            },
            &mut |_| {},
            &mut || {
                if last.elapsed() >= GMIN_REPORT {
                    last = Instant::now();
                    let quenches = std::fs::read_to_string(dir.join("GMIN_out"))
                        .map_or(0, |t| t.lines().filter(|l| l.starts_with("Qu")).count());
                    progress.say(
                        "basin-hopping",
                        format!(
                            "{quenches} quenches, {} distinct minima so far",
                            count(&info)
                        ),
                    );
                }
            },
            interrupt,
        )?;
    }
    let nfound = count(&info);
    progress.say(
        "basin-hopping",
        format!("done: {nfound} distinct minima in {GMIN_MINIMA}"),
    );
    if nfound == 0 {
        bail!("GMIN found no minimum (see {GMIN_LOG} and GMIN_out)");
    }
    state.mark(state::BASIN_HOPPING)?;

    // Database.
    if !state.done(state::DATABASE) {
        std::fs::write(dir.join("odata.connect"), templates::odata_connect(study))?;
        let readmin =
            templates::pathdata(study, &programs.optim, &[format!("READMIN {GMIN_MINIMA}")]);
        std::fs::write(dir.join("pathdata"), &readmin)?;
        std::fs::write(dir.join("pathdata.readmin"), &readmin)?;
        run_logged(
            pathsample_run(study, dir, &programs),
            &mut |_| {},
            &mut || {},
            interrupt,
        )?;
    }
    let db = analysis::open_database(study, dir)?;
    let nmin = db.nmin();
    let gmin = analysis::global_minimum(&db).context("READMIN added no minimum")?;
    progress.say(
        "database",
        format!(
            "READMIN: {nmin} minima; global minimum {gmin} (E = {:.10})",
            db.minimum(gmin).energy
        ),
    );
    drop(db);
    state.mark(state::DATABASE)?;

    // Connections.
    if nmin < 2 {
        min_ab::write(&dir.join("min.A"), &[gmin])?;
        min_ab::write(&dir.join("min.B"), &[gmin])?;
        progress.say("connect", "a single minimum: nothing to connect");
    } else {
        connect(study, dir, &programs, progress, &mut state, interrupt)?;
    }

    let l = analyse_and_draw(study, dir, &programs, progress, interrupt)?;
    state.mark(state::FINISHED)?;
    Ok(l)
}

/// PATHSAMPLE in the work directory, its output appended to [`PATHSAMPLE_LOG`].
fn pathsample_run<'a>(study: &Study, dir: &'a Path, programs: &'a Programs) -> Invocation<'a> {
    Invocation {
        program: &programs.pathsample,
        args: &[],
        dir,
        log: PATHSAMPLE_LOG,
        threads: study.threads_per_job(),
    }
}

/// Write `min.A` and `min.B` for a stage and return them: A is the current global minimum;
/// B is the second-lowest minimum for DIJKSTRA (the path to connect) and the global minimum
/// for the other stages (CONNECTUNC then joins every minimum to its component; UNTRAP works
/// relative to A).
pub fn end_points(study: &Study, dir: &Path, stage: &Stage) -> Result<(usize, usize)> {
    let db = analysis::open_database(study, dir)?;
    let a = analysis::global_minimum(&db).context("the database holds no minimum")?;
    let second = (1..=db.nmin())
        .filter(|&m| m != a)
        .min_by(|&x, &y| db.minimum(x).energy.total_cmp(&db.minimum(y).energy));
    let b = match (stage, second) {
        (Stage::Dijkstra { .. }, Some(s)) => s,
        _ => a,
    };
    min_ab::write(&dir.join("min.A"), &[a])?;
    min_ab::write(&dir.join("min.B"), &[b])?;
    Ok((a, b))
}

/// The connection stages, in deck order, within the time limit.
fn connect(
    study: &Study,
    dir: &Path,
    programs: &Programs,
    progress: &mut Progress,
    state: &mut State,
    interrupt: &Interrupt,
) -> Result<()> {
    let start = Instant::now();
    let limit = study.time_limit.map(Duration::from_secs_f64);
    let stop = dir.join("STOP");
    for (k, stage) in study.stages.iter().enumerate() {
        let key = state::connect_key(k + 1, stage.name());
        if state.done(&key) {
            progress.say(stage.name(), "finished in an earlier run: skipped");
            continue;
        }
        if limit.is_some_and(|l| start.elapsed() >= l) {
            progress.say(
                "connect",
                format!("time limit reached: stage {} skipped", stage.name()),
            );
            continue;
        }
        let (a, b) = end_points(study, dir, stage)?;
        let text = templates::pathdata(
            study,
            &programs.optim,
            &[format!("CYCLES {}", stage.cycles()), stage.pathdata_line()],
        );
        std::fs::write(dir.join("pathdata"), &text)?;
        std::fs::write(
            dir.join(format!("pathdata.{}.{}", k + 1, stage.name())),
            &text,
        )?;
        progress.say(
            stage.name(),
            format!(
                "PATHSAMPLE {}: up to {} cycles of {} OPTIM job(s); A = {a}, B = {b}",
                stage.pathdata_line(),
                stage.cycles(),
                study.jobs()
            ),
        );
        let mut stopped = false;
        let mut connected: Option<usize> = None;
        let t0 = Instant::now();
        let name = stage.name();
        run_logged(
            pathsample_run(study, dir, programs),
            &mut |l: &str| {
                if let Some(c) = parse_connected(l) {
                    connected = Some(c);
                }
                if let Some((m, t)) = parse_totals(l) {
                    let jobs = l
                        .split_whitespace()
                        .nth(1)
                        .and_then(|w| w.parse::<usize>().ok())
                        .unwrap_or(0);
                    // The connected fraction over time: the stage's A set is the global minimum.
                    let conn = connected.map_or(String::new(), |c| {
                        format!(", {c} connected to the global minimum")
                    });
                    progress.say(
                        name,
                        format!("{jobs} jobs done: {m} minima, {t} transition states{conn}"),
                    );
                } else if ["connectunc>", "dijinit>", "untrap>", "connectregion>"]
                    .iter()
                    .any(|p| l.starts_with(p))
                {
                    progress.say(name, l);
                }
            },
            &mut || {
                if !stopped && limit.is_some_and(|l| start.elapsed() >= l) {
                    let _ = std::fs::write(&stop, "landscape: TIMELIMIT\n");
                    stopped = true;
                }
            },
            interrupt,
        )?;
        if stopped {
            progress.say(
                name,
                "time limit reached: PATHSAMPLE finished its running jobs",
            );
        }
        let _ = std::fs::remove_file(&stop);
        let db = analysis::open_database(study, dir)?;
        let gmin = analysis::global_minimum(&db).unwrap_or(1);
        let nconn = db.connected_to(&[gmin]).iter().filter(|&&c| c).count();
        progress.say(
            name,
            format!(
                "done in {}: {} minima, {} transition states, {nconn} connected to the global minimum",
                format_elapsed(t0.elapsed().as_secs_f64()),
                db.nmin(),
                db.nts()
            ),
        );
        state.mark(&key)?;
    }
    Ok(())
}

/// Analysis and graphs of the database in `dir`: `minima.csv`, `auc_train.dat`,
/// `auc_test.dat`, `summary.txt`, `tree_train.ps/.svg` (training AUC) and `tree.ps/.svg`
/// (test AUC), with `dinfo.train` and `dinfo` (= `dinfo.test`) beside them.
pub fn analyse_and_draw(
    study: &Study,
    dir: &Path,
    programs: &Programs,
    progress: &mut Progress,
    interrupt: &Interrupt,
) -> Result<Landscape> {
    let sets = dataset::load(study, dir)?;
    let l = analysis::analyse(study, dir, &sets)?;
    std::fs::write(dir.join(MINIMA_CSV), report::minima_csv(&l))?;
    std::fs::write(
        dir.join(AUC_TRAIN),
        report::values_file(l.minima.iter().map(|m| m.train_auc)),
    )?;
    std::fs::write(
        dir.join(AUC_TEST),
        report::values_file(l.minima.iter().map(|m| m.test_auc)),
    )?;
    let context = report::Context {
        deck: study.deck_file.display().to_string(),
        dataset: describe_data(study),
        network: format!(
            "{}  {}",
            study.network_line,
            report::paper_notation(&study.network)
        ),
        mislabel: study.mislabel,
        permdist: study.permdist.then_some(study.geomdifftol),
    };
    let summary = report::summary(&l, &context);
    std::fs::write(dir.join(SUMMARY), &summary)?;
    progress.say(
        "analysis",
        format!(
            "{MINIMA_CSV} and {SUMMARY}: {} minima, {} transition states",
            l.minima.len(),
            l.nts
        ),
    );

    // Graphs.
    // The levels span the drawn part: the minima connected to the global minimum and the
    // transition states between them.
    let db = analysis::open_database(study, dir)?;
    let e_min = db.minimum(l.gmin).energy;
    let drawn = |id: usize| l.minima[id - 1].connected;
    // The energy at which the drawn minima become one basin: adding the transition states
    // between drawn minima in order of energy (Kruskal), the one that joins the last two
    // groups. Higher TSs only close cycles and would leave an empty trunk on top.
    let mut ts_by_energy: Vec<(f64, usize, usize)> = db
        .transition_states()
        .iter()
        .filter(|t| t.plus != t.minus && drawn(t.plus) && drawn(t.minus))
        .map(|t| (t.energy, t.plus, t.minus))
        .collect();
    ts_by_energy.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut parent: Vec<usize> = (0..=db.nmin()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut groups = (1..=db.nmin()).filter(|&id| drawn(id)).count();
    let mut ts_top = f64::NEG_INFINITY;
    for (e, a, b) in ts_by_energy {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra] = rb;
            groups -= 1;
            ts_top = e;
            if groups == 1 {
                break;
            }
        }
    }
    let e_top = if ts_top.is_finite() {
        ts_top
    } else {
        (1..=db.nmin())
            .filter(|&id| drawn(id))
            .map(|id| db.minimum(id).energy)
            .fold(e_min, f64::max)
    };
    drop(db);
    let nconn = l.minima.iter().filter(|m| m.connected).count();
    if !dir.join("ts.data").exists() {
        std::fs::write(dir.join("ts.data"), "")?;
    }
    let levels = templates::graph_levels(
        study.graph.levels,
        study.graph.first,
        study.graph.delta,
        e_min,
        e_top,
    );
    let auc_short = match study.auc {
        analysis::AucDefinition::Class(c) => format!("class {c} vs rest"),
        analysis::AucDefinition::Mean => "mean one-vs-rest".into(),
    };
    for (values, dinfo_copy, rename, set) in [
        (AUC_TRAIN, "dinfo.train", Some("tree_train"), "training"),
        (AUC_TEST, "dinfo.test", None, "test"),
    ] {
        let words = templates::GraphText {
            ylabel: "training loss".into(),
            bar_title: format!("{set} AUC ({auc_short})"),
            // (A dinfo line is read to its 100th character, as the Fortran does.)
            caption: format!(
                "{nconn} of {} minima drawn (those connected to the global minimum)",
                l.minima.len()
            ),
        };
        let text = templates::dinfo(study, levels, values, &words);
        std::fs::write(dir.join("dinfo"), &text)?;
        std::fs::write(dir.join(dinfo_copy), &text)?;
        run_logged(
            Invocation {
                program: &programs.dps,
                args: &[],
                dir,
                log: DPS_LOG,
                threads: 1,
            },
            &mut |_| {},
            &mut || {},
            interrupt,
        )?;
        if let Some(stem) = rename {
            for ext in ["ps", "svg"] {
                std::fs::rename(
                    dir.join(format!("tree.{ext}")),
                    dir.join(format!("{stem}.{ext}")),
                )
                .with_context(|| format!("disconnectionDPS wrote no tree.{ext}"))?;
            }
        }
    }
    progress.say(
        "graph",
        format!(
            "tree.ps/.svg coloured by test AUC, tree_train.ps/.svg by training AUC \
             ({} levels from {:.8} by {:.3e}; {nconn} of {} minima drawn)",
            levels.2,
            levels.0,
            levels.1,
            l.minima.len()
        ),
    );
    progress.say("done", format!("results in {}", dir.display()));
    Ok(l)
}

/// The dataset in words (for the summary).
pub fn describe_data(study: &Study) -> String {
    use crate::deck::DataSource;
    match &study.data {
        DataSource::Ljat3 {
            set,
            ntrain,
            ntest,
            seed,
        } => format!(
            "LJAT3 {set}, {ntrain} training and {ntest} test items, seed {seed}, {} % mislabelled",
            study.mislabel
        ),
        DataSource::Files { train, test, .. } => format!(
            "files {} and {}, {} % mislabelled",
            train.display(),
            test.display(),
            study.mislabel
        ),
        DataSource::Mnist {
            ntrain,
            ntest,
            seed,
            ..
        } => format!(
            "MNIST, {ntrain} training and {ntest} test images, seed {seed}, {} % mislabelled",
            study.mislabel
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pathsample_job_lines_give_the_connected_count() {
        let l = "cycle> job 7: 1 new minima, 3 new transition states (2 between minima connected to A); minima connected to A: 12 -> 15";
        assert_eq!(parse_connected(l), Some(15));
        assert_eq!(
            parse_connected("cycle> job 7: 0 new minima, 0 new transition states"),
            None
        );
    }

    #[test]
    fn pathsample_cycle_lines_give_the_totals() {
        let l = "cycle> 4 jobs done: 1 new minima and 2 new transition states this cycle; totals 17 minima, 9 transition states";
        assert_eq!(parse_totals(l), Some((17, 9)));
        assert_eq!(parse_totals("cycle> job 3: connecting"), None);
    }

    #[test]
    fn min_data_info_records_are_counted_by_their_headers() {
        let rec = common::files::min_data_info::MinDataInfo {
            energy: -1.0,
            fvib: 2.0,
            order: 1,
            inertia: [0.0; 3],
            coords: vec![0.1; 7],
        }
        .render();
        assert_eq!(count_min_data_info(&rec.repeat(3)), 3);
        assert_eq!(count_min_data_info(""), 0);
    }
}
