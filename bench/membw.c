/* Read bandwidth of main memory: sums a 1 GiB buffer with all threads (OpenMP), best of several passes.
 * Prints "read_GBps=<GB/s> threads=<n> bytes=<n>". Build: gcc -O3 -march=native -fopenmp membw.c -o membw */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    size_t bytes = (argc > 1 ? strtoull(argv[1], NULL, 10) : 1024) << 20;
    int passes = argc > 2 ? atoi(argv[2]) : 7;
    size_t n = bytes / sizeof(uint64_t);
    uint64_t *buffer = aligned_alloc(64, n * sizeof(uint64_t));
    if (!buffer) { fprintf(stderr, "membw: cannot allocate %zu bytes\n", bytes); return 1; }
    /* first touch from the reading threads, so pages are resident before timing */
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) buffer[i] = i;

    double best = 0;
    uint64_t total = 0;
    for (int pass = 0; pass < passes; pass++) {
        uint64_t sum = 0;
        double start = now();
        #pragma omp parallel for schedule(static) reduction(+ : sum)
        for (size_t i = 0; i < n; i++) sum += buffer[i];
        double seconds = now() - start;
        total += sum;
        double gbps = n * sizeof(uint64_t) / seconds / 1e9;
        if (gbps > best) best = gbps;
    }
    /* the checksum keeps the compiler from dropping the reads */
    printf("read_GBps=%.2f threads=%d bytes=%zu checksum=%llu\n", best, omp_get_max_threads(), n * sizeof(uint64_t), (unsigned long long)(total & 0xff));
    free(buffer);
    return 0;
}
