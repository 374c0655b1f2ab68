// Data-parallel training from C++: every process trains LeNet-5 on its half (its 1/N) of each
// Fashion-MNIST batch and DistributedDataParallel averages the gradients, so the replicas take the
// same steps as one process on the whole batch. Run it under MPI:
//   mpirun -np 2 ./data_parallel [fashion-mnist folder] [steps, default 200]
// Rank 0 prints the loss; every rank checks at the end that all replicas hold the same weights.
// Exits 0 when the loss fell and the replicas agree.
#include <striate/distributed/data_parallel.h>
#include <striate/striate.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace nn = striate::nn;
namespace dist = striate::distributed;

int main(int argc, char** argv) {
  dist::ProcessGroup group;
  const int rank = group.rank(), size = group.world_size();
  const std::string root = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  const int steps = argc > 2 ? std::atoi(argv[2]) : 200;
  const int64_t batch = 64 * size;  // 64 images per process
  if (steps < 20) {
    if (rank == 0) std::cerr << "data_parallel: expected at least 20 steps, got " << steps << "\n";
    return 2;
  }
  std::shared_ptr<striate::data::TensorDataset> train;
  try {
    train = striate::data::load_fashion_mnist(root, /*train=*/true);
  } catch (const striate::IOError& error) {
    if (rank == 0) std::cerr << "data_parallel: cannot load Fashion-MNIST: " << error.what() << "\n";
    return 2;
  }
  striate::manual_seed(rank);  // replicas start apart on purpose: DDP broadcasts rank 0's weights
  nn::Sequential model{
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
  dist::DistributedDataParallel ddp(model.ptr(), group);
  striate::optim::SGD optimizer(model->parameters(), striate::optim::SGDOptions(0.05).momentum(0.9));
  nn::CrossEntropyLoss criterion;
  // The same shuffled batches on every process (same seed); each takes its slice of each batch.
  striate::data::DataLoader loader(train, striate::data::DataLoaderOptions().batch_size(batch).shuffle(true).seed(0));
  double first = 0, last = 0;
  int step = 0;
  while (step < steps) {
    for (const auto& full : loader) {
      if (full[0].size(0) != batch) continue;  // the last, short batch does not split evenly
      const int64_t share = batch / size;
      striate::Tensor images = (full[0].narrow(0, rank * share, share) - 0.2860) / 0.3530;
      striate::Tensor labels = full[1].narrow(0, rank * share, share);
      striate::Tensor loss = criterion(ddp.forward(images), labels);
      optimizer.zero_grad();
      loss.backward();
      ddp.reduce_gradients();
      optimizer.step();
      // The loss of the whole batch: the mean of the processes' means.
      striate::Tensor mean_loss = loss.detach().reshape({1});
      group.all_reduce(mean_loss, dist::ReduceOp::Average);
      double value = mean_loss.item<float>();
      if (step < 10) first += value / 10;
      if (step >= steps - 10) last += value / 10;
      if (rank == 0 && (step + 1) % 50 == 0) std::printf("step %4d  loss %.4f\n", step + 1, value);
      if (++step == steps) break;
    }
  }
  // Every replica must hold the same weights: compare each process's sum of all parameters.
  double checksum = 0;
  for (const striate::Tensor& parameter : model->parameters())
    checksum += parameter.to(striate::DType::Float64).sum().item<double>();
  striate::Tensor sums = striate::full({1}, checksum, striate::DType::Float64);
  std::vector<striate::Tensor> all = group.all_gather(sums);
  bool agree = true;
  for (const striate::Tensor& other : all) agree = agree && other.item<double>() == checksum;
  if (rank == 0)
    std::printf("%d processes x %lld images, %d steps: loss %.4f -> %.4f; replicas %s\n", size,
                static_cast<long long>(batch / size), steps, first, last, agree ? "identical" : "DIFFER");
  return (last < first && agree) ? 0 : 1;
}
