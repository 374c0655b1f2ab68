// The safetensors format (Hugging Face's weights container), read and written by our own strict
// code: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}},
// then the raw little-endian bytes of every tensor.
//   striate::OrderedDict<striate::Tensor> tensors;
//   tensors.insert("weight", striate::randn({4, 3}));
//   striate::io::save_safetensors("w.safetensors", tensors, {{"format", "pt"}});
//   striate::io::SafetensorsContent content = striate::io::load_safetensors("w.safetensors");
//
// Writing keeps the given order of the names in the header (a state dict reads back in module
// order); the data section lays tensors out by decreasing element size, so each starts at a
// multiple of its element size (the header is space-padded so the data starts at a multiple of 8),
// as zero-copy readers want. The file replaces `path` atomically (a reader or a crash sees the old
// file or the new one, never a mix).
//
// Reading maps the file and copies each tensor out into memory of its own (64-byte aligned, writable,
// as every tensor's), so the tensors outlive the file and a later change to the file cannot reach
// them; only a file cut short by another process during the load itself could still fault, as with
// any memory-mapped reader. It is strict: a header over 100 MB or
// past the end of the file, JSON that is not valid UTF-8 or not RFC 8259, an unknown dtype or
// field, a negative or overflowing shape, offsets that overlap, leave a gap, run past the data or
// disagree with shape x element size, a repeated name, or a BOOL byte other than 0/1 raises
// IOError (Python: OSError) naming the function, the file and the problem. Every safetensors dtype
// is understood; F32, F64, I64, U8 and BOOL load (striate's dtypes), the others (F16, BF16, I32,
// ...) raise IOError naming the dtype and the tensor. Tensors load on the CPU.
#pragma once
#include <map>
#include <string>

#include "striate/core/tensor.h"
#include "striate/nn/ordered_dict.h"

namespace striate::io {

/// The `__metadata__` of a file: string keys to string values.
using Metadata = std::map<std::string, std::string>;

/// What load_safetensors() read.
struct SafetensorsContent {
  /// The tensors, in the header's order.
  OrderedDict<Tensor> tensors;  // in the header's order
  /// The `__metadata__`.
  Metadata metadata;
};

/// Writes `tensors` (any dtype striate has, any device, any strides) to `path`. Raises ValueError
/// for a name that is "__metadata__" or not valid UTF-8, or a key or value of `metadata` that is not
/// valid UTF-8; TypeError for an undefined tensor; IOError when the file cannot be written (the
/// previous file at `path`, if any, is then left as it was).
/// @param path the file to write.
/// @param tensors the named tensors.
/// @param metadata the `__metadata__` (default empty).
/// @throws ValueError for a reserved or non-UTF-8 name.
/// @throws TypeError for an undefined tensor.
/// @throws IOError when the file cannot be written.
void save_safetensors(const std::string& path, const OrderedDict<Tensor>& tensors, const Metadata& metadata = {});

/// Reads every tensor and the metadata of a safetensors file.
/// @param path the file.
/// @return the tensors and metadata.
/// @throws IOError for a missing or malformed file (see above).
SafetensorsContent load_safetensors(const std::string& path);

/// Reads (and checks) only the header, returning its `__metadata__` (empty when it has none).
/// @param path the file.
/// @return the metadata.
/// @throws IOError for a missing or malformed file.
Metadata load_safetensors_metadata(const std::string& path);

namespace detail {
// The same, with the function name that error messages start with (the Python bindings pass
// the name their users call).
void save_safetensors(const std::string& path, const OrderedDict<Tensor>& tensors, const Metadata& metadata,
                      const std::string& operation);
SafetensorsContent load_safetensors(const std::string& path, const std::string& operation);
Metadata load_safetensors_metadata(const std::string& path, const std::string& operation);
}  // namespace detail

}  // namespace striate::io
