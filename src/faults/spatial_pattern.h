// SPDX-License-Identifier: Apache-2.0
// CLASSES' error models (Bolchini et al., IEEE TC 2022): how one hardware fault spreads
// over a layer's output tensor. A spatial pattern says which elements go wrong around an
// anchor element, a value class what they become. The patterns read a tensor as channels
// of rows and columns: the last dimension is the columns, the one before it the rows (1 for
// a vector) and all the others together the channels (N x C for an NCHW activation).
// - point: the anchor alone;
// - row: a run of 2 or more neighbours along the anchor's row;
// - bullet_wake: the anchor's position in 2 or more consecutive channels;
// - skip4: every 4th element of the anchor's channel (raveled), 2 or more of them;
// - block: a rectangle of up to 8 x 8 around the anchor in its channel;
// - channel: the anchor's whole channel;
// - shattered: a bullet wake whose channels also go wrong on a few neighbours of the row;
// - scattered: 2 to 64 elements anywhere in the tensor (CLASSES' "random").
// Value classes: in_range (uniform within the fault-free tensor's [min, max]), out_of_range
// (outside it: 2 to 2^10 times the largest magnitude for floats, the rest of the type for
// integers), nan and zero. Everything is drawn from one random word, so an injection
// repeats exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace vigil::faults {

enum class SpatialPattern { Point, Row, BulletWake, Skip4, Block, Channel, Shattered, Scattered };
enum class ValueClass { InRange, OutOfRange, NaN, Zero };

const char* spatial_pattern_name(SpatialPattern pattern);
const char* value_class_name(ValueClass value_class);
// The pattern of that name, or nothing when it names none.
bool find_spatial_pattern(const std::string& name, SpatialPattern& pattern);
// Parses a name of value_class_name; a bad-input Error naming --values otherwise.
ValueClass parse_value_class(const std::string& name);
// "point, row, ..." and "in_range, ...", for messages and help.
std::string spatial_pattern_names();
std::string value_class_names();

// The elements (flat indices into `shape`) the pattern corrupts around `anchor`,
// ascending and distinct; the anchor is always among them.
std::vector<int64_t> pattern_elements(SpatialPattern pattern, const Shape& shape, int64_t anchor, uint64_t random_word);

// Overwrites `elements` of `tensor` with values of the class, measured against the
// tensor's finite values before any is written. NaN needs a floating-point tensor (a
// bad-input Error otherwise).
void write_value_class(Tensor& tensor, const std::vector<int64_t>& elements, ValueClass value_class, uint64_t random_word);

}  // namespace vigil::faults
