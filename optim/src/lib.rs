//! OPTIM: transition-state searches and connections of minima (library part; the `OPTIM`
//! binary is a thin wrapper).
//!
//! - [`model`]: the potential plus identity/distance/zero-mode rules (atoms vs networks).
//! - [`eigen`]: the lowest Hessian eigenpair (Rayleigh–Ritz with analytic Hv, or LAPACK).
//! - [`hef`]: hybrid eigenvector-following TS search (BFGSTS).

pub mod connect;
pub mod dneb;
pub mod eigen;
pub mod hef;
pub mod model;
