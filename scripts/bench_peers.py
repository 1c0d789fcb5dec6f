#!/usr/bin/env python3
"""Time the MLP loss+gradient of `landscape bench` against numpy, JAX and PyTorch.

Usage: bench_peers.py LANDSCAPE_BINARY [ROUNDS]

The same function as our MLPVB3 potential: a tanh network with one hidden layer, linear
outputs, loss = mean softmax cross-entropy + lambda * sum of all variables squared, float64,
on random data (inputs uniform in [-1, 1], labels uniform). Every tool runs on one thread
(the caller pins the process to one core and sets the thread variables). Each round times
every tool once, alternating; the table gives the median over rounds of each tool's per-call
time and its ratio to ours. Tools that are not installed are reported as missing.
"""
import json
import statistics
import subprocess
import sys
import time

import numpy as np

CASES = [
    ("MLPVB3 2 1 10 4 1000 1.0D-4", 2, 10, 4, 1000, 1.0e-4),
    ("MLPVB3 784 1 10 10 1000 0.1", 784, 10, 10, 1000, 0.1),
]


def per_call(f, seconds=1.0):
    f()
    n, t0 = 0, time.perf_counter()
    while True:
        f()
        n += 1
        dt = time.perf_counter() - t0
        if dt >= seconds:
            return dt / n


def problem(nin, nh, nout, nd):
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (nd, nin))
    y = rng.integers(0, nout, nd)
    nopt = nh * nin + nout * nh + nh + nout
    w = rng.uniform(-1, 1, nopt)
    return x, y, w


def split(w, nin, nh, nout):
    a = nh * nin
    b = a + nout * nh
    return (w[:a].reshape(nh, nin), w[a:b].reshape(nout, nh), w[b:b + nh], w[b + nh:])


def numpy_eg(nin, nh, nout, lam, x, y, w):
    w1, w2, b1, b2 = split(w, nin, nh, nout)
    n = x.shape[0]
    onehot = np.zeros((n, nout))
    onehot[np.arange(n), y] = 1.0

    def f():
        z = np.tanh(x @ w1.T + b1)
        o = z @ w2.T + b2
        m = o.max(axis=1, keepdims=True)
        e = np.exp(o - m)
        s = e.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(s[:, 0]) - (o[np.arange(n), y] - m[:, 0])) + lam * np.dot(w, w)
        d = (e / s - onehot) / n
        g2 = d.T @ z
        gb2 = d.sum(axis=0)
        dz = (d @ w2) * (1 - z * z)
        g1 = dz.T @ x
        gb1 = dz.sum(axis=0)
        g = np.concatenate([g1.ravel(), g2.ravel(), gb1, gb2]) + 2 * lam * w
        return loss, g

    return f


def jax_eg(nin, nh, nout, lam, x, y, w):
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    xj, yj, wj = jnp.asarray(x), jnp.asarray(y), jnp.asarray(w)

    def loss(w):
        a = nh * nin
        b = a + nout * nh
        w1 = w[:a].reshape(nh, nin)
        w2 = w[a:b].reshape(nout, nh)
        b1, b2 = w[b:b + nh], w[b + nh:]
        o = jnp.tanh(xj @ w1.T + b1) @ w2.T + b2
        lse = jax.nn.logsumexp(o, axis=1)
        return jnp.mean(lse - o[jnp.arange(o.shape[0]), yj]) + lam * jnp.dot(w, w)

    vg = jax.jit(jax.value_and_grad(loss))

    def f():
        v, g = vg(wj)
        g.block_until_ready()
        return v, g

    return f


def torch_eg(nin, nh, nout, lam, x, y, w):
    import torch

    torch.set_num_threads(1)
    xt = torch.tensor(x, dtype=torch.float64)
    yt = torch.tensor(y)
    w0 = torch.tensor(w, dtype=torch.float64)

    def f():
        wt = w0.clone().requires_grad_(True)
        a = nh * nin
        b = a + nout * nh
        w1 = wt[:a].view(nh, nin)
        w2 = wt[a:b].view(nout, nh)
        b1, b2 = wt[b:b + nh], wt[b + nh:]
        o = torch.tanh(xt @ w1.T + b1) @ w2.T + b2
        loss = torch.nn.functional.cross_entropy(o, yt) + lam * torch.dot(wt, wt)
        loss.backward()
        return loss.item(), wt.grad

    return f


def ours(binary, line):
    out = subprocess.run(
        [binary, "bench", *line.split(), "--threads", "1", "--seconds", "1", "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)["energy_gradient_us"] * 1e-6


def main():
    binary = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    makers = [("numpy", numpy_eg), ("JAX jit(value_and_grad)", jax_eg), ("PyTorch autograd", torch_eg)]
    print(f"# {rounds} rounds, medians; float64; one thread")
    for line, nin, nh, nout, nd, lam in CASES:
        x, y, w = problem(nin, nh, nout, nd)
        funcs = {}
        ref = numpy_eg(nin, nh, nout, lam, x, y, w)()
        for name, make in makers:
            try:
                f = make(nin, nh, nout, lam, x, y, w)
                v, g = f()
                # Every tool computes the same loss and gradient.
                assert abs(float(v) - ref[0]) < 1e-9 * max(1.0, abs(ref[0])), (name, v, ref[0])
                assert np.max(np.abs(np.asarray(g) - ref[1])) < 1e-9, name
                funcs[name] = f
            except ImportError:
                print(f"{name}: not installed")
        times = {name: [] for name in ["ours", *funcs]}
        for _ in range(rounds):
            times["ours"].append(ours(binary, line))
            for name, f in funcs.items():
                times[name].append(per_call(f))
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"\n{line} energy+gradient")
        print(f"{'tool':28s} {'us per call':>12s} {'time / ours':>12s}")
        for name, t in med.items():
            print(f"{name:28s} {t * 1e6:12.1f} {t / med['ours']:12.2f}")


if __name__ == "__main__":
    main()
