//! Linear assignment (the "Hungarian" problem) by shortest augmenting paths with dual
//! potentials, O(n³).
//!
//! Rows are added one at a time; for each new row a Dijkstra-like search over the reduced
//! costs `c[i][j] − u[i] − v[j]` (all ≥ 0 by construction) finds the cheapest augmenting path
//! to a free column, the potentials are updated so that the reduced costs stay non-negative and
//! are zero on the matching, and the path is flipped.

/// Solve the square linear assignment problem.
///
/// `cost` is the `n × n` cost matrix in **row-major** order (`cost[i * n + j]` is the cost of
/// giving column `j` to row `i`); every entry must be finite. Returns `(assign, total)` where
/// `assign[i]` is the column given to row `i` (a permutation of `0..n`) and `total` is the
/// minimum of `Σ_i cost[i][assign[i]]`. Ties are broken deterministically (the result depends
/// only on the matrix). `n = 0` gives an empty assignment and total 0.
///
/// # Panics
/// If `cost.len() != n * n` or an entry is not finite.
pub fn solve_assignment(cost: &[f64], n: usize) -> (Vec<usize>, f64) {
    assert_eq!(
        cost.len(),
        n * n,
        "solve_assignment: cost must hold n*n entries"
    );
    assert!(
        cost.iter().all(|c| c.is_finite()),
        "solve_assignment: cost entries must be finite"
    );
    if n == 0 {
        return (Vec::new(), 0.0);
    }
    // 1-based bookkeeping: column 0 is a virtual column holding the row being inserted.
    let mut u = vec![0.0f64; n + 1]; // row potentials
    let mut v = vec![0.0f64; n + 1]; // column potentials
    let mut row_of = vec![0usize; n + 1]; // row_of[j] = row matched to column j (0 = free)
    let mut way = vec![0usize; n + 1]; // predecessor column on the shortest path
    let mut minv = vec![0.0f64; n + 1];
    let mut used = vec![false; n + 1];
    for i in 1..=n {
        row_of[0] = i;
        let mut j0 = 0usize;
        minv.iter_mut().for_each(|m| *m = f64::INFINITY);
        used.iter_mut().for_each(|b| *b = false);
        loop {
            used[j0] = true;
            let i0 = row_of[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0usize;
            let row = &cost[(i0 - 1) * n..i0 * n];
            for j in 1..=n {
                if used[j] {
                    continue;
                }
                let cur = row[j - 1] - u[i0] - v[j];
                if cur < minv[j] {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if minv[j] < delta {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[row_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if row_of[j0] == 0 {
                break;
            }
        }
        // Flip the augmenting path.
        loop {
            let j1 = way[j0];
            row_of[j0] = row_of[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut assign = vec![0usize; n];
    for j in 1..=n {
        assign[row_of[j] - 1] = j - 1;
    }
    let total = assign
        .iter()
        .enumerate()
        .map(|(i, &j)| cost[i * n + j])
        .sum();
    (assign, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    fn brute_force(cost: &[f64], n: usize) -> f64 {
        fn rec(cost: &[f64], n: usize, i: usize, used: &mut [bool], acc: f64, best: &mut f64) {
            if i == n {
                *best = best.min(acc);
                return;
            }
            for j in 0..n {
                if !used[j] {
                    used[j] = true;
                    rec(cost, n, i + 1, used, acc + cost[i * n + j], best);
                    used[j] = false;
                }
            }
        }
        let mut best = f64::INFINITY;
        rec(cost, n, 0, &mut vec![false; n], 0.0, &mut best);
        if n == 0 {
            0.0
        } else {
            best
        }
    }

    #[test]
    fn matches_brute_force_on_random_matrices() {
        let mut s = Stream::new(17, 3);
        for trial in 0..400 {
            let n = trial % 8; // 0..=7
            let cost: Vec<f64> = (0..n * n)
                .map(|_| {
                    // Mix continuous costs with small-integer ones (many ties).
                    if trial % 3 == 0 {
                        (s.uniform() * 4.0).floor()
                    } else {
                        s.uniform_in(-5.0, 10.0)
                    }
                })
                .collect();
            let (assign, total) = solve_assignment(&cost, n);
            let mut seen = vec![false; n];
            for &j in &assign {
                assert!(!seen[j], "not a permutation: {assign:?}");
                seen[j] = true;
            }
            let bf = brute_force(&cost, n);
            assert!(
                (total - bf).abs() < 1e-12,
                "n={n}: solver {total} vs brute force {bf}"
            );
        }
    }

    #[test]
    fn identity_for_diagonal_minimum() {
        let n = 5;
        let cost: Vec<f64> = (0..n * n)
            .map(|k| if k / n == k % n { 0.0 } else { 1.0 })
            .collect();
        assert_eq!(solve_assignment(&cost, n).0, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    #[should_panic]
    fn rejects_nan() {
        solve_assignment(&[f64::NAN], 1);
    }
}
