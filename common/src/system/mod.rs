//! One notion of a system's identity, alignment and distance (in the spirit of pele's
//! `BaseSystem`), used by GMIN, OPTIM, PATHSAMPLE and `landscape` alike.
//!
//! - [`Symmetry`]: what "the same point" means for a kind of coordinates and how a point is
//!   moved to its best image against another:
//!   - **atoms** (LJAT): centre of mass, proper rotation, inversion unless NOINVERSION, and with
//!     PERMDIST permutations of identical atoms ([`crate::geometry::aligned_distance`]);
//!   - **networks** (the MLP potentials): the plain Euclidean distance of the variables, or with
//!     PERMDIST the hidden-unit permutation and sign-flip group of the network
//!     ([`NetworkSymmetry`]; exact for one hidden layer, a heuristic for several).
//! - [`BaseSystem`]: a potential together with its [`Symmetry`] and identity tolerances; it
//!   answers `distance`, `align`, `same_minimum`, the zero modes and the Hessian data
//!   (point group, inertia) of a point.
//!
//! Identity (DECISION 9, algorithms.md §3): two points are the same when `|ΔE| < EDIFFTOL`
//! **and** their aligned distance is `< GEOMDIFFTOL`; the distance is computed only when the
//! energy test passes.

pub mod network;

pub use network::{NetworkAlignment, NetworkSymmetry, UnitMap};

use crate::geometry::{aligned_distance, euclidean_distance, same_structure, AlignOptions};
use crate::hessian_data::{point_data, PointData, System};
use crate::linalg::LinalgError;
use crate::ljat::Ljat;
use crate::mlp::{Mlp, MlpError, MlpSpec};
use crate::potential::{FrozenMask, Potential};

/// Identity and alignment rules of one kind of coordinates (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Symmetry {
    /// Atoms or network variables (zero modes, point groups, inertia).
    pub system: System,
    /// Atom alignment options (NOINVERSION, PERMDIST with `perm.allow` groups, RANROT); for
    /// networks only `permdist` is read, as a request (see [`Symmetry::network_group`]).
    pub align: AlignOptions,
    /// The network symmetry group, when PERMDIST applies to a network.
    pub network: Option<NetworkSymmetry>,
}

impl Symmetry {
    /// Identical atoms with the given alignment options.
    pub fn atoms(align: AlignOptions) -> Self {
        Self {
            system: System::Atoms,
            align,
            network: None,
        }
    }

    /// Network variables with `nzero` zero modes (frozen + ZEROS); `group` is the network
    /// symmetry group (PERMDIST) or `None` for the plain Euclidean distance.
    pub fn network(nzero: usize, group: Option<NetworkSymmetry>) -> Self {
        Self {
            system: System::Network { nzero },
            align: AlignOptions {
                permdist: group.is_some(),
                ..AlignOptions::default()
            },
            network: group,
        }
    }

    /// The network symmetry group of an MLP keyword line (its shape and its frozen mask, plus
    /// `extra_frozen` 0-based variables frozen by FREEZE).
    pub fn network_group(
        spec: &MlpSpec,
        extra_frozen: &[usize],
    ) -> Result<NetworkSymmetry, MlpError> {
        let network = spec.network()?;
        let nopt = network.nopt();
        let mut flags = spec
            .frozen_mask()
            .map_or(vec![false; nopt], |m| m.flags().to_vec());
        for &k in extra_frozen {
            if k < nopt {
                flags[k] = true;
            }
        }
        Ok(NetworkSymmetry::new(
            network,
            Some(FrozenMask::from_flags(flags)),
        ))
    }

    /// True for atoms.
    pub fn is_atoms(&self) -> bool {
        matches!(self.system, System::Atoms)
    }

    /// Whether points are identified under the system's symmetry group (PERMDIST).
    pub fn permdist(&self) -> bool {
        match self.system {
            System::Atoms => self.align.permdist,
            System::Network { .. } => self.network.is_some(),
        }
    }

    /// `b` moved to its best image against `a`, and the distance `|a − b_aligned|`.
    pub fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>) {
        match (&self.system, &self.network) {
            (System::Atoms, _) => {
                let al = aligned_distance(a, b, &self.align);
                (al.distance, al.b_aligned)
            }
            (System::Network { .. }, Some(g)) => {
                let al = g.align(a, b);
                (al.distance, al.b_aligned)
            }
            (System::Network { .. }, None) => (euclidean_distance(a, b), b.to_vec()),
        }
    }

    /// The distance of `a` and `b` after optimal alignment.
    pub fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        match (&self.system, &self.network) {
            (System::Atoms, _) => aligned_distance(a, b, &self.align).distance,
            (System::Network { .. }, Some(g)) => g.align(a, b).distance,
            (System::Network { .. }, None) => euclidean_distance(a, b),
        }
    }

    /// Identity of two points: `|ea − eb| < edifftol` and aligned distance `< geomdifftol`
    /// (the distance only when the energies agree).
    pub fn same_point(
        &self,
        (a, ea): (&[f64], f64),
        (b, eb): (&[f64], f64),
        edifftol: f64,
        geomdifftol: f64,
    ) -> bool {
        if (ea - eb).abs() >= edifftol {
            return false;
        }
        match self.system {
            System::Atoms => same_structure(ea, eb, a, b, edifftol, geomdifftol, &self.align),
            System::Network { .. } => self.distance(a, b) < geomdifftol,
        }
    }

    /// An orthonormal basis of the zero-mode space to project out of eigenvector searches: for
    /// atoms the 3 translations and 3 infinitesimal rotations about the centre of mass (fewer
    /// for a linear structure), for networks none (algorithms.md §5).
    pub fn zero_mode_basis(&self, x: &[f64]) -> Vec<Vec<f64>> {
        match self.system {
            System::Network { .. } => Vec::new(),
            System::Atoms => {
                let n = x.len() / 3;
                let com = crate::geometry::centre_of_mass(x);
                let mut raw: Vec<Vec<f64>> = Vec::with_capacity(6);
                for c in 0..3 {
                    let mut t = vec![0.0; 3 * n];
                    for a in 0..n {
                        t[3 * a + c] = 1.0;
                    }
                    raw.push(t);
                }
                for axis in 0..3 {
                    let mut r = vec![0.0; 3 * n];
                    for a in 0..n {
                        let p = [
                            x[3 * a] - com[0],
                            x[3 * a + 1] - com[1],
                            x[3 * a + 2] - com[2],
                        ];
                        // axis × p
                        let (u, v, w) = match axis {
                            0 => (0.0, -p[2], p[1]),
                            1 => (p[2], 0.0, -p[0]),
                            _ => (-p[1], p[0], 0.0),
                        };
                        r[3 * a] = u;
                        r[3 * a + 1] = v;
                        r[3 * a + 2] = w;
                    }
                    raw.push(r);
                }
                gram_schmidt(raw)
            }
        }
    }
}

/// Orthonormalise, dropping vectors that are (nearly) dependent.
pub fn gram_schmidt(vs: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let dot = |a: &[f64], b: &[f64]| -> f64 { a.iter().zip(b).map(|(x, y)| x * y).sum() };
    let mut out: Vec<Vec<f64>> = Vec::new();
    for mut v in vs {
        for u in &out {
            let d = dot(&v, u);
            v.iter_mut().zip(u).for_each(|(a, b)| *a -= d * b);
        }
        let n = dot(&v, &v).sqrt();
        if n > 1e-8 {
            v.iter_mut().for_each(|a| *a /= n);
            out.push(v);
        }
    }
    out
}

/// A potential with its symmetry and identity tolerances: everything a program needs to
/// compare, align and classify its points.
pub struct BaseSystem {
    /// The energy function.
    pub potential: Box<dyn Potential>,
    /// Identity and alignment rules.
    pub symmetry: Symmetry,
    /// Energy tolerance of the identity test (EDIFFTOL), energy units.
    pub edifftol: f64,
    /// Distance tolerance of the identity test (GEOMDIFFTOL), length units.
    pub geomdifftol: f64,
}

impl BaseSystem {
    /// A system with the default tolerances (EDIFFTOL 1e-6, GEOMDIFFTOL 0.1: OPTIM's).
    pub fn new(potential: Box<dyn Potential>, symmetry: Symmetry) -> Self {
        Self {
            potential,
            symmetry,
            edifftol: 1.0e-6,
            geomdifftol: 0.1,
        }
    }

    /// Number of variables.
    pub fn nopt(&self) -> usize {
        self.potential.nopt()
    }

    /// Atoms or network.
    pub fn kind(&self) -> System {
        self.symmetry.system
    }

    /// The distance after optimal alignment.
    pub fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        self.symmetry.distance(a, b)
    }

    /// `b` moved to its best image against `a`, with the distance.
    pub fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>) {
        self.symmetry.align(a, b)
    }

    /// Identity of two points with this system's tolerances.
    pub fn same_minimum(&self, a: &[f64], ea: f64, b: &[f64], eb: f64) -> bool {
        self.symmetry
            .same_point((a, ea), (b, eb), self.edifftol, self.geomdifftol)
    }

    /// Orthonormal zero-mode basis at `x` (see [`Symmetry::zero_mode_basis`]).
    pub fn zero_modes(&self, x: &[f64]) -> Vec<Vec<f64>> {
        self.symmetry.zero_mode_basis(x)
    }

    /// Hessian data at `x` (eigenvalues, index, fvib, point group, inertia).
    pub fn point_data(&self, x: &[f64], ts: bool) -> Result<PointData, LinalgError> {
        point_data(self.potential.as_ref(), x, self.symmetry.system, ts)
    }
}

/// A potential that could not be built from its deck values.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A FREEZE index beyond the system, or a similar deck value out of range.
    #[error("{0}")]
    Invalid(String),
    /// The network or its data file.
    #[error(transparent)]
    Mlp(#[from] MlpError),
}

/// The LJAT potential of `natoms` atoms with Axilrod–Teller strength `z`; `freeze` holds the
/// 1-based atoms of a FREEZE line.
pub fn build_ljat(natoms: usize, z: f64, freeze: &[usize]) -> Result<Ljat, BuildError> {
    let mut p = Ljat::new(natoms, z);
    if !freeze.is_empty() {
        if let Some(&k) = freeze.iter().find(|&&k| k == 0 || k > natoms) {
            return Err(BuildError::Invalid(format!(
                "FREEZE: atom {k} does not exist (NATOMS = {natoms})"
            )));
        }
        let atoms: Vec<usize> = freeze.iter().map(|k| k - 1).collect();
        p = p.with_frozen(FrozenMask::from_atoms(natoms, &atoms));
    }
    Ok(p)
}

/// The network loss of an MLP keyword line with its data file `data` (`MLPdata`); `freeze`
/// holds the 1-based variables of a FREEZE line, frozen on top of the keyword's own mask
/// (MLPVB3NN).
pub fn build_mlp(
    spec: &MlpSpec,
    data: &std::path::Path,
    freeze: &[usize],
) -> Result<Mlp, BuildError> {
    let mut mlp = Mlp::load(spec, data)?;
    if !freeze.is_empty() {
        let nopt = spec.nopt();
        if let Some(&k) = freeze.iter().find(|&&k| k == 0 || k > nopt) {
            return Err(BuildError::Invalid(format!(
                "FREEZE: variable {k} does not exist (NOPT = {nopt})"
            )));
        }
        let mut flags: Vec<bool> = mlp
            .frozen()
            .map_or(vec![false; nopt], |m| m.flags().to_vec());
        for &k in freeze {
            flags[k - 1] = true;
        }
        mlp = mlp.with_frozen(FrozenMask::from_flags(flags))?;
    }
    Ok(mlp)
}
