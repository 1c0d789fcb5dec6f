//! MLP keyword lines: argument orders, defaults, NOPT, and the data layout they imply.

use super::data::{DataLayout, OutcomeColumn};
use super::freeze::nearest_neighbour_mask;
use super::network::Network;
use super::MlpError;
use crate::potential::FrozenMask;

/// The network-defining MLP keywords accepted by [`MlpSpec::from_keyword`] (upper case).
pub const MLP_KEYWORDS: [&str; 6] = [
    "MLP3", "MLPB3", "MLPB3NEW", "MLPVB3", "MLPVB3NN", "MLPMULTI",
];

/// The largest network accepted, in variables (NOPT). Every program keeps several NOPT-sized
/// vectors (PATHSAMPLE builds the MLPVB3NN frozen mask while reading `pathdata`), so a deck
/// asking for more is an error when read, not an overflow or an allocation of petabytes. The
/// networks of the study have 10^2 to 10^5 variables.
pub const MAX_NOPT: usize = 10_000_000;

/// Whether `name` (any case) is one of the network-defining MLP keywords ([`MLP_KEYWORDS`]).
/// Flags such as `MLPNORM`, `NOREGBIAS`, `MLPPROB` and `MLPRINT` are not included.
pub fn is_mlp_keyword(name: &str) -> bool {
    MlpKind::from_keyword(name).is_some()
}

/// Which MLP keyword defined the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MlpKind {
    /// `MLP3 Nin Nhidden Nout Ndata [lambda] [datstart]`: one hidden layer, no biases.
    Mlp3,
    /// `MLPB3 Nin Nhidden Nout Ndata [lambda] [datstart]` (legacy; energy unsupported).
    MlpB3,
    /// `MLPB3NEW Nin Nstart Nhidden Nout Ndata [lambda]` (legacy; energy unsupported).
    MlpB3New,
    /// `MLPVB3 Nin Nstart Nhidden Nout Ndata [lambda]`: one hidden layer with biases.
    MlpVb3,
    /// `MLPVB3NN Nin Nstart Nhidden Nout Ndata [lambda] [Nneigh]`: MLPVB3 with
    /// nearest-neighbour freezing.
    MlpVb3Nn,
    /// `MLPMULTI Nin Nstart Nout Ndata lambda L H1 ... HL` (project keyword).
    MlpMulti,
}

impl MlpKind {
    /// The keyword (upper case).
    pub fn keyword(self) -> &'static str {
        match self {
            MlpKind::Mlp3 => "MLP3",
            MlpKind::MlpB3 => "MLPB3",
            MlpKind::MlpB3New => "MLPB3NEW",
            MlpKind::MlpVb3 => "MLPVB3",
            MlpKind::MlpVb3Nn => "MLPVB3NN",
            MlpKind::MlpMulti => "MLPMULTI",
        }
    }

    /// The kind named by a keyword (any case).
    pub fn from_keyword(name: &str) -> Option<Self> {
        let up = name.to_ascii_uppercase();
        [
            MlpKind::Mlp3,
            MlpKind::MlpB3,
            MlpKind::MlpB3New,
            MlpKind::MlpVb3,
            MlpKind::MlpVb3Nn,
            MlpKind::MlpMulti,
        ]
        .into_iter()
        .find(|k| k.keyword() == up)
    }

    /// Whether the keyword's energy can be evaluated (false for MLPB3/MLPB3NEW).
    pub fn energy_supported(self) -> bool {
        !matches!(self, MlpKind::MlpB3 | MlpKind::MlpB3New)
    }
}

/// Everything an MLP keyword line (plus the `NOREGBIAS` and `MLPNORM` flags) defines.
///
/// Counts are plain numbers; `nstart` and `datstart` are 1-based as in the deck. The caller
/// sets `noregbias` and `mlpnorm` from their own keywords (both default false).
#[derive(Debug, Clone, PartialEq)]
pub struct MlpSpec {
    /// The keyword.
    pub kind: MlpKind,
    /// Number of inputs I.
    pub nin: usize,
    /// Hidden layer sizes (one entry except for MLPMULTI).
    pub hidden: Vec<usize>,
    /// Number of outputs O.
    pub nout: usize,
    /// Number of data items.
    pub ndata: usize,
    /// L2 regularisation strength λ (default 0).
    pub lambda: f64,
    /// 1-based first feature column used (outcome-first data; 1 for MLP3/MLPB3).
    pub nstart: usize,
    /// 1-based first data line (legacy outcome-last data; default 1).
    pub datstart: usize,
    /// Outcome-first or legacy outcome-last data lines.
    pub outcome: OutcomeColumn,
    /// MLPVB3NN number of nearest neighbours (default 1; 1 for the other keywords, unused).
    pub nneigh: usize,
    /// `NOREGBIAS`: leave the biases out of the L2 term.
    pub noregbias: bool,
    /// `MLPNORM`: normalise the input columns at read time.
    pub mlpnorm: bool,
}

impl MlpSpec {
    /// Parse an ML keyword line: `keyword` (any case) and the numeric items after it (items
    /// present only; a null item already reads as 0).
    ///
    /// MLP3 is outcome-first with `Nstart = 1` unless the 6th item (`datstart`) is present,
    /// which selects the legacy outcome-last layout; MLPB3 is always outcome-last. Extra items
    /// are ignored with a warning. Counts must be non-negative integers; `Nin`, `Nhidden`,
    /// `Nout`, `Ndata`, `Nstart`, `L` and `H1..HL` must be at least 1; MLPVB3NN `Nneigh = 0` is
    /// the error `cannot have zero nearest neighbours`.
    pub fn from_keyword(keyword: &str, args: &[f64]) -> Result<MlpSpec, String> {
        let kind = MlpKind::from_keyword(keyword)
            .ok_or_else(|| format!("{keyword} is not an MLP keyword"))?;
        let name = kind.keyword();
        let need = |n: usize, what: &str| -> Result<(), String> {
            if args.len() < n {
                Err(format!(
                    "{name} needs at least {n} numbers ({what}), found {}",
                    args.len()
                ))
            } else {
                Ok(())
            }
        };
        let count = |i: usize, what: &str| -> Result<usize, String> {
            let v = args[i];
            if !v.is_finite() || v < 0.0 || v.fract() != 0.0 || v > 1.0e15 {
                return Err(format!(
                    "{name}: {what} must be a non-negative integer, found {v}"
                ));
            }
            Ok(v as usize)
        };
        let positive = |i: usize, what: &str| -> Result<usize, String> {
            let n = count(i, what)?;
            if n == 0 {
                return Err(format!("{name}: {what} must be at least 1"));
            }
            Ok(n)
        };
        let real = |i: usize, what: &str| -> Result<f64, String> {
            match args.get(i) {
                None => Ok(0.0),
                Some(v) if v.is_finite() => Ok(*v),
                Some(v) => Err(format!("{name}: {what} must be a finite number, found {v}")),
            }
        };
        let extra = |max: usize| {
            if args.len() > max {
                log::warn!(
                    "{name}: {} extra item(s) after the first {max} ignored",
                    args.len() - max
                );
            }
        };
        let mut spec = MlpSpec {
            kind,
            nin: 0,
            hidden: Vec::new(),
            nout: 0,
            ndata: 0,
            lambda: 0.0,
            nstart: 1,
            datstart: 1,
            outcome: OutcomeColumn::First,
            nneigh: 1,
            noregbias: false,
            mlpnorm: false,
        };
        match kind {
            MlpKind::Mlp3 | MlpKind::MlpB3 => {
                need(4, "Nin Nhidden Nout Ndata")?;
                spec.nin = positive(0, "Nin")?;
                spec.hidden = vec![positive(1, "Nhidden")?];
                spec.nout = positive(2, "Nout")?;
                spec.ndata = positive(3, "Ndata")?;
                spec.lambda = real(4, "lambda")?;
                if args.len() >= 6 {
                    spec.datstart = count(5, "datstart")?.max(1);
                    spec.outcome = OutcomeColumn::Last;
                }
                if kind == MlpKind::MlpB3 {
                    spec.outcome = OutcomeColumn::Last;
                }
                extra(6);
            }
            MlpKind::MlpB3New | MlpKind::MlpVb3 | MlpKind::MlpVb3Nn => {
                need(5, "Nin Nstart Nhidden Nout Ndata")?;
                spec.nin = positive(0, "Nin")?;
                spec.nstart = positive(1, "Nstart")?;
                spec.hidden = vec![positive(2, "Nhidden")?];
                spec.nout = positive(3, "Nout")?;
                spec.ndata = positive(4, "Ndata")?;
                spec.lambda = real(5, "lambda")?;
                if kind == MlpKind::MlpVb3Nn {
                    if args.len() >= 7 {
                        spec.nneigh = count(6, "Nneigh")?;
                        if spec.nneigh == 0 {
                            return Err("cannot have zero nearest neighbours".into());
                        }
                    }
                    extra(7);
                } else {
                    extra(6);
                }
            }
            MlpKind::MlpMulti => {
                need(6, "Nin Nstart Nout Ndata lambda L")?;
                spec.nin = positive(0, "Nin")?;
                spec.nstart = positive(1, "Nstart")?;
                spec.nout = positive(2, "Nout")?;
                spec.ndata = positive(3, "Ndata")?;
                spec.lambda = real(4, "lambda")?;
                let nlayers = positive(5, "L (number of hidden layers)")?;
                need(6 + nlayers, "Nin Nstart Nout Ndata lambda L H1..HL")?;
                spec.hidden = (0..nlayers)
                    .map(|l| positive(6 + l, &format!("H{}", l + 1)))
                    .collect::<Result<_, _>>()?;
                extra(6 + nlayers);
            }
        }
        match spec.checked_nopt() {
            Some(n) if n <= MAX_NOPT => Ok(spec),
            _ => Err(format!(
                "{name}: a network of layer sizes {:?} has more than {MAX_NOPT} variables",
                spec.sizes()
            )),
        }
    }

    /// Number of variables: `H(I+O)` (MLP3), `H(I+O)+1` (MLPB3, MLPB3NEW), `H(I+O)+H+O`
    /// (MLPVB3, MLPVB3NN), and for MLPMULTI all weights plus all hidden and output biases.
    ///
    /// # Panics
    /// If the count overflows `usize` (never for a spec from [`MlpSpec::from_keyword`], which
    /// refuses more than [`MAX_NOPT`]).
    pub fn nopt(&self) -> usize {
        self.checked_nopt()
            .expect("NOPT overflows usize (MlpSpec::from_keyword refuses such networks)")
    }

    /// [`MlpSpec::nopt`], or `None` when it overflows.
    fn checked_nopt(&self) -> Option<usize> {
        match self.kind {
            MlpKind::MlpB3 | MlpKind::MlpB3New => self.hidden[0]
                .checked_mul(self.nin.checked_add(self.nout)?)?
                .checked_add(1),
            _ => {
                let sizes = self.sizes();
                let mut n = 0usize;
                for w in sizes.windows(2) {
                    n = n.checked_add(w[0].checked_mul(w[1])?)?;
                }
                if self.kind != MlpKind::Mlp3 {
                    for &b in &sizes[1..] {
                        n = n.checked_add(b)?;
                    }
                }
                Some(n)
            }
        }
    }

    /// Layer sizes `[Nin, H1, ..., HL, Nout]`.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.nin];
        sizes.extend_from_slice(&self.hidden);
        sizes.push(self.nout);
        sizes
    }

    /// The network (MLP3 without biases, the others with), or
    /// `MLPB3/MLPB3NEW energy is not supported`.
    pub fn network(&self) -> Result<Network, MlpError> {
        if !self.kind.energy_supported() {
            return Err(MlpError::Unsupported);
        }
        Network::new(self.sizes(), self.kind != MlpKind::Mlp3).map_err(MlpError::Invalid)
    }

    /// How to read `MLPdata` for this keyword (including `MLPNORM`).
    pub fn data_layout(&self) -> DataLayout {
        DataLayout {
            nin: self.nin,
            nout: self.nout,
            ndata: self.ndata,
            nstart: self.nstart,
            outcome: self.outcome,
            datstart: self.datstart,
            normalise: self.mlpnorm,
        }
    }

    /// The frozen-variable mask the keyword implies (MLPVB3NN only).
    pub fn frozen_mask(&self) -> Option<FrozenMask> {
        (self.kind == MlpKind::MlpVb3Nn)
            .then(|| nearest_neighbour_mask(self.nin, self.hidden[0], self.nout, self.nneigh))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_networks_are_errors_not_allocations() {
        // Found by tests/tests/fuzz_parsers.rs: `MLPVB3NN 1000000000000000 1 1 1 1` in pathdata
        // built a 10^15-byte frozen mask while the deck was read (an abort), and H(I+O) with
        // counts up to 10^15 overflowed.
        let e = MlpSpec::from_keyword("MLPVB3NN", &[1e15, 1.0, 1.0, 1.0, 1.0]).unwrap_err();
        assert_eq!(
            e,
            "MLPVB3NN: a network of layer sizes [1000000000000000, 1, 1] has more than 10000000 \
             variables"
        );
        assert!(MlpSpec::from_keyword("MLP3", &[1e15, 1e15, 1e15, 1.0]).is_err());
        assert!(MlpSpec::from_keyword("MLPB3", &[1e15, 1e15, 1.0, 1.0]).is_err());
        let multi = [2.0, 1.0, 1.0, 1.0, 0.0, 2.0, 3000.0, 3000.0];
        assert_eq!(
            MlpSpec::from_keyword("MLPMULTI", &multi).unwrap().nopt(),
            9_015_001
        );
        let multi = [2.0, 1.0, 1.0, 1.0, 0.0, 2.0, 4000.0, 4000.0];
        assert!(MlpSpec::from_keyword("MLPMULTI", &multi).is_err());
        // The largest accepted: H(I+O)+H+O = MAX_NOPT exactly.
        let s = MlpSpec::from_keyword("MLPVB3", &[9_999_997.0, 1.0, 1.0, 1.0, 1.0]).unwrap();
        assert_eq!(s.nopt(), MAX_NOPT);
        assert!(MlpSpec::from_keyword("MLPVB3", &[9_999_998.0, 1.0, 1.0, 1.0, 1.0]).is_err());
    }
}
