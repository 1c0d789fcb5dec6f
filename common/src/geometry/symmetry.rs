//! Point groups of atomic clusters (potentials.md §1, algorithms.md §8).
//!
//! The order h is the number of proper and improper orthogonal operations about the centre of
//! mass that map the structure onto itself, all atoms being identical. An operation `O` is a
//! symmetry when every atom `i` has an atom `j` (a one-to-one map) with `|O r_i − r_j| < tol`
//! (positions relative to the centre of mass; default `tol` = [`POINT_GROUP_TOL`] = 1.0e-3).
//!
//! Method:
//! 1. Linear structures (every atom within `tol` of the line through the centre along the
//!    principal axis of least inertia; this includes one or two atoms) follow the project rule
//!    of potentials.md §1: symmetric under inversion → `DXh` (D∞h) with order **2**, as the
//!    Fortran OPTIM reports; otherwise `CXv` (C∞v) with order **1**.
//! 2. Otherwise two reference atoms u1, u2 (not collinear with the centre, chosen from the
//!    smallest "shells" of atoms at equal distance from the centre) are picked. Every symmetry
//!    operation maps them onto a pair (v1, v2) with the same radii and the same projection
//!    û1·u2, and such a pair together with the handedness fixes the operation. Each candidate
//!    pair gives one proper and one improper candidate; its atom map is taken from the nearest
//!    atoms, the operation is re-fitted to all atoms for that map (orthogonal Procrustes with
//!    fixed determinant) and then verified with `tol`. Duplicates are removed and the set is
//!    closed under products (each new product verified with `2 tol`).
//! 3. The Schoenflies symbol is read from the elements: rotation axes and their orders,
//!    inversion, mirror planes and their normals.

use super::align::best_rotation;
use super::{
    cross, det, dot, mat_diff, mat_mul, mat_vec, natoms, norm, points, principal_axes, scale_mat,
    sub, transpose, Mat3, IDENTITY,
};

/// Default point-group tolerance (length units), as in OPTIM/PATHSAMPLE.
pub const POINT_GROUP_TOL: f64 = 1.0e-3;

/// A point group: its order (number of operations) and Schoenflies symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointGroup {
    /// Number of proper and improper operations (h); 2 for `DXh` and 1 for `CXv` by the
    /// project rule for linear structures.
    pub order: usize,
    /// Schoenflies symbol without spaces: `C1`, `Cs`, `Ci`, `Cn`, `Cnv`, `Cnh`, `Dn`, `Dnh`,
    /// `Dnd`, `S2n`, `T`, `Td`, `Th`, `O`, `Oh`, `I`, `Ih`, and `DXh` / `CXv` for linear
    /// structures (X stands for ∞).
    pub symbol: String,
}

impl PointGroup {
    /// The group of a structure without symmetry (and of MLP variables): order 1, `C1`.
    pub fn c1() -> Self {
        Self {
            order: 1,
            symbol: "C1".to_string(),
        }
    }

    /// The symbol in the Fortran's 4-character field (the `A4` of path.info's `(I6,1X,A4)`
    /// line): left-justified and blank-padded (`C1  `, `C2v `, `D3h `, `DXh `, `S4  `), longer
    /// symbols cut to 4 characters. Cubic and icosahedral groups with a subscript are written
    /// with a blank between the letter and the subscript, as in the Fortran output
    /// `    48 O h ` (files.md §2.4): `T d `, `T h `, `O h `, `I h `; `T`, `O`, `I` are `T   `,
    /// `O   `, `I   `.
    pub fn symbol_field(&self) -> String {
        let s = match self.symbol.as_str() {
            "Td" => "T d".to_string(),
            "Th" => "T h".to_string(),
            "Oh" => "O h".to_string(),
            "Ih" => "I h".to_string(),
            other => other.to_string(),
        };
        let mut f: String = s.chars().take(4).collect();
        while f.chars().count() < 4 {
            f.push(' ');
        }
        f
    }
}

/// One verified symmetry operation.
#[derive(Clone)]
struct Op {
    m: Mat3,
}

/// Nearest-atom map of `op` applied to `p`, if every image lies within `tol` of a distinct
/// atom.
fn atom_map(op: &Mat3, p: &[[f64; 3]], tol: f64) -> Option<Vec<usize>> {
    let n = p.len();
    let mut used = vec![false; n];
    let mut map = Vec::with_capacity(n);
    for &pi in p {
        let y = mat_vec(op, pi);
        let mut best = (f64::INFINITY, usize::MAX);
        for (j, &pj) in p.iter().enumerate() {
            let d = norm(sub(y, pj));
            if d < best.0 {
                best = (d, j);
            }
        }
        if best.0 >= tol || used[best.1] {
            return None;
        }
        used[best.1] = true;
        map.push(best.1);
    }
    Some(map)
}

/// Re-fit an approximate operation to all atoms (keeping its determinant sign) and verify it.
fn refine_and_verify(op: &Mat3, p: &[[f64; 3]], loose: f64, tol: f64) -> Option<Mat3> {
    let map = atom_map(op, p, loose)?;
    let ident: Vec<usize> = (0..p.len()).collect();
    let targets: Vec<[f64; 3]> = map.iter().map(|&j| p[j]).collect();
    let refined = if det(op) > 0.0 {
        best_rotation(&targets, p, &ident)
    } else {
        // O = −R with R the best rotation of p onto −targets.
        let neg: Vec<[f64; 3]> = targets.iter().map(|t| t.map(|c| -c)).collect();
        scale_mat(&best_rotation(&neg, p, &ident), -1.0)
    };
    atom_map(&refined, p, tol).map(|_| refined)
}

/// Orthonormal frame (rows) with e1 along `u` and e2 in the (u, v) plane.
fn frame(u: [f64; 3], v: [f64; 3]) -> Option<Mat3> {
    let nu = norm(u);
    if nu == 0.0 {
        return None;
    }
    let e1 = u.map(|c| c / nu);
    let w = sub(v, e1.map(|c| c * dot(v, e1)));
    let nw = norm(w);
    if nw == 0.0 {
        return None;
    }
    let e2 = w.map(|c| c / nw);
    Some([e1, e2, cross(e1, e2)])
}

/// All symmetry operations of a centred, non-linear structure.
fn operations(p: &[[f64; 3]], tol: f64) -> Vec<Op> {
    let n = p.len();
    let r: Vec<f64> = p.iter().map(|&v| norm(v)).collect();
    let rmax = r.iter().cloned().fold(0.0, f64::max);
    let shell = |i: usize| {
        r.iter()
            .filter(|&&rj| (rj - r[i]).abs() <= 2.0 * tol)
            .count()
    };
    // u1: smallest shell among atoms well away from the centre (ties: larger radius, then
    // lower index).
    let far = (0.1 * rmax).max((10.0 * tol).min(0.5 * rmax));
    let u1 = (0..n)
        .filter(|&i| r[i] >= far)
        .min_by(|&i, &j| {
            shell(i)
                .cmp(&shell(j))
                .then(r[j].total_cmp(&r[i]))
                .then(i.cmp(&j))
        })
        .unwrap_or(0);
    let u1_hat = p[u1].map(|c| c / r[u1]);
    let perp: Vec<f64> = p.iter().map(|&v| norm(cross(v, u1_hat))).collect();
    let max_perp = perp.iter().cloned().fold(0.0, f64::max);
    let u2 = (0..n)
        .filter(|&j| j != u1 && perp[j] >= 0.5 * max_perp)
        .min_by(|&i, &j| {
            shell(i)
                .cmp(&shell(j))
                .then(perp[j].total_cmp(&perp[i]))
                .then(i.cmp(&j))
        })
        .unwrap_or(u1);
    let proj_u = dot(p[u2], u1_hat);
    let proj_tol = tol * (2.0 + 2.0 * r[u2] / r[u1]);
    let Some(frame_u) = frame(p[u1], p[u2]) else {
        // Numerically linear although not within `tol` of the inertia axis: no finite set.
        return vec![Op { m: IDENTITY }];
    };
    let flip: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]];
    let loose = (20.0 * tol).max(1e-9);

    let mut ops: Vec<Op> = Vec::new();
    let add = |m: Mat3, ops: &mut Vec<Op>| {
        if !ops.iter().any(|o| mat_diff(&o.m, &m) < 1e-2) {
            ops.push(Op { m });
        }
    };
    for v1 in 0..n {
        if (r[v1] - r[u1]).abs() > 2.0 * tol {
            continue;
        }
        let v1_hat = p[v1].map(|c| c / r[v1]);
        for v2 in 0..n {
            if v2 == v1
                || (r[v2] - r[u2]).abs() > 2.0 * tol
                || (dot(p[v2], v1_hat) - proj_u).abs() > proj_tol
            {
                continue;
            }
            let Some(frame_v) = frame(p[v1], p[v2]) else {
                continue;
            };
            let proper = mat_mul(&transpose(&frame_v), &frame_u);
            let improper = mat_mul(&transpose(&frame_v), &mat_mul(&flip, &frame_u));
            for cand in [proper, improper] {
                if let Some(m) = refine_and_verify(&cand, p, loose, tol) {
                    add(m, &mut ops);
                }
            }
        }
    }
    if ops.is_empty() {
        // Cannot happen for a sane tolerance (the identity maps u1, u2 onto themselves), but
        // keep the group non-empty.
        ops.push(Op { m: IDENTITY });
    }
    // Closure under products.
    const MAX_ORDER: usize = 240;
    loop {
        let mut added = false;
        let len = ops.len();
        'outer: for i in 0..len {
            for j in 0..len {
                let prod = mat_mul(&ops[i].m, &ops[j].m);
                if ops.iter().any(|o| mat_diff(&o.m, &prod) < 1e-2) {
                    continue;
                }
                if let Some(m) = refine_and_verify(&prod, p, loose, 2.0 * tol) {
                    add(m, &mut ops);
                    added = true;
                    if ops.len() >= MAX_ORDER {
                        break 'outer;
                    }
                }
            }
        }
        if !added || ops.len() >= MAX_ORDER {
            break;
        }
    }
    complete_group(ops, MAX_ORDER)
}

/// The group generated by `ops`: products of symmetry operations are symmetry operations, so
/// a product that the tolerance test missed (a geometry within the tolerance for each factor
/// but not for their product) is added too; the order reported is then always the order of a
/// group (issue 17: an LJAT3 TS reported as order 3 with the symbol Cs). A set that does not
/// close within `max_order` elements is no symmetry at all: the identity alone.
fn complete_group(mut ops: Vec<Op>, max_order: usize) -> Vec<Op> {
    loop {
        let mut missing = None;
        'search: for a in &ops {
            for b in &ops {
                let prod = mat_mul(&a.m, &b.m);
                if !ops.iter().any(|o| mat_diff(&o.m, &prod) < 1e-2) {
                    missing = Some(prod);
                    break 'search;
                }
            }
        }
        match missing {
            None => return ops,
            Some(_) if ops.len() >= max_order => return vec![Op { m: IDENTITY }],
            Some(m) => ops.push(Op { m }),
        }
    }
}

/// Kind of one operation.
enum Element {
    Identity,
    /// Proper rotation about `axis` (unit vector, sign arbitrary).
    Rotation {
        axis: [f64; 3],
    },
    Inversion,
    /// Mirror plane with unit normal `normal`.
    Reflection {
        normal: [f64; 3],
    },
    /// Improper rotation (S_n, n > 2).
    Improper,
}

/// The rotation axis of a proper rotation that is not the identity.
fn rotation_axis(m: &Mat3) -> [f64; 3] {
    let tr = m[0][0] + m[1][1] + m[2][2];
    let a = [m[2][1] - m[1][2], m[0][2] - m[2][0], m[1][0] - m[0][1]];
    if tr > -0.9 {
        // θ well below π: the antisymmetric part is 2 sinθ · axis.
        let na = norm(a);
        return a.map(|c| c / na);
    }
    // θ ≈ π: m + 1 ≈ 2 n nᵀ (plus a small antisymmetric part); take its largest column.
    let s = [0, 1, 2]
        .map(|c| [0, 1, 2].map(|r| 0.5 * (m[r][c] + m[c][r]) + if r == c { 1.0 } else { 0.0 }));
    let k = (0..3)
        .max_by(|&i, &j| norm(s[i]).total_cmp(&norm(s[j])))
        .unwrap();
    let v = s[k];
    let nv = norm(v);
    v.map(|c| c / nv)
}

fn classify_element(m: &Mat3) -> Element {
    let proper = det(m) > 0.0;
    if proper {
        if mat_diff(m, &IDENTITY) < 1e-3 {
            return Element::Identity;
        }
        return Element::Rotation {
            axis: rotation_axis(m),
        };
    }
    let neg = scale_mat(m, -1.0);
    if mat_diff(&neg, &IDENTITY) < 1e-3 {
        return Element::Inversion;
    }
    let tr = m[0][0] + m[1][1] + m[2][2];
    if (tr - 1.0).abs() < 1e-3 {
        return Element::Reflection {
            normal: rotation_axis(&neg),
        };
    }
    Element::Improper
}

fn parallel(a: [f64; 3], b: [f64; 3]) -> bool {
    dot(a, b).abs() > 1.0 - 1e-4
}

/// Schoenflies symbol of a finite group given by its operations.
fn symbol_of(ops: &[Op]) -> String {
    let h = ops.len();
    let mut hp = 0usize;
    let mut axes: Vec<([f64; 3], usize)> = Vec::new(); // axis, number of rotations about it
    let mut has_inv = false;
    let mut normals: Vec<[f64; 3]> = Vec::new();
    for op in ops {
        match classify_element(&op.m) {
            Element::Identity => hp += 1,
            Element::Rotation { axis } => {
                hp += 1;
                match axes.iter_mut().find(|(a, _)| parallel(*a, axis)) {
                    Some(e) => e.1 += 1,
                    None => axes.push((axis, 1)),
                }
            }
            Element::Inversion => has_inv = true,
            Element::Reflection { normal } => normals.push(normal),
            Element::Improper => {}
        }
    }
    // Order of an axis = rotations about it + the identity.
    let nmax = axes.iter().map(|a| a.1 + 1).max().unwrap_or(1);
    let high = axes.iter().filter(|a| a.1 + 1 >= 3).count();
    if high >= 2 {
        let base = match nmax {
            5 => "I",
            4 => "O",
            _ => "T",
        };
        let suffix = if h == hp {
            ""
        } else if base == "T" && !has_inv {
            "d"
        } else {
            "h"
        };
        return format!("{base}{suffix}");
    }
    let n = nmax;
    let principal: Vec<[f64; 3]> = axes.iter().filter(|a| a.1 + 1 == n).map(|a| a.0).collect();
    let sigma_h = normals
        .iter()
        .any(|&nv| principal.iter().any(|&ax| parallel(nv, ax)));
    if hp == n {
        if h == hp {
            return format!("C{n}");
        }
        if n == 1 {
            return if has_inv { "Ci" } else { "Cs" }.to_string();
        }
        if sigma_h {
            return format!("C{n}h");
        }
        if !normals.is_empty() {
            return format!("C{n}v");
        }
        return format!("S{}", 2 * n);
    }
    if hp == 2 * n {
        if h == hp {
            return format!("D{n}");
        }
        return if sigma_h {
            format!("D{n}h")
        } else {
            format!("D{n}d")
        };
    }
    log::warn!("point_group> inconsistent set of {h} operations ({hp} proper); symbol C1");
    "C1".to_string()
}

/// Point group of the structure `x` (coordinates `x1, y1, z1, ...`, all atoms identical),
/// with tolerance `tol` in length units ([`POINT_GROUP_TOL`] = 1.0e-3 is the programs'
/// default). See the module documentation for the method and the rule for linear structures.
/// No atoms: `C1`, order 1. One or two atoms count as linear (`DXh`, order 2).
///
/// # Panics
/// If `x.len()` is not a multiple of 3.
pub fn point_group(x: &[f64], tol: f64) -> PointGroup {
    let n = natoms(x);
    if n == 0 {
        return PointGroup::c1();
    }
    let p: Vec<[f64; 3]> = points(&super::centred(x));
    // Linear: every atom within tol of the axis of least inertia.
    let axis = principal_axes(x).1[0];
    if p.iter().all(|&v| norm(cross(v, axis)) < tol) {
        let inv = scale_mat(&IDENTITY, -1.0);
        return if atom_map(&inv, &p, tol).is_some() {
            PointGroup {
                order: 2,
                symbol: "DXh".to_string(),
            }
        } else {
            PointGroup {
                order: 1,
                symbol: "CXv".to_string(),
            }
        };
    }
    let ops = operations(&p, tol);
    PointGroup {
        order: ops.len(),
        symbol: symbol_of(&ops),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_fields() {
        let g = |s: &str| PointGroup {
            order: 0,
            symbol: s.to_string(),
        };
        assert_eq!(g("C1").symbol_field(), "C1  ");
        assert_eq!(g("D3h").symbol_field(), "D3h ");
        assert_eq!(g("Oh").symbol_field(), "O h ");
        assert_eq!(g("Ih").symbol_field(), "I h ");
        assert_eq!(g("Td").symbol_field(), "T d ");
        assert_eq!(g("O").symbol_field(), "O   ");
        assert_eq!(g("DXh").symbol_field(), "DXh ");
        assert_eq!(g("C10v").symbol_field(), "C10v");
    }

    /// The operations found form a group (closed, each has an inverse).
    #[test]
    fn operations_form_a_group() {
        let x = crate::ljat::geometry::icosahedron13(1.1);
        let p = points(&super::super::centred(&x));
        let ops = operations(&p, POINT_GROUP_TOL);
        assert_eq!(ops.len(), 120);
        for a in &ops {
            for b in &ops {
                let c = mat_mul(&a.m, &b.m);
                assert!(ops.iter().any(|o| mat_diff(&o.m, &c) < 1e-8));
            }
            let inv = transpose(&a.m);
            assert!(ops.iter().any(|o| mat_diff(&o.m, &inv) < 1e-8));
        }
    }
}

#[cfg(test)]
mod group_order_tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn is_closed(ops: &[Op]) -> bool {
        ops.iter().all(|a| {
            ops.iter().all(|b| {
                let c = mat_mul(&a.m, &b.m);
                ops.iter().any(|o| mat_diff(&o.m, &c) < 1e-2)
            })
        })
    }

    /// A set that misses a product (two mirrors of a C2v triangle without their C2) is
    /// completed to the group; a set that does not close in `max_order` elements is C1.
    #[test]
    fn an_incomplete_set_is_completed_to_its_group() {
        let mirror_x = [[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        let mirror_z = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]];
        let ops = vec![Op { m: IDENTITY }, Op { m: mirror_x }, Op { m: mirror_z }];
        let g = complete_group(ops.clone(), 240);
        assert_eq!(g.len(), 4);
        assert!(is_closed(&g));
        assert_eq!(symbol_of(&g), "C2v");
        assert_eq!(complete_group(ops, 3).len(), 1);
    }

    /// Near-symmetric geometries at every distance from the tolerance: the order is always
    /// the order of a group (the set of operations is closed), and the symbol names a group
    /// of that order.
    #[test]
    fn perturbed_isosceles_triangles_give_group_orders() {
        let ts = crate::ljat::geometry::isosceles3(1.130962145108, 1.553084476827);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for k in 0..4000 {
            let scale = 10f64.powf(-5.0 + 4.0 * (k % 100) as f64 / 100.0);
            // In-plane perturbations (z stays 0) every other time: the plane stays a mirror.
            let planar = k % 2 == 0;
            let x: Vec<f64> = ts
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if planar && i % 3 == 2 {
                        *v
                    } else {
                        v + scale * rng.gen_range(-1.0..1.0)
                    }
                })
                .collect();
            // A random orientation and position (Gram-Schmidt of random vectors).
            let a = [
                rng.gen_range(-1.0..1.0),
                rng.gen_range(-1.0..1.0),
                rng.gen_range(-1.0..1.0f64),
            ];
            let b = [
                rng.gen_range(-1.0..1.0),
                rng.gen_range(-1.0..1.0),
                rng.gen_range(-1.0..1.0f64),
            ];
            let e1 = a.map(|c| c / norm(a));
            let b1 = [
                b[0] - dot(b, e1) * e1[0],
                b[1] - dot(b, e1) * e1[1],
                b[2] - dot(b, e1) * e1[2],
            ];
            let e2 = b1.map(|c| c / norm(b1));
            let e3 = cross(e1, e2);
            let shift = rng.gen_range(-3.0..3.0);
            let x: Vec<f64> = x
                .chunks(3)
                .flat_map(|v| [0, 1, 2].map(|c| v[0] * e1[c] + v[1] * e2[c] + v[2] * e3[c] + shift))
                .collect();
            let p = points(&super::super::centred(&x));
            let ops = operations(&p, POINT_GROUP_TOL);
            assert!(
                is_closed(&ops),
                "not a group: {} ops at scale {scale:e}",
                ops.len()
            );
            let g = point_group(&x, POINT_GROUP_TOL);
            let want = match g.symbol.as_str() {
                "C1" => 1,
                "Cs" | "C2" | "Ci" => 2,
                "C2v" => 4,
                s => panic!("unexpected group {s} at scale {scale:e}"),
            };
            assert_eq!(g.order, want, "{} at scale {scale:e}", g.symbol);
        }
    }
}
