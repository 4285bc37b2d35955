// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the accelerator model's YAML loaders (accel/): the first byte picks
// what the rest is read as, an architecture spec, a layer list or a mapping file (explicit
// loops or MAESTRO-style directives), and what parses is predicted with the shipped
// Eyeriss spec and AlexNet layers standing in for the other inputs. A vigil::Error is the
// expected answer to bad text; anything else (a crash, a sanitizer report, another
// exception, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "accel/arch_spec.h"
#include "accel/mapping_yaml.h"
#include "accel/predict.h"
#include "accel/workload.h"
#include "core/error.h"

namespace {

using namespace vigil::accel;

struct Shipped {
  ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
  Workload alexnet = load_workload(VIGIL_SOURCE_DIR "/src/accel/specs/alexnet_eyeriss.yaml");
};

const Shipped& shipped() {
  static const Shipped instance;
  return instance;
}

void predict_with(const ArchSpec& arch, const Workload& workload) {
  predict(arch, workload, "row_stationary");
  predict(arch, workload, "weight_stationary");
  MapperOptions search;
  search.max_evaluations = 64;
  predict(arch, workload, "search", search);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 3) {
      case 0: predict_with(parse_arch_spec(text, "fuzz.yaml"), shipped().alexnet); break;
      case 1: predict_with(shipped().arch, parse_workload_yaml(text, "fuzz.yaml")); break;
      case 2: {
        const MappingFile file = parse_mapping_file(text, "fuzz.yaml", shipped().arch);
        for (const Layer& layer : shipped().alexnet.layers) {
          evaluate(shipped().arch, layer, file_mapping(file, mapping_key(file, layer), shipped().arch, layer));
        }
        break;
      }
    }
  } catch (const vigil::Error&) {
  }
  return 0;
}
