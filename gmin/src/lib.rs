//! GMIN: basin-hopping global optimisation (library part; the `GMIN` binary is a thin wrapper).
//!
//! - [`save`]: the SAVE list of lowest distinct minima.
//! - [`hopping`]: the basin-hopping engine (walkers, Metropolis, step adaptation, final quenches).

pub mod hopping;
pub mod save;
