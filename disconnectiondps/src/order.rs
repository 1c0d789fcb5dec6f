//! The ordering primitives of the 2011 program (algorithms.md §13, step 10): the Numerical
//! Recipes `indexx` index sort, the `MIX` zig-zag permutation, and the left-to-right
//! arrangement of the children of one node.
//!
//! Conventions: every function here works on **0-based** positions; the spec's 1-based
//! description is translated once, in these functions. `indexx` must be reproduced exactly
//! (not replaced by a stable sort), because ties among eight or more keys follow its
//! quicksort order, and that order decides the drawing.

use std::cmp::Ordering;

/// Index sort with the Fortran's `indexx` (Numerical Recipes, `M = 7`): returns the
/// permutation `idx` with `keys[idx[0]] <= keys[idx[1]] <= ...`.
///
/// Ranges shorter than 7 (`r - l < 7`) are insertion-sorted stably; larger ranges are
/// partitioned around the median of three exactly as the Fortran does, so equal keys come
/// out in the same order as the Fortran's. Keys that do not compare (NaN) are treated as
/// "not less, not greater" wherever they meet a comparison, as the Fortran's `.LT.`/`.GT.`
/// would.
pub fn indexx<T: PartialOrd>(keys: &[T]) -> Vec<usize> {
    const M: usize = 7;
    let n = keys.len();
    let mut idx: Vec<usize> = (0..n).collect();
    if n < 2 {
        return idx;
    }
    let key = |i: usize| &keys[i];
    // Inclusive 0-based bounds; `stack` holds pending (l, r) ranges.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let (mut l, mut r) = (0usize, n - 1);
    loop {
        if r < l + M {
            for j in l + 1..=r {
                let t = idx[j];
                let mut i = j;
                // Place t after the last element whose key <= key(t).
                while i > l
                    && !matches!(
                        key(idx[i - 1]).partial_cmp(key(t)),
                        Some(Ordering::Less | Ordering::Equal)
                    )
                {
                    idx[i] = idx[i - 1];
                    i -= 1;
                }
                idx[i] = t;
            }
            match stack.pop() {
                Some((nl, nr)) => {
                    l = nl;
                    r = nr;
                }
                None => return idx,
            }
        } else {
            let k = (l + r) / 2;
            idx.swap(k, l + 1);
            if key(idx[l + 1]) > key(idx[r]) {
                idx.swap(l + 1, r);
            }
            if key(idx[l]) > key(idx[r]) {
                idx.swap(l, r);
            }
            if key(idx[l + 1]) > key(idx[l]) {
                idx.swap(l + 1, l);
            }
            let pivot = idx[l];
            let (mut i, mut j) = (l + 1, r);
            loop {
                i += 1;
                while key(idx[i]) < key(pivot) {
                    i += 1;
                }
                j -= 1;
                while key(idx[j]) > key(pivot) {
                    j -= 1;
                }
                if j < i {
                    break;
                }
                idx.swap(i, j);
            }
            idx[l] = idx[j];
            idx[j] = pivot;
            // Push the larger part, continue with the smaller one.
            if r + 1 - i >= j - l {
                stack.push((i, r));
                r = j - 1;
            } else {
                stack.push((l, j - 1));
                l = i;
            }
        }
    }
}

/// The `MIX` permutation: the order in which the elements of a list of length `n` are
/// taken (0-based positions). Position 0 first, then alternating long jumps (shrinking by
/// two each time, changing direction) and unit steps: `n = 5` gives `0, 4, 3, 1, 2`,
/// `n = 6` gives `0, 5, 4, 1, 2, 3`.
pub fn mix(n: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    let mut pos: isize = 0;
    let mut sgn: isize = 1;
    let mut step: isize = n as isize - 1;
    let mut big = true;
    for _ in 0..n {
        out.push(pos as usize);
        if big {
            pos += sgn * step;
            step -= 2;
            sgn = -sgn;
            big = false;
        } else {
            pos += sgn;
            big = true;
        }
    }
    out
}

/// Arrange the children of one node left to right (algorithms.md §13 step 10).
///
/// `children` are the child labels in ascending label order (the CONNECT list) and
/// `sizes[k]` the size of `children[k]`. Children whose size is at least half of the
/// largest are "big"; the small ones and the big ones are each zig-zagged by [`mix`], and the
/// big ones are spread evenly among the small ones (`pad` small children before the first
/// big one and between consecutive big ones, rounded half away from zero). Ratios and `pad`
/// are computed in single precision like the Fortran's default `REAL`s.
///
/// `centre` is the label of the child that holds the global minimum, when CENTREGMIN is on;
/// that child is swapped with the one at offset `n / 2`.
pub fn arrange_children(children: &[u32], sizes: &[u32], centre: Option<u32>) -> Vec<u32> {
    let n = children.len();
    if n == 0 {
        return Vec::new();
    }
    let q = indexx(sizes);
    let largest = sizes[q[n - 1]] as f32;
    // Number of big children, counted from the top of the sorted list.
    let mut p = n;
    while p > 0 && (sizes[q[p - 1]] as f32) / largest >= 0.5 {
        p -= 1;
    }
    let nbig = n - p;
    let nsmall = n - nbig;
    let mut r = Vec::with_capacity(n);
    r.extend(mix(nsmall).into_iter().map(|k| q[k]));
    r.extend(mix(nbig).into_iter().map(|k| q[nsmall + k]));
    let pad = nsmall as f32 / (nbig as f32 + 1.0);
    let nint = |v: f32| v.round() as usize;
    let mut out = Vec::with_capacity(n);
    for &k in &r[..nint(pad).min(n)] {
        out.push(children[k]);
    }
    for j in 1..=nbig {
        out.push(children[r[n - j]]);
        let from = nint(pad * j as f32);
        let to = nint(pad * (j + 1) as f32);
        for &k in r.iter().take(to).skip(from) {
            out.push(children[k]);
        }
    }
    debug_assert_eq!(out.len(), n, "every child placed once");
    if let Some(g) = centre {
        if let Some(at) = out.iter().position(|&c| c == g) {
            out.swap(at, n / 2);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_examples() {
        assert_eq!(mix(5), vec![0, 4, 3, 1, 2]);
        assert_eq!(mix(6), vec![0, 5, 4, 1, 2, 3]);
        assert_eq!(mix(1), vec![0]);
        assert_eq!(mix(0), Vec::<usize>::new());
    }

    #[test]
    fn mix_is_a_permutation() {
        for n in 0..300 {
            let mut m = mix(n);
            m.sort_unstable();
            assert_eq!(m, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
    }

    #[test]
    fn indexx_sorts() {
        let mut s: u64 = 12345;
        for n in 0..200 {
            let keys: Vec<u32> = (0..n)
                .map(|_| {
                    s = s
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((s >> 33) % 7) as u32
                })
                .collect();
            let idx = indexx(&keys);
            let mut seen = idx.clone();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
            for w in idx.windows(2) {
                assert!(keys[w[0]] <= keys[w[1]]);
            }
        }
    }

    #[test]
    fn indexx_small_ranges_are_stable() {
        assert_eq!(indexx(&[1, 1, 1, 2, 0, 1]), vec![4, 0, 1, 2, 5, 3]);
    }

    #[test]
    fn indexx_ties_follow_quicksort_order() {
        // Eight equal keys: the median-of-three partition moves them (not a stable order).
        let idx = indexx(&[1u32; 8]);
        assert_ne!(idx, (0..8).collect::<Vec<_>>());
        // Hand-run of the Fortran routine on eight equal keys: 1-based 6 4 7 1 5 2 3 8.
        assert_eq!(idx, vec![5, 3, 6, 0, 4, 1, 2, 7]);
    }

    #[test]
    fn d3_level_two_order() {
        // Labels A..E = 1..5 with sizes 3, 1, 2, 1, 1 → B, A, E, C, D (goldens D3).
        assert_eq!(
            arrange_children(&[1, 2, 3, 4, 5], &[3, 1, 2, 1, 1], None),
            vec![2, 1, 5, 3, 4]
        );
        // CENTREGMIN with the global minimum in A → B, E, A, C, D (goldens D4).
        assert_eq!(
            arrange_children(&[1, 2, 3, 4, 5], &[3, 1, 2, 1, 1], Some(1)),
            vec![2, 5, 1, 3, 4]
        );
    }

    #[test]
    fn g1_orders() {
        assert_eq!(arrange_children(&[1, 2], &[2, 1], None), vec![1, 2]);
        assert_eq!(arrange_children(&[1, 2], &[1, 1], None), vec![2, 1]);
    }
}
