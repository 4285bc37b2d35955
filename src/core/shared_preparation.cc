// SPDX-License-Identifier: Apache-2.0
// The process's table of prepared weights (core/shared_preparation.h).
#include "core/shared_preparation.h"

#include <map>
#include <mutex>
#include <utility>

#include "core/cpu_features.h"

namespace vigil {

namespace {

// What an entry's users hold: the prepared form and the weights it was made from.
struct Prepared {
  Tensor weights;
  std::shared_ptr<const void> value;
};

struct Table {
  std::mutex mutex;
  std::map<std::pair<const void*, std::string>, std::weak_ptr<const void>> entries;

  void drop_unused() {
    for (auto it = entries.begin(); it != entries.end();) it = it->second.expired() ? entries.erase(it) : std::next(it);
  }
};

Table& table() {
  static Table* instance = new Table;  // never destroyed: sessions may outlive static destruction
  return *instance;
}

}  // namespace

namespace detail {

std::shared_ptr<const void> shared_preparation(const Tensor& weights, const std::type_info& type,
                                               const std::string& recipe,
                                               const std::function<std::shared_ptr<const void>()>& make) {
  const void* address = weights.empty() || weights.nbytes() == 0 ? nullptr : weights.raw();
  if (!address) return make();
  auto key = std::make_pair(address, std::string(type.name()) + '|' + std::to_string(active_features().bits()) + '|' +
                                         std::to_string(weights.nbytes()) + '|' + recipe);
  Table& shared = table();
  {
    const std::lock_guard<std::mutex> lock(shared.mutex);
    auto found = shared.entries.find(key);
    if (found != shared.entries.end()) {
      if (std::shared_ptr<const void> value = found->second.lock()) return value;
    }
  }
  // Made outside the lock (packing takes long); a session that made the same meanwhile wins.
  auto prepared = std::make_shared<Prepared>(Prepared{weights, make()});
  std::shared_ptr<const void> value(prepared, prepared->value.get());
  const std::lock_guard<std::mutex> lock(shared.mutex);
  shared.drop_unused();
  std::weak_ptr<const void>& entry = shared.entries[key];
  if (std::shared_ptr<const void> earlier = entry.lock()) return earlier;
  entry = value;
  return value;
}

}  // namespace detail

size_t shared_preparations_in_use() {
  Table& shared = table();
  const std::lock_guard<std::mutex> lock(shared.mutex);
  shared.drop_unused();
  return shared.entries.size();
}

}  // namespace vigil
