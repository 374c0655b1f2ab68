// Loading and saving tensors in the safetensors format: the tensors' bytes around the header that
// safetensors_header.cpp checks and writes, and the files that file.cpp maps and replaces.
#include "striate/io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "file.h"
#include "json.h"
#include "safetensors_header.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; a big-endian host would need byte swapping here");

namespace striate::io {

namespace {

std::string tensor_label(const std::string& name) { return "tensor '" + shorten_for_message(name) + "'"; }

void check_utf8(const std::string& text, const std::string& what, const std::string& operation) {
  STRIATE_CHECK(is_valid_utf8(text), operation, ": ", what, " is not valid UTF-8 (safetensors headers are UTF-8 JSON)");
}

// Raises unless every tensor of the header can become a striate tensor, before anything is allocated.
void check_loadable(const SafetensorsHeader& header, const std::string& path, const std::string& operation) {
  for (const auto& entry : header.entries) {
    if (!entry.dtype->striate_dtype) {
      throw IOError(operation + ": '" + path + "': " + tensor_label(entry.name) + " has dtype " + entry.dtype->name +
                    ", which striate does not hold (it loads F32, F64, I64, U8 and BOOL)");
    }
    if (entry.shape.size() > static_cast<size_t>(kMaxDims)) {
      throw IOError(operation + ": '" + path + "': " + tensor_label(entry.name) + " has " +
                    std::to_string(entry.shape.size()) + " dimensions; striate tensors have at most " +
                    std::to_string(kMaxDims));
    }
  }
}

}  // namespace

namespace detail {

void save_safetensors(const std::string& path, const OrderedDict<Tensor>& tensors, const Metadata& metadata,
                      const std::string& operation) {
  for (const auto& [key, value] : metadata) {
    check_utf8(key, "metadata key '" + shorten_for_message(key) + "'", operation);
    check_utf8(value, "the metadata value of '" + shorten_for_message(key) + "'", operation);
  }
  std::vector<SafetensorsEntry> entries;
  entries.reserve(tensors.size());
  for (const auto& item : tensors) {
    STRIATE_CHECK(item.key != "__metadata__", operation,
                  ": the name \"__metadata__\" is reserved for the file's metadata; rename that tensor");
    check_utf8(item.key, "the name '" + shorten_for_message(item.key) + "'", operation);
    STRIATE_CHECK_TYPE(item.value.defined(), operation, ": ", tensor_label(item.key), " is undefined (None)");
    SafetensorsEntry entry;
    entry.name = item.key;
    entry.dtype = &safetensors_dtype_of(item.value.dtype());
    entry.shape = item.value.sizes().vec();
    entry.end = static_cast<uint64_t>(item.value.numel()) * entry.dtype->element_size;  // begin: below
    entries.push_back(std::move(entry));
  }

  // The data by decreasing element size (stable, so ties keep the given order): with the data
  // section starting at a multiple of 8, every tensor then starts at a multiple of its element size.
  std::vector<size_t> layout(entries.size());
  std::iota(layout.begin(), layout.end(), size_t{0});
  std::stable_sort(layout.begin(), layout.end(),
                   [&](size_t a, size_t b) { return entries[a].dtype->element_size > entries[b].dtype->element_size; });
  uint64_t offset = 0;
  for (size_t index : layout) {
    uint64_t nbytes = entries[index].end;
    entries[index].begin = offset;
    entries[index].end = offset + nbytes;
    offset += nbytes;
  }
  const std::string header = write_safetensors_header(entries, metadata);

  AtomicFileWriter out(path, operation);
  unsigned char length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(static_cast<uint64_t>(header.size()) >> (8 * i));
  out.write(length, sizeof(length));
  out.write(header.data(), header.size());
  NoGradGuard no_grad;
  for (size_t index : layout) {
    // One tensor at a time made contiguous on the CPU, so at most one extra copy is alive.
    Tensor tensor = tensors.items()[index].value.detach();
    if (!tensor.device().is_cpu()) tensor = tensor.to(kCPU);
    if (!tensor.is_contiguous()) tensor = tensor.contiguous();
    out.write(tensor.data_ptr(), entries[index].end - entries[index].begin);
  }
  out.commit();
}

SafetensorsContent load_safetensors(const std::string& path, const std::string& operation) {
  MappedFile file(path, operation);
  SafetensorsHeader header = parse_safetensors_header(file.data(), file.size(), path, operation);
  check_loadable(header, path, operation);
  SafetensorsContent content;
  content.metadata = std::move(header.metadata);
  for (auto& entry : header.entries) {
    // The header check proved begin <= end <= the data's size and end - begin = numel * element size.
    Tensor tensor = empty(Shape(entry.shape), TensorOptions(*entry.dtype->striate_dtype));
    const unsigned char* source = file.data() + header.data_start + entry.begin;
    size_t nbytes = static_cast<size_t>(entry.end - entry.begin);
    if (*entry.dtype->striate_dtype == DType::Bool) {
      // A C++ bool must hold 0 or 1; any other byte would be undefined behaviour downstream.
      const unsigned char* bad = std::find_if(source, source + nbytes, [](unsigned char b) { return b > 1; });
      if (bad != source + nbytes) {
        throw IOError(operation + ": '" + path + "': " + tensor_label(entry.name) + " (BOOL) holds the byte " +
                      std::to_string(*bad) + " at element " + std::to_string(bad - source) + "; expected 0 or 1");
      }
    }
    if (nbytes > 0) std::memcpy(tensor.data_ptr(), source, nbytes);
    content.tensors.insert(std::move(entry.name), std::move(tensor));
  }
  return content;
}

Metadata load_safetensors_metadata(const std::string& path, const std::string& operation) {
  MappedFile file(path, operation);
  return parse_safetensors_header(file.data(), file.size(), path, operation).metadata;
}

}  // namespace detail

void save_safetensors(const std::string& path, const OrderedDict<Tensor>& tensors, const Metadata& metadata) {
  detail::save_safetensors(path, tensors, metadata, "save_safetensors");
}

SafetensorsContent load_safetensors(const std::string& path) {
  return detail::load_safetensors(path, "load_safetensors");
}

Metadata load_safetensors_metadata(const std::string& path) {
  return detail::load_safetensors_metadata(path, "load_safetensors_metadata");
}

}  // namespace striate::io
