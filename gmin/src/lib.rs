//! GMIN: basin-hopping global optimisation (library part; the `GMIN` binary is a thin wrapper).
//!
//! - [`keywords`]: the `data` keyword table → [`keywords::GminInput`].
//! - [`coords`]: the `coords` reader.
//! - [`hopping`]: the basin-hopping engine (walkers, Metropolis, step adaptation, final quenches).
//! - [`save`]: the SAVE list of lowest distinct minima.
//! - [`output`]: `GMIN_out` lines, `lowest`, TRACKDATA lines.
//! - [`dump`]: the exact restart dump.
//! - [`run`]: one run in a working directory.
//! - [`cli`]: other command-line modes (the LJAT3 dataset generator).

pub mod cli;
pub mod coords;
pub mod dump;
pub mod hopping;
pub mod keywords;
pub mod output;
pub mod run;
pub mod save;
