// libFuzzer target: the model-file and checkpoint readers on arbitrary bytes. The first byte picks
// the reader: even, striate::io::load_model (rebuilds a module tree from the file's architecture
// JSON, then loads its weights); odd, striate::io::load_checkpoint into a small fixed model and an
// optimizer (SGD with momentum or Adam, by bit 1) whose state the file restores. A malformed file
// must raise striate's IOError/ValueError; every tensor a file restores (parameters, buffers,
// optimizer state) must own all its bytes, and a rebuilt model must survive its state dict walk.
#include <exception>
#include <memory>

#include "fuzz_file.h"
#include "striate/io/model.h"
#include "striate/nn/activation.h"
#include "striate/nn/containers.h"
#include "striate/nn/conv.h"
#include "striate/nn/linear.h"
#include "striate/nn/shape.h"
#include "striate/optim/adam.h"
#include "striate/optim/sgd.h"

namespace {

uint64_t touch_all(const striate::nn::Module& module) {
  uint64_t sum = 0;
  for (const auto& item : module.state_dict()) {
    const striate::Tensor& t = item.value;
    if (t.defined() && t.is_contiguous())
      sum += striate_fuzz::touch(t.data_ptr(), static_cast<size_t>(t.numel()) * striate::element_size(t.dtype()));
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string path = striate_fuzz::as_file(data + 1, size - 1);
  try {
    if ((mode & 1) == 0) {
      std::shared_ptr<striate::nn::Module> model = striate::io::load_model(path);
      volatile uint64_t sum = touch_all(*model);
      (void)sum;
    } else {
      namespace nn = striate::nn;
      nn::Sequential model{nn::Conv2d(1, 2, 3), nn::ReLU(), nn::Flatten(), nn::Linear(8, 3)};
      std::unique_ptr<striate::optim::Optimizer> optimizer;
      if (mode & 2)
        optimizer = std::make_unique<striate::optim::Adam>(model->parameters(), striate::optim::AdamOptions(1e-3));
      else
        optimizer =
            std::make_unique<striate::optim::SGD>(model->parameters(), striate::optim::SGDOptions(0.1).momentum(0.9));
      striate::io::load_checkpoint(path, *model, optimizer.get());
      volatile uint64_t sum = touch_all(*model);
      for (const auto& entry : optimizer->state_dict().state)
        for (const auto& named : entry.second) {
          const striate::Tensor& t = named.second;
          if (t.defined() && t.is_contiguous())
            sum += striate_fuzz::touch(t.data_ptr(), static_cast<size_t>(t.numel()) * striate::element_size(t.dtype()));
        }
      (void)sum;
    }
  } catch (const std::exception&) {
  }
  return 0;
}
