// llama.cpp's decode speed with and without a GBNF grammar, as a peer for bench/grammar-bench.sh.
// Each rep clears the KV cache, decodes a seeded random prompt as one batch, then generates N tokens one at a time
// through a sampler chain: [grammar] + greedy (llama_sampler_sample applies the grammar to every logit, picks,
// and accepts the token into the grammar). End-of-generation tokens are decoded on like any other, as ours does.
// Usage: LLAMA_LIB_DIR=... bench_grammar MODEL.gguf [GRAMMAR.gbnf|-] [threads=2] [prompt=32] [gen=64] [reps=5]
#include "ggml-backend.h"
#include "llama.h"
#include <stdio.h>
#include <stdlib.h>

static char * read_file(const char * path) {
    FILE * f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot read %s\n", path); exit(1); }
    fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
    char * text = malloc(n + 1);
    if (fread(text, 1, n, f) != (size_t) n) { fprintf(stderr, "short read %s\n", path); exit(1); }
    text[n] = 0; fclose(f);
    return text;
}

static int cmp_dbl(const void * a, const void * b) { double x = *(const double *) a, y = *(const double *) b; return (x > y) - (x < y); }

int main(int argc, char ** argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s MODEL.gguf [GRAMMAR.gbnf|-] [threads] [prompt] [gen] [reps]\n", argv[0]); return 2; }
    const char * path = argv[1];
    const char * grammar_path = argc > 2 ? argv[2] : "-";
    const int n_threads = argc > 3 ? atoi(argv[3]) : 2, n_prompt = argc > 4 ? atoi(argv[4]) : 32;
    const int n_gen = argc > 5 ? atoi(argv[5]) : 64, reps = argc > 6 ? atoi(argv[6]) : 5;

    const char * libdir = getenv("LLAMA_LIB_DIR");   // where libggml-cpu-*.so are (run.sh's $WORK/lib)
    if (libdir) ggml_backend_load_all_from_path(libdir); else ggml_backend_load_all();
    llama_backend_init();
    struct llama_model * model = llama_model_load_from_file(path, llama_model_default_params());
    if (!model) { fprintf(stderr, "failed to load %s\n", path); return 1; }
    const struct llama_vocab * vocab = llama_model_get_vocab(model);
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = cp.n_batch = cp.n_ubatch = 512;
    cp.n_threads = cp.n_threads_batch = n_threads;
    struct llama_context * ctx = llama_init_from_model(model, cp);
    if (!ctx) { fprintf(stderr, "failed to create context\n"); return 1; }

    struct llama_sampler * chain = llama_sampler_chain_init(llama_sampler_chain_default_params());
    char * grammar = grammar_path[0] == '-' ? NULL : read_file(grammar_path);
    if (grammar) {
        struct llama_sampler * g = llama_sampler_init_grammar(vocab, grammar, "root");
        if (!g) { fprintf(stderr, "bad grammar %s\n", grammar_path); return 1; }
        llama_sampler_chain_add(chain, g);
    }
    llama_sampler_chain_add(chain, llama_sampler_init_greedy());

    llama_token * prompt = malloc(sizeof(llama_token) * n_prompt);
    double * tg = calloc(reps, sizeof(double));
    srand(1);
    for (int r = -1; r < reps; r++) {
        for (int i = 0; i < n_prompt; i++) prompt[i] = rand() % 151643;
        llama_memory_clear(llama_get_memory(ctx), true);
        llama_sampler_reset(chain);
        if (llama_decode(ctx, llama_batch_get_one(prompt, n_prompt)) != 0) { fprintf(stderr, "prompt decode failed\n"); return 1; }
        llama_synchronize(ctx);
        int64_t t0 = llama_time_us();
        for (int g = 0; g < n_gen; g++) {
            llama_token tok = llama_sampler_sample(chain, ctx, -1);
            if (llama_decode(ctx, llama_batch_get_one(&tok, 1)) != 0) { fprintf(stderr, "decode failed at %d\n", g); return 1; }
        }
        llama_synchronize(ctx);
        if (r >= 0) tg[r] = n_gen / ((llama_time_us() - t0) / 1e6);
    }
    qsort(tg, reps, sizeof(double), cmp_dbl);
    double med = reps % 2 ? tg[reps / 2] : 0.5 * (tg[reps / 2 - 1] + tg[reps / 2]);
    printf("{\"decode_tok_s\": %.3f, \"grammar\": \"%s\"}\n", med, grammar_path);
    llama_sampler_free(chain);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
