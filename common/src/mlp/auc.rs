//! ROC AUC (MLPPROB).

/// Area under the ROC curve: the probability that a randomly chosen positive item scores
/// higher than a randomly chosen negative one, ties counting 1/2. `O(n log n)`: the items are
/// sorted by score (`f64::total_cmp`, with −0.0 = +0.0; NaNs sort to the ends) and each group
/// of equal scores is handled at once.
/// `None` when either class is empty.
///
/// # Panics
/// If `scores` and `positive` differ in length.
pub fn auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    assert_eq!(scores.len(), positive.len(), "one class flag per score");
    let npos = positive.iter().filter(|&&p| p).count();
    let nneg = positive.len() - npos;
    if npos == 0 || nneg == 0 {
        return None;
    }
    // `+ 0.0` maps −0.0 to +0.0 so that the two zeros tie.
    let key = |i: usize| scores[i] + 0.0;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_unstable_by(|&a, &b| key(a).total_cmp(&key(b)));
    // Twice the count of (positive, negative) pairs won by the positive, ties counting 1.
    let mut twice: u128 = 0;
    let mut neg_below: u128 = 0;
    let mut i = 0;
    while i < order.len() {
        let s = key(order[i]);
        let mut j = i;
        let (mut gp, mut gn) = (0u128, 0u128);
        while j < order.len() && key(order[j]).total_cmp(&s).is_eq() {
            if positive[order[j]] {
                gp += 1;
            } else {
                gn += 1;
            }
            j += 1;
        }
        twice += gp * (2 * neg_below + gn);
        neg_below += gn;
        i = j;
    }
    Some(twice as f64 / (2.0 * npos as f64 * nneg as f64))
}

/// One-vs-rest AUC of class `class` (0-based; MLPPROB's 1-based `pos` is `class + 1`): the score
/// of item `d` is `probs[d·nout + class]`, positives are the items with `labels[d] == class`.
///
/// # Panics
/// If `probs.len() != labels.len() * nout` or `class >= nout`.
pub fn class_auc(probs: &[f64], labels: &[usize], nout: usize, class: usize) -> Option<f64> {
    assert!(class < nout, "class {class} out of range 0..{nout}");
    assert_eq!(
        probs.len(),
        labels.len() * nout,
        "probs must be Ndata × Nout"
    );
    let scores: Vec<f64> = probs.chunks_exact(nout).map(|p| p[class]).collect();
    let positive: Vec<bool> = labels.iter().map(|&c| c == class).collect();
    auc(&scores, &positive)
}
