/* SPDX-License-Identifier: Apache-2.0 */
/* vigil's C interface: an inference session over an ONNX file, for programs in C and for
 * other languages' foreign-function interfaces. Opaque handles, status codes, and one
 * error line per failure, as the command line prints it (it names the file, the input or
 * the node). Built as libvigil_c.a on top of libvigil.a; a C program links both and the
 * C++ runtime (docs/c_api.md). Nothing here throws or aborts on bad input.
 *
 * A session may be used by one thread at a time; several sessions may run at once. */
#ifndef VIGIL_VIGIL_H
#define VIGIL_VIGIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum VigilStatus {
  VIGIL_OK = 0,
  VIGIL_ERROR_INTERNAL = 1,       /* a bug of vigil's, or memory ran out */
  VIGIL_ERROR_BAD_INPUT = 2,      /* a bad model file, feed or argument */
  VIGIL_ERROR_FAULT_DETECTED = 3, /* ABFT found a fault it could not correct */
  VIGIL_ERROR_UNSUPPORTED = 4     /* the model needs something vigil does not run */
} VigilStatus;

/* Element types, with ONNX's TensorProto numbers. */
typedef enum VigilDType {
  VIGIL_FLOAT32 = 1,
  VIGIL_UINT8 = 2,
  VIGIL_INT8 = 3,
  VIGIL_UINT16 = 4,
  VIGIL_INT16 = 5,
  VIGIL_INT32 = 6,
  VIGIL_INT64 = 7,
  VIGIL_BOOL = 9,
  VIGIL_FLOAT16 = 10,
  VIGIL_FLOAT64 = 11,
  VIGIL_UINT32 = 12,
  VIGIL_UINT64 = 13,
  VIGIL_BFLOAT16 = 16
} VigilDType;

typedef struct VigilSession VigilSession;

typedef struct VigilSessionOptions {
  int threads;      /* threads per inference, at least 1 */
  int optimize;     /* nonzero: the graph optimisation passes run (as `vigil run`) */
  const char* abft; /* checksums on every matrix product (docs/abft.md): "off", "fused",
                       "separate", "full" or "auto"; NULL: off */
  const char* abft_mode; /* "detect" or "correct"; NULL: detect */
} VigilSessionOptions;

/* One thread, optimised, no ABFT. */
void vigil_session_options_init(VigilSessionOptions* options);

/* A declared input or output. Its strings and arrays live as long as the session. */
typedef struct VigilValueInfo {
  const char* name;
  VigilDType dtype;
  int64_t rank;                  /* -1: the model does not declare a shape */
  const int64_t* dims;           /* rank values; -1 where a dimension is not a number */
  const char* const* dim_names;  /* rank strings: a dimension's symbol, or "" */
} VigilValueInfo;

/* A dense row-major tensor: product(dims) elements of dtype at data. */
typedef struct VigilTensor {
  VigilDType dtype;
  int64_t rank;
  const int64_t* dims;
  const void* data;
} VigilTensor;

/* The calling thread's last error line; "" when its last call succeeded. */
const char* vigil_last_error(void);

/* Loads the model at model_path (options NULL: the defaults) into *session. */
VigilStatus vigil_session_create(const char* model_path, const VigilSessionOptions* options,
                                 VigilSession** session);
void vigil_session_free(VigilSession* session); /* NULL: nothing */

size_t vigil_session_input_count(const VigilSession* session);
size_t vigil_session_output_count(const VigilSession* session);
VigilStatus vigil_session_input(const VigilSession* session, size_t index, VigilValueInfo* info);
VigilStatus vigil_session_output(const VigilSession* session, size_t index, VigilValueInfo* info);

/* One inference. inputs[i] is the session's i-th input; their data are read during the
 * call, not copied. On VIGIL_OK *outputs points to the session's output_count tensors,
 * which stay valid until the next run on this session or its free. After the first run
 * with given input shapes, runs with the same shapes allocate no memory. */
VigilStatus vigil_session_run(VigilSession* session, const VigilTensor* inputs, size_t input_count,
                              const VigilTensor** outputs);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_VIGIL_H */
