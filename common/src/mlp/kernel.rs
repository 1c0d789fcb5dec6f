//! The elementary functions of the network kernels: branch-free `tanh` and `exp` (`y ≤ 0`) on
//! single values and on blocks of [`W`] lanes ([`Simd`]), bit-identical to each other, and
//! their in-place slice versions.

#[cfg(test)]
use crate::simd::isa;
pub(crate) use crate::simd::isa_dispatch;
use crate::simd::{block, block_mut, Simd, W};

/// A function applying `$block` (on blocks) and `$one` (on the rest) to a slice in place.
/// (A macro rather than a generic helper taking the two functions as values: called through
/// `Fn`, they were not inlined into the `#[target_feature]` callers, and their intrinsics
/// became calls.)
macro_rules! in_place {
    ($(#[$meta:meta])* $name:ident, $block:ident, $one:ident) => {
        $(#[$meta])*
        #[inline(always)]
        pub(crate) fn $name<S: Simd>(s: S, v: &mut [f64]) {
            let full = v.len() - v.len() % W;
            for b0 in (0..full).step_by(W) {
                let x = s.load(block(v, b0));
                s.store(block_mut(v, b0), $block(s, x));
            }
            for x in &mut v[full..] {
                *x = $one(*x);
            }
        }
    };
}

in_place!(
    /// `tanh` of every element in place (see [`tanh`]), whole blocks with [`tanh_v`].
    tanh_slice,
    tanh_v,
    tanh
);

in_place!(
    /// `exp(y)` of every element (all `y ≤ 0` or NaN) in place, see [`exp_nonpos`] (the
    /// softmax uses [`exp_nonpos_v`] directly; this is the reference of the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    exp_nonpos_slice,
    exp_nonpos_v,
    exp_nonpos
);

#[cfg(test)]
isa_dispatch! {
    [s]
    /// `tanh` of every element in place (see [`tanh`]), for the CPU's instruction set.
    pub(crate) fn tanh_in_place(v: &mut [f64]) {
        tanh_slice(s, v)
    }
}

/// 1.5·2^52: adding it to a number of magnitude below 2^51 rounds it to an integer.
const SHIFTER: f64 = 6_755_399_441_055_744.0;
/// fdlibm's split of ln 2 (`LN2_HI` has 32 significant bits, so `k·LN2_HI` is exact).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// Taylor coefficients `1/(j+2)!` of `(expm1(r) − r)/r²`, `j = 0..=11`.
const C: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// Reduction shared by [`tanh`] and [`exp_nonpos`]: for `y ∈ [−708, 0]`, returns
/// `(2^k, expm1(r))` with `y = k ln 2 + r`, `|r| ≤ ln2/2` (to rounding), so
/// `exp(y) = 2^k (1 + expm1(r))`. `k` is `y·log₂e` rounded by one FMA with the shifter;
/// `r = (y − k·LN2_HI) − k·LN2_LO` by two FMAs (the first product is exact).
/// `expm1(r)` is a degree-13 Taylor polynomial (truncation below 1e-17 relative) evaluated by
/// Horner's rule with FMA; NaN propagates. [`exp_parts_vn`] is the same sequence of operations
/// on blocks.
#[inline(always)]
fn exp_parts(y: f64) -> (f64, f64) {
    let t = y.mul_add(std::f64::consts::LOG2_E, SHIFTER);
    let nk = SHIFTER - t;
    let r = nk.mul_add(LN2_LO, nk.mul_add(LN2_HI, y));
    let mut q = C[11];
    for &c in C[..11].iter().rev() {
        q = q.mul_add(r, c);
    }
    let em_r = (r * r).mul_add(q, r);
    // 2^k from the integer k held in the low bits of t (k in −1021..=0).
    let k = t.to_bits().wrapping_sub(SHIFTER.to_bits());
    let scale = f64::from_bits(k.wrapping_add(1023) << 52);
    (scale, em_r)
}

/// [`exp_parts`] on `N` blocks at once: every step is applied to all `N` before the next, so
/// the `N` independent dependency chains are interleaved in program order (the out-of-order
/// core then overlaps them instead of waiting on one chain's latency). Same operations, same
/// bits, as `N` separate calls.
#[inline(always)]
fn exp_parts_vn<S: Simd, const N: usize>(s: S, y: [S::V; N]) -> ([S::V; N], [S::V; N]) {
    // Loops, not closures: a closure would not inherit the caller's target features, and
    // its intrinsics would become calls.
    let mut t = y;
    for i in 0..N {
        t[i] = s.fma(y[i], s.splat(std::f64::consts::LOG2_E), s.splat(SHIFTER));
    }
    let mut r = y;
    for i in 0..N {
        // −k (exact: t − SHIFTER is an integer).
        let nk = s.sub(s.splat(SHIFTER), t[i]);
        r[i] = s.fma(nk, s.splat(LN2_LO), s.fma(nk, s.splat(LN2_HI), y[i]));
    }
    let mut q = [s.splat(C[11]); N];
    for &c in C[..11].iter().rev() {
        for i in 0..N {
            q[i] = s.fma(q[i], r[i], s.splat(c));
        }
    }
    let mut em_r = q;
    for i in 0..N {
        em_r[i] = s.fma(s.mul(r[i], r[i]), q[i], r[i]);
    }
    let mut scale = t;
    for i in 0..N {
        scale[i] = s.pow2_from_shifted(t[i]);
    }
    (scale, em_r)
}

/// Branch-free `tanh`, accurate to a few units in the last place (checked against the library
/// `tanh` in the unit tests): `tanh a = sign(a)·(−m)/(2 + m)` with
/// `m = expm1(−2|a|) = 2^k·expm1(r) + (2^k − 1)` (see [`exp_parts`]). `|a| ≥ 20` gives `±1`
/// exactly, as the library function does; NaN propagates. [`tanh_v`] computes the same bits
/// on blocks.
#[inline(always)]
pub(crate) fn tanh(a: f64) -> f64 {
    let y = -2.0 * a.abs();
    // Clamp to −40 (tanh(20) rounds to 1); the comparison keeps NaN.
    let y = if -40.0 > y { -40.0 } else { y };
    let (scale, em_r) = exp_parts(y);
    let em = scale.mul_add(em_r, scale - 1.0);
    (em / (-2.0 - em)).copysign(a)
}

/// [`tanh`] of every lane.
#[inline(always)]
pub(crate) fn tanh_v<S: Simd>(s: S, a: S::V) -> S::V {
    tanh_vn(s, [a])[0]
}

/// [`tanh`] of every lane of `N` blocks, their chains interleaved (see [`exp_parts_vn`]).
#[inline(always)]
pub(crate) fn tanh_vn<S: Simd, const N: usize>(s: S, a: [S::V; N]) -> [S::V; N] {
    let mut y = a;
    for i in 0..N {
        y[i] = s.max(s.splat(-40.0), s.mul(s.splat(-2.0), s.abs(a[i])));
    }
    let (scale, em_r) = exp_parts_vn(s, y);
    let mut out = a;
    for i in 0..N {
        let em = s.fma(scale[i], em_r[i], s.sub(scale[i], s.splat(1.0)));
        // −em / (2 + em), written em / (−2 − em): the same value, one operation fewer.
        let t = s.div(em, s.sub(s.splat(-2.0), em));
        out[i] = s.copysign(t, a[i]);
    }
    out
}

/// Branch-free `exp(y)` for `y ≤ 0`, within a few units in the last place of the library
/// function; `y < −708` gives 0 (the library would return tiny or subnormal values), `exp(0)`
/// is exactly 1, NaN propagates. [`exp_nonpos_v`] computes the same bits on blocks.
#[cfg_attr(not(test), allow(dead_code))]
#[inline(always)]
pub(crate) fn exp_nonpos(y: f64) -> f64 {
    let yc = if -708.0 > y { -708.0 } else { y };
    let (scale, em_r) = exp_parts(yc);
    let e = scale.mul_add(em_r, scale);
    if y < -708.0 {
        0.0
    } else {
        e
    }
}

/// [`exp_nonpos`] of every lane.
#[inline(always)]
pub(crate) fn exp_nonpos_v<S: Simd>(s: S, y: S::V) -> S::V {
    exp_nonpos_vn(s, [y])[0]
}

/// [`exp_nonpos`] of every lane of `N` blocks, their chains interleaved (see
/// [`exp_parts_vn`]).
#[inline(always)]
pub(crate) fn exp_nonpos_vn<S: Simd, const N: usize>(s: S, y: [S::V; N]) -> [S::V; N] {
    let mut yc = y;
    for i in 0..N {
        yc[i] = s.max(s.splat(-708.0), y[i]);
    }
    let (scale, em_r) = exp_parts_vn(s, yc);
    let mut out = y;
    for i in 0..N {
        out[i] = s.zero_below(s.fma(scale[i], em_r[i], scale[i]), y[i], -708.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn tanh_matches_the_library() {
        let mut worst = 0;
        let mut a = 1.0e-300;
        while a < 30.0 {
            for x in [a, -a, a * 1.37, a * 0.71] {
                let (f, s) = (tanh(x), x.tanh());
                worst = worst.max(ulps(f, s));
                assert!(ulps(f, s) <= 4, "tanh({x}) = {f:e}, library {s:e}");
            }
            a *= 1.001;
        }
        for i in 0..200_000 {
            let x = -12.0 + 24.0 * i as f64 / 200_000.0;
            assert!(ulps(tanh(x), x.tanh()) <= 4, "tanh({x})");
        }
        eprintln!("worst tanh error: {worst} ulp");
        assert!(worst <= 4);
        assert_eq!(tanh(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(tanh(25.0), 1.0);
        assert_eq!(tanh(-1.0e300), -1.0);
        assert_eq!(tanh(f64::INFINITY), 1.0);
        assert_eq!(tanh(f64::NEG_INFINITY), -1.0);
        assert!(tanh(f64::NAN).is_nan());
    }

    #[test]
    fn exp_matches_the_library() {
        let mut worst = 0;
        for i in 0..=400_000 {
            let y = -708.0 * i as f64 / 400_000.0;
            for v in [y, y * 1e-3, y * 1e-9] {
                let (f, s) = (exp_nonpos(v), v.exp());
                worst = worst.max(ulps(f, s));
                assert!(ulps(f, s) <= 2, "exp({v}) = {f:e}, library {s:e}");
            }
        }
        eprintln!("worst exp error: {worst} ulp");
        assert_eq!(exp_nonpos(0.0), 1.0);
        assert_eq!(exp_nonpos(-0.0), 1.0);
        assert_eq!(exp_nonpos(-800.0), 0.0);
        assert_eq!(exp_nonpos(f64::NEG_INFINITY), 0.0);
        assert!(exp_nonpos(f64::NAN).is_nan());
    }

    #[test]
    fn every_isa_gives_the_same_bits() {
        let v: Vec<f64> = (0..1001).map(|i| (i as f64 - 500.0) * 0.037).collect();
        let mut a = v.clone();
        let mut b = v.clone();
        tanh_slice(crate::simd::Portable, &mut a);
        tanh_in_place(&mut b);
        assert_eq!(a, b, "{:?}", isa());
        // The scalar functions compute the same bits as the blocks.
        for (x, y) in v.iter().zip(&a) {
            assert_eq!(tanh(*x).to_bits(), y.to_bits(), "tanh({x})");
        }
        let mut e: Vec<f64> = v.iter().map(|x| -x.abs() * 20.0).collect();
        e.extend([f64::NAN, -800.0, -708.0, 0.0, -0.0, f64::NEG_INFINITY]);
        let mut eb = e.clone();
        exp_nonpos_slice(crate::simd::Portable, &mut eb);
        for (x, y) in e.iter().zip(&eb) {
            assert_eq!(exp_nonpos(*x).to_bits(), y.to_bits(), "exp({x})");
        }
    }
}

#[cfg(test)]
mod timing {
    use super::*;

    #[test]
    #[ignore]
    fn tanh_and_exp_cost() {
        let v: Vec<f64> = (0..10_000).map(|i| (i as f64 - 5000.0) * 0.0007).collect();
        let mut a = v.clone();
        let t = std::time::Instant::now();
        let reps = 2000;
        for _ in 0..reps {
            a.copy_from_slice(&v);
            tanh_in_place(&mut a);
            std::hint::black_box(&a);
        }
        eprintln!(
            "tanh: {:.3} ns per element",
            t.elapsed().as_secs_f64() / (reps as f64 * 1e4) * 1e9
        );
        let t = std::time::Instant::now();
        for _ in 0..reps {
            for (x, y) in a.iter_mut().zip(&v) {
                *x = -y.abs();
            }
            exp_nonpos_slice(crate::simd::Portable, &mut a);
            std::hint::black_box(&a);
        }
        eprintln!(
            "exp (generic build): {:.3} ns per element",
            t.elapsed().as_secs_f64() / (reps as f64 * 1e4) * 1e9
        );
    }
}
