// libFuzzer target: striate::data::read_idx on arbitrary bytes (raw or gzip). A malformed file must
// raise striate's IOError/ValueError; a file that loads must yield a tensor whose bytes all exist.
#include <exception>

#include "fuzz_file.h"
#include "striate/data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path = striate_fuzz::as_file(data, size);
  try {
    striate::Tensor t = striate::data::read_idx(path);
    volatile uint64_t sum =
        striate_fuzz::touch(t.data_ptr(), static_cast<size_t>(t.numel()) * striate::element_size(t.dtype()));
    (void)sum;
  } catch (const std::exception&) {
  }
  return 0;
}
