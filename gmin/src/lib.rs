//! GMIN: basin-hopping global optimisation (library part; the `GMIN` binary is a thin wrapper).
//!
//! - [`save`]: the SAVE list of lowest distinct minima.
//! - [`hopping`]: the basin-hopping engine (walkers, Metropolis, step adaptation, final quenches).

pub mod coords;
pub mod dump;
pub mod hopping;
pub mod keywords;
pub mod save;
