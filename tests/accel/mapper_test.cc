// SPDX-License-Identifier: Apache-2.0
// The mapper: candidates that cover the layer exactly, the same answer for any thread
// count, and a search that finds a mapping that fits where one exists.
#include "accel/mapper.h"

#include <gtest/gtest.h>

#include "accel/row_stationary.h"
#include "accel/workload.h"
#include "core/error.h"

namespace vigil::accel {
namespace {

struct Eyeriss {
  ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
  Workload alexnet = load_workload(VIGIL_SOURCE_DIR "/src/accel/specs/alexnet_eyeriss.yaml");
};

TEST(AccelMapper, CandidatesCoverEveryDimensionExactlyAndFitTheArray) {
  const Eyeriss e;
  const Layer& layer = e.alexnet.layers[2];
  Mapping mapping;
  for (int64_t index = 0; index < 2000; ++index) {
    candidate_mapping(e.arch, layer, 7, index, mapping);
    DimArray product{};
    product.fill(1);
    for (const auto& loops : mapping.temporal) {
      for (const Loop& loop : loops) product[static_cast<int>(loop.dim)] *= loop.factor;
    }
    for (const auto* loops : {&mapping.spatial_rows, &mapping.spatial_cols}) {
      for (const Loop& loop : *loops) product[static_cast<int>(loop.dim)] *= loop.factor;
    }
    ASSERT_EQ(product, layer.dims) << mapping_to_string(mapping);
    ASSERT_LE(loops_product(mapping.spatial_rows), e.arch.pe_rows);
    ASSERT_LE(loops_product(mapping.spatial_cols), e.arch.pe_cols);
  }
  Mapping again;
  candidate_mapping(e.arch, layer, 7, 1234, again);
  candidate_mapping(e.arch, layer, 7, 1234, mapping);
  EXPECT_EQ(mapping_to_string(again), mapping_to_string(mapping));
}

TEST(AccelMapper, SameAnswerForAnyThreadCount) {
  const Eyeriss e;
  const Layer& layer = e.alexnet.layers[1];
  MapperOptions options;
  options.max_evaluations = 20000;
  options.seed = 3;
  options.threads = 1;
  const MapperResult one = search_mapping(e.arch, layer, options);
  options.threads = 2;
  const MapperResult two = search_mapping(e.arch, layer, options);
  options.threads = 3;
  const MapperResult three = search_mapping(e.arch, layer, options);
  ASSERT_TRUE(one.found);
  EXPECT_EQ(one.evaluations, 20000);
  EXPECT_EQ(two.evaluations, 20000);
  EXPECT_GT(one.valid, 0);
  EXPECT_EQ(one.valid, two.valid);
  for (const MapperResult* other : {&two, &three}) {
    EXPECT_EQ(other->index, one.index);
    EXPECT_EQ(other->cost, one.cost);
    EXPECT_EQ(mapping_to_string(other->mapping), mapping_to_string(one.mapping));
  }
  EXPECT_TRUE(evaluate(e.arch, layer, one.mapping).ok);
  EXPECT_EQ(one.cost, objective_cost(Objective::Edp, one.result));
}

TEST(AccelMapper, ObjectivesByName) {
  EXPECT_EQ(parse_objective("latency"), Objective::Latency);
  try {
    parse_objective("speed");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--objective: unknown objective 'speed' (energy, latency or edp)");
  }
}

}  // namespace
}  // namespace vigil::accel
