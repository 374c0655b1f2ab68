// libFuzzer target: striate::data::load_cifar_binary (CIFAR-10 and CIFAR-100 records) on arbitrary
// bytes; the first byte picks the format, and the input is also read as two files of one dataset.
#include <exception>

#include "fuzz_file.h"
#include "striate/data/datasets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  bool fine_labels = data[0] & 1;
  bool two_files = data[0] & 2;
  std::string first = striate_fuzz::as_file(data + 1, size - 1, 0);
  std::vector<std::string> paths{first};
  if (two_files) paths.push_back(striate_fuzz::as_file(data + 1, (size - 1) / 2, 1));
  try {
    std::vector<striate::Tensor> out = striate::data::load_cifar_binary(paths, fine_labels);
    for (const auto& t : out) {
      volatile uint64_t sum =
          striate_fuzz::touch(t.data_ptr(), static_cast<size_t>(t.numel()) * striate::element_size(t.dtype()));
      (void)sum;
    }
  } catch (const std::exception&) {
  }
  return 0;
}
