//! OPTIM: transition-state searches and connections of minima (library part; the `OPTIM`
//! binary is a thin wrapper).
//!
//! - [`keywords`]: the `odata` keyword table and start coordinates → [`keywords::OptimInput`].
//! - [`model`]: the potential plus identity/distance/zero-mode rules (atoms vs networks).
//! - [`eigen`]: the lowest Hessian eigenpair (Rayleigh–Ritz with analytic Hv, or LAPACK).
//! - [`hef`]: hybrid eigenvector-following TS search (BFGSTS).
//! - [`dneb`]: the doubly-nudged elastic band.
//! - [`connect`]: stepping off TSs and the NEWCONNECT Dijkstra loop.
//! - [`output`]: path.info blocks, EofS, path.xyz.
//! - [`run`]: one run in a working directory (`OPTIM [suffix]`).

pub mod connect;
pub mod dneb;
pub mod eigen;
pub mod hef;
pub mod keywords;
pub mod model;
pub mod output;
pub mod run;
