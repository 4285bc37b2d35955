// SPDX-License-Identifier: Apache-2.0
// Prepared forms of constant weights (packed GEMM panels, Winograd-transformed filters)
// shared by every operator that prepares the same weights the same way, in any session of
// this process. Sessions over one model (a campaign's workers, a server's session per
// thread) then pack ResNet-50's 100 MB of filters once, not once each.
//
// An entry is found by the address of the weights' bytes and a recipe naming everything
// else the preparation depends on (the caller's layer geometry and choice of algorithm;
// the prepared type and the active CPU features are added here). The prepared form keeps
// the weights' storage alive, so no other tensor can take that address while anyone uses
// the entry; it goes when its last user does. Weights must not change in place once
// prepared (a corrupted weight is a corrupted copy, with an address of its own), and a
// prepared form must be immutable, since threads and sessions run on it at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <typeinfo>

#include "core/tensor.h"

namespace vigil {

namespace detail {
std::shared_ptr<const void> shared_preparation(const Tensor& weights, const std::type_info& type,
                                               const std::string& recipe,
                                               const std::function<std::shared_ptr<const void>()>& make);
}  // namespace detail

// The prepared form of `weights` made by `make`, or the one already made with the same
// recipe from the same bytes.
template <class T>
std::shared_ptr<const T> shared_preparation(const Tensor& weights, const std::string& recipe,
                                            const std::function<std::unique_ptr<T>()>& make) {
  return std::static_pointer_cast<const T>(detail::shared_preparation(
      weights, typeid(T), recipe, [&]() -> std::shared_ptr<const void> { return std::shared_ptr<const T>(make()); }));
}

// How many prepared forms are in use now (tests).
size_t shared_preparations_in_use();

}  // namespace vigil
