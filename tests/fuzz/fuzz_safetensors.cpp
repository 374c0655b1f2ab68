// libFuzzer target: striate::io::load_safetensors and load_safetensors_metadata on arbitrary bytes.
// A malformed file must raise striate's IOError; every tensor that loads must own all its bytes.
#include <exception>

#include "fuzz_file.h"
#include "striate/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path = striate_fuzz::as_file(data, size);
  try {
    striate::io::load_safetensors_metadata(path);
  } catch (const std::exception&) {
  }
  try {
    striate::io::SafetensorsContent content = striate::io::load_safetensors(path);
    for (const auto& item : content.tensors) {
      const striate::Tensor& t = item.value;
      volatile uint64_t sum =
          striate_fuzz::touch(t.data_ptr(), static_cast<size_t>(t.numel()) * striate::element_size(t.dtype()));
      (void)sum;
    }
  } catch (const std::exception&) {
  }
  return 0;
}
