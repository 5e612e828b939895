/*
 * Test driver for the cross builds: scores every window of a file with a model buffer through the C API
 * and prints one line per window: the int8 class scores, then the best class.
 *
 *     driver MODEL.bin WINDOWS.f32      (WINDOWS.f32: little-endian float32 windows, one after another)
 *
 * SVM models add their int64 machine scores (stim_svm_scores) to each line: "... best B machines S0 S1 ...".
 *
 * Also prints the model's scratch bytes first, so the size report reads RAM from the program that ran.
 *
 *     driver --unchecked MODEL.bin WINDOWS.f32
 *
 * skips stim_model_check (and so the checksum) and scores the first window of a 2-class model straight away,
 * printing the return code: damaged buffers must give an error code on every target, never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stim.h"

static void *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    /* 16-byte aligned, as stim_model_check requires 4. */
    void *data = aligned_alloc(16, ((size_t)n + 15) / 16 * 16 + 16);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); data = NULL; }
    fclose(f);
    *size = (size_t)n;
    return data;
}

static int score_unchecked(const void *model, size_t model_size, const float *window) {
    size_t scratch_bytes = 0;
    int32_t status = stim_scratch_bytes(model, model_size, &scratch_bytes);
    if (status == STIM_OK) {
        static uint8_t scratch[1 << 16] __attribute__((aligned(16)));
        int8_t scores[2];
        status = stim_score(model, model_size, window, 120, scratch, sizeof scratch, scores, 2, NULL);
    }
    printf("%s %d %s\n", status == STIM_OK ? "scored" : "error", status, stim_error_string(status));
    return 0;
}

int main(int argc, char **argv) {
    int unchecked = argc == 4 && strcmp(argv[1], "--unchecked") == 0;
    if (argc != 3 && !unchecked) {
        fprintf(stderr, "usage: %s [--unchecked] MODEL.bin WINDOWS.f32\n", argv[0]);
        return 2;
    }
    argv += unchecked;
    size_t model_size, windows_size;
    void *model = read_file(argv[1], &model_size);
    float *windows = read_file(argv[2], &windows_size);
    if (!model || !windows) {
        fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
        return 2;
    }
    if (unchecked) return score_unchecked(model, model_size, windows);
    stim_model_info info;
    int32_t status = stim_model_check(model, model_size, &info);
    if (status != STIM_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], stim_error_string(status));
        return 1;
    }
    size_t scratch_bytes = 0;
    stim_scratch_bytes(model, model_size, &scratch_bytes);
    void *scratch = aligned_alloc(16, (scratch_bytes + 15) / 16 * 16 + 16);
    int8_t *scores = malloc(info.classes);
    size_t machines = 0;
    stim_machine_count(model, model_size, &machines);
    int64_t *machine_scores = malloc((machines + 1) * sizeof(int64_t));
    size_t count = (size_t)info.input_channels * info.input_samples;
    size_t n = windows_size / (count * sizeof(float));
    printf("scratch %zu\n", scratch_bytes);
    for (size_t w = 0; w < n; w++) {
        int32_t best = -1;
        status = stim_score(model, model_size, windows + w * count, count, scratch, scratch_bytes, scores, info.classes, &best);
        if (status != STIM_OK) {
            printf("%zu: error %d %s\n", w, status, stim_error_string(status));
            continue;
        }
        printf("%zu:", w);
        for (uint32_t c = 0; c < info.classes; c++) printf(" %d", scores[c]);
        printf(" best %d", best);
        if (machines > 0) {
            status = stim_svm_scores(model, model_size, windows + w * count, count, scratch, scratch_bytes, machine_scores, machines);
            if (status != STIM_OK) {
                printf(" error %d %s\n", status, stim_error_string(status));
                continue;
            }
            printf(" machines");
            for (size_t m = 0; m < machines; m++) printf(" %lld", (long long)machine_scores[m]);
        }
        printf("\n");
    }
    return 0;
}
