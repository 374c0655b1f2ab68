// The IDX reader: header (magic, element type, dims, big-endian), then the elements, read
// through zlib so that raw and .gz files take the same path.
#include "striate/data/idx.h"

#include <zlib.h>

#include <sys/stat.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "striate/ops/creation.h"

namespace striate::data {

namespace {

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

std::string truncated_message(const std::string& path, const char* what) {
  return detail::str("read_idx: '", path, "' is truncated: it ends inside the ", what);
}

// Reads exactly `count` bytes or raises IOError saying what was being read.
void read_exactly(gzFile file, void* out, size_t count, const std::string& path, const char* what) {
  auto* bytes = static_cast<unsigned char*>(out);
  size_t done = 0;
  while (done < count) {
    // gzread takes an unsigned count; read in 1 GiB pieces.
    unsigned piece = static_cast<unsigned>(std::min<size_t>(count - done, size_t{1} << 30));
    int got = gzread(file, bytes + done, piece);
    if (got < 0) {
      int code = 0;
      const char* message = gzerror(file, &code);
      if (code == Z_BUF_ERROR) throw IOError(truncated_message(path, what));  // a cut-off .gz stream
      throw IOError(detail::str("read_idx: cannot read '", path, "' (", what,
                                "): ", code == Z_ERRNO ? std::strerror(errno) : message));
    }
    if (got == 0) throw IOError(truncated_message(path, what));
    done += static_cast<size_t>(got);
  }
}

uint32_t big_endian_u32(const unsigned char* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | uint32_t{bytes[3]};
}

// Decodes big-endian elements of type Source into the output type Target.
template <typename Source, typename Target>
void decode(const unsigned char* bytes, int64_t count, Target* out) {
  constexpr size_t width = sizeof(Source);
  for (int64_t i = 0; i < count; ++i) {
    unsigned char swapped[width];
    for (size_t b = 0; b < width; ++b) swapped[b] = bytes[i * width + (width - 1 - b)];
    Source value;
    std::memcpy(&value, swapped, width);
    out[i] = static_cast<Target>(value);
  }
}

struct ElementType {
  size_t width;
  DType dtype;
};

ElementType element_type(unsigned char code, const std::string& path) {
  switch (code) {
    case 0x08: return {1, DType::UInt8};    // unsigned byte
    case 0x09: return {1, DType::Int64};    // signed byte
    case 0x0B: return {2, DType::Int64};    // short
    case 0x0C: return {4, DType::Int64};    // int
    case 0x0D: return {4, DType::Float32};  // float
    case 0x0E: return {8, DType::Float64};  // double
  }
  throw IOError(detail::str("read_idx: '", path, "' has an unknown element type code 0x", std::hex,
                            static_cast<int>(code), " (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)"));
}

}  // namespace

Tensor read_idx(const std::string& path) {
  struct stat info{};
  if (stat(path.c_str(), &info) != 0) {
    throw IOError(detail::str("read_idx: cannot open '", path, "': ", std::strerror(errno)));
  }
  if (S_ISDIR(info.st_mode)) throw IOError(detail::str("read_idx: '", path, "' is a directory, not an IDX file"));
  // A FIFO or device would block or never end; IDX files are regular files.
  if (!S_ISREG(info.st_mode)) throw IOError(detail::str("read_idx: '", path, "' is not a regular file"));
  GzFile file(gzopen(path.c_str(), "rb"));
  if (!file) throw IOError(detail::str("read_idx: cannot open '", path, "': ", std::strerror(errno)));

  unsigned char magic[4];
  read_exactly(file.get(), magic, 4, path, "header");
  if (magic[0] != 0 || magic[1] != 0) {
    throw IOError(detail::str("read_idx: '", path,
                              "' is not an IDX file (its first two bytes should be zero; bad magic number)"));
  }
  ElementType type = element_type(magic[2], path);
  int ndim = magic[3];
  if (ndim < 1 || ndim > kMaxDims) {
    throw IOError(detail::str("read_idx: '", path, "' declares ", ndim, " dimensions (expected 1 to ", kMaxDims, ")"));
  }
  std::vector<unsigned char> dim_bytes(static_cast<size_t>(ndim) * 4);
  read_exactly(file.get(), dim_bytes.data(), dim_bytes.size(), path, "header");
  Shape shape;
  for (int d = 0; d < ndim; ++d) shape.push_back(big_endian_u32(&dim_bytes[d * 4]));
  // The element and byte counts are checked before anything is sized from them: eight 32-bit dims
  // can multiply past 2^64, and a wrapped count would allocate less than the shape claims.
  int64_t count = 0;
  size_t total = 0;
  try {
    count = shape.numel("read_idx");
    total = checked_nbytes(count, type.width, "read_idx");
    contiguous_strides(shape, "read_idx");
  } catch (const ValueError& error) {
    throw IOError(
        detail::str("read_idx: '", path, "' declares shape ", shape, ", too large to hold (", error.what(), ")"));
  }
  // An uncompressed file must hold exactly the header and the bytes its shape declares.
  if (gzdirect(file.get())) {
    const int64_t header = 4 + 4 * static_cast<int64_t>(ndim);
    const int64_t expected = header + static_cast<int64_t>(std::min<size_t>(total, size_t{1} << 62));
    if (info.st_size != expected) {
      throw IOError(detail::str("read_idx: '", path, "' is ",
                                info.st_size < expected ? "truncated: it ends inside the data" : "too long",
                                " (its header declares shape ", shape, ", ", total, " bytes of data after ", header,
                                " header bytes; the file has ", info.st_size, " bytes)"));
    }
  }

  // An uncompressed file was sized above, so its data is read in one piece. A .gz stream grows in
  // pieces that start small and double (to 16 MiB), so that a corrupt header claiming a huge shape
  // fails on the missing bytes after a small allocation instead of zeroing 16 MiB first (that made
  // each such input of the IDX fuzzer cost milliseconds).
  std::vector<unsigned char> bytes;
  size_t piece = gzdirect(file.get()) ? total : size_t{64} << 10;
  while (bytes.size() < total) {
    size_t start = bytes.size();
    bytes.resize(start + std::min(total - start, piece));
    read_exactly(file.get(), bytes.data() + start, bytes.size() - start, path, "data");
    piece = std::min(piece * 2, size_t{16} << 20);
  }
  Tensor result = empty(shape, type.dtype, "read_idx");
  switch (magic[2]) {
    case 0x08:  // an empty shape has no buffer: memcpy from or to null is undefined even for 0 bytes
      if (!bytes.empty()) std::memcpy(result.data_ptr(), bytes.data(), bytes.size());
      break;
    case 0x09: decode<int8_t>(bytes.data(), count, result.data<int64_t>()); break;
    case 0x0B: decode<int16_t>(bytes.data(), count, result.data<int64_t>()); break;
    case 0x0C: decode<int32_t>(bytes.data(), count, result.data<int64_t>()); break;
    case 0x0D: decode<float>(bytes.data(), count, result.data<float>()); break;
    case 0x0E: decode<double>(bytes.data(), count, result.data<double>()); break;
  }
  return result;
}

Tensor load_mnist_images(const std::string& path) {
  Tensor raw = read_idx(path);
  if (raw.dim() != 3 || raw.dtype() != DType::UInt8) {
    throw IOError(detail::str("load_mnist_images: '", path, "' should hold uint8 images (N, H, W), got ", raw.dtype(),
                              " of shape ", raw.sizes()));
  }
  // One pass from bytes to scaled floats (a cast then a division would hold two float copies).
  Tensor images = empty({raw.size(0), 1, raw.size(1), raw.size(2)}, DType::Float32);
  const uint8_t* pixels = raw.data<uint8_t>();
  float* out = images.data<float>();
  for (int64_t i = 0; i < raw.numel(); ++i) out[i] = static_cast<float>(pixels[i]) / 255.0f;
  return images;
}

Tensor load_mnist_labels(const std::string& path) {
  Tensor raw = read_idx(path);
  if (raw.dim() != 1) {
    throw IOError(detail::str("load_mnist_labels: '", path, "' should hold labels (N), got shape ", raw.sizes()));
  }
  return raw.to(DType::Int64);
}

}  // namespace striate::data
