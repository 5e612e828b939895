/*
 * stim firmware API: integer-only scoring of one 60-second window with a quantized student model.
 *
 * The model is a flat little-endian buffer made by `stim export-firmware MODEL.stimm --out model.bin`
 * (format: devices/README.md). It is read in place (it may live in flash) and must be 4-byte aligned.
 * Nothing here allocates: the checksum is computed without a table, and scoring works in scratch memory of
 * stim_scratch_bytes() bytes that the caller passes.
 *
 * Every function returns 0 (STIM_OK) or an error code; stim_error_string() says what it means. No input,
 * however damaged, makes these functions crash: bad buffers and bad arguments are error codes.
 */
#ifndef STIM_H
#define STIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    STIM_OK = 0,
    STIM_ERR_NULL_ARGUMENT = 1,
    STIM_ERR_MISALIGNED = 2,          /* model buffer or scratch not 4-byte aligned */
    STIM_ERR_TRUNCATED = 3,
    STIM_ERR_BAD_MAGIC = 4,
    STIM_ERR_UNSUPPORTED_VERSION = 5,
    STIM_ERR_UNSUPPORTED_KIND = 6,
    STIM_ERR_CHECKSUM = 7,
    STIM_ERR_UNKNOWN_OPERATION = 8,
    STIM_ERR_BAD_SHAPE = 9,
    STIM_ERR_BAD_QUANTIZATION = 10,
    STIM_ERR_SCRATCH_TOO_SMALL = 11,
    STIM_ERR_WRONG_INPUT_COUNT = 12,
    STIM_ERR_NON_FINITE_INPUT = 13,
    STIM_ERR_WRONG_CLASS_COUNT = 14,
    STIM_ERR_BIG_ENDIAN_HOST = 15,
};

/* Model kinds (the buffer header's kind tag). */
enum {
    STIM_KIND_NEURAL_NETWORK = 1,
    STIM_KIND_LINEAR_SVM = 2,
    STIM_KIND_RBF_SVM = 3,
};

/* What stim_model_check() reports about a model. */
typedef struct stim_model_info {
    uint32_t kind;              /* STIM_KIND_... */
    uint32_t input_channels;    /* e.g. 2 belts (chest, abdomen) */
    uint32_t input_samples;     /* samples per channel, e.g. 60 at 1 Hz */
    uint32_t classes;           /* class scores per window */
    uint32_t layers;            /* layer records (0 for SVM kinds) */
    uint32_t scratch_bytes;     /* as stim_scratch_bytes() */
    float input_scale;          /* input quantization: q = round(x / scale) + zero point */
    int32_t input_zero_point;
    float output_scale;         /* class score (logit) = scale * (score - zero point); SVMs: votes, scale 1 */
    int32_t output_zero_point;
} stim_model_info;

/* Checks the whole buffer (checksum, every layer record) and fills *info (may be NULL). Call once at load. */
int32_t stim_model_check(const void *model, size_t size, stim_model_info *info);

/* Bytes of scratch stim_score() needs for this model. */
int32_t stim_scratch_bytes(const void *model, size_t size, size_t *bytes);

/*
 * Scores one window: `count` float samples, channel after channel (input_channels * input_samples), as
 * normalized for the model. Writes `classes` int8 scores and, if best_class is not NULL, the index of the
 * highest (the first on ties). `scratch` is 4-byte aligned, scratch_bytes >= stim_scratch_bytes().
 * Re-checks the layer records (not the checksum), so a wrong buffer is an error, not a crash.
 */
int32_t stim_score(const void *model, size_t size, const float *window, size_t count,
                   void *scratch, size_t scratch_bytes, int8_t *scores, size_t classes, int32_t *best_class);

/*
 * SVM models: stim_score()'s int8 class scores are votes (one-vs-one: one per class pair; one-vs-rest: 1 for the
 * machine with the highest score), best_class the class with most votes (the lower on ties). The machines'
 * own int64 scores (sign = decision, as the host's QuantizedSvm) come from stim_svm_scores().
 */

/* Binary machines of an SVM model (0 for a network). */
int32_t stim_machine_count(const void *model, size_t size, size_t *machines);

/* The int64 score of each machine for one window; same arguments and checks as stim_score(). */
int32_t stim_svm_scores(const void *model, size_t size, const float *window, size_t count,
                        void *scratch, size_t scratch_bytes, int64_t *scores, size_t machines);

/* A NUL-terminated English sentence for a return code. */
const char *stim_error_string(int32_t code);

/* The model buffer format version this build reads. */
uint32_t stim_format_version(void);

#ifdef __cplusplus
}
#endif

#endif /* STIM_H */
