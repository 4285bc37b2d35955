// SPDX-License-Identifier: Apache-2.0
// The operator registry: every family registers without a clash (the instance builds),
// and a second registration of a name is refused instead of replacing the first.
#include "ops/registry.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace vigil {
namespace {

std::unique_ptr<Operator> make_nothing(const OpCreateInfo&) { return nullptr; }

TEST(OpRegistry, EveryFamilyRegistersWithoutAClash) {
  EXPECT_NE(OpRegistry::instance().find("", "Conv"), nullptr);
  EXPECT_EQ(OpRegistry::instance().find("ai.onnx", "Conv"), OpRegistry::instance().find("", "Conv"));
}

TEST(OpRegistry, ASecondRegistrationOfANameIsRefused) {
  OpRegistry registry;
  registry.add("", "Twice", make_nothing);
  registry.add("com.example", "Twice", make_nothing);  // another domain: another name
  try {
    registry.add("", "Twice", make_nothing);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Internal);
    EXPECT_NE(std::string(e.what()).find("'Twice'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(registry.list().size(), 2u);
}

}  // namespace
}  // namespace vigil
