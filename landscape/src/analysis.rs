//! Per-minimum statistics: losses and AUCs of every minimum of the database on the training
//! and test sets, and their mean and standard deviation over the minima.
//!
//! **AUC of a minimum** ([`AucDefinition`], deck `AUC CLASS c` / `AUC MEAN`): one number per
//! set, as in the paper's tables. `CLASS c` is the ROC AUC of class `c` against the rest,
//! scored by the softmax probability `p_c` ([`common::mlp::class_auc`]; ties count 1/2) — the
//! paper's choice for LJAT3 (section 4: "we chose to refer the threshold probability P to the
//! outcome corresponding to the equilateral triangle minimum", class 0), and the default for
//! LJAT3 data. `MEAN` is the mean over the classes of the one-vs-rest AUCs, a class with no
//! positive or no negative item in the set being left out — the default for MNIST and for
//! given files: the paper does not say which AUC its MNIST table reports, and with ten
//! balanced digits and no distinguished outcome the macro average (every digit weighted
//! equally) is the usual one-number summary. A set without the items an AUC needs has none
//! (`NA`).
//! With mislabelled training data the AUC is also computed on two subsets of the training set:
//! the correctly labelled items, and the mislabelled items scored against the labels the
//! network was trained on (how far the minimum memorises the wrong labels); the mislabelled
//! items scored against their true labels are a third, extra column.
//!
//! **Losses**: the training loss is the energy of the minimum (mean cross-entropy plus the L2
//! term) recomputed from `points.min`; the test loss is the same function with the test set in
//! place of the training set (L2 term included).

use crate::dataset::Sets;
use crate::deck::Study;
use anyhow::{Context, Result};
use common::database::{Database, DbConfig};
use common::mlp::{class_auc, Mlp, MlpData};
use common::potential::Potential;
use common::system::Symmetry;
use std::path::Path;

/// Statistics of one minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimumStats {
    /// Id (line of `min.data`).
    pub id: usize,
    /// Energy in `min.data`.
    pub energy: f64,
    /// Training loss recomputed from the coordinates.
    pub train_loss: f64,
    /// Mean one-vs-rest AUC on the training set (as labelled for training).
    pub train_auc: Option<f64>,
    /// Mean one-vs-rest AUC on the test set.
    pub test_auc: Option<f64>,
    /// Test loss.
    pub test_loss: f64,
    /// AUC on the correctly labelled training items (mislabelled data only).
    pub auc_correct: Option<f64>,
    /// AUC on the mislabelled training items, against their training labels.
    pub auc_incorrect: Option<f64>,
    /// AUC on the mislabelled training items, against their true labels.
    pub auc_incorrect_true: Option<f64>,
    /// Connected to the global minimum through transition states.
    pub connected: bool,
}

/// The statistics of a whole database.
#[derive(Debug, Clone, PartialEq)]
pub struct Landscape {
    /// One entry per minimum, in `min.data` order.
    pub minima: Vec<MinimumStats>,
    /// Number of transition states.
    pub nts: usize,
    /// Id of the global minimum (lowest energy; the first of equals).
    pub gmin: usize,
    /// Whether the training data were mislabelled (an `MLPdata.correct` exists).
    pub mislabelled: bool,
    /// Number of mislabelled training items.
    pub n_incorrect: usize,
    /// Training and test set sizes.
    pub ntrain: usize,
    /// Test items.
    pub ntest: usize,
    /// Number of distinct minima under the network symmetry (hidden-unit permutations and
    /// sign flips, EDIFFTOL and GEOMDIFFTOL of the study), whatever identity built the
    /// database: equal to the number of minima when PERMDIST was on.
    pub distinct: usize,
    /// The AUC every AUC column reports.
    pub auc: AucDefinition,
}

/// Which ROC AUC the statistics report (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AucDefinition {
    /// Class `c` (as labelled in the data files, 0-based) against the rest, scored by `p_c`.
    Class(usize),
    /// The mean over the classes of the one-vs-rest AUCs.
    Mean,
}

impl AucDefinition {
    /// The AUC of `probs` (`labels.len() × nout`, item-major) on the items `subset` (all when
    /// `None`).
    pub fn auc(
        self,
        probs: &[f64],
        labels: &[usize],
        nout: usize,
        subset: Option<&[usize]>,
    ) -> Option<f64> {
        match self {
            AucDefinition::Mean => mean_class_auc(probs, labels, nout, subset),
            AucDefinition::Class(c) => match subset {
                None => class_auc(probs, labels, nout, c),
                Some(items) => {
                    let (p, l) = select(probs, labels, nout, items);
                    class_auc(&p, &l, nout, c)
                }
            },
        }
    }

    /// The definition in words (summary.txt).
    pub fn describe(self) -> String {
        match self {
            AucDefinition::Class(c) => {
                format!("ROC AUC of class {c} against the rest, scored by p_{c}")
            }
            AucDefinition::Mean => "mean over the classes of the one-vs-rest ROC AUC".into(),
        }
    }

    /// The suffix of minima.csv's AUC columns (`class0`, `mean`).
    pub fn tag(self) -> String {
        match self {
            AucDefinition::Class(c) => format!("class{c}"),
            AucDefinition::Mean => "mean".into(),
        }
    }
}

/// The probabilities and labels of the items `items`.
fn select(probs: &[f64], labels: &[usize], nout: usize, items: &[usize]) -> (Vec<f64>, Vec<usize>) {
    (
        items
            .iter()
            .flat_map(|&d| probs[d * nout..(d + 1) * nout].iter().copied())
            .collect(),
        items.iter().map(|&d| labels[d]).collect(),
    )
}

/// Mean over classes of the one-vs-rest AUC (see the module documentation) of `probs`
/// (`labels.len() × nout`, item-major) on the items `subset` (all when `None`).
pub fn mean_class_auc(
    probs: &[f64],
    labels: &[usize],
    nout: usize,
    subset: Option<&[usize]>,
) -> Option<f64> {
    let (p, l): (Vec<f64>, Vec<usize>) = match subset {
        None => (probs.to_vec(), labels.to_vec()),
        Some(items) => select(probs, labels, nout, items),
    };
    if l.is_empty() {
        return None;
    }
    let aucs: Vec<f64> = (0..nout)
        .filter_map(|c| class_auc(&p, &l, nout, c))
        .collect();
    (!aucs.is_empty()).then(|| aucs.iter().sum::<f64>() / aucs.len() as f64)
}

/// Mean and standard deviation of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanStd {
    /// Mean.
    pub mean: f64,
    /// Standard deviation with divisor n (the spread of the minima found, not an estimate
    /// for a larger population); 0 for one value.
    pub std: f64,
    /// Number of values.
    pub n: usize,
}

/// Mean and standard deviation of the values present; `None` when there are none.
pub fn mean_std(values: impl IntoIterator<Item = Option<f64>>) -> Option<MeanStd> {
    let v: Vec<f64> = values.into_iter().flatten().collect();
    if v.is_empty() {
        return None;
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    Some(MeanStd {
        mean,
        std: var.sqrt(),
        n: v.len(),
    })
}

/// The statistics of one point `x` of network `mlp` (trained on `sets.train`).
pub fn point_stats(
    mlp: &Mlp,
    sets: &Sets,
    x: &[f64],
    incorrect: &[usize],
    def: AucDefinition,
) -> MinimumStats {
    let nout = mlp.network().nout();
    let train = &sets.train;
    let p_train = mlp.probabilities(x);
    let p_test = mlp.probabilities_on(&sets.test, x);
    let mean_class_auc =
        |p: &[f64], l: &[usize], n: usize, s: Option<&[usize]>| def.auc(p, l, n, s);
    let train_auc = mean_class_auc(&p_train, train.labels(), nout, None);
    let (auc_correct, auc_incorrect, auc_incorrect_true) = match &sets.correct {
        Some(correct) => {
            let bad: std::collections::HashSet<usize> = incorrect.iter().copied().collect();
            let good: Vec<usize> = (0..train.ndata()).filter(|d| !bad.contains(d)).collect();
            (
                mean_class_auc(&p_train, train.labels(), nout, Some(&good)),
                mean_class_auc(&p_train, train.labels(), nout, Some(incorrect)),
                mean_class_auc(&p_train, correct, nout, Some(incorrect)),
            )
        }
        None => (None, None, None),
    };
    MinimumStats {
        id: 0,
        energy: f64::NAN,
        train_loss: mlp.energy(x),
        train_auc,
        test_auc: mean_class_auc(&p_test, sets.test.labels(), nout, None),
        test_loss: mlp.loss_on(&sets.test, x),
        auc_correct,
        auc_incorrect,
        auc_incorrect_true,
        connected: false,
    }
}

/// The network of the study on its training data.
pub fn network(study: &Study, train: &MlpData) -> Result<Mlp> {
    Mlp::new(&study.network, train.clone()).context("the network does not match the data")
}

/// Open the database of `dir` read-only (the frozen variables of MLPVB3NN as zero modes; the
/// network symmetry group as identity unless `PERMDIST OFF`).
pub fn open_database(study: &Study, dir: &Path) -> Result<Database> {
    let mut cfg = DbConfig::network(study.network.nopt(), study.nzero());
    if study.permdist {
        cfg.symmetry = Symmetry::network(
            study.nzero(),
            Some(Symmetry::network_group(&study.network, &[])?),
        );
    }
    cfg.edifftol = study.edifftol;
    cfg.geomdifftol = study.geomdifftol;
    cfg.nofrqs = study.nofrqs;
    Database::open_read_only(dir, cfg)
        .with_context(|| format!("cannot read the database in {}", dir.display()))
}

/// The id of the lowest minimum (the first of equal energies); `None` for an empty database.
pub fn global_minimum(db: &Database) -> Option<usize> {
    (1..=db.nmin()).min_by(|&a, &b| {
        db.minimum(a)
            .energy
            .total_cmp(&db.minimum(b).energy)
            .then(a.cmp(&b))
    })
}

/// The number of distinct minima of `db` under the network symmetry group: every minimum is
/// offered, in id order, to an in-memory database with PERMDIST identity.
pub fn distinct_minima(study: &Study, db: &Database) -> Result<usize> {
    let mut cfg = DbConfig::network(study.network.nopt(), study.nzero());
    cfg.edifftol = study.edifftol;
    cfg.geomdifftol = study.geomdifftol;
    cfg.symmetry = Symmetry::network(
        study.nzero(),
        Some(Symmetry::network_group(&study.network, &[])?),
    );
    let mut mem = Database::in_memory(cfg);
    for id in 1..=db.nmin() {
        mem.add_minimum_if_new(db.minimum(id).clone(), db.min_coords(id))?;
    }
    Ok(mem.nmin())
}

/// Statistics of every minimum of the database in `dir`.
pub fn analyse(study: &Study, dir: &Path, sets: &Sets) -> Result<Landscape> {
    let db = open_database(study, dir)?;
    let mlp = network(study, &sets.train)?;
    // The points files must belong to this study's network and training data (issue 16):
    // the first and last records' losses are recomputed and compared with the data files.
    db.verify_energies(&|x| mlp.energy(x))
        .with_context(|| format!("the database in {} is not this study's", dir.display()))?;
    let gmin = global_minimum(&db).context("the database holds no minimum")?;
    let connected = db.connected_to(&[gmin]);
    let incorrect = sets.incorrect();
    let minima = (1..=db.nmin())
        .map(|id| {
            let mut s = point_stats(&mlp, sets, db.min_coords(id), &incorrect, study.auc);
            s.id = id;
            s.energy = db.minimum(id).energy;
            s.connected = connected[id - 1];
            s
        })
        .collect();
    let distinct = distinct_minima(study, &db)?;
    Ok(Landscape {
        distinct,
        minima,
        nts: db.nts(),
        gmin,
        mislabelled: sets.correct.is_some(),
        n_incorrect: incorrect.len(),
        ntrain: sets.train.ndata(),
        ntest: sets.test.ndata(),
        auc: study.auc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_auc_averages_the_defined_classes() {
        // Four items, three classes: class 0 wins 3 of its 4 pairs, classes 1 and 2 all.
        let probs = [
            0.6, 0.3, 0.1, //
            0.5, 0.4, 0.1, //
            0.2, 0.3, 0.5, //
            0.4, 0.2, 0.4,
        ];
        let labels = [0, 1, 2, 0];
        let m = mean_class_auc(&probs, &labels, 3, None).unwrap();
        assert!((m - 2.75 / 3.0).abs() < 1e-15, "{m}");
        // Class 0 alone: positives {0, 2} with p0 0.9, 0.7 vs negative 0.2 -> 1.0.
        let perfect = [0.9, 0.1, 0.2, 0.8, 0.7, 0.3];
        assert_eq!(
            mean_class_auc(&perfect, &[0, 1, 0], 2, Some(&[0, 1])),
            Some(1.0)
        );
        // A third class that never occurs is left out of the mean.
        let p3 = [0.8, 0.1, 0.1, 0.1, 0.8, 0.1];
        assert_eq!(mean_class_auc(&p3, &[0, 1], 3, None), Some(1.0));
        // One item: no class has both positives and negatives.
        assert_eq!(mean_class_auc(&p3, &[0, 1], 3, Some(&[1])), None);
        assert_eq!(mean_class_auc(&p3, &[0, 1], 3, Some(&[])), None);
    }

    #[test]
    fn ties_and_reversals() {
        // All scores equal: 0.5 for every class.
        let probs = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
        assert_eq!(mean_class_auc(&probs, &[0, 1, 0, 1], 2, None), Some(0.5));
        // Perfectly wrong.
        let wrong = [0.1, 0.9, 0.9, 0.1];
        assert_eq!(mean_class_auc(&wrong, &[0, 1], 2, None), Some(0.0));
    }

    #[test]
    fn mean_and_population_std() {
        let m = mean_std([Some(1.0), None, Some(3.0)]).unwrap();
        assert_eq!((m.mean, m.std, m.n), (2.0, 1.0, 2));
        let one = mean_std([Some(0.7)]).unwrap();
        assert_eq!((one.mean, one.std), (0.7, 0.0));
        assert!(mean_std([None, None]).is_none());
        assert!(mean_std(Vec::<Option<f64>>::new()).is_none());
    }

    #[test]
    fn point_statistics_on_a_tiny_network() {
        let spec =
            common::mlp::MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 2.0, 2.0, 4.0, 0.0]).unwrap();
        let train = MlpData::new(
            2,
            vec![1.0, 0.0, 0.9, 0.1, 0.0, 1.0, 0.1, 0.9],
            vec![0, 0, 1, 1],
        );
        let test = MlpData::new(2, vec![1.0, 0.1, 0.0, 0.8], vec![0, 1]);
        // Mislabel item 1 (true class 0, trained as 1).
        let mut given = train.labels().to_vec();
        given[1] = 1;
        let trained = MlpData::new(2, train.inputs().to_vec(), given);
        let sets = Sets {
            train: trained.clone(),
            test,
            correct: Some(train.labels().to_vec()),
        };
        let mlp = Mlp::new(&spec, trained).unwrap();
        let x: Vec<f64> = (0..spec.nopt()).map(|k| 0.3 * (k as f64 - 4.0)).collect();
        let incorrect = sets.incorrect();
        assert_eq!(incorrect, vec![1]);
        let s = point_stats(&mlp, &sets, &x, &incorrect, AucDefinition::Mean);
        assert!((s.train_loss - mlp.energy(&x)).abs() < 1e-15);
        assert!(s.test_loss > 0.0);
        assert!(s.train_auc.is_some() && s.test_auc.is_some());
        assert!(s.auc_correct.is_some());
        // A single item has no AUC.
        assert!(s.auc_incorrect.is_none() && s.auc_incorrect_true.is_none());
    }
}
