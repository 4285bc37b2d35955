// SPDX-License-Identifier: Apache-2.0
// The C interface of capi/vigil.h over runtime/session.h. Every entry point catches what
// the library throws and turns it into a status and this thread's error line, so no
// exception crosses into C. Inputs are wrapped, not copied: a Tensor over the caller's
// bytes for the length of the run. Outputs are the session's run_into buffers, reused
// from run to run, with C views over them.
#include "capi/vigil.h"

#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "abft/abft_options.h"
#include "abft/machine_ridges.h"
#include "core/dtype.h"
#include "core/error.h"
#include "onnx_io/model_import.h"
#include "runtime/session.h"

namespace {

using vigil::check_input;
using vigil::DType;
using vigil::Tensor;

thread_local std::string last_error;

// A declared input or output as the C side reads it.
struct DeclaredValue {
  std::string name;
  std::vector<int64_t> dims;
  std::vector<std::string> dim_names;
  std::vector<const char*> dim_name_pointers;
  VigilDType dtype = VIGIL_FLOAT32;
  int64_t rank = -1;

  explicit DeclaredValue(const vigil::ValueInfo& info)
      : name(info.name),
        dtype(static_cast<VigilDType>(info.dtype)),
        rank(info.has_shape ? static_cast<int64_t>(info.dims.size()) : -1) {
    for (const vigil::Dim& dim : info.dims) {
      dims.push_back(dim.is_fixed() ? dim.value : -1);
      dim_names.push_back(dim.symbol);
    }
    for (const std::string& symbol : dim_names) dim_name_pointers.push_back(symbol.c_str());
  }
  VigilValueInfo view() const { return {name.c_str(), dtype, rank, dims.data(), dim_name_pointers.data()}; }
};

// Runs `body`, turning what it throws into a status and the thread's error line.
template <class Body>
VigilStatus guarded(const Body& body) {
  last_error.clear();
  try {
    body();
    return VIGIL_OK;
  } catch (const vigil::Error& error) {
    last_error = error.what();
    switch (error.kind()) {
      case vigil::ErrorKind::BadInput: return VIGIL_ERROR_BAD_INPUT;
      case vigil::ErrorKind::Unsupported: return VIGIL_ERROR_UNSUPPORTED;
      case vigil::ErrorKind::FaultDetected: return VIGIL_ERROR_FAULT_DETECTED;
      default: return VIGIL_ERROR_INTERNAL;
    }
  } catch (const std::bad_alloc&) {
    last_error = "out of memory";
  } catch (const std::exception& error) {
    last_error = error.what();
  } catch (...) {
    last_error = "an unknown error";
  }
  return VIGIL_ERROR_INTERNAL;
}

// The library's type for a C one, or a bad-input error naming `what`.
DType element_type(VigilDType dtype, const std::string& what) {
  const auto type = static_cast<DType>(dtype);
  check_input(vigil::dtype_is_float(type) || vigil::dtype_is_integer(type) || type == DType::Bool, what,
              ": element type ", static_cast<int>(dtype), " is not one vigil runs");
  return type;
}

// A tensor over the bytes of a caller's C tensor, checked.
Tensor wrap(const VigilTensor& tensor, const std::string& what) {
  const DType dtype = element_type(tensor.dtype, what);
  check_input(tensor.rank >= 0, what, ": rank ", tensor.rank, " is negative");
  check_input(tensor.rank == 0 || tensor.dims != nullptr, what, ": dims is NULL");
  vigil::Shape shape(tensor.dims, tensor.dims + tensor.rank);
  int64_t count = 1;
  for (const int64_t dim : shape) {
    check_input(dim >= 0, what, ": dimension ", dim, " is negative");
    check_input(dim == 0 || count <= std::numeric_limits<int64_t>::max() / 16 / dim, what, ": ", tensor.rank,
                " dimensions hold too many elements");
    count *= dim;
  }
  check_input(count == 0 || tensor.data != nullptr, what, ": data is NULL");
  // The session reads its inputs and never writes them; the owner keeps nothing alive.
  auto* bytes = static_cast<std::byte*>(const_cast<void*>(tensor.data));
  return Tensor::over(dtype, std::move(shape), std::shared_ptr<std::byte>(bytes, [](std::byte*) {}), bytes);
}

}  // namespace

struct VigilSession {
  std::unique_ptr<vigil::Session> session;
  std::vector<DeclaredValue> inputs, outputs;
  std::vector<Tensor> input_tensors;
  std::vector<const Tensor*> input_pointers;
  std::vector<Tensor> results;
  std::vector<VigilTensor> result_views;
};

extern "C" {

const char* vigil_last_error(void) { return last_error.c_str(); }

void vigil_session_options_init(VigilSessionOptions* options) {
  if (options) *options = VigilSessionOptions{1, 1, nullptr, nullptr};
}

VigilStatus vigil_session_create(const char* model_path, const VigilSessionOptions* options, VigilSession** session) {
  return guarded([&] {
    check_input(session != nullptr, "vigil_session_create: session is NULL");
    *session = nullptr;
    check_input(model_path != nullptr, "vigil_session_create: model_path is NULL");
    VigilSessionOptions given;
    vigil_session_options_init(&given);
    if (options) given = *options;
    check_input(given.threads >= 1, "vigil_session_create: threads ", given.threads, " is not at least 1");
    const vigil::abft::Options checks = vigil::abft::options_by_name(
        given.abft ? given.abft : "", given.abft_mode ? given.abft_mode : "", given.threads, "vigil_session_create");
    auto created = std::make_unique<VigilSession>();
    created->session = std::make_unique<vigil::Session>(
        vigil::load_model(model_path), vigil::SessionOptions{given.threads, given.optimize != 0, checks});
    for (const vigil::ValueInfo& info : created->session->graph().inputs) created->inputs.emplace_back(info);
    for (const vigil::ValueInfo& info : created->session->graph().outputs) created->outputs.emplace_back(info);
    *session = created.release();
  });
}

void vigil_session_free(VigilSession* session) { delete session; }

size_t vigil_session_input_count(const VigilSession* session) { return session ? session->inputs.size() : 0; }

size_t vigil_session_output_count(const VigilSession* session) { return session ? session->outputs.size() : 0; }

VigilStatus vigil_session_input(const VigilSession* session, size_t index, VigilValueInfo* info) {
  return guarded([&] {
    check_input(session != nullptr && info != nullptr, "vigil_session_input: session or info is NULL");
    check_input(index < session->inputs.size(), "vigil_session_input: index ", index, " is past the model's ",
                session->inputs.size(), " inputs");
    *info = session->inputs[index].view();
  });
}

VigilStatus vigil_session_output(const VigilSession* session, size_t index, VigilValueInfo* info) {
  return guarded([&] {
    check_input(session != nullptr && info != nullptr, "vigil_session_output: session or info is NULL");
    check_input(index < session->outputs.size(), "vigil_session_output: index ", index, " is past the model's ",
                session->outputs.size(), " outputs");
    *info = session->outputs[index].view();
  });
}

VigilStatus vigil_session_run(VigilSession* session, const VigilTensor* inputs, size_t input_count,
                              const VigilTensor** outputs) {
  return guarded([&] {
    check_input(session != nullptr && outputs != nullptr, "vigil_session_run: session or outputs is NULL");
    *outputs = nullptr;
    check_input(input_count == session->inputs.size(), "vigil_session_run: the model takes ", session->inputs.size(),
                " inputs, ", input_count, " given");
    check_input(input_count == 0 || inputs != nullptr, "vigil_session_run: inputs is NULL");
    session->input_tensors.clear();
    for (size_t i = 0; i < input_count; ++i) {
      session->input_tensors.push_back(wrap(inputs[i], "input '" + session->inputs[i].name + "'"));
    }
    session->input_pointers.clear();
    for (const Tensor& tensor : session->input_tensors) session->input_pointers.push_back(&tensor);
    session->session->run_into(session->input_pointers, session->results);
    session->result_views.clear();
    for (const Tensor& result : session->results) {
      session->result_views.push_back({static_cast<VigilDType>(result.dtype()),
                                       static_cast<int64_t>(result.shape().size()), result.shape().data(),
                                       result.raw()});
    }
    *outputs = session->result_views.data();
  });
}

}  // extern "C"
