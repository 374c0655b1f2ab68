// Trains LeNet-5 on Fashion-MNIST for a few hundred steps through striate's C++ API (the libtorch
// frontend's shape) and prints the loss as it falls. Exits 0 only when the loss of the last
// stretch of steps is below that of the first.
//   ./lenet5 [fashion-mnist folder, default /usr/share/datasets/fashion-mnist] [steps, default 300]
//            [--device cpu|cuda|cuda:N, default cpu]
#include <striate/striate.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace nn = striate::nn;

// LeNet-5 "modern": ReLU and max pooling; 61,706 parameters.
nn::Sequential lenet5() {
  return nn::Sequential{
      nn::Conv2d(nn::Conv2dOptions(1, 6, 5).padding(2)),
      nn::ReLU(),
      nn::MaxPool2d(2),
      nn::Conv2d(6, 16, 5),
      nn::ReLU(),
      nn::MaxPool2d(2),
      nn::Flatten(),
      nn::Linear(16 * 5 * 5, 120),
      nn::ReLU(),
      nn::Linear(120, 84),
      nn::ReLU(),
      nn::Linear(84, 10),
  };
}

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  std::string device_name = "cpu";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--device" && i + 1 < argc) {
      device_name = argv[++i];
    } else if (arg.rfind("--device=", 0) == 0) {
      device_name = arg.substr(9);
    } else {
      positional.push_back(arg);
    }
  }
  const std::string root = positional.size() > 0 ? positional[0] : "/usr/share/datasets/fashion-mnist";
  const int steps = positional.size() > 1 ? std::atoi(positional[1].c_str()) : 300;
  const int report_every = 50;
  striate::Device device;
  try {
    device = striate::Device(device_name);
  } catch (const striate::ValueError& error) {
    std::cerr << "lenet5: " << error.what() << "\n";
    return 2;
  }
  if (device.is_cuda() && !striate::cuda::is_available()) {
    std::cerr << "lenet5: --device " << device_name
              << " asked for a GPU, but CUDA is not available: " << striate::cuda::unavailable_reason() << "\n";
    return 2;
  }
  if (steps < 2 * report_every) {
    std::cerr << "lenet5: expected at least " << 2 * report_every << " steps, got " << steps << "\n";
    return 2;
  }

  std::shared_ptr<striate::data::TensorDataset> train;
  try {
    train = striate::data::load_fashion_mnist(root, /*train=*/true);
  } catch (const striate::IOError& error) {
    std::cerr << "lenet5: cannot load Fashion-MNIST: " << error.what() << "\n"
              << "install it with 'apt-get install dataset-fashion-mnist' or pass its folder as the first argument\n";
    return 2;
  }

  striate::manual_seed(0);
  nn::Sequential model = lenet5();
  striate::nn::to(*model, device);  // before the optimizer is built, as in PyTorch (it would follow anyway)
  std::cout << model << "\n"
            << model->num_parameters() << " parameters, " << train->size() << " training images, on " << device << "\n";

  nn::CrossEntropyLoss criterion;
  striate::optim::SGD optimizer(model->parameters(), striate::optim::SGDOptions(0.05).momentum(0.9));
  striate::data::DataLoader loader(train, striate::data::DataLoaderOptions().batch_size(64).shuffle(true).seed(0));

  double first_average = 0, last_average = 0, running = 0;
  int step = 0;
  auto start = std::chrono::steady_clock::now();
  while (step < steps) {
    for (const auto& batch : loader) {
      // Fashion-MNIST's pixel mean and standard deviation.
      striate::Tensor images = (batch[0].to(device) - 0.2860) / 0.3530;
      striate::Tensor loss = criterion(model->forward(images), batch[1].to(device));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      running += loss.item<float>();
      if (++step % report_every == 0) {
        double average = running / report_every;
        if (step == report_every) first_average = average;
        last_average = average;
        running = 0;
        std::printf("step %4d  loss %.4f\n", step, average);
      }
      if (step == steps) break;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d steps in %.1f s (%.0f images/s); loss %.4f -> %.4f\n", steps, seconds, steps * 64 / seconds,
              first_average, last_average);
  if (!(last_average < first_average)) {
    std::cerr << "lenet5: the loss did not fall\n";
    return 1;
  }
  return 0;
}
