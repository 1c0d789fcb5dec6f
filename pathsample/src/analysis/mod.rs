//! Analyses run when CYCLES is 0 (REGROUPFREE, DIJKSTRA, NGT; algorithms.md §9.1 steps 6–8,
//! §10–§12) and the stand-alone pruning/merging modes (REMOVESP, RETAINSP,
//! REMOVEUNCONNECTED, MERGEDB; files.md §3.8).
//!
//! - [`network`]: the kinetic network (live TSs, NCONNMIN pruning, rates, partition functions).
//! - [`gt`]: graph transformation.
//! - [`ngt`]: kSS, kNSS, kKMC and the committor files.
//! - [`dijkstra`]: the fastest path.
//! - [`regroup`]: free-energy groups.
//! - [`prune`], [`merge`]: the stand-alone modes.
//!
//! The rates use the database's in-memory values (NOFRQS: fvib = 1.0, DECISION 2); files
//! derived from the database (`.removed`, `.retained`, `.fastest`, merged points) copy the
//! written values.

mod dbfiles;
pub mod dijkstra;
pub mod dijlist;
pub mod gt;
pub mod kmc;
pub mod merge;
pub mod network;
pub mod ngt;
pub mod pgt;
pub mod prune;
pub mod regroup;
pub mod waitpdf;

use crate::keywords::{Mode, PathsampleInput};
use anyhow::{bail, Result};
use common::database::{Database, Ensemble, MinRecord, RateOptions, TsRecord};
use common::files::{min_ab, points};
use common::fortran_fmt::{fmt_f, fmt_g, fmt_i};
use dbfiles::{file_records, write_bytes, write_text};
use network::{DeadTs, Network};
use regroup::Regrouped;
use std::io::Write;
use std::path::Path;

/// Canonical rate options at kT = `t` (SYSTEM names starting with `CA` add the CA shift).
pub fn rate_options(input: &PathsampleInput, t: f64) -> RateOptions {
    RateOptions {
        ensemble: Ensemble::Canonical { temperature: t },
        ca_system: input.symbol.to_ascii_uppercase().starts_with("CA"),
    }
}

/// TEMPERATURE, which must be positive when an analysis needs it.
fn temperature(input: &PathsampleInput) -> Result<f64> {
    match input.temperature {
        Some(t) if t > 0.0 => Ok(t),
        t => bail!(
            "setup> ERROR - TEMPERATURE={}",
            fmt_g(t.unwrap_or(0.0), 20, 10)
        ),
    }
}

fn dead_ts(input: &PathsampleInput, db: &Database) -> DeadTs {
    DeadTs {
        tsthresh: db.config().tsthresh,
        maxbarrier: input.maxbarrier,
        minbarrier: input.minbarrier,
    }
}

/// The rate network at kT = `t`: from the energies, fvib and orders (canonical rates), or
/// with FREEENERGY from the free energies the files hold.
fn network_at(input: &PathsampleInput, db: &Database, t: f64) -> Network {
    if input.freeenergy {
        Network::from_free_energies(db, &dead_ts(input, db), t, input.planck)
    } else {
        Network::from_db(db, &dead_ts(input, db), Some(&rate_options(input, t)))
    }
}

/// The analyses requested with CYCLES 0, in the order REGROUPFREE, DIJKSTRA, NGT; DIJKSTRA
/// and NGT use the groups when REGROUPFREE ran.
pub fn run(dir: &Path, input: &PathsampleInput, db: &Database, out: &mut dyn Write) -> Result<()> {
    if input.ngtkeeplist && input.ngt.is_none() {
        bail!("NGTKEEPLIST: the partial graph transformation runs with NGT; add an NGT line");
    }
    if input.waitpdfprint && !input.waitpdf {
        bail!("WAITPDFPRINT: the per-source files come with WAITPDF; add a WAITPDF line");
    }
    if input.regroupfree.is_none()
        && input.dijkstra.is_none()
        && input.ngt.is_none()
        && !input.waitpdf
        && input.kmc.is_none()
        && input.dijkstralist.is_none()
    {
        writeln!(
            out,
            "PATHSAMPLE> nothing to do: {} minima, {} transition states",
            db.nmin(),
            db.nts()
        )?;
        return Ok(());
    }
    let t = temperature(input)?;
    if db.set_a().is_empty() || db.set_b().is_empty() {
        bail!("min.A and min.B must exist and be non-empty");
    }
    if let Some(m) = db.set_a().iter().find(|m| db.set_b().contains(m)) {
        bail!("minimum {m} is in both min.A and min.B");
    }
    if input.freeenergy && input.planck <= 0.0 {
        bail!("FREEENERGY: PLANCK must be positive");
    }
    let base = network_at(input, db, t);
    let mut regrouped: Option<Regrouped> = None;
    if let Some(x) = input.regroupfree {
        if input.planck <= 0.0 {
            bail!("REGROUPFREE: PLANCK must be positive");
        }
        let mut net = base.clone();
        net.prune(Some(input.nconnmin));
        let rg = regroup::regroup(&net, t, input.planck, x);
        write_regrouped(dir, input, &rg, t, x, out)?;
        regrouped = Some(rg);
    }
    let subject = match &regrouped {
        Some(rg) => rg.network(),
        None => base,
    };
    if let Some(n) = input.dijkstra {
        let nconnmin = n.max(input.nconnmin);
        let mut net = subject.clone();
        net.prune(Some(nconnmin));
        run_dijkstra(dir, input, db, regrouped.as_ref(), &net, nconnmin, t, out)?;
    }
    if let Some(count) = input.dijkstralist {
        let mut net = subject.clone();
        net.prune(Some(input.nconnmin));
        run_dijkstra_list(dir, db, &net, count, out)?;
    }
    if input.waitpdf {
        let mut net = subject.clone();
        net.prune(Some(input.nconnmin));
        run_waitpdf(dir, &net, t, input.waitpdfprint, out)?;
    }
    if let Some((walks, _, n)) = input.kmc {
        let mut net = subject.clone();
        net.prune(Some(n.max(input.nconnmin)));
        run_kmc(dir, input, &net, walks, out)?;
    }
    if let Some((n, kmc)) = input.ngt {
        let nconnmin = n.max(input.nconnmin);
        let mut net = subject;
        net.prune(Some(nconnmin));
        if input.ngtkeeplist {
            return run_pgt(dir, input, db, &net, t, out);
        }
        let res = ngt::ngt(&net, kmc);
        for line in res.lines(nconnmin) {
            writeln!(out, "{line}")?;
        }
        write_text(
            &dir.join("commit.ngt.AB"),
            &ngt::commit_text(&res.commit_ab),
        )?;
        write_text(
            &dir.join("commit.ngt.BA"),
            &ngt::commit_text(&res.commit_ba),
        )?;
        if !input.rates_cycle.is_empty() {
            rates_cycle(dir, input, db, n.max(input.nconnmin), kmc, out)?;
        }
    }
    Ok(())
}

/// DIJKSTRALIST: the fastest path between every pair of the minima listed in `DijkstraList`
/// (pairs in list order: (1,2), (1,3), ..., (2,3), ...), and the files Epath (every path from
/// its first minimum to its second, `(I8,G20.10,I8)` step, energy, minimum or TS id; a blank
/// line between paths), onpath (`(I8)` the path minima), high and low (`(I8,G20.10)` the path
/// minima that are energy maxima / minima along a path, and their equilibrium occupation),
/// and the neighbour layers onpath.N, high.N, low.N, N = 1..`count`, in the high/low layout.
fn run_dijkstra_list(
    dir: &Path,
    db: &Database,
    net: &Network,
    count: usize,
    out: &mut dyn Write,
) -> Result<()> {
    let file = dir.join("DijkstraList");
    let list = dbfiles::read_id_list(&file, db.nmin(), "DIJKSTRALIST")?;
    if list.len() < 2 {
        bail!(
            "DIJKSTRALIST: {} must list at least two minima, one per line",
            file.display()
        );
    }
    let n = net.len();
    let (mut onpath, mut high, mut low) = (vec![false; n], vec![false; n], vec![false; n]);
    let mut epath = String::new();
    let g = |v: f64| fmt_g(v, 20, 10);
    for (x, &s) in list.iter().enumerate() {
        for &f in &list[x + 1..] {
            if s == f {
                continue;
            }
            let Some(p) = dijlist::path(net, s - 1, f - 1) else {
                writeln!(
                    out,
                    "DijkstraList> no path between minima {s} and {f} through live transition states"
                )?;
                continue;
            };
            writeln!(
                out,
                "DijkstraList> path from minimum {s} to {f}: {} minima, product of branching probabilities {}",
                p.nodes.len(),
                g((-p.weight).exp()).trim()
            )?;
            if !epath.is_empty() {
                epath.push('\n');
            }
            let mut step = 0i64;
            for (k, &m) in p.nodes.iter().enumerate() {
                step += 1;
                epath.push_str(&format!(
                    "{}{}{}\n",
                    fmt_i(step, 8),
                    g(net.energy[m]),
                    fmt_i(m as i64 + 1, 8)
                ));
                if let Some(&e) = p.edges.get(k) {
                    step += 1;
                    let edge = &net.edges[e];
                    epath.push_str(&format!(
                        "{}{}{}\n",
                        fmt_i(step, 8),
                        g(edge.energy),
                        fmt_i(edge.id as i64, 8)
                    ));
                }
                onpath[m] = true;
            }
            let (h, l) = dijlist::extrema(net, &p.nodes);
            h.iter().for_each(|&m| high[m] = true);
            l.iter().for_each(|&m| low[m] = true);
        }
    }
    write_text(&dir.join("Epath"), &epath)?;
    let occ = dijlist::occupations(net);
    let with_p = |nodes: &mut dyn Iterator<Item = usize>| -> String {
        nodes
            .map(|m| format!("{}{}\n", fmt_i(m as i64 + 1, 8), g(occ[m])))
            .collect()
    };
    let ids: String = (0..n)
        .filter(|&m| onpath[m])
        .map(|m| fmt_i(m as i64 + 1, 8) + "\n")
        .collect();
    write_text(&dir.join("onpath"), &ids)?;
    write_text(&dir.join("high"), &with_p(&mut (0..n).filter(|&m| high[m])))?;
    write_text(&dir.join("low"), &with_p(&mut (0..n).filter(|&m| low[m])))?;
    for (stem, set) in [("onpath", &onpath), ("high", &high), ("low", &low)] {
        for (k, layer) in dijlist::layers(net, set, count).iter().enumerate() {
            write_text(
                &dir.join(format!("{stem}.{}", k + 1)),
                &with_p(&mut layer.iter().copied()),
            )?;
        }
    }
    writeln!(
        out,
        "DijkstraList> {} minima on the paths ({} high, {} low); Epath, onpath, high, low and {count} neighbour layers of each written",
        onpath.iter().filter(|&&b| b).count(),
        high.iter().filter(|&&b| b).count(),
        low.iter().filter(|&&b| b).count()
    )?;
    Ok(())
}

/// NGT with NGTKEEPLIST: the partial graph transformation and its files (see [`pgt`]).
fn run_pgt(
    dir: &Path,
    input: &PathsampleInput,
    db: &Database,
    net: &Network,
    t: f64,
    out: &mut dyn Write,
) -> Result<()> {
    if input.planck <= 0.0 {
        bail!("NGTKEEPLIST: PLANCK must be positive");
    }
    let file = dir.join("NGTkeeplist");
    let list = dbfiles::read_id_list(&file, db.nmin(), "NGTKEEPLIST")?;
    let reduced = pgt::reduce(net, &list, t, input.planck);
    for line in reduced.summary() {
        writeln!(out, "{line}")?;
    }
    for (name, text) in reduced.files() {
        write_text(&dir.join(name), &text)?;
    }
    Ok(())
}

/// WAITPDF: both directions, their files (suffix T as F12.10), wait.rates.
fn run_waitpdf(dir: &Path, net: &Network, t: f64, print: bool, out: &mut dyn Write) -> Result<()> {
    use waitpdf::{Passage, Writer};
    let ab = Passage::new(net, &net.a, &net.b)?;
    let ba = Passage::new(net, &net.b, &net.a)?;
    let suffix = waitpdf::suffix(t);
    for (p, w, to, eig) in [
        (&ab, Writer::Ab, "MFPT.to.A", "AB.right.eigenvectors"),
        (&ba, Writer::Ba, "MFPT.to.B", "BA.right.eigenvectors"),
    ] {
        for (stem, text) in waitpdf::grid_files(p, w) {
            write_text(&dir.join(format!("{stem}.{suffix}")), &text)?;
        }
        write_text(&dir.join(to), &p.mfpt_text())?;
        write_text(&dir.join(eig), &p.eigenvector_text())?;
        let name = if w == Writer::Ab { "A<-B" } else { "B<-A" };
        writeln!(
            out,
            "waitpdf> {name}: {} transient minima, mean first-passage time {} sd {}, slowest eigenvalue {}",
            p.states.len(),
            fmt_g(p.mean, 20, 10).trim(),
            fmt_g(p.sd, 20, 10).trim(),
            fmt_g(p.lambda[p.lambda.len() - 1], 20, 10).trim()
        )?;
    }
    write_text(
        &dir.join("wait.rates"),
        &format!("{}\n", waitpdf::wait_rates_line(t, &ab, &ba)),
    )?;
    if print {
        let need =
            waitpdf::per_source_bytes(&ab, Writer::Ab) + waitpdf::per_source_bytes(&ba, Writer::Ba);
        let free = common::files::disk::free_bytes(dir)?;
        let keep = common::files::disk::min_free_bytes();
        if free < need.saturating_add(keep) {
            bail!(
                "WAITPDFPRINT: the per-source files need about {} MB in {} and {} MB are free (with {} MB kept free); nothing written",
                need >> 20,
                dir.display(),
                free >> 20,
                keep >> 20
            );
        }
        for (p, w, letter) in [(&ab, Writer::Ab, 'A'), (&ba, Writer::Ba, 'B')] {
            let start = std::time::Instant::now();
            let done = waitpdf::write_per_source(dir, p, w, letter)?;
            for line in &done.lines {
                writeln!(out, "{line}")?;
            }
            writeln!(
                out,
                "waitpdf> WAITPDFPRINT: {} files waitlnpdf{letter}.X, eigendata{letter}.X, peaks{letter}.X for {} start minima ({} MB, {:.1} s)",
                done.files,
                p.states.len(),
                done.bytes >> 20,
                start.elapsed().as_secs_f64()
            )?;
        }
    }
    Ok(())
}

/// KMC: the walks (DIRECTION AB: from B to A), their lines with DEBUG, a summary,
/// waiting.times and an empty visits file.
fn run_kmc(
    dir: &Path,
    input: &PathsampleInput,
    net: &Network,
    walks: usize,
    out: &mut dyn Write,
) -> Result<()> {
    let (source, target, name) = if input.direction_ab {
        (&net.b, &net.a, "A")
    } else {
        (&net.a, &net.b, "B")
    };
    let walker = kmc::Walker::new(net, source, target)?;
    write_text(
        &dir.join("waiting.times"),
        &kmc::waiting_times_text(&walker.tau),
    )?;
    write_text(&dir.join("visits"), "")?;
    let result = walker.walks(input.seed, walks);
    if input.debug {
        for (n, w) in result.iter().enumerate() {
            writeln!(out, "{}", kmc::walk_line(n + 1, w, name))?;
        }
    }
    let times: Vec<f64> = result.iter().map(|w| w.time).collect();
    let steps: Vec<f64> = result.iter().map(|w| w.steps as f64).collect();
    let (mt, sdt, set) = kmc::statistics(&times);
    let (ms, _, ses) = kmc::statistics(&steps);
    let g = |v: f64| fmt_g(v, 20, 10).trim().to_string();
    writeln!(
        out,
        "KMC> {walks} walks to {name}: mean first-passage time {} +- {} (sd {}), mean steps {} +- {}",
        g(mt),
        g(set),
        g(sdt),
        g(ms),
        g(ses)
    )?;
    Ok(())
}

/// RATESCYCLE with NGT: the rates at each temperature of the list, one line each, in the
/// Fortran's files and layout (`G20.10E4` temperature, `E20.10E4` values): NGT.rates.new holds
/// T, kNSS(A<-B), kNSS(B<-A) and the mean first-passage times 1/kNSS (the Kinetics tutorial's
/// readme: "d) and e) are simply the reciprocal of b) and c)"), NGT.rates.kSS and
/// NGT.rates.kNSS the two kinds of rate.
fn rates_cycle(
    dir: &Path,
    input: &PathsampleInput,
    db: &Database,
    nconnmin: usize,
    kmc: bool,
    out: &mut dyn Write,
) -> Result<()> {
    use common::fortran_fmt::{fmt_e_exp, fmt_g_exp};
    let e = |v: f64| fmt_e_exp(v, 20, 10, 4);
    let (mut new, mut kss, mut knss) = (String::new(), String::new(), String::new());
    for &t in &input.rates_cycle {
        let mut net = network_at(input, db, t);
        net.prune(Some(nconnmin));
        let res = ngt::ngt(&net, kmc);
        let (ab, ba) = (res.knss.ab, res.knss.ba);
        let tt = fmt_g_exp(t, 20, 10, 4);
        new.push_str(&format!(
            "{tt}{}{}{}{}\n",
            e(ab),
            e(ba),
            e(1.0 / ab),
            e(1.0 / ba)
        ));
        kss.push_str(&format!("{tt}{}{}\n", e(res.kss.ab), e(res.kss.ba)));
        knss.push_str(&format!("{tt}{}{}\n", e(ab), e(ba)));
        writeln!(
            out,
            "ratescycle> T= {t}: kNSS(A<-B)= {ab:e} kNSS(B<-A)= {ba:e}, MFPT(A<-B)= {:e} MFPT(B<-A)= {:e}",
            1.0 / ab,
            1.0 / ba
        )?;
    }
    write_text(&dir.join("NGT.rates.new"), &new)?;
    write_text(&dir.join("NGT.rates.kSS"), &kss)?;
    write_text(&dir.join("NGT.rates.kNSS"), &knss)
}

/// MERGEDB, REMOVESP, RETAINSP, REMOVEUNCONNECTED.
pub fn stand_alone(
    dir: &Path,
    input: &PathsampleInput,
    db: &mut Database,
    mode: &Mode,
    out: &mut dyn Write,
) -> Result<()> {
    match mode {
        Mode::RemoveSp => prune::remove_sp(dir, db, out),
        Mode::RetainSp => prune::retain_sp(dir, db, out),
        Mode::RemoveUnconnected(which) => prune::remove_unconnected(dir, input, db, which, out),
        Mode::MergeDb(other) => merge::merge_db(dir, input, db, other, out),
        other => bail!("{other:?} is not a stand-alone analysis mode"),
    }
}

/// fvib of the regrouped minima: 2·ln(2π·T/PLANCK) (algorithms.md §11).
fn regrouped_fvib(t: f64, planck: f64) -> f64 {
    2.0 * (2.0 * std::f64::consts::PI * t / planck).ln()
}

/// The files of files.md §3.9 for REGROUPFREE (and DUMPGROUPS).
fn write_regrouped(
    dir: &Path,
    input: &PathsampleInput,
    rg: &Regrouped,
    t: f64,
    x: f64,
    out: &mut dyn Write,
) -> Result<()> {
    let ids = |v: &[usize]| v.iter().map(|&g| g + 1).collect::<Vec<_>>();
    write_text(&dir.join("min.A.regrouped"), &min_ab::render(&ids(&rg.a)))?;
    write_text(&dir.join("min.B.regrouped"), &min_ab::render(&ids(&rg.b)))?;
    let fvib = regrouped_fvib(t, input.planck);
    let mut md = String::new();
    for &g in &rg.g {
        md.push_str(&fmt_g(g, 20, 10));
        md.push_str(&fmt_g(fvib, 20, 10));
        md.push_str(&fmt_i(1, 6));
        for v in [1.0, 1.0, 1.0, 0.0] {
            md.push_str(&fmt_f(v, 20, 10));
        }
        md.push('\n');
    }
    write_text(&dir.join("min.data.regrouped"), &md)?;
    let mut td = String::new();
    for l in &rg.links {
        td.push_str(&fmt_g(l.g, 20, 10));
        td.push_str(&fmt_g(1.0, 20, 10));
        for v in [1, l.gi + 1, l.gj + 1] {
            td.push_str(&fmt_i(v as i64, 10));
        }
        for _ in 0..3 {
            td.push_str(&fmt_f(1.0, 20, 10));
        }
        td.push('\n');
    }
    write_text(&dir.join("ts.data.regrouped"), &td)?;
    if input.dumpgroups {
        let mut s = String::new();
        for (k, m) in rg.groups.iter().enumerate() {
            s.push_str(&format!(
                "group {} free energy={}\n",
                fmt_i(k as i64 + 1, 8),
                fmt_g(rg.g[k], 20, 10)
            ));
            for &i in m {
                s.push_str(&fmt_i(i as i64 + 1, 8));
                s.push('\n');
            }
            s.push('\n');
        }
        write_text(&dir.join("minima_groups"), &s)?;
        let mut s = String::new();
        for (k, l) in rg.links.iter().enumerate() {
            s.push_str(&format!(
                "ts group {} free energy={} links groups: {}{}\n",
                fmt_i(k as i64 + 1, 8),
                fmt_g(l.g, 20, 10),
                fmt_i(l.gi as i64 + 1, 8),
                fmt_i(l.gj as i64 + 1, 8)
            ));
            for &t in &l.members {
                s.push_str(&fmt_i(t as i64, 8));
                s.push('\n');
            }
            s.push('\n');
        }
        write_text(&dir.join("ts_groups"), &s)?;
    }
    writeln!(
        out,
        "regroupfree> threshold {}: {} minima in {} groups after {} merging passes, {} inter-group links (NCONNMIN {})",
        fmt_g(x, 20, 10).trim(),
        rg.groups.iter().map(Vec::len).sum::<usize>(),
        rg.groups.len(),
        rg.passes,
        rg.links.len(),
        input.nconnmin
    )?;
    writeln!(
        out,
        "regroupfree> {} A groups and {} B groups written to min.A.regrouped, min.B.regrouped; min.data.regrouped, ts.data.regrouped written",
        rg.a.len(),
        rg.b.len()
    )?;
    Ok(())
}

/// DIJKSTRA: print the fastest path, write `Epath`, the `.fastest` files and `ts.attempts`.
#[allow(clippy::too_many_arguments)]
fn run_dijkstra(
    dir: &Path,
    input: &PathsampleInput,
    db: &Database,
    rg: Option<&Regrouped>,
    net: &Network,
    nconnmin: usize,
    t: f64,
    out: &mut dyn Write,
) -> Result<()> {
    let (product, reactant, label) = if input.direction_ab {
        (&net.a, &net.b, "A<-B")
    } else {
        (&net.b, &net.a, "B<-A")
    };
    let Some(path) = dijkstra::fastest(net, product, reactant) else {
        writeln!(
            out,
            "Dijkstra> no path {label} through live transition states (NCONNMIN {nconnmin})"
        )?;
        return Ok(());
    };
    let g = |v: f64| fmt_g(v, 20, 10);
    writeln!(
        out,
        "Dijkstra> fastest path {label} (NCONNMIN {nconnmin}): {} minima and {} transition states, listed from the product end",
        path.nodes.len(),
        path.edges.len()
    )?;
    let mut epath = String::new();
    let mut step = 0i64;
    for (k, &m) in path.nodes.iter().enumerate() {
        step += 1;
        let e = net.energy[m];
        writeln!(
            out,
            "Dijkstra> {} min {} E={}",
            fmt_i(step, 8),
            fmt_i(m as i64 + 1, 8),
            g(e)
        )?;
        epath.push_str(&format!(
            "{}{}{}\n",
            fmt_i(step, 8),
            g(e),
            fmt_i(m as i64 + 1, 8)
        ));
        if let Some(&ek) = path.edges.get(k) {
            step += 1;
            let edge = &net.edges[ek];
            let next = path.nodes[k + 1];
            writeln!(
                out,
                "Dijkstra> {} ts  {} E={} barriers from the product side={} from the reactant side={}",
                fmt_i(step, 8),
                fmt_i(edge.id as i64, 8),
                g(edge.energy),
                g(edge.energy - e),
                g(edge.energy - net.energy[next])
            )?;
            epath.push_str(&format!(
                "{}{}{}\n",
                fmt_i(step, 8),
                g(edge.energy),
                fmt_i(edge.id as i64, 8)
            ));
        }
    }
    writeln!(
        out,
        "Dijkstra> kSS contribution of the path ({label})={}",
        g(path.ln_k.exp())
    )?;
    write_text(&dir.join("Epath"), &epath)?;

    // The path's points in the database formats, renumbered 1.. from the product end.
    let widths = db.config().widths;
    let pos = |m: usize| path.nodes.iter().position(|&x| x == m).map(|p| p + 1);
    let mut md = String::new();
    let mut mp = Vec::new();
    let mut td = String::new();
    let mut tp = Vec::new();
    let mut attempts: Vec<usize> = Vec::new();
    match rg {
        None => {
            let (mins, tss) = file_records(db);
            for &m in &path.nodes {
                md.push_str(&mins[m].render(widths));
                points::encode_into(db.min_coords(m + 1), &mut mp);
            }
            for &ek in &path.edges {
                let id = net.edges[ek].id;
                let mut r = tss[id - 1].clone();
                r.plus = pos(r.plus - 1).expect("a path TS joins path minima");
                r.minus = pos(r.minus - 1).expect("a path TS joins path minima");
                td.push_str(&r.render(widths));
                points::encode_into(db.ts_coords(id), &mut tp);
                attempts.push(id);
            }
        }
        Some(rg) => {
            let fvib = regrouped_fvib(t, input.planck);
            for &m in &path.nodes {
                let r = MinRecord::new(rg.g[m], fvib, 1, [1.0; 3]);
                md.push_str(&r.render(widths));
                points::encode_into(db.min_coords(rg.rep_node[m] + 1), &mut mp);
            }
            for &ek in &path.edges {
                let l = &rg.links[net.edges[ek].id - 1];
                let r = TsRecord {
                    energy: l.g,
                    fvib: 1.0,
                    order: 1,
                    plus: pos(l.gi).expect("a path link joins path groups"),
                    minus: pos(l.gj).expect("a path link joins path groups"),
                    inertia: [1.0; 3],
                    negeig: None,
                };
                td.push_str(&r.render(widths));
                points::encode_into(db.ts_coords(l.rep_ts), &mut tp);
                attempts.push(l.rep_ts);
            }
        }
    }
    write_text(&dir.join("min.data.fastest"), &md)?;
    write_text(&dir.join("ts.data.fastest"), &td)?;
    write_bytes(&dir.join("points.min.fastest"), &mp)?;
    write_bytes(&dir.join("points.ts.fastest"), &tp)?;
    let (first, last) = (vec![1], vec![path.nodes.len()]);
    let (a, b) = if input.direction_ab {
        (first, last)
    } else {
        (last, first)
    };
    write_text(&dir.join("min.A.fastest"), &min_ab::render(&a))?;
    write_text(&dir.join("min.B.fastest"), &min_ab::render(&b))?;

    // ts.attempts: one (I8) count per TS.
    let mut counts: Vec<i64> = std::fs::read_to_string(dir.join("ts.attempts"))
        .unwrap_or_default()
        .split_whitespace()
        .map(|w| w.parse().unwrap_or(0))
        .collect();
    counts.resize(db.nts(), 0);
    for id in attempts {
        counts[id - 1] += 1;
    }
    let text: String = counts.iter().map(|&c| fmt_i(c, 8) + "\n").collect();
    write_text(&dir.join("ts.attempts"), &text)?;
    Ok(())
}

/// The minima (1-based ids) of the current fastest path from the reactant to the product side
/// (DIRECTION), for SHORTCUT; `None` when the sets are not connected through live TSs.
pub fn fastest_path_minima(input: &PathsampleInput, db: &Database) -> Result<Option<Vec<usize>>> {
    let t = temperature(input)?;
    let mut net = network_at(input, db, t);
    net.prune(Some(input.nconnmin));
    let (product, reactant) = if input.direction_ab {
        (net.a.clone(), net.b.clone())
    } else {
        (net.b.clone(), net.a.clone())
    };
    Ok(dijkstra::fastest(&net, &product, &reactant)
        .map(|p| p.nodes.iter().map(|n| n + 1).collect()))
}
