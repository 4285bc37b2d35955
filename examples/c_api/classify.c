/* SPDX-License-Identifier: Apache-2.0 */
/* Classifies one 28 x 28 grey image with vigil's C interface (src/capi/vigil.h): create a
 * session, read its declared input, run, read the logits, free. Usage:
 *   classify MODEL.onnx [IMAGE.raw]
 * IMAGE.raw is 784 bytes of grey levels, row by row; without it the image is a synthetic
 * bright vertical bar. Built and run by the tests on models/fashion_mnist_cnn.onnx. */
#include <stdio.h>
#include <stdlib.h>

#include "capi/vigil.h"

/* Prints the library's error line and returns the status as the exit code. */
static int fail(const char* what, VigilStatus status) {
  fprintf(stderr, "%s: %s\n", what, vigil_last_error());
  return (int)status;
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s MODEL.onnx [IMAGE.raw]\n", argv[0]);
    return 2;
  }
  float pixels[28 * 28];
  if (argc == 3) {
    unsigned char grey[28 * 28];
    FILE* file = fopen(argv[2], "rb");
    if (!file || fread(grey, 1, sizeof grey, file) != sizeof grey) {
      fprintf(stderr, "%s: not 784 bytes of grey levels\n", argv[2]);
      if (file) fclose(file);
      return 2;
    }
    fclose(file);
    for (int i = 0; i < 28 * 28; ++i) pixels[i] = grey[i] / 255.0f;
  } else {
    for (int i = 0; i < 28 * 28; ++i) pixels[i] = (i % 28 >= 10 && i % 28 < 18) ? 0.8f : 0.0f;
  }

  VigilSessionOptions options;
  vigil_session_options_init(&options);
  options.threads = 1;
  VigilSession* session = NULL;
  VigilStatus status = vigil_session_create(argv[1], &options, &session);
  if (status != VIGIL_OK) return fail("vigil", status);

  VigilValueInfo input;
  status = vigil_session_input(session, 0, &input);
  if (status != VIGIL_OK) {
    vigil_session_free(session);
    return fail("vigil", status);
  }
  printf("input %s of rank %lld\n", input.name, (long long)input.rank);

  const int64_t dims[4] = {1, 1, 28, 28};
  const VigilTensor image = {VIGIL_FLOAT32, 4, dims, pixels};
  const VigilTensor* outputs = NULL;
  status = vigil_session_run(session, &image, 1, &outputs);
  if (status != VIGIL_OK) {
    vigil_session_free(session);
    return fail("vigil", status);
  }
  const float* logits = (const float*)outputs[0].data;
  const int64_t classes = outputs[0].dims[outputs[0].rank - 1];
  int64_t best = 0;
  for (int64_t c = 1; c < classes; ++c) {
    if (logits[c] > logits[best]) best = c;
  }
  printf("predicted class %lld (logit %.3f of %lld)\n", (long long)best, logits[best], (long long)classes);
  vigil_session_free(session);
  return 0;
}
