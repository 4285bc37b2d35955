// SPDX-License-Identifier: Apache-2.0
// The operator registry: the one list of operators vigil runs, keyed by (domain,
// op_type). Each operator family registers itself from its own file through one
// register_*_operators function listed in families.h; `vigil ops` and the docs read the
// list from here.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ops/operator.h"

namespace vigil {

class OpRegistry {
 public:
  static const OpRegistry& instance();

  // `domain` "" is the default ONNX domain. A name registered twice is a bug of ours: an
  // internal Error, never a silent replacement.
  void add(const std::string& domain, const std::string& op_type, OpFactory factory);
  // nullptr if no operator of that name is registered.
  OpFactory find(const std::string& domain, const std::string& op_type) const;
  std::vector<std::pair<std::string, std::string>> list() const;  // (domain, op_type), sorted

 private:
  std::map<std::pair<std::string, std::string>, OpFactory> factories_;
};

}  // namespace vigil
