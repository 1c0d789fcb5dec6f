//! MLPVB3NN nearest-neighbour connectivity: which weights are frozen.

use crate::potential::FrozenMask;

/// The MLPVB3NN frozen mask for `I = nin`, `H = nhidden`, `O = nout` (NOPT = H(I+O)+H+O, MLPVB3
/// layout), following the Fortran rule exactly:
///
/// 1. all `H(I+O)` weights start frozen; biases are never frozen;
/// 2. for each hidden node `j` (1-based), every input `k` gets
///    `dist = ((j−1)/(H−1) − (k−1)/(I−1))² − k·1.0e-6` (the last term breaks ties in favour of
///    the larger `k`); after an ascending (stable) sort the first `min(nneigh, I)` weights
///    `w2(j,k)` (0-based index `(j−1)·I + k − 1`) are unfrozen; likewise every output `i` with
///    `((j−1)/(H−1) − (i−1)/(O−1))² − i·1.0e-6` unfreezes the first `min(nneigh, O)` weights
///    `w1(i,j)` (0-based index `H·I + (i−1)·H + j − 1`);
/// 3. project rule: when `H`, `I` or `O` is 1 (a Fortran division by zero) the normalised
///    position of every node of that layer is taken as 0, and a warning is logged.
///
/// `nneigh = 0` leaves every weight frozen (the keyword parser rejects it earlier).
pub fn nearest_neighbour_mask(
    nin: usize,
    nhidden: usize,
    nout: usize,
    nneigh: usize,
) -> FrozenMask {
    let nweights = nhidden * (nin + nout);
    let nopt = nweights + nhidden + nout;
    let mut frozen = vec![false; nopt];
    frozen[..nweights].fill(true);
    if nhidden == 1 || nin == 1 || nout == 1 {
        log::warn!(
            "MLPVB3NN: a layer has a single node (Nin {nin}, Nhidden {nhidden}, Nout {nout}); \
             its normalised node position is taken as 0"
        );
    }
    let position = |idx0: usize, n: usize| {
        if n <= 1 {
            0.0
        } else {
            idx0 as f64 / (n - 1) as f64
        }
    };
    let nearest = |pj: f64, n: usize| -> Vec<usize> {
        let mut d: Vec<(f64, usize)> = (0..n)
            .map(|k| {
                let diff = pj - position(k, n);
                (diff * diff - (k + 1) as f64 * 1.0e-6, k)
            })
            .collect();
        d.sort_by(|a, b| a.0.total_cmp(&b.0));
        d.into_iter().take(nneigh.min(n)).map(|(_, k)| k).collect()
    };
    for j in 0..nhidden {
        let pj = position(j, nhidden);
        for k in nearest(pj, nin) {
            frozen[j * nin + k] = false;
        }
        for i in nearest(pj, nout) {
            frozen[nhidden * nin + i * nhidden + j] = false;
        }
    }
    FrozenMask::from_flags(frozen)
}
