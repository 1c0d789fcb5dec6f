//! SLURM mode: the job slots of the allocation PATHSAMPLE runs in (`sbatch`/`salloc`), from
//! the Slurm environment and, for old job scripts, `nodes.info`.
//!
//! Slots: `jpn × SLURM_JOB_NUM_NODES` when `SLURM jpn` gives jobs per node, else
//! `SLURM_NTASKS`. `nodes.info` (the Fortran's layout: a line whose first number is the
//! count of node lines, that many node names, one per slot, then the user name and the
//! working directory) is read when present: it is checked, and it gives the slots when the
//! environment does not (`jpn ×` its distinct nodes, or its node lines).

use anyhow::{bail, Context, Result};
use std::path::Path;

/// `nodes.info` as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodesInfo {
    /// One node name per slot (a node may repeat).
    pub nodes: Vec<String>,
    /// The user name line, if present.
    pub user: Option<String>,
    /// The working-directory line, if present.
    pub workdir: Option<String>,
}

impl NodesInfo {
    /// The number of distinct nodes.
    pub fn distinct_nodes(&self) -> usize {
        let mut v: Vec<&String> = self.nodes.iter().collect();
        v.sort();
        v.dedup();
        v.len()
    }
}

/// Parse `nodes.info`; errors name the file and line.
pub fn parse_nodes_info(text: &str, file: &str) -> Result<NodesInfo> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let Some((no, first)) = lines.next() else {
        bail!("{file}: empty; expected the number of nodes on line 1");
    };
    let count: usize = first
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .filter(|&c| c > 0)
        .with_context(|| {
            format!("{file}:{no}: expected a positive number of nodes, found {first:?}")
        })?;
    let mut nodes = Vec::with_capacity(count);
    for k in 0..count {
        let Some((_, l)) = lines.next() else {
            bail!("{file}: line 1 announces {count} nodes but only {k} node lines follow");
        };
        nodes.push(l.split_whitespace().next().unwrap_or(l).to_string());
    }
    let user = lines.next().map(|(_, l)| l.to_string());
    let workdir = lines.next().map(|(_, l)| l.to_string());
    Ok(NodesInfo {
        nodes,
        user,
        workdir,
    })
}

/// The allocation's job slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// OPTIM jobs at a time.
    pub slots: usize,
    /// CPUs of each job step (`SLURM_CPUS_PER_TASK`, default 1).
    pub cpus_per_job: usize,
    /// Where the slot count came from (for the log).
    pub source: String,
    /// `nodes.info`, if present.
    pub nodes_info: Option<NodesInfo>,
}

fn positive(env: &dyn Fn(&str) -> Option<String>, names: &[&str]) -> Result<Option<usize>> {
    for name in names {
        if let Some(v) = env(name) {
            let n: usize = v
                .trim()
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .with_context(|| format!("{name}={v:?} is not a positive number"))?;
            return Ok(Some(n));
        }
    }
    Ok(None)
}

/// The slots of the allocation, from `env` (the process environment in PATHSAMPLE) and
/// `dir/nodes.info`.
pub fn allocation(
    dir: &Path,
    jpn: Option<usize>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Allocation> {
    let path = dir.join("nodes.info");
    let nodes_info = if path.exists() {
        let text = std::fs::read_to_string(&path).context("cannot read nodes.info")?;
        Some(parse_nodes_info(&text, "nodes.info")?)
    } else {
        None
    };
    let cpus_per_job = positive(env, &["SLURM_CPUS_PER_TASK"])?.unwrap_or(1);
    let (slots, source) = match jpn {
        Some(jpn) => match (
            positive(env, &["SLURM_JOB_NUM_NODES", "SLURM_NNODES"])?,
            &nodes_info,
        ) {
            (Some(nodes), _) => (
                jpn * nodes,
                format!("{jpn} per node x SLURM_JOB_NUM_NODES={nodes}"),
            ),
            (None, Some(ni)) => (
                jpn * ni.distinct_nodes(),
                format!(
                    "{jpn} per node x {} nodes in nodes.info",
                    ni.distinct_nodes()
                ),
            ),
            (None, None) => bail!(
                "SLURM: not inside a Slurm allocation (SLURM_JOB_NUM_NODES is not set) and no \
                 nodes.info; run PATHSAMPLE from an sbatch script or under salloc"
            ),
        },
        None => match (
            positive(env, &["SLURM_NTASKS", "SLURM_NPROCS"])?,
            &nodes_info,
        ) {
            (Some(n), _) => (n, format!("SLURM_NTASKS={n}")),
            (None, Some(ni)) => (
                ni.nodes.len(),
                format!("{} node lines in nodes.info", ni.nodes.len()),
            ),
            (None, None) => bail!(
                "SLURM: not inside a Slurm allocation (SLURM_NTASKS is not set) and no \
                 nodes.info; run PATHSAMPLE from an sbatch script or under salloc"
            ),
        },
    };
    Ok(Allocation {
        slots,
        cpus_per_job,
        source,
        nodes_info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn slots_come_from_the_allocation() {
        let d = tempfile::tempdir().unwrap();
        let a = allocation(d.path(), None, &env(&[("SLURM_NTASKS", "6")])).unwrap();
        assert_eq!((a.slots, a.cpus_per_job), (6, 1));
        let vars = &[
            ("SLURM_NTASKS", "6"),
            ("SLURM_JOB_NUM_NODES", "3"),
            ("SLURM_CPUS_PER_TASK", "4"),
        ];
        let a = allocation(d.path(), Some(2), &env(vars)).unwrap();
        assert_eq!((a.slots, a.cpus_per_job), (6, 4));
        let e = allocation(d.path(), None, &env(&[])).unwrap_err();
        assert!(
            e.to_string().contains("not inside a Slurm allocation"),
            "{e}"
        );
        let e = allocation(d.path(), None, &env(&[("SLURM_NTASKS", "x")])).unwrap_err();
        assert!(e.to_string().contains("SLURM_NTASKS"), "{e}");
    }

    #[test]
    fn nodes_info_in_the_fortran_layout() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("nodes.info"),
            "4\nnode-a\nnode-a\nnode-b\nnode-b\nalice\n/scratch/alice/run\n",
        )
        .unwrap();
        let a = allocation(d.path(), None, &env(&[])).unwrap();
        assert_eq!(a.slots, 4);
        let ni = a.nodes_info.unwrap();
        assert_eq!(ni.distinct_nodes(), 2);
        assert_eq!(ni.user.as_deref(), Some("alice"));
        assert_eq!(ni.workdir.as_deref(), Some("/scratch/alice/run"));
        let a = allocation(d.path(), Some(3), &env(&[])).unwrap();
        assert_eq!(a.slots, 6);
        let e = parse_nodes_info("3\nn1\n", "nodes.info").unwrap_err();
        assert!(
            e.to_string().contains("announces 3 nodes but only 1"),
            "{e}"
        );
        let e = parse_nodes_info("x\n", "nodes.info").unwrap_err();
        assert!(e.to_string().starts_with("nodes.info:1:"), "{e}");
    }
}
