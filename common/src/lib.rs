//! Shared library of the energy-landscape suite (GMIN, OPTIM, PATHSAMPLE, disconnectionDPS).
//!
//! Modules, one job each:
//! - [`potential`]: the [`potential::Potential`] trait (energy, gradient, Hessian, Hv, frozen mask).
//! - [`ljat`]: Lennard-Jones plus Axilrod–Teller for N atoms.
//! - [`mlp`]: the MLP loss family (MLP3, MLPVB3, MLPVB3NN, MLPMULTI), `MLPdata`, predictions, AUC.
//! - [`lbfgs`]: the GMIN/OPTIM-style limited-memory BFGS minimiser.
//! - [`linalg`]: LAPACK symmetric eigenproblems, fvib, Cholesky log-determinants, BLAS `dgemm`.
//! - `simd` (crate-internal): 8-lane blocks for AVX-512, AVX2+FMA and portable code, bit-identical.
//! - [`deck`]: the keyword-deck lexer shared by all four programs (and the `dinfo` variant).
//! - [`rng`]: seeded, reproducible random streams.
//! - [`fortran_fmt`]: Fortran edit descriptors (I, F, E, G, ...) rendered byte for byte.
//! - [`geometry`]: centring, moments of inertia, optimal alignment, point groups.
//! - [`dataset`]: the LJAT3 classification datasets (D1, D2, D3).
//! - [`system`]: one notion of identity, alignment and distance per system (atoms; networks
//!   with their hidden-unit symmetry under PERMDIST), and [`system::BaseSystem`].

// Link OpenBLAS (system library) for LAPACK/BLAS symbols.
extern crate openblas_src;

pub mod database;
pub mod dataset;
pub mod deck;
pub mod files;
pub mod fortran_fmt;
pub mod geometry;
pub mod hessian_data;
pub mod lbfgs;
pub mod linalg;
pub mod ljat;
pub mod mlp;
pub mod potential;
pub mod process;
pub mod rng;
pub(crate) mod simd;
pub mod system;
pub mod terminal;
