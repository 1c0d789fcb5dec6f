//! The study's text outputs: `minima.csv`, the two COLOURBYVALUE files and `summary.txt`.

use crate::analysis::{mean_std, AucDefinition, Landscape, MeanStd, MinimumStats};
use std::fmt::Write as _;

/// Missing value in `minima.csv` (an AUC that is not defined).
pub const NA: &str = "NA";

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.10}"),
        _ => NA.to_string(),
    }
}

/// The columns of `minima.csv` (the correct/incorrect ones only with mislabelled data); the
/// AUC columns carry the AUC definition (`train_auc_class0`, `test_auc_mean`, ...).
pub fn csv_header(mislabelled: bool, auc: AucDefinition) -> Vec<String> {
    let tag = auc.tag();
    let mut h = vec![
        "min".to_string(),
        "train_loss".into(),
        format!("train_auc_{tag}"),
        format!("test_auc_{tag}"),
    ];
    if mislabelled {
        for c in ["auc_correct", "auc_incorrect", "auc_incorrect_true"] {
            h.push(format!("{c}_{tag}"));
        }
    }
    h.extend(["test_loss".to_string(), "connected".into()]);
    h
}

/// `minima.csv`: a header, then one row per minimum in `min.data` order (see
/// [`csv_header`]); numbers with 10 decimals, an undefined AUC as `NA`, `connected` 1 when the
/// minimum is connected to the global minimum.
pub fn minima_csv(l: &Landscape) -> String {
    let mut s = csv_header(l.mislabelled, l.auc).join(",");
    s.push('\n');
    for m in &l.minima {
        let mut row = vec![
            m.id.to_string(),
            num(Some(m.train_loss)),
            num(m.train_auc),
            num(m.test_auc),
        ];
        if l.mislabelled {
            row.extend([
                num(m.auc_correct),
                num(m.auc_incorrect),
                num(m.auc_incorrect_true),
            ]);
        }
        row.push(num(Some(m.test_loss)));
        row.push(u8::from(m.connected).to_string());
        s.push_str(&row.join(","));
        s.push('\n');
    }
    s
}

/// A COLOURBYVALUE file: line k holds the value of minimum k; a blank line (drawn black) for an
/// undefined value.
pub fn values_file(values: impl IntoIterator<Item = Option<f64>>) -> String {
    values
        .into_iter()
        .map(|v| match v {
            Some(x) if x.is_finite() => format!("{x:.10}\n"),
            _ => "\n".to_string(),
        })
        .collect()
}

/// What the summary says about the study besides the numbers.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The deck file.
    pub deck: String,
    /// The dataset in words.
    pub dataset: String,
    /// The network keyword line.
    pub network: String,
    /// Mislabelled percentage.
    pub mislabel: f64,
    /// PERMDIST with its GEOMDIFFTOL, or `None` for the plain Euclidean identity.
    pub permdist: Option<f64>,
}

fn cell(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.4}"),
        _ => "-".into(),
    }
}

fn ms(v: Option<MeanStd>) -> (String, String) {
    match v {
        Some(m) => (format!("{:.4}", m.mean), format!("{:.4}", m.std)),
        None => ("-".into(), "-".into()),
    }
}

/// The paper's notation `[Nin,H...,Nout,Ndata,lambda]` of a network.
pub fn paper_notation(spec: &common::mlp::MlpSpec) -> String {
    let mut parts = vec![spec.nin.to_string()];
    parts.extend(spec.hidden.iter().map(|h| h.to_string()));
    parts.push(spec.nout.to_string());
    parts.push(spec.ndata.to_string());
    parts.push(format!("{}", spec.lambda));
    let mut s = format!("[{}]", parts.join(","));
    if spec.kind == common::mlp::MlpKind::MlpVb3Nn {
        let _ = write!(s, " with {} nearest neighbour(s)", spec.nneigh);
    }
    s
}

/// `summary.txt`: the study, then table 1 (database size and the global minimum) and table 2
/// (AUC over all minima, mean and standard deviation), each a header and one row, as one row
/// of the paper's tables 1 and 2.
pub fn summary(l: &Landscape, c: &Context) -> String {
    let g: &MinimumStats = &l.minima[l.gmin - 1];
    // The deck's percentage; for given files with correct labels, the share found in the data.
    let mis = if c.mislabel == 0.0 && l.n_incorrect > 0 {
        format!(
            "{:.1}",
            100.0 * l.n_incorrect as f64 / l.ntrain.max(1) as f64
        )
    } else {
        format!("{}", c.mislabel)
    };
    let nconn = l.minima.iter().filter(|m| m.connected).count();
    let mut s = String::new();
    let _ = writeln!(s, "Landscape summary");
    let _ = writeln!(s, "deck        {}", c.deck);
    let _ = writeln!(s, "dataset     {}", c.dataset);
    let _ = writeln!(s, "network     {}", c.network);
    let _ = writeln!(
        s,
        "data        {} training items ({} mislabelled), {} test items",
        l.ntrain, l.n_incorrect, l.ntest
    );
    let _ = match c.permdist {
        Some(tol) => writeln!(
            s,
            "identity    PERMDIST: copies of a network under hidden-unit permutations and sign flips are one minimum (aligned distance < {tol})"
        ),
        None => writeln!(
            s,
            "identity    PERMDIST OFF: minima compared by plain Euclidean distance (permuted copies count separately)"
        ),
    };
    let _ = writeln!(
        s,
        "AUC         {} (every AUC column); std over minima, divisor n",
        l.auc.describe()
    );
    let _ = writeln!(
        s,
        "database    {} minima ({} distinct under hidden-unit permutations and sign flips), {} transition states, {} minima connected to the global minimum (min {}), {} not connected",
        l.minima.len(),
        l.distinct,
        l.nts,
        nconn,
        l.gmin,
        l.minima.len() - nconn
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "Table 1: global minimum");
    let mut head = format!(
        "{:>6} {:>7} {:>7} {:>10} {:>10} {:>10} {:>10}",
        "Mis%", "Min", "Ts", "AUC train", "AUC test", "Loss train", "Loss test"
    );
    let mut row = format!(
        "{:>6} {:>7} {:>7} {:>10} {:>10} {:>10} {:>10}",
        mis.clone(),
        l.minima.len(),
        l.nts,
        cell(g.train_auc),
        cell(g.test_auc),
        cell(Some(g.train_loss)),
        cell(Some(g.test_loss))
    );
    if l.mislabelled {
        let _ = write!(head, " {:>10} {:>10}", "AUC corr", "AUC incorr");
        let _ = write!(
            row,
            " {:>10} {:>10}",
            cell(g.auc_correct),
            cell(g.auc_incorrect)
        );
    }
    let _ = writeln!(s, "{head}");
    let _ = writeln!(s, "{row}");
    let _ = writeln!(s);
    let nconnected = l.minima.iter().filter(|m| m.connected).count();
    let _ = writeln!(
        s,
        "Table 2: AUC over the minima (mean, standard deviation): all {} minima, then the {} connected to the global minimum",
        l.minima.len(),
        nconnected
    );
    let all: Vec<&MinimumStats> = l.minima.iter().collect();
    let connected: Vec<&MinimumStats> = l.minima.iter().filter(|m| m.connected).collect();
    let table2_row = |set: &[&MinimumStats]| -> String {
        let train = ms(mean_std(set.iter().map(|m| m.train_auc)));
        let test = ms(mean_std(set.iter().map(|m| m.test_auc)));
        let mut row = format!(
            "{:>6} {:>7} {:>9} {:>9} {:>9} {:>9}",
            mis.clone(),
            set.len(),
            train.0,
            train.1,
            test.0,
            test.1
        );
        if l.mislabelled {
            let corr = ms(mean_std(set.iter().map(|m| m.auc_correct)));
            let inc = ms(mean_std(set.iter().map(|m| m.auc_incorrect)));
            let inc_true = ms(mean_std(set.iter().map(|m| m.auc_incorrect_true)));
            let _ = write!(
                row,
                " {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
                corr.0, corr.1, inc.0, inc.1, inc_true.0, inc_true.1
            );
        }
        row
    };
    let mut head = format!(
        "{:>6} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "Mis%", "Min", "train", "sd", "test", "sd"
    );
    if l.mislabelled {
        let _ = write!(
            head,
            " {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "correct", "sd", "incorr", "sd", "inc.true", "sd"
        );
    }
    let _ = writeln!(s, "{head}");
    let _ = writeln!(s, "{}", table2_row(&all));
    let _ = writeln!(s, "{}", table2_row(&connected));
    let losses = |set: &[&MinimumStats]| {
        (
            ms(mean_std(set.iter().map(|m| Some(m.train_loss)))),
            ms(mean_std(set.iter().map(|m| Some(m.test_loss)))),
        )
    };
    let _ = writeln!(s);
    for (what, set) in [("all minima", &all), ("the connected minima", &connected)] {
        let (lt, ls) = losses(set);
        let _ = writeln!(
            s,
            "Loss over {what}: training {} (sd {}), testing {} (sd {})",
            lt.0, lt.1, ls.0, ls.1
        );
    }
    if l.mislabelled {
        let _ = writeln!(
            s,
            "incorr = the mislabelled training items scored against their training labels; \
             inc.true = against their true labels"
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(id: usize, train: f64, test: Option<f64>, mis: bool) -> MinimumStats {
        MinimumStats {
            id,
            energy: 1.0 + id as f64,
            train_loss: 1.0 + id as f64,
            train_auc: Some(train),
            test_auc: test,
            test_loss: 2.0 + id as f64,
            auc_correct: mis.then_some(0.9),
            auc_incorrect: mis.then_some(0.3),
            auc_incorrect_true: None,
            connected: id != 3,
        }
    }

    fn landscape(mis: bool) -> Landscape {
        Landscape {
            minima: vec![
                stats(1, 0.8, Some(0.7), mis),
                stats(2, 0.9, Some(0.75), mis),
                stats(3, 0.7, None, mis),
            ],
            nts: 4,
            distinct: 3,
            gmin: 2,
            mislabelled: mis,
            n_incorrect: if mis { 20 } else { 0 },
            ntrain: 200,
            ntest: 100,
            auc: if mis {
                AucDefinition::Mean
            } else {
                AucDefinition::Class(0)
            },
        }
    }

    #[test]
    fn csv_rows_follow_min_data_order() {
        let csv = minima_csv(&landscape(false));
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "min,train_loss,train_auc_class0,test_auc_class0,test_loss,connected"
        );
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[1],
            "1,2.0000000000,0.8000000000,0.7000000000,3.0000000000,1"
        );
        assert_eq!(lines[3], "3,4.0000000000,0.7000000000,NA,5.0000000000,0");
        let csv = minima_csv(&landscape(true));
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "min,train_loss,train_auc_mean,test_auc_mean,auc_correct_mean,auc_incorrect_mean,auc_incorrect_true_mean,test_loss,connected"
        );
        assert_eq!(
            lines[2],
            "2,3.0000000000,0.9000000000,0.7500000000,0.9000000000,0.3000000000,NA,4.0000000000,1"
        );
        // Every row has as many fields as the header.
        for l in &lines {
            assert_eq!(l.split(',').count(), 9);
        }
    }

    #[test]
    fn value_files_have_one_line_per_minimum() {
        let t = values_file([Some(0.5), None, Some(f64::NAN), Some(1.0)]);
        assert_eq!(t, "0.5000000000\n\n\n1.0000000000\n");
    }

    #[test]
    fn summary_tables_hold_the_global_minimum_and_the_spread() {
        let c = Context {
            deck: "d".into(),
            dataset: "LJAT3 D2".into(),
            network: "MLPVB3 2 1 5 4 200 1.0D-4".into(),
            mislabel: 0.0,
            permdist: Some(0.01),
        };
        let s = summary(&landscape(false), &c);
        assert!(s.contains("identity    PERMDIST: copies"), "{s}");
        assert!(
            s.contains("AUC         ROC AUC of class 0 against the rest, scored by p_0"),
            "{s}"
        );
        assert!(s.contains("Table 1: global minimum"), "{s}");
        let lines: Vec<&str> = s.lines().collect();
        let t1 = lines.iter().position(|l| l.starts_with("Table 1")).unwrap();
        let row: Vec<&str> = lines[t1 + 2].split_whitespace().collect();
        // Mis%, Min, Ts, AUC train/test and losses of minimum 2.
        assert_eq!(row, ["0", "3", "4", "0.9000", "0.7500", "3.0000", "4.0000"]);
        let t2 = lines.iter().position(|l| l.starts_with("Table 2")).unwrap();
        let row: Vec<&str> = lines[t2 + 2].split_whitespace().collect();
        // Training mean 0.8, sd sqrt(2/300); test over the two defined values.
        assert_eq!(row, ["0", "3", "0.8000", "0.0816", "0.7250", "0.0250"]);
        // The second row: the two minima connected to the global minimum (1 and 2).
        let row: Vec<&str> = lines[t2 + 3].split_whitespace().collect();
        assert_eq!(row, ["0", "2", "0.8500", "0.0500", "0.7250", "0.0250"]);
        assert!(s.contains("(min 2), 1 not connected"), "{s}");
        assert!(s.contains("Loss over the connected minima: training 2.5000 (sd 0.5000)"));
        assert!(s.contains("2 minima connected to the global minimum (min 2)"));
        let s = summary(&landscape(true), &c);
        assert!(s.contains("AUC corr") && s.contains("inc.true"), "{s}");
        let lines: Vec<&str> = s.lines().collect();
        let t2 = lines.iter().position(|l| l.starts_with("Table 2")).unwrap();
        let row: Vec<&str> = lines[t2 + 2].split_whitespace().collect();
        assert_eq!(
            &row[6..],
            ["0.9000", "0.0000", "0.3000", "0.0000", "-", "-"]
        );
    }

    #[test]
    fn paper_notation_of_networks() {
        let s = common::mlp::MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 10.0, 4.0, 1000.0, 1e-4])
            .unwrap();
        assert_eq!(paper_notation(&s), "[2,10,4,1000,0.0001]");
        let m = common::mlp::MlpSpec::from_keyword(
            "MLPMULTI",
            &[2.0, 1.0, 4.0, 100.0, 1e-4, 3.0, 4.0, 4.0, 4.0],
        )
        .unwrap();
        assert_eq!(paper_notation(&m), "[2,4,4,4,4,100,0.0001]");
    }
}
