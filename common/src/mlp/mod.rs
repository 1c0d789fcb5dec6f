//! The MLP family: loss landscapes of feed-forward tanh networks (MLP3, MLPVB3, MLPVB3NN,
//! MLPMULTI; MLPB3/MLPB3NEW parse only), the `MLPdata` file, predictions and ROC AUC.
//!
//! Conventions (see potentials.md §2–4 of the spec):
//! - **Variables** (NOPT, 0-based here): all weight matrices in layer order, each row-major
//!   with the source (fan-in) index fastest, then all bias vectors in layer order; see
//!   [`Network`]. MLP3 has no biases; MLPVB3 = MLPMULTI with one hidden layer.
//! - **Data**: inputs item-major (`d·Nin + k`), labels 0-based (`0..Nout`); see [`MlpData`].
//! - **Energy**: mean over items of `−ln softmax(y)_c` plus `λ Σ X_v²` over all variables, or
//!   over the weights only with `NOREGBIAS`; see [`Mlp`].
//! - **Probabilities**: `Ndata × Nout`, item-major (`d·Nout + i`).
//! - **Determinism**: data are processed in fixed chunks of [`CHUNK`] items in parallel and the
//!   partial sums reduced in chunk order, so results are bit-identical for any thread count.
//!
//! Typical use by a program:
//!
//! ```no_run
//! use common::mlp::{Mlp, MlpSpec};
//! let mut spec = MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 10.0, 4.0, 100.0, 1.0e-4]).unwrap();
//! spec.noregbias = false; // from NOREGBIAS
//! spec.mlpnorm = false; // from MLPNORM
//! let mlp = Mlp::load(&spec, "MLPdata").unwrap();
//! ```

mod auc;
mod batch;
mod data;
mod ends;
mod freeze;
mod hessian;
mod kept;
mod kernel;
pub mod keywords;
mod loss;
mod network;
mod spec;

pub use auc::{auc, class_auc};
pub use data::{DataLayout, MlpData, MlpDataError, OutcomeColumn};
pub use freeze::nearest_neighbour_mask;
pub use keywords::{MlpLine, MlpTarget};
pub use loss::{Mlp, CHUNK};
pub use network::Network;
pub use spec::{is_mlp_keyword, MlpKind, MlpSpec, MAX_NOPT, MLP_KEYWORDS};

/// Errors building an MLP potential.
#[derive(Debug, thiserror::Error)]
pub enum MlpError {
    /// MLPB3 / MLPB3NEW: the formula of the extra variable is unknown.
    #[error("MLPB3/MLPB3NEW energy is not supported")]
    Unsupported,
    /// The data file could not be read.
    #[error(transparent)]
    Data(#[from] MlpDataError),
    /// Inconsistent network or data.
    #[error("{0}")]
    Invalid(String),
}
