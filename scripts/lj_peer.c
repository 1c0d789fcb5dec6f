/* A C peer for the Lennard-Jones energy+gradient: the plain pair loop of the Fortran GMIN's
 * LJ routine (E = sum_{i<j} 4(r^-12 - r^-6), its gradient), written the way a compiler can
 * vectorise it, built with gcc -O3 -march=native. scripts/bench_lj_peer.sh times it against
 * our kernel (common/examples/lj_loop.rs) on the same coordinates.
 * Usage: lj_peer COORDS CALLS -> prints "energy E" and "us_per_call T" (best of 5 rounds). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double lj(int n, const double *x, double *g) {
    double e = 0.0;
    for (int k = 0; k < 3 * n; k++) g[k] = 0.0;
    for (int i = 0; i < n; i++) {
        double xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
        double gxi = 0.0, gyi = 0.0, gzi = 0.0;
        for (int j = i + 1; j < n; j++) {
            double dx = xi - x[3 * j], dy = yi - x[3 * j + 1], dz = zi - x[3 * j + 2];
            double ir2 = 1.0 / (dx * dx + dy * dy + dz * dz);
            double ir6 = ir2 * ir2 * ir2;
            double ir12 = ir6 * ir6;
            e += 4.0 * (ir12 - ir6);
            double f = (-48.0 * ir12 + 24.0 * ir6) * ir2;
            gxi += f * dx; gyi += f * dy; gzi += f * dz;
            g[3 * j] -= f * dx; g[3 * j + 1] -= f * dy; g[3 * j + 2] -= f * dz;
        }
        g[3 * i] += gxi; g[3 * i + 1] += gyi; g[3 * i + 2] += gzi;
    }
    return e;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: lj_peer COORDS CALLS\n"); return 2; }
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 1; }
    double x[3 * 10000]; int n = 0;
    while (n < 10000 && fscanf(f, "%lf %lf %lf", &x[3 * n], &x[3 * n + 1], &x[3 * n + 2]) == 3) n++;
    fclose(f);
    long calls = atol(argv[2]);
    double *g = malloc(sizeof(double) * 3 * n), e = 0.0, best = 1e30;
    for (int round = 0; round < 5; round++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long c = 0; c < calls; c++) { x[0] += 1e-300; e = lj(n, x, g); }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / calls;
        if (us < best) best = us;
    }
    printf("energy %.10f\nus_per_call %.4f\n", e, best);
    free(g);
    return 0;
}
