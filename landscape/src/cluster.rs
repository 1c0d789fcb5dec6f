//! The deck keywords that send a study's connection jobs to Slurm: `SLURM [jpn]` (OPTIM jobs
//! as job steps of the allocation `landscape` runs in) and `SLURMQUEUE n [sbatch
//! options...]` (each OPTIM job a batch job, at most n at a time). Each becomes the same line
//! of every connection `pathdata` (PATHSAMPLE's keywords; docs/keywords.md), with
//! `COPYFILES MLPdata`: the jobs run in `optim.N/`, where OPTIM reads the training set.

use common::deck::{DeckError, Line};

/// The `pathdata` line for a `SLURM` or `SLURMQUEUE` deck line, checked here so that a bad
/// line is an error before anything runs.
pub fn pathdata_line(line: &Line) -> Result<String, DeckError> {
    let args: Vec<&str> = line.args().iter().map(|it| it.text()).collect();
    match line.keyword() {
        "SLURM" => {
            line.expect_args(0, 1)?;
            if let Some(jpn) = line.opt_usize(1)? {
                if jpn == 0 {
                    return Err(line.error_at(1, "jobs per node must be at least 1"));
                }
                return Ok(format!("SLURM {jpn}"));
            }
            Ok("SLURM".into())
        }
        "SLURMQUEUE" => {
            let n = line.opt_usize(1)?.unwrap_or(0);
            if n == 0 {
                return Err(line.error_at(
                    1,
                    "SLURMQUEUE needs the number of OPTIM jobs to keep queued (at least 1)",
                ));
            }
            // Options keep their quotes when they hold blanks or commas.
            let opts: Vec<String> = args[1..]
                .iter()
                .map(|o| {
                    if o.contains([' ', ',', '(', '\'']) {
                        format!("\"{o}\"")
                    } else {
                        o.to_string()
                    }
                })
                .collect();
            Ok(std::iter::once(format!("SLURMQUEUE {n}"))
                .chain(opts)
                .collect::<Vec<_>>()
                .join(" "))
        }
        _ => Err(line.unknown()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Line {
        Line::new(text, "landscape.in", 3)
    }

    #[test]
    fn cluster_lines_become_pathdata_lines() {
        assert_eq!(pathdata_line(&line("SLURM")).unwrap(), "SLURM");
        assert_eq!(pathdata_line(&line("slurm 4")).unwrap(), "SLURM 4");
        assert_eq!(
            pathdata_line(&line("SLURMQUEUE 8 -p short '--constraint=a,b'")).unwrap(),
            "SLURMQUEUE 8 -p short \"--constraint=a,b\""
        );
        let e = pathdata_line(&line("SLURMQUEUE")).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.to_string().contains("at least 1"), "{e}");
        assert!(pathdata_line(&line("SLURM 0")).is_err());
        assert!(pathdata_line(&line("SLURM 1 2")).is_err());
    }

    #[test]
    fn every_connection_pathdata_gets_the_line() {
        let deck = "DATASET LJAT3 D2 200 100 4\nMLPVB3 2 1 5 4 200 1.0D-4\n\
                    SLURMQUEUE 4 --partition=short\n";
        let study = crate::deck::Study::parse(deck, std::path::Path::new("landscape.in")).unwrap();
        let text = crate::templates::pathdata(
            &study,
            std::path::Path::new("/opt/bin/OPTIM"),
            &["CYCLES 5".into(), "CONNECTUNC LOWEST 2".into()],
        );
        assert!(
            text.contains("\nSLURMQUEUE 4 --partition=short\n"),
            "{text}"
        );
        let e = crate::deck::Study::parse(
            "DATASET LJAT3 D2 200 100 4\nMLPVB3 2 1 5 4 200 1.0D-4\nSLURMQUEUE 0\n",
            std::path::Path::new("landscape.in"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("SLURMQUEUE"), "{e}");
    }
}
