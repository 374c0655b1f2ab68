// CIFAR-10/100 from the binary batches (the python-pickle batches are read by the Python package,
// which has pickle): records of label byte(s) + 3072 channel-planar pixel bytes.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "striate/data/datasets.h"
#include "striate/ops/creation.h"

namespace striate::data {

namespace {

constexpr int64_t kCifarPixels = 3 * 32 * 32;

// The whole file, or IOError naming it.
std::vector<char> read_file(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw IOError(detail::str("load_cifar_binary: cannot open '", path, "': no such file"));
  }
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw IOError(detail::str("load_cifar_binary: cannot open '", path, "': ", std::strerror(errno)));
  std::streamsize size = file.tellg();
  file.seekg(0);
  std::vector<char> bytes(static_cast<size_t>(size));
  if (!file.read(bytes.data(), size)) {
    throw IOError(detail::str("load_cifar_binary: cannot read '", path, "': ", std::strerror(errno)));
  }
  return bytes;
}

}  // namespace

std::vector<Tensor> load_cifar_binary(const std::vector<std::string>& paths, bool fine_labels) {
  STRIATE_CHECK(!paths.empty(), "load_cifar_binary: expected at least one file");
  const int64_t label_bytes = fine_labels ? 2 : 1;
  const int64_t record_bytes = label_bytes + kCifarPixels;
  std::vector<std::vector<char>> files;
  int64_t records = 0;
  for (const auto& path : paths) {
    files.push_back(read_file(path));
    auto size = static_cast<int64_t>(files.back().size());
    if (size == 0 || size % record_bytes != 0) {
      throw IOError(detail::str("load_cifar_binary: '", path, "' has ", size, " bytes, not a whole number of ",
                                record_bytes, "-byte ", fine_labels ? "CIFAR-100" : "CIFAR-10", " records"));
    }
    records = checked_add(records, size / record_bytes, "load_cifar_binary", "the record count");
  }
  Tensor images = empty({records, 3, 32, 32}, DType::UInt8, "load_cifar_binary");
  Tensor labels = empty({records}, DType::Int64, "load_cifar_binary");
  auto* pixels = images.data<uint8_t>();
  auto* label_out = labels.data<int64_t>();
  int64_t record = 0;
  for (const auto& bytes : files) {
    for (size_t start = 0; start < bytes.size(); start += static_cast<size_t>(record_bytes), ++record) {
      // CIFAR-100 records start with the coarse label, then the fine one.
      label_out[record] = static_cast<unsigned char>(bytes[start + label_bytes - 1]);
      std::memcpy(pixels + record * kCifarPixels, bytes.data() + start + label_bytes, kCifarPixels);
    }
  }
  return {images, labels};
}

std::vector<std::string> find_cifar_binary_files(const std::string& root, bool cifar100, bool train) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  if (cifar100) {
    names = {train ? "train.bin" : "test.bin"};
  } else if (train) {
    for (int batch = 1; batch <= 5; ++batch) names.push_back(detail::str("data_batch_", batch, ".bin"));
  } else {
    names = {"test_batch.bin"};
  }
  const fs::path folders[] = {fs::path(root) / (cifar100 ? "cifar-100-binary" : "cifar-10-batches-bin"),
                              fs::path(root)};
  std::error_code error;
  for (const auto& folder : folders) {
    std::vector<std::string> paths;
    for (const auto& name : names) {
      if (fs::is_regular_file(folder / name, error)) paths.push_back((folder / name).string());
    }
    if (paths.size() == names.size()) return paths;
  }
  return {};
}

std::shared_ptr<TensorDataset> load_cifar(const std::string& root, bool cifar100, bool train,
                                          std::shared_ptr<const Transform> transform) {
  std::vector<std::string> paths = find_cifar_binary_files(root, cifar100, train);
  if (paths.empty()) {
    const char* name = cifar100 ? "CIFAR100" : "CIFAR10";
    const char* folder = cifar100 ? "cifar-100-binary" : "cifar-10-batches-bin";
    const char* files = cifar100 ? (train ? "train.bin" : "test.bin")
                                 : (train ? "data_batch_1.bin .. data_batch_5.bin" : "test_batch.bin");
    throw IOError(detail::str(name, ": cannot find ", files, " in '", root, "/", folder, "' or '", root, "'"));
  }
  std::vector<Tensor> fields = load_cifar_binary(paths, cifar100);
  return std::make_shared<TensorDataset>(std::move(fields), std::move(transform));
}

}  // namespace striate::data
