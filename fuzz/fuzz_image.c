/*
 * fuzz/fuzz_image.c - libFuzzer target for the media uploads' container
 * walks (web/image.c): anyone with a token uploads bytes that are read
 * structure by structure and copied without their metadata. What
 * web/image.h promises, checked whatever the bytes:
 *
 *   - image_sniff and image_strip_metadata read within the bytes given (a
 *     buffer of exactly that size), and fail with *out NULL and *out_len 0;
 *   - a file that strips was sniffed as an image, of a side from 1 to
 *     IMAGE_MAX_SIDE, and its copy is no longer than it, sniffs the same
 *     (type and size), and strips to the same bytes again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "web/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_image: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct image_info info, again_info;
    unsigned char *copy, *out = (unsigned char *)"", *again = (unsigned char *)"";
    size_t out_len = 1, again_len = 1;
    int sniffed, stripped;

    if ((copy = malloc(size > 0 ? size : 1)) == NULL)
        abort();
    memcpy(copy, data, size);
    sniffed = image_sniff(copy, size, &info);
    CHECK(sniffed == RC_OK || sniffed == RC_INVALID);
    if (sniffed == RC_OK) {
        CHECK(info.type != IMAGE_NONE && info.mime != NULL && info.extension != NULL);
        CHECK(info.width >= 1 && info.width <= IMAGE_MAX_SIDE);
        CHECK(info.height >= 1 && info.height <= IMAGE_MAX_SIDE);
    } else {
        CHECK(info.type == IMAGE_NONE);
    }
    stripped = image_strip_metadata(copy, size, &out, &out_len);
    CHECK(stripped == RC_OK || stripped == RC_INVALID);
    if (stripped != RC_OK) {
        CHECK(out == NULL && out_len == 0);
        goto done;
    }
    CHECK(sniffed == RC_OK);
    CHECK(out != NULL && out_len > 0 && out_len <= size);
    CHECK(image_sniff(out, out_len, &again_info) == RC_OK);
    CHECK(again_info.type == info.type && again_info.width == info.width &&
          again_info.height == info.height);
    CHECK(image_strip_metadata(out, out_len, &again, &again_len) == RC_OK);
    CHECK(again_len == out_len && memcmp(again, out, out_len) == 0);
    free(again);
    free(out);
done:
    free(copy);
    return 0;
}
