// SPDX-License-Identifier: Apache-2.0
// .npy and IDX files: round trips, headers, and malformed files.
#include "io/npy.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "io/idx.h"

namespace vigil {

TEST(Npy, RoundTripsEveryType) {
  for (DType type : {DType::Float32, DType::Float64, DType::Int8, DType::UInt8, DType::Int16, DType::Int32,
                     DType::Int64, DType::Bool, DType::Float16}) {
    Tensor tensor(type, {2, 3});
    for (size_t b = 0; b < tensor.nbytes(); ++b)
      static_cast<uint8_t*>(tensor.raw())[b] = (b * 7) & (type == DType::Bool ? 1 : 0x7f);
    const Tensor back = parse_npy(serialize_npy(tensor), "t.npy");
    EXPECT_EQ(back.dtype(), type);
    EXPECT_EQ(back.shape(), tensor.shape());
    EXPECT_EQ(std::memcmp(back.raw(), tensor.raw(), tensor.nbytes()), 0);
  }
  for (const Shape& shape : {Shape{}, Shape{5}, Shape{0, 2}}) {
    EXPECT_EQ(parse_npy(serialize_npy(Tensor(DType::Float32, shape)), "t").shape(), shape);
  }
}

TEST(Npy, ParsesNumpyHeader) {
  std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
  header.append(118 - header.size(), ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header;
  const int64_t values[2] = {-1, 42};
  bytes.append(reinterpret_cast<const char*>(values), sizeof values);
  EXPECT_EQ(parse_npy(bytes, "n").to_int64_vector(), (std::vector<int64_t>{-1, 42}));
  EXPECT_THROW(parse_npy(bytes.substr(0, bytes.size() - 3), "n"), Error);  // truncated data
  EXPECT_THROW(parse_npy("\x93NUMPY\x01\x00\xff\x00{", "n"), Error);       // truncated header
  EXPECT_THROW(parse_npy("not numpy at all", "n"), Error);
  // A repeated key (numpy would take the last one) is refused, naming the key.
  std::string twice = "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), 'shape': (2,), }";
  twice.append(118 - twice.size(), ' ');
  twice += '\n';
  std::string twice_bytes = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(twice.size()) + '\0' + twice;
  twice_bytes.append(reinterpret_cast<const char*>(values), sizeof values);
  try {
    parse_npy(twice_bytes, "n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("names 'shape' twice"), std::string::npos) << e.what();
  }
}

TEST(Idx, ReadsPlainAndGzipped) {
  const auto dir = std::filesystem::temp_directory_path() / "vigil_idx_test";
  std::filesystem::create_directories(dir);
  const unsigned char images[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40};
  const unsigned char labels[] = {0, 0, 8, 1, 0, 0, 0, 2, 7, 3};
  std::ofstream(dir / "t10k-images-idx3-ubyte", std::ios::binary)
      .write(reinterpret_cast<const char*>(images), sizeof images);
  gzFile gz = gzopen((dir / "t10k-labels-idx1-ubyte.gz").c_str(), "wb");
  gzwrite(gz, labels, sizeof labels);
  gzclose(gz);
  const IdxDataset dataset = read_idx_dataset(dir.string());
  EXPECT_EQ(dataset.images.shape(), (Shape{2, 1, 2}));
  EXPECT_EQ(dataset.images.to_int64_vector(), (std::vector<int64_t>{10, 20, 30, 40}));
  EXPECT_EQ(dataset.labels.to_int64_vector(), (std::vector<int64_t>{7, 3}));
  std::ofstream(dir / "bad", std::ios::binary).write(reinterpret_cast<const char*>(images), 12);
  EXPECT_THROW(read_idx_file((dir / "bad").string()), Error);
  std::filesystem::remove_all(dir);
}

}  // namespace vigil
