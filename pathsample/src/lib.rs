//! PATHSAMPLE: databases of minima and transition states, parallel OPTIM jobs and connection
//! strategies (library part; the `PATHSAMPLE` binary is a thin wrapper).
//!
//! - [`keywords`]: the `pathdata` keyword table → [`keywords::PathsampleInput`].
//! - [`jobs`]: job files, the rolling pool of OPTIM processes, timeouts.
//! - [`pairs`]: pair-selection strategies and the tried-pairs list.
//! - [`analysis`]: rates, NGT, DIJKSTRA, regrouping, pruning.
//! - [`run`]: one run in a working directory.

pub mod analysis;
pub mod cluster;
pub mod jobs;
pub mod keywords;
pub mod pairs;
pub mod run;
