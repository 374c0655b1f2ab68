// The safetensors header as a checked structure: parsing it from a file's bytes (every rule of the
// format enforced) and writing it for a list of tensors.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "striate/core/dtype.h"
#include "striate/io/safetensors.h"

namespace striate::io {

// One of the format's dtypes: its name in the header, its element size, and the striate dtype it
// loads as (none for those striate does not hold).
struct SafetensorsDtype {
  const char* name;
  size_t element_size;
  std::optional<DType> striate_dtype;
};
// The entry for a header name, or null when the format has no such dtype.
const SafetensorsDtype* find_safetensors_dtype(const std::string& name);
// The entry for a striate dtype (each has one).
const SafetensorsDtype& safetensors_dtype_of(DType dtype);

struct SafetensorsEntry {
  std::string name;
  const SafetensorsDtype* dtype = nullptr;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte offsets into the data section
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in the header's order
  Metadata metadata;
  uint64_t data_start = 0;  // where the data section begins in the file (8 + header length)
};

// The format's limit on the header length (as the reference implementation's).
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

// Checks and parses the header of a whole file's bytes; raises IOError as
// "<operation>: '<path>': <problem>".
SafetensorsHeader parse_safetensors_header(const unsigned char* file, size_t file_size, const std::string& path,
                                           const std::string& operation);

// The header's JSON for `entries` (names in the given order) and `metadata`, space-padded so that
// 8 + its length is a multiple of 8.
std::string write_safetensors_header(const std::vector<SafetensorsEntry>& entries, const Metadata& metadata);

}  // namespace striate::io
