// Parsing and writing the safetensors header. The parser trusts nothing in the file: every length
// is bounded before it is used, every product is overflow-checked, and the offsets must tile the
// data section exactly, so what the loader later allocates and copies is proven to lie in the file.
#include "safetensors_header.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "json.h"
#include "striate/core/error.h"

namespace striate::io {

namespace {

// The dtypes of the format (safetensors' Dtype list; sub-byte float formats are not understood).
const SafetensorsDtype kDtypes[] = {
    {"BOOL", 1, DType::Bool},     {"U8", 1, DType::UInt8},      {"I8", 1, std::nullopt},  {"F8_E5M2", 1, std::nullopt},
    {"F8_E4M3", 1, std::nullopt}, {"F8_E8M0", 1, std::nullopt}, {"I16", 2, std::nullopt}, {"U16", 2, std::nullopt},
    {"F16", 2, DType::Float16},   {"BF16", 2, DType::BFloat16}, {"I32", 4, std::nullopt}, {"U32", 4, std::nullopt},
    {"F32", 4, DType::Float32},   {"F64", 8, DType::Float64},   {"I64", 8, DType::Int64}, {"U64", 8, std::nullopt},
    {"C64", 8, std::nullopt},
};

constexpr int kMaxHeaderDims = 64;  // far above any tensor; bounds what one shape may allocate

// Raises "<operation>: '<path>': <problem>".
struct Raiser {
  const std::string& path;
  const std::string& operation;
  [[noreturn]] void operator()(const std::string& problem) const {
    throw IOError(operation + ": '" + path + "': " + problem);
  }
};

std::string tensor_label(const std::string& name) { return "tensor '" + shorten_for_message(name) + "'"; }

std::string offsets_text(const SafetensorsEntry& entry) {
  return "[" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "]";
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// A non-negative integer where `what` (e.g. "dimension 1 of the shape of tensor 'w'") is expected.
uint64_t read_count(JsonReader& json, const std::string& what, const Raiser& raise) {
  JsonType type = json.peek();
  if (type != JsonType::Number) raise(what + " must be a non-negative integer, found " + json_type_name(type));
  std::string_view text = json.read_number();
  std::optional<uint64_t> value = json_number_as_uint64(text);
  if (!value) {
    bool digits_only = text.find_first_not_of("0123456789") == std::string_view::npos;
    raise(what + (digits_only ? " does not fit in 64 bits: " : " must be a non-negative integer, found ") +
          shorten_for_message(text, 40));
  }
  return *value;
}

Metadata parse_metadata(JsonReader& json, const Raiser& raise) {
  JsonType type = json.peek();
  if (type != JsonType::Object)
    raise(std::string("\"__metadata__\" must be an object of strings, found ") + json_type_name(type));
  Metadata metadata;
  json.begin_object();
  std::string key;
  while (json.next_key(key)) {
    type = json.peek();
    if (type != JsonType::String) {
      raise("\"__metadata__\" value of '" + shorten_for_message(key) + "' must be a string, found " +
            json_type_name(type));
    }
    metadata[key] = json.read_string();
  }
  return metadata;
}

SafetensorsEntry parse_entry(JsonReader& json, std::string name, const Raiser& raise) {
  SafetensorsEntry entry;
  entry.name = std::move(name);
  const std::string label = tensor_label(entry.name);
  JsonType type = json.peek();
  if (type != JsonType::Object) {
    raise(label + ": expected an object with \"dtype\", \"shape\" and \"data_offsets\", found " + json_type_name(type));
  }
  bool has_shape = false, has_offsets = false;
  json.begin_object();
  std::string field;
  while (json.next_key(field)) {
    if (field == "dtype") {
      type = json.peek();
      if (type != JsonType::String) raise(label + ": \"dtype\" must be a string, found " + json_type_name(type));
      std::string dtype = json.read_string();
      entry.dtype = find_safetensors_dtype(dtype);
      if (entry.dtype == nullptr) raise(label + ": unknown dtype '" + shorten_for_message(dtype, 40) + "'");
    } else if (field == "shape") {
      type = json.peek();
      if (type != JsonType::Array) raise(label + ": \"shape\" must be an array, found " + json_type_name(type));
      json.begin_array();
      while (json.next_element()) {
        if (entry.shape.size() == kMaxHeaderDims) raise(label + ": the shape has more than 64 dimensions");
        std::string what = "dimension " + std::to_string(entry.shape.size()) + " of the shape of " + label;
        uint64_t extent = read_count(json, what, raise);
        if (extent > static_cast<uint64_t>(INT64_MAX))
          raise(what + " does not fit in 63 bits: " + std::to_string(extent));
        entry.shape.push_back(static_cast<int64_t>(extent));
      }
      has_shape = true;
    } else if (field == "data_offsets") {
      type = json.peek();
      if (type != JsonType::Array) raise(label + ": \"data_offsets\" must be an array, found " + json_type_name(type));
      json.begin_array();
      int count = 0;
      while (json.next_element()) {
        if (count == 2) raise(label + ": \"data_offsets\" must hold 2 numbers [begin, end], found more");
        uint64_t offset = read_count(json, (count == 0 ? "the begin offset of " : "the end offset of ") + label, raise);
        (count == 0 ? entry.begin : entry.end) = offset;
        ++count;
      }
      if (count != 2)
        raise(label + ": \"data_offsets\" must hold 2 numbers [begin, end], found " + std::to_string(count));
      has_offsets = true;
    } else {
      raise(label + ": unexpected field \"" + shorten_for_message(field, 40) +
            "\" (a tensor has \"dtype\", \"shape\" and \"data_offsets\")");
    }
  }
  if (entry.dtype == nullptr) raise(label + ": missing \"dtype\"");
  if (!has_shape) raise(label + ": missing \"shape\"");
  if (!has_offsets) raise(label + ": missing \"data_offsets\"");

  if (entry.end < entry.begin) raise(label + ": data_offsets " + offsets_text(entry) + " end before they begin");
  uint64_t nbytes = entry.dtype->element_size;
  for (int64_t extent : entry.shape) {
    if (__builtin_mul_overflow(nbytes, static_cast<uint64_t>(extent), &nbytes)) {
      raise(label + ": the shape " + shape_text(entry.shape) + " of " + entry.dtype->name +
            " elements needs more bytes than 64 bits can count");
    }
  }
  if (nbytes != entry.end - entry.begin) {
    raise(label + ": the shape " + shape_text(entry.shape) + " of " + entry.dtype->name + " elements needs " +
          std::to_string(nbytes) + " bytes, data_offsets " + offsets_text(entry) + " hold " +
          std::to_string(entry.end - entry.begin));
  }
  return entry;
}

// The offsets, taken in order, must tile [0, data_size): no overlap, no gap, nothing past the end.
void check_layout(const std::vector<SafetensorsEntry>& entries, uint64_t data_size, const Raiser& raise) {
  for (const auto& entry : entries) {
    if (entry.end > data_size) {
      raise(tensor_label(entry.name) + ": data_offsets " + offsets_text(entry) + " run past the end of the data (" +
            std::to_string(data_size) + " bytes after the header)");
    }
  }
  std::vector<size_t> order(entries.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return entries[a].begin != entries[b].begin ? entries[a].begin < entries[b].begin : entries[a].end < entries[b].end;
  });
  uint64_t covered = 0;
  const SafetensorsEntry* last = nullptr;  // the entry that ends at `covered` (sorted: none overlaps it yet)
  for (size_t index : order) {
    const SafetensorsEntry& entry = entries[index];
    if (entry.begin < covered) {
      raise(tensor_label(last->name) + " and " + tensor_label(entry.name) + " overlap: data_offsets " +
            offsets_text(*last) + " and " + offsets_text(entry));
    }
    if (entry.begin > covered) {
      raise("bytes [" + std::to_string(covered) + ", " + std::to_string(entry.begin) +
            ") of the data belong to no tensor (a gap before " + tensor_label(entry.name) + ")");
    }
    last = &entry;
    covered = entry.end;
  }
  if (covered != data_size) {
    raise("bytes [" + std::to_string(covered) + ", " + std::to_string(data_size) +
          ") of the data belong to no tensor (the file has more data than its header describes)");
  }
}

}  // namespace

const SafetensorsDtype* find_safetensors_dtype(const std::string& name) {
  for (const auto& dtype : kDtypes) {
    if (name == dtype.name) return &dtype;
  }
  return nullptr;
}

const SafetensorsDtype& safetensors_dtype_of(DType dtype) {
  for (const auto& entry : kDtypes) {
    if (entry.striate_dtype == dtype) return entry;
  }
  throw TypeError(std::string("safetensors: no safetensors dtype for ") + dtype_name(dtype));
}

SafetensorsHeader parse_safetensors_header(const unsigned char* file, size_t file_size, const std::string& path,
                                           const std::string& operation) {
  Raiser raise{path, operation};
  if (file_size < 8) {
    raise("the file is " + std::to_string(file_size) +
          " bytes long; a safetensors file starts with an 8-byte header length");
  }
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | file[i];  // little-endian
  if (header_size > kMaxHeaderBytes) {
    raise("header length " + std::to_string(header_size) + " is over the format's limit of " +
          std::to_string(kMaxHeaderBytes) + " bytes");
  }
  if (header_size > file_size - 8) {
    raise("header length " + std::to_string(header_size) + " is larger than the rest of the file (" +
          std::to_string(file_size - 8) + " bytes): the file is truncated or not safetensors");
  }
  std::string_view text(reinterpret_cast<const char*>(file) + 8, header_size);
  size_t bad_offset = 0;
  if (!is_valid_utf8(text, &bad_offset)) {
    raise("the header is not valid UTF-8 at byte " + std::to_string(8 + bad_offset) + " of the file");
  }

  SafetensorsHeader header;
  header.data_start = 8 + header_size;
  try {
    JsonReader json(text);
    JsonType type = json.peek();
    if (type != JsonType::Object) raise(std::string("the header must be a JSON object, found ") + json_type_name(type));
    json.begin_object();
    std::string key;
    while (json.next_key(key)) {
      if (key == "__metadata__") {
        header.metadata = parse_metadata(json, raise);
      } else {
        header.entries.push_back(parse_entry(json, std::move(key), raise));
      }
    }
    json.end_document();
  } catch (const JsonError& error) {
    raise("invalid JSON header at byte " + std::to_string(8 + error.offset()) + " of the file: " + error.what());
  }
  check_layout(header.entries, file_size - header.data_start, raise);
  return header;
}

std::string write_safetensors_header(const std::vector<SafetensorsEntry>& entries, const Metadata& metadata) {
  std::string out = "{";
  bool first = true;
  if (!metadata.empty()) {
    out += "\"__metadata__\":{";
    for (const auto& [key, value] : metadata) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, key);
      out += ':';
      append_json_string(out, value);
    }
    out += '}';
    first = false;
  }
  for (const auto& entry : entries) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, entry.name);
    out += ":{\"dtype\":\"";
    out += entry.dtype->name;
    out += "\",\"shape\":[";
    for (size_t i = 0; i < entry.shape.size(); ++i) out += (i ? "," : "") + std::to_string(entry.shape[i]);
    out += "],\"data_offsets\":[" + std::to_string(entry.begin) + "," + std::to_string(entry.end) + "]}";
  }
  out += '}';
  while ((8 + out.size()) % 8 != 0) out += ' ';
  return out;
}

}  // namespace striate::io
