//! One PATHSAMPLE run in a working directory (algorithms.md §9.1–9.2).

use crate::cluster::{remove_stale, runner};
use crate::jobs::{check_template, coords_kind, Job};
use crate::keywords::{Mode, PathsampleInput, Startup};
use crate::pairs::{NoPair, Selector, TriedPairs};
use anyhow::{anyhow, bail, Context, Result};
use common::database::{Database, MinRecord};
use common::deck::Deck;
use common::files::job::{render_finish, render_odata, JobFiles};
use common::files::path_info::Layout;
use common::files::{bookkeeping, disk, min_ab, min_data_info};
use common::fortran_fmt::fmt_f;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Read `pathdata` in `dir`.
pub fn read_input(dir: &Path) -> Result<PathsampleInput> {
    let deck = Deck::read(&dir.join("pathdata"))?;
    Ok(PathsampleInput::from_deck(&deck)?)
}

/// The run.
pub struct Run<'a> {
    dir: PathBuf,
    input: PathsampleInput,
    out: &'a mut dyn Write,
    /// SLURMQUEUE's stop-signal handlers, once installed.
    stop: Option<crate::cluster::queue::StopSignals>,
}

impl<'a> Run<'a> {
    /// A run in `dir`.
    pub fn new(dir: &Path, input: PathsampleInput, out: &'a mut dyn Write) -> Self {
        Self {
            dir: dir.to_path_buf(),
            input,
            out,
            stop: None,
        }
    }

    fn log(&mut self, line: impl AsRef<str>) {
        let _ = writeln!(self.out, "{}", line.as_ref());
        let _ = self.out.flush();
    }

    fn layout(flag: bool) -> Option<Layout> {
        flag.then_some(Layout::Triples)
    }

    /// Execute everything the deck asks for.
    pub fn execute(&mut self) -> Result<()> {
        let dir = self.dir.clone();
        // One writer per database: a second PATHSAMPLE (or landscape) exits here; read-only
        // runs take no lock.
        let _lock = if self.input.writes_database() {
            common::database::DirLock::acquire(&dir, "PATHSAMPLE")?
        } else {
            None
        };
        let mut db = match self.input.startup.clone() {
            Startup::FromPath { file, a, b } => {
                for f in ["min.data", "ts.data", "min.A", "min.B"] {
                    if dir.join(f).exists() {
                        bail!(
                            "STARTFROMPATH: {f} already exists; refusing to overwrite a database"
                        );
                    }
                }
                let src = dir.join(&file);
                if !src.exists() {
                    bail!("STARTFROMPATH: cannot find {file}");
                }
                if file != "path.info" {
                    std::fs::copy(&src, dir.join("path.info"))?;
                }
                let mut db = Database::open(&dir, self.input.db.clone())?;
                let s = db.add_path_info(
                    &dir.join("path.info"),
                    Self::layout(self.input.start_triples),
                )?;
                self.log(format!(
                    "setup> STARTFROMPATH {file}: {} new minima, {} new transition states",
                    s.new_minima, s.new_ts
                ));
                if a == 0 || b == 0 || a > db.nmin() || b > db.nmin() {
                    bail!(
                        "STARTFROMPATH: minima {a} and {b} must lie within 1..{}",
                        db.nmin()
                    );
                }
                db.set_ab(&[a], &[b])?;
                min_ab::write(&dir.join("min.A"), &[a])?;
                min_ab::write(&dir.join("min.B"), &[b])?;
                if self.input.cycles == 0 {
                    return Ok(());
                }
                db
            }
            Startup::DijInitStart => self.dijinit_start()?,
            Startup::Existing => {
                let needs_ab = !matches!(
                    self.input.mode,
                    Some(Mode::ReadMin(_)) | Some(Mode::MergeDb(_))
                );
                let db = Database::open(&dir, self.input.db.clone())?;
                if needs_ab
                    && (db.set_a().is_empty() || db.set_b().is_empty())
                    && self.input.cycles > 0
                {
                    bail!("min.A and min.B must exist and be non-empty");
                }
                db
            }
        };
        for line in db.load_report().to_vec() {
            self.log(format!("setup> {line}"));
        }
        if self.input.writes_database() {
            self.verify_points(&db)?;
        }
        self.log(format!(
            "setup> {} minima and {} transition states in the database",
            db.nmin(),
            db.nts()
        ));
        for f in self.input.addpath.clone() {
            let s = db.add_path_info(&dir.join(&f), Self::layout(self.input.add_triples))?;
            self.log(format!(
                "setup> ADDPATH {f}: {} new minima, {} new transition states",
                s.new_minima, s.new_ts
            ));
        }
        if let Some(mode) = self.input.mode.clone() {
            return self.mode(&mut db, &mode);
        }
        if self.input.cycles > 0 {
            return self.cycles(&mut db);
        }
        crate::analysis::run(&dir, &self.input, &db, self.out)
    }

    fn mode(&mut self, db: &mut Database, mode: &Mode) -> Result<()> {
        let dir = self.dir.clone();
        match mode {
            Mode::ReadMin(file) => {
                let ids = db.add_min_data_info(&dir.join(file))?;
                let added = ids.iter().filter(|p| p.new).count();
                self.log(format!(
                    "readmin> {} records read from {file}, {added} new minima",
                    ids.len()
                ));
                Ok(())
            }
            Mode::ExtractMin(n) | Mode::ExtractTs(n) => {
                let ts = matches!(mode, Mode::ExtractTs(_));
                let count = if ts { db.nts() } else { db.nmin() };
                let ids: Vec<usize> = if *n > 0 {
                    if *n > count {
                        bail!(
                            "EXTRACT{}: id {n} beyond the {count} in the database",
                            if ts { "TS" } else { "MIN" }
                        );
                    }
                    vec![*n]
                } else {
                    (1..=count).collect()
                };
                let mut text = String::new();
                for id in ids {
                    let x = if ts {
                        db.ts_coords(id)
                    } else {
                        db.min_coords(id)
                    };
                    let per = if db.config().is_atoms() { 3 } else { 1 };
                    for chunk in x.chunks(per) {
                        for v in chunk {
                            text.push_str(&fmt_f(*v, 25, 15));
                        }
                        text.push('\n');
                    }
                }
                std::fs::write(
                    dir.join(if ts { "extractedts" } else { "extractedmin" }),
                    text,
                )?;
                Ok(())
            }
            other => crate::analysis::stand_alone(&dir, &self.input, db, other, self.out),
        }
    }

    /// Before the first append (issue 16): the energies of the first and the last record of
    /// each points file, recomputed with the potential of `odata.connect` (the deck PATHSAMPLE
    /// gives OPTIM), must be those of min.data and ts.data. Only then is a surplus at the end
    /// of a points file the remnant of an interrupted append. Without `odata.connect` nothing
    /// defines the potential: the check is skipped with a note, and a remnant is refused.
    fn verify_points(&mut self, db: &Database) -> Result<()> {
        if (db.nmin() == 0 && db.nts() == 0) || db.config().nopoints {
            return Ok(());
        }
        let name = "odata.connect";
        let path = self.dir.join(name);
        if !path.exists() {
            if db.needs_repair() {
                bail!(
                    "the database ends with what looks like an interrupted append, but without \
                     {name} (the potential) PATHSAMPLE cannot check that the points files belong \
                     to min.data and ts.data; nothing was written"
                );
            }
            self.log(format!(
                "setup> points files not verified: no {name} defines the potential"
            ));
            return Ok(());
        }
        let template = self.template(name)?;
        let text = render_odata(&template, db.min_coords(1), &coords_kind(&self.input))
            .map_err(|m| anyhow!("{name}: {m}"))?;
        let deck = Deck::parse_with_terminators(&text, name, &["POINTS", "VARIABLES"])?;
        let input = optim::keywords::OptimInput::from_deck(&deck)?;
        let (potential, _, _) = optim::run::system_of(&input, &self.dir, &path, false)
            .with_context(|| {
                format!("{name}: cannot build the potential to verify the database")
            })?;
        if potential.nopt() != db.nopt() {
            bail!(
                "{name} defines {} coordinates but the database (pathdata) has NOPT = {}; \
                 nothing was written",
                potential.nopt(),
                db.nopt()
            );
        }
        let v = db.verify_energies(&|x| potential.energy(x))?;
        self.log(format!(
            "setup> points files verified: {} records recomputed with the potential of {name} \
             (largest relative energy difference {:.1e})",
            v.records, v.worst
        ));
        Ok(())
    }

    fn template(&self, name: &str) -> Result<String> {
        let path = self.dir.join(name);
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {name}"))?;
        check_template(&text, name, &coords_kind(&self.input))
    }

    fn exec(&self) -> Result<Vec<String>> {
        self.input
            .exec
            .clone()
            .ok_or_else(|| anyhow!("EXEC is required to run OPTIM jobs"))
    }

    /// DIJINITSTART: back up and replace the database; jobs 1 and 2 minimise the structures of
    /// `odata.start` / `odata.finish` (DUMPDATA); their minima become A = {1}, B = {2}.
    fn dijinit_start(&mut self) -> Result<Database> {
        let dir = self.dir.clone();
        for (from, to) in [
            ("min.data", "min.data.save"),
            ("ts.data", "ts.data.save"),
            ("points.min", "points.min.save"),
            ("points.ts", "points.ts.save"),
            ("pairs.data", "pairs.data.old"),
            ("commit.data", "commit.data.old"),
            ("min.A", "min.A.save"),
            ("min.B", "min.B.save"),
        ] {
            if dir.join(from).exists() {
                std::fs::rename(dir.join(from), dir.join(to))?;
            }
        }
        remove_stale(&dir)?;
        let exec = self.exec()?;
        let mut recs = Vec::new();
        for (n, name, log) in [
            (1, "odata.start", "output.start"),
            (2, "odata.finish", "output.finish"),
        ] {
            let text = std::fs::read_to_string(dir.join(name))
                .with_context(|| format!("DIJINITSTART: cannot read {name}"))?;
            let (mut pool, mode) = runner(&dir, &self.input, 1, &exec, &mut self.stop)?;
            if let (Some(mode), 1) = (mode, n) {
                self.log(mode);
            }
            let jd = pool.job_dir(n)?;
            std::fs::write(jd.join(JobFiles::new(n).odata), text)?;
            pool.launch(Job { n, a: 0, b: 0 })?;
            let f = pool.wait_any(&mut |m| {
                let _ = writeln!(self.out, "{m}");
            })?;
            if let Some(note) = &f.note {
                self.log(format!("setup> DIJINITSTART job {n}: {note}"));
            }
            let files = JobFiles::new(n);
            let _ = std::fs::rename(jd.join(&files.log), dir.join(log));
            let info = jd.join(&files.min_data_info);
            let text = std::fs::read_to_string(&info)
                .map_err(|_| anyhow!("no min.data.info.{n} found - check OPTIM output in {log}"))?;
            let r = min_data_info::parse(&text, &files.min_data_info, self.input.db.nopt)?;
            let r = r
                .into_iter()
                .next()
                .ok_or_else(|| anyhow!("{} is empty", files.min_data_info))?;
            recs.push(r);
            pool.clean(n, self.input.keep_job_files);
        }
        let cfg = &self.input.db;
        if cfg.symmetry.same_point(
            (&recs[0].coords, recs[0].energy),
            (&recs[1].coords, recs[1].energy),
            cfg.edifftol,
            cfg.geomdifftol,
        ) {
            bail!(
                "DIJINITSTART: the start and finish minima are the same minimum (distance {:.6e} after alignment{})",
                cfg.symmetry.distance(&recs[0].coords, &recs[1].coords),
                if cfg.symmetry.permdist() { " with PERMDIST" } else { "" }
            );
        }
        let mut db = Database::open(&dir, self.input.db.clone())?;
        let mut ids = Vec::new();
        for r in recs {
            let rec = MinRecord {
                energy: r.energy,
                fvib: if self.input.db.nofrqs { 1.0 } else { r.fvib },
                order: r.order,
                inertia: r.inertia,
                lowest_frq: None,
            };
            ids.push(db.add_minimum(rec, &r.coords)?);
        }
        if ids[0] == ids[1] {
            bail!("DIJINITSTART: the start and finish minima are the same");
        }
        db.set_ab(&[ids[0]], &[ids[1]])?;
        min_ab::write(&dir.join("min.A"), &[ids[0]])?;
        min_ab::write(&dir.join("min.B"), &[ids[1]])?;
        self.log(format!(
            "setup> DIJINITSTART: A = minimum {} (E = {:.10}), B = minimum {} (E = {:.10})",
            ids[0],
            db.minimum(ids[0]).energy,
            ids[1],
            db.minimum(ids[1]).energy
        ));
        Ok(db)
    }

    /// The rolling job scheduler (algorithms.md §9.2).
    fn cycles(&mut self, db: &mut Database) -> Result<()> {
        let dir = self.dir.clone();
        let exec = self.exec()?;
        let template = self.template("odata.connect")?;
        let strategy = self.input.strategy.clone().ok_or_else(|| {
            anyhow!(
                "no pair-selection strategy (DIJINITSTART, CONNECTREGION, UNTRAP, CONNECTUNC, ...)"
            )
        })?;
        let removed = remove_stale(&dir)?;
        if removed > 0 {
            self.log(format!("setup> removed {removed} stale job files"));
        }
        let mut tried = TriedPairs::from_pairs(&bookkeeping::read_pairs(
            &dir.join("pairs.data"),
            Some(db.nmin()),
        )?);
        // Pairs whose jobs finished (written to pairs.data); `tried` also holds running ones,
        // so a run killed mid-job retries its unfinished pairs after a restart.
        let mut finished_pairs = tried.clone();
        let mut selector = Selector::new(strategy);
        selector.done = bookkeeping::read_min_done(&dir.join("min.done"), Some(db.nmin()))?
            .into_iter()
            .collect();
        let (mut pool, mode) = runner(&dir, &self.input, self.input.cpus, &exec, &mut self.stop)?;
        if let Some(mode) = mode {
            self.log(mode);
        }
        // CPUS, or the Slurm mode's job slots.
        let ncpu = pool.slots();
        let total = self.input.cycles * ncpu;
        let mut launched = 0usize;
        let mut completed = 0usize;
        let mut cycle_min = db.nmin();
        let mut cycle_ts = db.nts();
        let mut next_n = 1usize;
        let mut exhausted: Option<String> = None;
        let mut stop_requested = false;
        // A full disk stops PATHSAMPLE with that message (its running jobs die with it)
        // instead of turning every later job into an unsuccessful connection.
        let min_free = disk::min_free_bytes();
        loop {
            while exhausted.is_none() && !stop_requested && launched < total && pool.has_free_slot()
            {
                disk::check_free_space(&dir, min_free)?;
                if selector.needs_fastest_path() {
                    selector.fastest_path = crate::analysis::fastest_path_minima(&self.input, db)?;
                    selector.reset();
                }
                match selector.next(db, &tried, self.input.direction_ab) {
                    Ok((a, b)) => {
                        tried.insert(a, b);
                        let n = next_n;
                        next_n += 1;
                        let kind = coords_kind(&self.input);
                        let odata = render_odata(&template, db.min_coords(a), &kind)
                            .map_err(|m| anyhow!(m))?;
                        let jd = pool.job_dir(n)?;
                        std::fs::write(jd.join(JobFiles::new(n).odata), odata)?;
                        let finish = render_finish(db.min_coords(b), &kind);
                        std::fs::write(jd.join(JobFiles::new(n).finish), finish)?;
                        pool.launch(Job { n, a, b })?;
                        launched += 1;
                        self.log(format!(
                            "cycle> job {n}: connecting minima {a} (E = {:.10}) and {b} (E = {:.10}), distance {:.4}",
                            db.minimum(a).energy,
                            db.minimum(b).energy,
                            db.config().symmetry.distance(db.min_coords(a), db.min_coords(b))
                        ));
                    }
                    Err(NoPair::Done(msg)) | Err(NoPair::Exhausted(msg)) => {
                        if pool.running() == 0 {
                            self.log(msg.clone());
                        }
                        exhausted = Some(msg);
                    }
                }
            }
            if pool.running() == 0 {
                break;
            }
            let f = pool.wait_any(&mut |m| {
                let _ = writeln!(self.out, "{m}");
                let _ = self.out.flush();
            })?;
            completed += 1;
            finished_pairs.insert(f.job.a, f.job.b);
            // The database may have changed: let the selector try again.
            exhausted = None;
            if let Some(note) = &f.note {
                self.log(format!("cycle> job {}: {note}", f.job.n));
            }
            if f.timed_out {
                self.log(format!(
                    "cycle> connection {} was killed after {} s (JOBTIMEOUT)",
                    f.job.n, self.input.job_timeout
                ));
            } else if !f.success {
                disk::check_free_space(&dir, min_free)?;
                self.log(format!(
                    "connection {} on CPU {} was unsuccessful",
                    f.job.n,
                    (f.job.n - 1) % ncpu + 1
                ));
            }
            if let Some(pi) = &f.path_info {
                let layout = Self::layout(self.input.triples);
                let (nts0, linked0) = (db.nts(), linked_to_a(db));
                match db.add_path_info(pi, layout) {
                    Ok(s) => {
                        // How much the job did for the connectivity of the A set: the new TSs
                        // between two minima connected to A, and the minima connected to A.
                        let linked = linked_to_a(db);
                        let inside = (nts0 + 1..=db.nts())
                            .filter(|&t| {
                                let r = db.ts(t);
                                linked[r.plus - 1] && linked[r.minus - 1]
                            })
                            .count();
                        let count = |v: &[bool]| v.iter().filter(|&&c| c).count();
                        self.log(format!(
                            "cycle> job {}: {} new minima, {} new transition states ({} between minima connected to A); minima connected to A: {} -> {}",
                            f.job.n,
                            s.new_minima,
                            s.new_ts,
                            inside,
                            count(&linked0),
                            count(&linked)
                        ))
                    }
                    Err(e) => self.log(format!(
                        "cycle> job {}: path.info.{} could not be used: {e}",
                        f.job.n, f.job.n
                    )),
                }
            }
            pool.clean(f.job.n, self.input.keep_job_files);
            if completed.is_multiple_of(ncpu) || pool.running() == 0 {
                self.log(format!(
                    "cycle> {} jobs done: {} new minima and {} new transition states this cycle; totals {} minima, {} transition states",
                    completed,
                    db.nmin() - cycle_min,
                    db.nts() - cycle_ts,
                    db.nmin(),
                    db.nts()
                ));
                cycle_min = db.nmin();
                cycle_ts = db.nts();
                bookkeeping::write_pairs(&dir.join("pairs.data"), finished_pairs.pairs())?;
                let done: Vec<usize> = selector.done.iter().copied().collect();
                bookkeeping::write_min_done(&dir.join("min.done"), &done)?;
                if dir.join("STOP").exists() {
                    self.log("cycle> STOP file found: finishing the running jobs and stopping");
                    stop_requested = true;
                }
                if dir.join("pathdata.change").exists() {
                    std::fs::rename(dir.join("pathdata"), dir.join("pathdata.orig"))?;
                    std::fs::rename(dir.join("pathdata.change"), dir.join("pathdata"))?;
                    let new_input = read_input(&dir)?;
                    self.log("cycle> pathdata.change read: pathdata replaced (old file kept as pathdata.orig)");
                    if let Some(s) = new_input.strategy.clone() {
                        selector = Selector::new(s);
                    }
                    self.input.cycles = new_input.cycles;
                    self.input.cpus = new_input.cpus;
                }
                if self.input.pairlist > 0 && (completed / ncpu).is_multiple_of(self.input.pairlist)
                {
                    selector.reset();
                }
            }
        }
        bookkeeping::write_pairs(&dir.join("pairs.data"), finished_pairs.pairs())?;
        self.log(format!(
            "PATHSAMPLE> {launched} jobs run; the database holds {} minima and {} transition states",
            db.nmin(),
            db.nts()
        ));
        Ok(())
    }
}

/// For every minimum, whether it is connected through transition states to a minimum of the
/// A set (none when A is empty).
fn linked_to_a(db: &Database) -> Vec<bool> {
    if db.set_a().is_empty() {
        return vec![false; db.nmin()];
    }
    db.connected_to(db.set_a())
}
