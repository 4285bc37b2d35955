// SPDX-License-Identifier: Apache-2.0
// vigil._vigil: the compiled half of the Python module (python/vigil/__init__.py is the
// other). An InferenceSession in the shape ONNX Runtime's Python API has (get_inputs,
// get_outputs, run) over runtime/session.h, numpy arrays in and out; the exception types;
// and run_command, the command line (cli/command_line.h) in-process, on which the
// module's tools (quantize, profile, ...) are built.
//
// Inputs that are C-contiguous arrays of the declared element type are read in place;
// others are refused by type or copied once to be contiguous. Outputs land in buffers the
// session keeps from run to run and are copied once into new arrays, which the caller
// then owns. A run releases the GIL; each session runs one call at a time, so threads
// that share a session take turns and threads with sessions of their own run at once.
#include <fcntl.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "abft/machine_ridges.h"
#include "cli/command_line.h"
#include "core/cpu_features.h"
#include "core/dtype.h"
#include "core/error.h"
#include "onnx_io/model_import.h"
#include "runtime/session.h"

namespace py = pybind11;

namespace vigil::python {

namespace {

// The exception types, made once at import (vigil.Error and its kinds).
struct ExceptionTypes {
  PyObject* error = nullptr;           // vigil.Error(RuntimeError)
  PyObject* bad_input = nullptr;       // vigil.BadInput(vigil.Error, ValueError)
  PyObject* unsupported = nullptr;     // vigil.Unsupported(vigil.Error)
  PyObject* fault_detected = nullptr;  // vigil.FaultDetected(vigil.Error)
};
ExceptionTypes exception_types;

PyObject* exception_type(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadInput: return exception_types.bad_input;
    case ErrorKind::Unsupported: return exception_types.unsupported;
    case ErrorKind::FaultDetected: return exception_types.fault_detected;
    default: return exception_types.error;
  }
}

// numpy's name for each element type vigil exchanges with Python; nullptr for the others.
const char* numpy_name(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Float16: return "float16";
    case DType::Int8: return "int8";
    case DType::Int16: return "int16";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::UInt8: return "uint8";
    case DType::UInt16: return "uint16";
    case DType::UInt32: return "uint32";
    case DType::UInt64: return "uint64";
    case DType::Bool: return "bool";
    default: return nullptr;
  }
}

// ONNX Runtime's type string: "tensor(float)", "tensor(uint8)".
std::string onnx_type_name(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "tensor(float)";
    case DType::Float64: return "tensor(double)";
    case DType::Float16: return "tensor(float16)";
    case DType::BFloat16: return "tensor(bfloat16)";
    case DType::String: return "tensor(string)";
    default: return "tensor(" + dtype_name(dtype) + ")";
  }
}

// The element type of an array in native byte order (numpy's kind and item size).
// A bad-input Error; for messages whose parts cost something to make, made only on failure.
template <class... Parts>
[[noreturn]] void fail_input(const Parts&... parts) {
  throw Error(ErrorKind::BadInput, str_cat(parts...));
}

std::string type_name(const py::handle& value) {
  return py::str(py::type::of(value).attr("__name__")).cast<std::string>();
}

std::optional<DType> dtype_of_array(const py::array& array) {
  const py::dtype dtype = array.dtype();
  const char kind = dtype.kind();
  const auto size = dtype.itemsize();
  if (kind == 'f') {
    if (size == 4) return DType::Float32;
    if (size == 8) return DType::Float64;
    if (size == 2) return DType::Float16;
  }
  if (kind == 'i' || kind == 'u') {
    const bool is_signed = kind == 'i';
    if (size == 1) return is_signed ? DType::Int8 : DType::UInt8;
    if (size == 2) return is_signed ? DType::Int16 : DType::UInt16;
    if (size == 4) return is_signed ? DType::Int32 : DType::UInt32;
    if (size == 8) return is_signed ? DType::Int64 : DType::UInt64;
  }
  if (kind == 'b' && size == 1) return DType::Bool;
  return std::nullopt;
}

// A declared input or output, as ONNX Runtime's NodeArg shows it.
struct NodeArg {
  std::string name;
  py::object shape;  // a list of ints and symbol names (None where unnamed and not fixed), or None
  std::string type;
  py::object dtype;  // the numpy dtype, or None for types numpy lacks

  explicit NodeArg(const ValueInfo& info) : name(info.name), type(onnx_type_name(info.dtype)) {
    if (info.has_shape) {
      py::list dims;
      for (const Dim& dim : info.dims) {
        if (dim.is_fixed()) {
          dims.append(dim.value);
        } else if (!dim.symbol.empty()) {
          dims.append(dim.symbol);
        } else {
          dims.append(py::none());
        }
      }
      shape = dims;
    } else {
      shape = py::none();
    }
    const char* numpy = numpy_name(info.dtype);
    dtype = numpy ? py::object(py::dtype(numpy)) : py::none();
    if (info.kind != TypeKind::Tensor) type = info.kind == TypeKind::Sequence ? "seq(" + type + ")" : "other";
  }
};

class InferenceSession {
 public:
  InferenceSession(const py::object& path, int threads, bool optimize, const std::optional<std::string>& isa,
                   const std::optional<std::string>& abft, const std::optional<std::string>& abft_mode) {
    const std::string file = py::str(py::module_::import("os").attr("fspath")(path));
    check_input(threads >= 1, "InferenceSession: threads ", threads, " is not at least 1");
    if (isa) set_active_features(parse_feature_mask(*isa, "InferenceSession: isa"));
    const abft::Options checks =
        abft::options_by_name(abft.value_or(""), abft_mode.value_or(""), threads, "InferenceSession");
    py::gil_scoped_release unlocked;
    session_ = std::make_unique<Session>(load_model(file), SessionOptions{threads, optimize, checks});
  }

  std::vector<NodeArg> get_inputs() const {
    std::vector<NodeArg> args;
    for (const ValueInfo& info : session_->graph().inputs) args.emplace_back(info);
    return args;
  }

  std::vector<NodeArg> get_outputs() const {
    std::vector<NodeArg> args;
    for (const ValueInfo& info : session_->graph().outputs) args.emplace_back(info);
    return args;
  }

  // ONNX Runtime's run(output_names, input_feed): the named outputs (all for None), in
  // the order asked.
  py::list run(const py::object& output_names, const py::object& feeds) {
    const Graph& graph = session_->graph();
    if (!py::isinstance<py::dict>(feeds)) {
      fail_input("run: the feeds must be a dict of input name to numpy array, not ", type_name(feeds));
    }
    const auto feed_dict = feeds.cast<py::dict>();
    for (const auto& [key, value] : feed_dict) {
      const std::string name = py::str(key);
      bool known = false;
      for (const ValueInfo& input : graph.inputs) known = known || input.name == name;
      check_input(known, "run: the model has no input '", name, "'");
    }
    const std::vector<size_t> wanted = output_indices(output_names);

    // The arrays stay referenced here while the GIL is released.
    std::vector<py::array> arrays;
    std::vector<Tensor> inputs;
    for (const ValueInfo& input : graph.inputs) {
      const py::str key(input.name);
      check_input(feed_dict.contains(key), "run: no value for input '", input.name, "'");
      arrays.push_back(input_array(input.name, feed_dict[key]));
      inputs.push_back(wrap(input.name, arrays.back()));
    }
    std::vector<const Tensor*> input_pointers;
    for (const Tensor& tensor : inputs) input_pointers.push_back(&tensor);

    // One run at a time, until its results are copied out. The lock is taken without the
    // GIL, so a thread that holds the GIL never waits for it.
    std::unique_lock<std::mutex> one_run_at_a_time(running_, std::defer_lock);
    {
      py::gil_scoped_release unlocked;
      one_run_at_a_time.lock();
      session_->run_into(input_pointers, results_);
    }
    py::list outputs;
    for (const size_t index : wanted) outputs.append(to_array(graph.outputs[index].name, results_[index]));
    return outputs;
  }

 private:
  std::vector<size_t> output_indices(const py::object& output_names) const {
    const std::vector<ValueInfo>& declared = session_->graph().outputs;
    std::vector<size_t> indices;
    if (output_names.is_none()) {
      for (size_t i = 0; i < declared.size(); ++i) indices.push_back(i);
      return indices;
    }
    check_input(!py::isinstance<py::str>(output_names) && py::isinstance<py::sequence>(output_names),
                "run: output_names must be a list of output names or None");
    for (const auto& item : output_names) {
      const std::string name = py::str(item);
      size_t index = 0;
      while (index < declared.size() && declared[index].name != name) ++index;
      check_input(index < declared.size(), "run: the model has no output '", name, "'");
      indices.push_back(index);
    }
    return indices;
  }

  static py::array input_array(const std::string& name, const py::handle& value) {
    if (!py::isinstance<py::array>(value))
      fail_input("run: input '", name, "' must be a numpy array, not ", type_name(value));
    auto array = py::reinterpret_borrow<py::array>(value);
    if (!dtype_of_array(array)) {
      fail_input("run: input '", name, "': numpy dtype ", py::str(array.dtype()).cast<std::string>(),
                 " is not one vigil runs");
    }
    // One copy where the bytes are not in C order or not in this machine's byte order.
    if (!array.dtype().attr("isnative").cast<bool>()) {
      array = py::reinterpret_borrow<py::array>(array.attr("astype")(array.dtype().attr("newbyteorder")("=")));
    }
    if (!(array.flags() & py::array::c_style)) {
      array = py::reinterpret_borrow<py::array>(py::module_::import("numpy").attr("ascontiguousarray")(array));
    }
    return array;
  }

  // A tensor over the array's bytes; the session checks its type and shape against the
  // declared input and never writes it.
  static Tensor wrap(const std::string& name, const py::array& array) {
    const DType dtype = *dtype_of_array(array);
    Shape shape(array.shape(), array.shape() + array.ndim());
    auto* bytes = static_cast<std::byte*>(const_cast<void*>(array.data()));
    static std::byte empty_input{};
    if (bytes == nullptr) bytes = &empty_input;  // no elements
    return Tensor::over(dtype, std::move(shape), std::shared_ptr<std::byte>(bytes, [](std::byte*) {}), bytes);
  }

  static py::array to_array(const std::string& name, const Tensor& tensor) {
    const char* numpy = numpy_name(tensor.dtype());
    if (numpy == nullptr) {
      throw Error(ErrorKind::Unsupported, "run: output '" + name + "' is of type " + dtype_name(tensor.dtype()) +
                                              ", which the Python module does not return");
    }
    py::array array(py::dtype(numpy), std::vector<py::ssize_t>(tensor.shape().begin(), tensor.shape().end()));
    if (tensor.nbytes() > 0) std::memcpy(array.mutable_data(), tensor.raw(), tensor.nbytes());
    return array;
  }

  std::unique_ptr<Session> session_;
  std::mutex running_;
  std::vector<Tensor> results_;  // run_into's buffers, reused from run to run
};

// Runs one command line in this process; with `quiet`, the command's own stdout is
// discarded (the tools return its --json document instead). Returns (exit code, error
// message), the message empty on success.
py::tuple run_command(const std::vector<std::string>& arguments, bool quiet) {
  std::fflush(stdout);
  std::cout.flush();
  int saved_stdout = -1;
  if (quiet) {
    const int null_device = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_device >= 0) {
      saved_stdout = ::dup(STDOUT_FILENO);
      ::dup2(null_device, STDOUT_FILENO);
      ::close(null_device);
    }
  }
  const cli::CommandOutcome outcome = cli::run_command_line(arguments);
  std::fflush(stdout);
  std::cout.flush();
  if (saved_stdout >= 0) {
    ::dup2(saved_stdout, STDOUT_FILENO);
    ::close(saved_stdout);
  }
  return py::make_tuple(outcome.exit_code, outcome.message);
}

PyObject* new_exception(py::module_& module, const char* name, PyObject* bases, const char* doc) {
  const std::string qualified = std::string("vigil.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (type == nullptr) throw py::error_already_set();
  module.add_object(name, py::handle(type));
  return type;
}

}  // namespace

void define_module(py::module_& module) {
  module.doc() = "vigil's sessions and command line, compiled (import vigil instead)";

  exception_types.error = new_exception(module, "Error", PyExc_RuntimeError, "An error from vigil.");
  exception_types.bad_input =
      new_exception(module, "BadInput",
                    py::make_tuple(py::handle(exception_types.error), py::handle(PyExc_ValueError)).release().ptr(),
                    "Bad input: a malformed model, a wrong argument or feed, memory beyond the budget.");
  exception_types.unsupported =
      new_exception(module, "Unsupported", exception_types.error, "Something valid that vigil does not run.");
  exception_types.fault_detected =
      new_exception(module, "FaultDetected", exception_types.error, "ABFT detected a fault that it could not correct.");
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const Error& error) {
      PyErr_SetString(exception_type(error.kind()), error.what());
    }
  });

  py::class_<NodeArg>(module, "NodeArg", "A model input or output: name, shape, type (as ONNX Runtime's) and dtype.")
      .def_readonly("name", &NodeArg::name)
      .def_readonly("shape", &NodeArg::shape)
      .def_readonly("type", &NodeArg::type)
      .def_readonly("dtype", &NodeArg::dtype)
      .def("__repr__", [](const NodeArg& arg) {
        return "NodeArg(name='" + arg.name + "', type='" + arg.type +
               "', shape=" + py::str(py::repr(arg.shape)).cast<std::string>() + ")";
      });

  py::class_<InferenceSession>(module, "InferenceSession", "A model loaded, optimised and ready to run.")
      .def(py::init<const py::object&, int, bool, const std::optional<std::string>&, const std::optional<std::string>&,
                    const std::optional<std::string>&>(),
           py::arg("path"), py::kw_only(), py::arg("threads") = 1, py::arg("optimize") = true,
           py::arg("isa") = py::none(), py::arg("abft") = py::none(), py::arg("abft_mode") = py::none())
      .def("get_inputs", &InferenceSession::get_inputs)
      .def("get_outputs", &InferenceSession::get_outputs)
      .def("run", &InferenceSession::run, py::arg("output_names"), py::arg("input_feed"));

  module.def("run_command", &run_command, py::arg("arguments"), py::arg("quiet") = false,
             "Runs a vigil command line in this process: (exit code, error message).");
  module.def(
      "active_isa", [] { return isa_name(active_isa()); }, "The instruction-set level the kernels use now.");
}

}  // namespace vigil::python

PYBIND11_MODULE(_vigil, module) { vigil::python::define_module(module); }
