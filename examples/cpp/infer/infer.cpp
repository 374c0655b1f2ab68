// Loads a model file (.striate) trained in Python, classifies the Fashion-MNIST test set and
// prints the accuracy: embedding a trained model in a C++ program needs no Python and no model
// code, only the file. The input normalization comes from the run record `striate train` stores in
// the file's metadata (Fashion-MNIST's statistics when the file has none).
//   ./infer runs/lenet5/model.striate [fashion-mnist folder, default /usr/share/datasets/fashion-mnist]
// prints "accuracy 0.9012 (9012/10000)"; exit status 2 on a bad file or a missing dataset.
#include <striate/striate.h>

#include <cstdio>
#include <iostream>
#include <string>

namespace io = striate::io;

// mean and std of the run record in the file's metadata, if it has one.
void read_normalization(const std::string& path, double& mean, double& std) {
  io::Metadata metadata = io::load_safetensors_metadata(path);
  auto run = metadata.find("run");
  if (run == metadata.end()) return;
  io::Json record = io::Json::parse(run->second, "infer: the run record");
  const io::Json* means = record.find("mean");
  const io::Json* stds = record.find("std");
  if (means && stds && means->is_array() && stds->is_array() && means->as_array().size() == 1 &&
      stds->as_array().size() == 1) {
    mean = means->as_array()[0].as_number("mean");
    std = stds->as_array()[0].as_number("std");
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: infer MODEL.striate [fashion-mnist folder]\n";
    return 2;
  }
  const std::string model_path = argv[1];
  const std::string root = argc > 2 ? argv[2] : "/usr/share/datasets/fashion-mnist";
  std::shared_ptr<striate::nn::Module> model;
  double mean = 0.2860, std = 0.3530;  // Fashion-MNIST's training-set statistics
  striate::Tensor images, labels;
  try {
    model = io::load_model(model_path);
    read_normalization(model_path, mean, std);
    std::vector<std::string> files = striate::data::find_mnist_files(root, /*train=*/false, "FashionMNIST");
    images = striate::data::load_mnist_images(files[0]);
    labels = striate::data::load_mnist_labels(files[1]);
  } catch (const striate::Error& error) {
    std::cerr << "infer: " << error.what() << "\n";
    return 2;
  }
  model->eval();
  std::cout << model->name() << ": " << model->num_parameters() << " parameters from " << model_path << "\n";

  striate::NoGradGuard no_grad;
  const int64_t count = images.size(0), batch = 500;
  int64_t correct = 0;
  for (int64_t start = 0; start < count; start += batch) {
    const int64_t end = std::min(start + batch, count);
    striate::Tensor x = (images.slice(0, start, end) - mean) / std;
    striate::Tensor predicted = striate::argmax(model->forward(x), 1);
    correct += striate::eq(predicted, labels.slice(0, start, end)).sum().item<int64_t>();
  }
  std::printf("accuracy %.4f (%lld/%lld)\n", static_cast<double>(correct) / static_cast<double>(count),
              static_cast<long long>(correct), static_cast<long long>(count));
  return 0;
}
