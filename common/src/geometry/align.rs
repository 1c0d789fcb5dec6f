//! Optimal alignment distance between two structures (algorithms.md §3, DECISION 9).
//!
//! Both structures are translated to their centres of mass. Structure B is then moved onto
//! structure A by the proper rotation that minimises the Euclidean distance (Horn's quaternion
//! method: the rotation is the eigenvector of the largest eigenvalue of a symmetric 4×4
//! matrix built from the cross-covariance, so it is always proper and needs no reflection
//! fix-up); unless `no_inversion`, the inverted structure −B is aligned as well and the better
//! of the two is kept. With `permdist`, permutations of identical atoms are optimised too: from
//! each start orientation, an optimal assignment of B's atoms to A's atoms within each
//! permutable group (squared distances as costs, [`solve_assignment`]) alternates with the
//! optimal rotation for that assignment until the distance stops decreasing.
//!
//! When the permutable groups allow at most 720 permutations in all (Π |group|!; every
//! cluster of N ≤ 6 atoms), every permutation is enumerated with its optimal rotation and the
//! result is the exact global minimum. Otherwise a multi-start local search is used; its start
//! orientations are tried in this fixed order:
//! 1. the identity (B as given, after centring);
//! 2. the best rotation for the identity assignment;
//! 3. "frame" starts: A's atom p farthest from the centre and the atom q farthest from the
//!    line through p define a frame; each pair (p', q') of B atoms that may be permuted onto
//!    (p, q) and whose radii and projection p̂'·q' resemble those of (p, q) defines the
//!    rotation that carries B's frame onto A's (as the Fortran's standard orientations do, this
//!    makes an exact copy be found whatever its orientation and permutation);
//! 4. the four proper matchings of the principal axes of inertia;
//! 5. `ranrot` uniformly random rotations from the seeded stream `Stream::new(seed, 0)`.
//!
//! The search stops early once a distance below 1e-10 (or below the caller's target in
//! [`same_structure`]) is found. Everything is deterministic for given inputs and seed.

use super::{
    centre_of_mass, cross, dot, mat_mul, mat_vec, natoms, norm, points, principal_axes,
    quaternion_to_matrix, random_rotation, scale_mat, solve_assignment, sub, transpose, Mat3,
    IDENTITY,
};
use crate::rng::Stream;
use nalgebra::{Matrix4, SymmetricEigen};

/// Options of the alignment (keyword names of OPTIM/PATHSAMPLE in brackets).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlignOptions {
    /// Forbid the inversion −B (NOINVERSION). Default false: inversion allowed.
    pub no_inversion: bool,
    /// Optimise over permutations of identical atoms (PERMDIST). Default false.
    pub permdist: bool,
    /// Permutable groups of 0-based atom indices (the primary groups of a `perm.allow` file,
    /// converted to 0-based); atoms in no group are never permuted. `None` = all atoms form one
    /// group (no `perm.allow` file). Groups must be disjoint. Only used with `permdist`.
    /// Secondary sets of `perm.allow` are not supported (LJAT has none).
    pub perm_groups: Option<Vec<Vec<usize>>>,
    /// Extra random start orientations (RANROT). Default 0.
    pub ranrot: usize,
    /// Seed of the random start orientations.
    pub seed: u64,
}

/// Result of [`aligned_distance`].
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    /// The minimised Euclidean distance `|A − b_aligned|` (length units; the norm of the full
    /// 3N difference vector, not an RMS).
    pub distance: f64,
    /// B moved onto A, in A's frame and atom order: atom `i` of `b_aligned` is B's atom
    /// `permutation[i]`, i.e.
    /// `b_aligned[i] = com(A) + rotation · (b[permutation[i]] − com(B))`.
    pub b_aligned: Vec<f64>,
    /// `permutation[i]` = index (0-based) of the atom of B matched with atom `i` of A
    /// (the identity without `permdist`).
    pub permutation: Vec<usize>,
    /// True when the optimum uses the inversion (then `rotation` has determinant −1).
    pub inverted: bool,
    /// The orthogonal matrix applied to centred B (proper unless `inverted`).
    pub rotation: Mat3,
}

/// Below this distance a start is taken as an exact match and the search stops.
const EXACT_MATCH: f64 = 1e-10;
/// Maximum rotation/assignment alternations from one start.
const MAX_ALTERNATIONS: usize = 100;
/// Tolerance (length units) for matching radii/projections of the frame atoms.
const FRAME_TOL: f64 = 0.1;
/// Candidates always kept per frame atom, however poor their match.
const FRAME_MIN_KEEP: usize = 3;
/// Cap on the number of frame starts.
const MAX_FRAME_STARTS: usize = 2000;
/// With at most this many permutations in all (Π over groups of |group|!), they are simply
/// enumerated: the result is then the exact global minimum (every N ≤ 6).
const EXHAUSTIVE_LIMIT: usize = 720;

/// Plain Euclidean distance `sqrt(Σ_k (a_k − b_k)²)` of two vectors, without any alignment
/// (DECISION 9: MLP variables; also the network-weight distance).
///
/// # Panics
/// If the lengths differ.
pub fn euclidean_distance(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "euclidean_distance: length mismatch");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// The proper rotation `R` minimising `Σ_i |a_i − R b_i|²` for structures `a`, `b` given
/// as they are (no centring, no permutation): Horn's quaternion method.
///
/// # Panics
/// If the lengths differ or are not a multiple of 3.
pub fn optimal_rotation(a: &[f64], b: &[f64]) -> Mat3 {
    assert_eq!(a.len(), b.len(), "optimal_rotation: length mismatch");
    let pa = points(a);
    let pb = points(b);
    let ident: Vec<usize> = (0..pa.len()).collect();
    best_rotation(&pa, &pb, &ident)
}

/// Proper rotation `R` minimising `Σ_i |a_i − R b_{perm[i]}|²` (Horn 1987).
pub(crate) fn best_rotation(a: &[[f64; 3]], b: &[[f64; 3]], perm: &[usize]) -> Mat3 {
    // S[k][l] = Σ b_k a_l (b moving, a fixed).
    let mut s = [[0.0; 3]; 3];
    for (i, ai) in a.iter().enumerate() {
        let bi = b[perm[i]];
        for k in 0..3 {
            for l in 0..3 {
                s[k][l] += bi[k] * ai[l];
            }
        }
    }
    let (xx, xy, xz) = (s[0][0], s[0][1], s[0][2]);
    let (yx, yy, yz) = (s[1][0], s[1][1], s[1][2]);
    let (zx, zy, zz) = (s[2][0], s[2][1], s[2][2]);
    #[rustfmt::skip]
    let n = Matrix4::new(
        xx + yy + zz, yz - zy,       zx - xz,       xy - yx,
        yz - zy,      xx - yy - zz,  xy + yx,       zx + xz,
        zx - xz,      xy + yx,       -xx + yy - zz, yz + zy,
        xy - yx,      zx + xz,       yz + zy,       -xx - yy + zz,
    );
    if n.iter().all(|v| v.abs() < 1e-300) {
        return IDENTITY;
    }
    let eig = SymmetricEigen::new(n);
    let mut k = 0;
    for j in 1..4 {
        if eig.eigenvalues[j] > eig.eigenvalues[k] {
            k = j;
        }
    }
    let q = eig.eigenvectors.column(k);
    quaternion_to_matrix([q[0], q[1], q[2], q[3]])
}

fn sq_dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    let d = sub(a, b);
    dot(d, d)
}

fn total_sq(a: &[[f64; 3]], b: &[[f64; 3]], perm: &[usize]) -> f64 {
    a.iter()
        .enumerate()
        .map(|(i, &ai)| sq_dist(ai, b[perm[i]]))
        .sum()
}

/// One candidate solution for centred A and centred (possibly inverted) B.
#[derive(Clone)]
struct Candidate {
    d2: f64,
    perm: Vec<usize>,
    rot: Mat3,
}

/// The permutation problem: centred A and the permutable groups (each of ≥ 2 atoms).
struct PermProblem<'a> {
    a: &'a [[f64; 3]],
    groups: Vec<Vec<usize>>,
    /// `allowed[i]`: B atoms that may be matched with A's atom `i` (its group, or `[i]`).
    allowed: Vec<Vec<usize>>,
}

impl PermProblem<'_> {
    /// Optimal assignment within each group for the current orientation `b`.
    fn assign(&self, b: &[[f64; 3]]) -> Vec<usize> {
        let mut perm: Vec<usize> = (0..self.a.len()).collect();
        let mut cost = Vec::new();
        for g in &self.groups {
            let m = g.len();
            cost.clear();
            for &i in g {
                for &j in g {
                    cost.push(sq_dist(self.a[i], b[j]));
                }
            }
            let (asg, _) = solve_assignment(&cost, m);
            for (r, &c) in asg.iter().enumerate() {
                perm[g[r]] = g[c];
            }
        }
        perm
    }

    /// Alternate assignment and rotation from the start orientation `start`.
    fn refine(&self, b: &[[f64; 3]], start: &Mat3) -> Candidate {
        let mut rot = *start;
        let mut bc: Vec<[f64; 3]> = b.iter().map(|&p| mat_vec(&rot, p)).collect();
        let mut best: Option<Candidate> = None;
        for _ in 0..MAX_ALTERNATIONS {
            let perm = self.assign(&bc);
            let r = best_rotation(self.a, &bc, &perm);
            for p in bc.iter_mut() {
                *p = mat_vec(&r, *p);
            }
            rot = mat_mul(&r, &rot);
            let d2 = total_sq(self.a, &bc, &perm);
            let improved = match &best {
                None => true,
                Some(c) => d2 < c.d2 * (1.0 - 1e-12) - 1e-24,
            };
            let smaller = best.as_ref().is_none_or(|c| d2 < c.d2);
            if smaller {
                best = Some(Candidate { d2, perm, rot });
            }
            if !improved {
                break;
            }
        }
        best.expect("at least one alternation")
    }

    /// Number of permutations, or `None` beyond [`EXHAUSTIVE_LIMIT`].
    fn permutation_count(&self) -> Option<usize> {
        let mut total: usize = 1;
        for g in &self.groups {
            for k in 2..=g.len() {
                total = total.checked_mul(k)?;
                if total > EXHAUSTIVE_LIMIT {
                    return None;
                }
            }
        }
        Some(total)
    }

    /// Exact minimum by enumerating every permutation (with its optimal rotation); the
    /// first of equal minima in lexicographic order (group by group) is kept.
    fn exhaustive(&self, b: &[[f64; 3]]) -> Candidate {
        let n = self.a.len();
        // orders[k] = current arrangement of group k's members.
        let mut orders: Vec<Vec<usize>> = self.groups.clone();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut best: Option<Candidate> = None;
        loop {
            for (g, o) in self.groups.iter().zip(&orders) {
                for (slot, &atom) in g.iter().zip(o) {
                    perm[*slot] = atom;
                }
            }
            let rot = best_rotation(self.a, b, &perm);
            let d2 = self
                .a
                .iter()
                .enumerate()
                .map(|(i, &ai)| sq_dist(ai, mat_vec(&rot, b[perm[i]])))
                .sum::<f64>();
            if best.as_ref().is_none_or(|c| d2 < c.d2) {
                best = Some(Candidate {
                    d2,
                    perm: perm.clone(),
                    rot,
                });
            }
            // Advance the odometer of per-group permutations (last group fastest).
            let mut k = orders.len();
            loop {
                if k == 0 {
                    return best.expect("at least one permutation");
                }
                k -= 1;
                if next_permutation(&mut orders[k]) {
                    break;
                }
                // Wrapped around to the sorted order: carry into the previous group.
            }
        }
    }

    /// Frame start rotations (see the module documentation).
    fn frame_starts(&self, b: &[[f64; 3]]) -> Vec<Mat3> {
        let a = self.a;
        let n = a.len();
        let ra: Vec<f64> = a.iter().map(|&p| norm(p)).collect();
        let rb: Vec<f64> = b.iter().map(|&p| norm(p)).collect();
        // p: the atom of A farthest from the centre (lowest index on ties).
        let mut p = 0;
        for i in 1..n {
            if ra[i] > ra[p] {
                p = i;
            }
        }
        if n == 0 || ra[p] < 1e-8 {
            return Vec::new();
        }
        let pa_hat = a[p].map(|c| c / ra[p]);
        let perp = |v: [f64; 3], axis: [f64; 3]| norm(cross(v, axis));
        // q: the atom of A farthest from the line through p.
        let mut q = usize::MAX;
        let mut best_perp = 1e-6 * ra[p];
        for (i, &ai) in a.iter().enumerate() {
            let d = perp(ai, pa_hat);
            if i != p && d > best_perp {
                best_perp = d;
                q = i;
            }
        }
        let frame_a = match q {
            usize::MAX => frame(a[p], any_perpendicular(a[p])),
            _ => frame(a[p], a[q]),
        };
        let Some(frame_a) = frame_a else {
            return Vec::new();
        };
        let keep = |mut scored: Vec<(f64, usize)>, tol: f64| {
            scored.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            let k = scored
                .iter()
                .take_while(|s| s.0 <= tol)
                .count()
                .max(FRAME_MIN_KEEP);
            scored.truncate(k);
            scored
        };
        let cand_p = keep(
            self.allowed[p]
                .iter()
                .filter(|&&j| rb[j] > 1e-8)
                .map(|&j| ((rb[j] - ra[p]).abs(), j))
                .collect(),
            FRAME_TOL,
        );
        let mut starts: Vec<(f64, usize, usize, Mat3)> = Vec::new();
        for &(sp, pp) in &cand_p {
            let pb_hat = b[pp].map(|c| c / rb[pp]);
            if q == usize::MAX {
                if let Some(fb) = frame(b[pp], any_perpendicular(b[pp])) {
                    starts.push((sp, pp, 0, mat_mul(&transpose(&frame_a), &fb)));
                }
                continue;
            }
            let proj_a = dot(a[q], pa_hat);
            let cand_q = keep(
                self.allowed[q]
                    .iter()
                    .filter(|&&j| j != pp && perp(b[j], pb_hat) > 1e-8)
                    .map(|&j| {
                        let s = (rb[j] - ra[q]).abs() + (dot(b[j], pb_hat) - proj_a).abs();
                        (s, j)
                    })
                    .collect(),
                2.0 * FRAME_TOL,
            );
            for &(sq, qq) in &cand_q {
                if let Some(fb) = frame(b[pp], b[qq]) {
                    starts.push((sp + sq, pp, qq, mat_mul(&transpose(&frame_a), &fb)));
                }
            }
        }
        starts.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        starts.truncate(MAX_FRAME_STARTS);
        starts.into_iter().map(|s| s.3).collect()
    }
}

/// Lexicographic next permutation in place; on the last one, reset to ascending order and
/// return false.
fn next_permutation(v: &mut [usize]) -> bool {
    let n = v.len();
    if n < 2 {
        return false;
    }
    let mut i = n - 1;
    while i > 0 && v[i - 1] >= v[i] {
        i -= 1;
    }
    if i == 0 {
        v.reverse();
        return false;
    }
    let mut j = n - 1;
    while v[j] <= v[i - 1] {
        j -= 1;
    }
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

/// Orthonormal frame (rows e1, e2, e3) with e1 along `u` and e2 in the (u, v) plane.
fn frame(u: [f64; 3], v: [f64; 3]) -> Option<Mat3> {
    let nu = norm(u);
    if nu < 1e-12 {
        return None;
    }
    let e1 = u.map(|c| c / nu);
    let w = sub(v, e1.map(|c| c * dot(v, e1)));
    let nw = norm(w);
    if nw < 1e-12 {
        return None;
    }
    let e2 = w.map(|c| c / nw);
    Some([e1, e2, cross(e1, e2)])
}

/// Some vector perpendicular to `u` (deterministic).
fn any_perpendicular(u: [f64; 3]) -> [f64; 3] {
    let ax = u.map(f64::abs);
    let e = if ax[0] <= ax[1] && ax[0] <= ax[2] {
        [1.0, 0.0, 0.0]
    } else if ax[1] <= ax[2] {
        [0.0, 1.0, 0.0]
    } else {
        [0.0, 0.0, 1.0]
    };
    cross(u, e)
}

/// Best alignment of centred (possibly inverted) `b` onto centred `a`.
fn search(
    a: &[[f64; 3]],
    b: &[[f64; 3]],
    problem: Option<&PermProblem>,
    opts: &AlignOptions,
    stop_below: f64,
    exhaustive_ok: bool,
) -> Candidate {
    let ident: Vec<usize> = (0..a.len()).collect();
    let rigid = {
        let rot = best_rotation(a, b, &ident);
        let moved: Vec<[f64; 3]> = b.iter().map(|&p| mat_vec(&rot, p)).collect();
        Candidate {
            d2: total_sq(a, &moved, &ident),
            perm: ident.clone(),
            rot,
        }
    };
    let Some(problem) = problem else {
        return rigid;
    };
    if exhaustive_ok && problem.permutation_count().is_some() {
        return problem.exhaustive(b);
    }
    let stop2 = stop_below.max(EXACT_MATCH).powi(2);
    let mut best: Option<Candidate> = None;
    let consider = |start: &Mat3, best: &mut Option<Candidate>| -> bool {
        let c = problem.refine(b, start);
        if best.as_ref().is_none_or(|x| c.d2 < x.d2) {
            *best = Some(c);
        }
        best.as_ref().is_some_and(|x| x.d2 < stop2)
    };
    // 1-2: identity and the rigid optimum.
    if consider(&IDENTITY, &mut best) || consider(&rigid.rot, &mut best) {
        return best.unwrap();
    }
    // 3: frame starts.
    for start in problem.frame_starts(b) {
        if consider(&start, &mut best) {
            return best.unwrap();
        }
    }
    // 4: principal axes (B's frame onto A's, the four proper sign choices).
    let ax_a = principal_axes(&a.concat()).1;
    let ax_b = principal_axes(&b.concat()).1;
    for signs in [
        [1.0, 1.0, 1.0],
        [1.0, -1.0, -1.0],
        [-1.0, 1.0, -1.0],
        [-1.0, -1.0, 1.0],
    ] {
        let fb: Mat3 = [0, 1, 2].map(|k| ax_b[k].map(|c| c * signs[k]));
        if consider(&mat_mul(&transpose(&ax_a), &fb), &mut best) {
            return best.unwrap();
        }
    }
    // 5: random orientations.
    let mut stream = Stream::new(opts.seed, 0);
    for _ in 0..opts.ranrot {
        let r = random_rotation(&mut stream);
        if consider(&r, &mut best) {
            return best.unwrap();
        }
    }
    best.unwrap()
}

/// Validate the groups and build the permutation problem.
fn perm_problem<'a>(a: &'a [[f64; 3]], opts: &AlignOptions) -> Option<PermProblem<'a>> {
    if !opts.permdist {
        return None;
    }
    let n = a.len();
    let groups: Vec<Vec<usize>> = match &opts.perm_groups {
        None => vec![(0..n).collect()],
        Some(g) => g.clone(),
    };
    let mut owner = vec![usize::MAX; n];
    for (k, g) in groups.iter().enumerate() {
        for &i in g {
            assert!(i < n, "perm group atom index {i} out of range (N = {n})");
            assert!(owner[i] == usize::MAX, "atom {i} is in two perm groups");
            owner[i] = k;
        }
    }
    let allowed = (0..n)
        .map(|i| match owner[i] {
            usize::MAX => vec![i],
            k => groups[k].clone(),
        })
        .collect();
    let groups = groups
        .into_iter()
        .filter(|g| g.len() >= 2)
        .map(|mut g| {
            g.sort_unstable();
            g
        })
        .collect();
    Some(PermProblem { a, groups, allowed })
}

/// The alignment; `exhaustive_ok = false` forces the local search even for tiny groups
/// (tests of the search itself).
fn align_impl(
    a: &[f64],
    b: &[f64],
    opts: &AlignOptions,
    stop_below: f64,
    exhaustive_ok: bool,
) -> Alignment {
    assert_eq!(
        a.len(),
        b.len(),
        "aligned_distance: structures differ in size"
    );
    let n = natoms(a);
    let ca = centre_of_mass(a);
    let cb = centre_of_mass(b);
    let pa: Vec<[f64; 3]> = points(a).into_iter().map(|p| sub(p, ca)).collect();
    let pb: Vec<[f64; 3]> = points(b).into_iter().map(|p| sub(p, cb)).collect();
    let problem = perm_problem(&pa, opts);
    let stop = stop_below.max(EXACT_MATCH);
    let proper = search(&pa, &pb, problem.as_ref(), opts, stop_below, exhaustive_ok);
    let mut best = (proper, false);
    if !opts.no_inversion && best.0.d2 >= stop * stop {
        let inv: Vec<[f64; 3]> = pb.iter().map(|p| p.map(|c| -c)).collect();
        let improper = search(&pa, &inv, problem.as_ref(), opts, stop_below, exhaustive_ok);
        if improper.d2.sqrt() < best.0.d2.sqrt() - 1e-12 {
            best = (improper, true);
        }
    }
    let (cand, inverted) = best;
    let rotation = if inverted {
        scale_mat(&cand.rot, -1.0)
    } else {
        cand.rot
    };
    let mut b_aligned = Vec::with_capacity(3 * n);
    for i in 0..n {
        let m = mat_vec(&rotation, pb[cand.perm[i]]);
        b_aligned.extend((0..3).map(|k| m[k] + ca[k]));
    }
    Alignment {
        distance: euclidean_distance(a, &b_aligned),
        b_aligned,
        permutation: cand.perm,
        inverted,
        rotation,
    }
}

/// Minimum Euclidean distance between structures `a` and `b` (same atom count, coordinates
/// `x1, y1, z1, ...`) over translations, proper rotations, the inversion (unless
/// `opts.no_inversion`) and, with `opts.permdist`, permutations of identical atoms within
/// the permutable groups. See the module documentation for the search; the rotation is
/// exact, the permutational optimum is found by a deterministic multi-start local search
/// (exact copies are always recognised).
///
/// # Panics
/// If the lengths differ or are not a multiple of 3, or the groups are invalid (an index out
/// of range or an atom in two groups).
pub fn aligned_distance(a: &[f64], b: &[f64], opts: &AlignOptions) -> Alignment {
    align_impl(a, b, opts, 0.0, true)
}

/// Identity test of two stationary points of atoms (algorithms.md §3): true when
/// `|ea − eb| < edifftol` **and** the aligned distance (see [`aligned_distance`]) is
/// `< geomdifftol`. The distance is only computed when the energy test passes; the search
/// stops as soon as an alignment closer than `geomdifftol` is found.
#[allow(clippy::too_many_arguments)]
pub fn same_structure(
    ea: f64,
    eb: f64,
    a: &[f64],
    b: &[f64],
    edifftol: f64,
    geomdifftol: f64,
    opts: &AlignOptions,
) -> bool {
    if (ea - eb).abs() >= edifftol {
        return false;
    }
    align_impl(a, b, opts, geomdifftol, true).distance < geomdifftol
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::{random_rotation, transform};

    fn random_cluster(s: &mut Stream, n: usize, half: f64) -> Vec<f64> {
        (0..3 * n).map(|_| s.uniform_in(-half, half)).collect()
    }

    #[test]
    fn rotated_copy_has_zero_distance_without_permdist() {
        let mut s = Stream::new(1, 1);
        let a = random_cluster(&mut s, 9, 1.5);
        let r = random_rotation(&mut s);
        let mut b = transform(&a, &r);
        for (k, v) in b.iter_mut().enumerate() {
            *v += [0.3, -2.0, 7.0][k % 3];
        }
        let al = aligned_distance(&a, &b, &AlignOptions::default());
        assert!(al.distance < 1e-10, "{}", al.distance);
        assert!(!al.inverted);
        assert_eq!(al.permutation, (0..9).collect::<Vec<_>>());
    }

    #[test]
    fn frame_starts_find_exact_copies() {
        let mut s = Stream::new(2, 1);
        let a = random_cluster(&mut s, 12, 1.5);
        let pa = points(&a);
        let r = random_rotation(&mut s);
        // b = R a permuted by reversing atom order.
        let pb: Vec<[f64; 3]> = pa.iter().rev().map(|&p| mat_vec(&r, p)).collect();
        let opts = AlignOptions {
            permdist: true,
            ..Default::default()
        };
        let prob = perm_problem(&pa, &opts).unwrap();
        let starts = prob.frame_starts(&pb);
        assert!(!starts.is_empty());
        // The best-scored start is the exact inverse rotation.
        assert!(crate::geometry::mat_diff(&starts[0], &transpose(&r)) < 1e-10);
    }

    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![vec![]];
        }
        let mut out = Vec::new();
        for p in permutations(n - 1) {
            for pos in 0..n {
                let mut q = p.clone();
                q.insert(pos, n - 1);
                out.push(q);
            }
        }
        out
    }

    /// Brute force: every permutation with its exact rotation, B and (optionally) −B.
    fn brute_force(a: &[f64], b: &[f64], inversion: bool) -> f64 {
        let pa: Vec<[f64; 3]> = points(&crate::geometry::centred(a));
        let pb: Vec<[f64; 3]> = points(&crate::geometry::centred(b));
        let mut best = f64::INFINITY;
        let signs: &[f64] = if inversion { &[1.0, -1.0] } else { &[1.0] };
        for &sg in signs {
            let bb: Vec<[f64; 3]> = pb.iter().map(|p| p.map(|c| sg * c)).collect();
            for perm in permutations(pa.len()) {
                let r = best_rotation(&pa, &bb, &perm);
                let d2: f64 = (0..pa.len())
                    .map(|i| sq_dist(pa[i], mat_vec(&r, bb[perm[i]])))
                    .sum();
                best = best.min(d2.sqrt());
            }
        }
        best
    }

    #[test]
    fn next_permutation_enumerates_all() {
        let mut v = vec![0, 1, 2, 3];
        let mut count = 1;
        while next_permutation(&mut v) {
            count += 1;
        }
        assert_eq!(count, 24);
        assert_eq!(v, vec![0, 1, 2, 3]);
    }

    #[test]
    fn exhaustive_enumeration_handles_unsorted_groups() {
        let mut s = Stream::new(8, 0);
        let a = random_cluster(&mut s, 6, 1.5);
        let b = random_cluster(&mut s, 6, 1.5);
        let opts = AlignOptions {
            permdist: true,
            perm_groups: Some(vec![vec![5, 0, 3], vec![4, 1]]),
            ..Default::default()
        };
        let al = aligned_distance(&a, &b, &opts);
        let prob = perm_problem(&[[0.0; 3]; 6], &opts).unwrap();
        assert_eq!(prob.permutation_count(), Some(12));
        // Brute force over the 12 allowed permutations (atom 2 fixed), B and −B.
        let mut best = f64::INFINITY;
        let (ga, gb) = ([0usize, 3, 5], [1usize, 4]);
        for p3 in permutations(3) {
            for p2 in permutations(2) {
                let mut perm: Vec<usize> = (0..6).collect();
                for k in 0..3 {
                    perm[ga[k]] = ga[p3[k]];
                }
                for k in 0..2 {
                    perm[gb[k]] = gb[p2[k]];
                }
                for sg in [1.0, -1.0] {
                    let bp: Vec<f64> = perm
                        .iter()
                        .flat_map(|&j| b[3 * j..3 * j + 3].iter().map(move |v| sg * v))
                        .collect();
                    let d = aligned_distance(&a, &bp, &AlignOptions::default()).distance;
                    best = best.min(d);
                }
            }
        }
        assert!(
            (al.distance - best).abs() < 1e-10,
            "{} vs {best}",
            al.distance
        );
        assert_eq!(al.permutation[2], 2);
    }

    /// The local search (exhaustive enumeration switched off) reaches the brute-force optimum
    /// for small clusters: unrelated random pairs with many random starts, perturbed scrambled
    /// copies with the default options.
    #[test]
    fn local_search_matches_brute_force() {
        let mut s = Stream::new(9, 0);
        for trial in 0..60 {
            let n = 3 + trial % 4; // 3..=6
            let a = random_cluster(&mut s, n, 1.2);
            let related = trial % 2 == 1;
            let b: Vec<f64> = if related {
                let r = random_rotation(&mut s);
                let p: Vec<usize> = (0..n).rev().collect();
                let rb = transform(&a, &r);
                p.iter()
                    .flat_map(|&j| rb[3 * j..3 * j + 3].to_vec())
                    .map(|v| v + s.uniform_in(-0.1, 0.1))
                    .collect()
            } else {
                random_cluster(&mut s, n, 1.2)
            };
            let opts = AlignOptions {
                permdist: true,
                ranrot: if related { 0 } else { 100 },
                seed: 3,
                ..Default::default()
            };
            let d = align_impl(&a, &b, &opts, 0.0, false).distance;
            let bf = brute_force(&a, &b, true);
            assert!((d - bf).abs() < 1e-9, "trial {trial} n={n}: {d} vs {bf}");
        }
    }

    #[test]
    fn linear_structures_align() {
        let a = crate::ljat::geometry::linear3(1.1);
        let mut s = Stream::new(3, 0);
        let b = transform(&a, &random_rotation(&mut s));
        let b = [&b[6..9], &b[0..6]].concat();
        let opts = AlignOptions {
            permdist: true,
            ..Default::default()
        };
        assert!(aligned_distance(&a, &b, &opts).distance < 1e-10);
    }
}
