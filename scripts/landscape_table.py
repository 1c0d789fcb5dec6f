#!/usr/bin/env python3
"""One Markdown row per landscape work directory, read from its summary.txt, with the
connectivity recounted independently from min.data and ts.data (union-find over the TS ends).

usage: scripts/landscape_table.py WORKDIR...
"""
import re
import sys


def connected_to_gmin(d):
    energies = [float(l.split()[0]) for l in open(f"{d}/min.data") if l.strip()]
    parent = list(range(len(energies) + 1))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    nts = 0
    for line in open(f"{d}/ts.data"):
        f = line.split()
        if not f:
            continue
        nts += 1
        a, b = int(f[3]), int(f[4])
        parent[find(a)] = find(b)
    g = 1 + min(range(len(energies)), key=lambda i: energies[i])
    n = sum(1 for i in range(1, len(energies) + 1) if find(i) == find(g))
    return len(energies), nts, n


def row(d):
    s = open(f"{d}/summary.txt").read()
    name = d.rstrip("/").split("/")[-1].replace("landscape_", "")
    nmin, nts, conn = connected_to_gmin(d)
    t1 = s.split("Table 1")[1].splitlines()
    head, vals = t1[1].split(), t1[2].split()
    # header tokens are two words each after Mis% Min Ts
    g = dict(zip(["train", "test", "ltrain", "ltest", "corr", "incorr"], vals[3:]))
    t2 = s.split("Table 2")[1].splitlines()
    all_row = t2[2].split()
    mean = f"{all_row[2]} ({all_row[3]}) / {all_row[4]} ({all_row[5]})"
    corr = f"{all_row[6]} ({all_row[7]}) / {all_row[8]} ({all_row[9]})" if len(all_row) > 6 else "-"
    gci = f"{g['corr']} / {g['incorr']}" if "corr" in g else "-"
    return (f"| {name} | {nmin} | {nts} | {conn} ({100 * conn // nmin} %) | {g['train']} / {g['test']} "
            f"| {g['ltrain']} / {g['ltest']} | {mean} | {corr} | {gci} |")


print("| deck | Min | Ts | conn. to Gmin (ts.data) | Gmin AUC train / test | Gmin loss train / test "
      "| mean AUC train (sd) / test (sd), all minima | correct (sd) / incorrect (sd), mean | Gmin AUC correct / incorrect |")
print("|---|---|---|---|---|---|---|---|---|")
for d in sys.argv[1:]:
    try:
        print(row(d))
    except (OSError, IndexError, ValueError) as e:
        print(f"| {d} | failed: {e} |")
