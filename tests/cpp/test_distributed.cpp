// striate::distributed under `mpirun -np 2` (ctest runs it so): each collective against values
// every rank can compute alone, bad arguments, DistributedDataParallel against one process
// training on the whole batch, and a collective whose peer arrives too late (a clear error, not a
// hang). Returns non-zero on a failed check.
#include <striate/striate.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>
#include <vector>

#include "check.h"
#include "striate/distributed/data_parallel.h"

namespace {

namespace nn = striate::nn;
namespace dist = striate::distributed;
using striate::Tensor;

std::vector<double> values_of(const Tensor& t) {
  Tensor c = t.to(striate::DType::Float64).contiguous();
  return std::vector<double>(c.data<double>(), c.data<double>() + c.numel());
}

// Rank r's tensor: r * 10 + [0, 1, ..., n-1].
Tensor rank_tensor(int rank, int64_t n, striate::DType dtype = striate::DType::Float32) {
  return (striate::arange(n) + rank * 10).to(dtype);
}

void test_collectives(dist::ProcessGroup& group) {
  const int rank = group.rank(), size = group.world_size();
  const int64_t n = 5;
  for (auto dtype : {striate::DType::Float32, striate::DType::Float64, striate::DType::Int64}) {
    Tensor sum = rank_tensor(rank, n, dtype);
    group.all_reduce(sum, dist::ReduceOp::Sum);
    Tensor maximum = rank_tensor(rank, n, dtype);
    group.all_reduce(maximum, dist::ReduceOp::Max);
    std::vector<double> got_sum = values_of(sum), got_max = values_of(maximum);
    for (int64_t i = 0; i < n; ++i) {
      double expected = 0;
      for (int r = 0; r < size; ++r) expected += r * 10 + i;
      CHECK_NEAR(got_sum[i], expected, 1e-9);
      CHECK_NEAR(got_max[i], (size - 1) * 10 + i, 1e-9);
    }
    CHECK(sum.dtype() == dtype);
  }
  Tensor average = rank_tensor(rank, n);
  group.all_reduce(average, dist::ReduceOp::Average);
  CHECK_NEAR(values_of(average)[2], 2 + 10.0 * (size - 1) / 2, 1e-6);

  // A non-contiguous view reduces into the viewed memory.
  Tensor base = striate::zeros({4, 2});
  Tensor column = base.select(1, 1);
  Tensor ones = striate::ones({4});
  column.copy_(ones);
  group.all_reduce(column);
  CHECK(values_of(base) == std::vector<double>({0, 2, 0, 2, 0, 2, 0, 2}));

  Tensor shared = rank == 1 ? rank_tensor(7, n) : striate::zeros({n});
  group.broadcast(shared, 1);
  CHECK(values_of(shared) == values_of(rank_tensor(7, n)));

  std::vector<Tensor> gathered = group.all_gather(rank_tensor(rank, 3).reshape({3, 1}));
  CHECK(static_cast<int>(gathered.size()) == size);
  for (int r = 0; r < size; ++r) {
    CHECK(gathered[r].sizes() == striate::Shape({3, 1}));
    CHECK(values_of(gathered[r]) == values_of(rank_tensor(r, 3)));
  }

  Tensor chunk = group.reduce_scatter(rank_tensor(rank, 2 * size).reshape({2 * size}), dist::ReduceOp::Sum);
  CHECK(chunk.sizes() == striate::Shape({2}));
  for (int64_t i = 0; i < 2; ++i) {
    double expected = 0;
    for (int r = 0; r < size; ++r) expected += r * 10 + rank * 2 + i;
    CHECK_NEAR(values_of(chunk)[i], expected, 1e-9);
  }
  group.barrier();

  check_throws<striate::IndexError>([&] { group.broadcast(shared, size); }, "root must be a rank", "broadcast root");
  check_throws<striate::ValueError>([&] { group.reduce_scatter(striate::zeros({3})); }, "split into",
                                    "reduce_scatter shape");
  check_throws<striate::TypeError>(
      [&] {
        Tensor whole = striate::ones({2}, striate::DType::Int64);
        group.all_reduce(whole, dist::ReduceOp::Average);
      },
      "floating-point", "integer average");
  // Sizes that differ between processes: an error on every rank, never a truncated message.
  check_throws<striate::ValueError>([&] { group.all_gather(striate::zeros({rank + 1})); }, "same size and dtype",
                                    "all_gather sizes");
}

nn::Sequential small_net() { return nn::Sequential{nn::Linear(6, 16), nn::ReLU(), nn::Linear(16, 3)}; }

// Two processes each training on half of every batch with DistributedDataParallel take the same
// steps as one process training on the whole batch (the loss is a mean over the batch).
void test_data_parallel_equals_one_process(dist::ProcessGroup& group) {
  const int rank = group.rank(), size = group.world_size();
  const int64_t batch = 8 * size, steps = 10;
  striate::manual_seed(100 + rank);  // different initial weights: the broadcast must equalize them
  nn::Sequential replica = small_net();
  dist::DistributedDataParallel ddp(replica.ptr(), group);
  striate::manual_seed(100);  // the reference starts from rank 0's weights
  nn::Sequential reference = small_net();
  striate::optim::SGD replica_step(replica->parameters(), striate::optim::SGDOptions(0.1).momentum(0.9));
  striate::optim::SGD reference_step(reference->parameters(), striate::optim::SGDOptions(0.1).momentum(0.9));
  nn::CrossEntropyLoss criterion;
  striate::Generator data(7);  // the same batches on every rank
  for (int64_t step = 0; step < steps; ++step) {
    Tensor x = striate::randn({batch, 6}, {}, &data);
    Tensor y = striate::randint(0, 3, {batch}, striate::DType::Int64, &data);
    Tensor shard_x = x.narrow(0, rank * (batch / size), batch / size);
    Tensor shard_y = y.narrow(0, rank * (batch / size), batch / size);
    replica_step.zero_grad();
    criterion(ddp.forward(shard_x), shard_y).backward();
    ddp.reduce_gradients();
    replica_step.step();
    reference_step.zero_grad();
    criterion(reference->forward(x), y).backward();
    reference_step.step();
  }
  auto ours = replica->named_parameters(), theirs = reference->named_parameters();
  for (const auto& [name, value] : ours) {
    std::vector<double> a = values_of(value), b = values_of(theirs[name]);
    double scale = 0, difference = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      scale = std::max(scale, std::fabs(b[i]));
      difference = std::max(difference, std::fabs(a[i] - b[i]));
    }
    if (!(difference <= 1e-5 * std::max(scale, 1.0))) {
      std::cerr << "rank " << rank << ": " << name << " differs by " << difference << "\n";
      ++failures();
    }
  }
}

// Rank 1 arrives 1.5 s late to an all-reduce that rank 0 waits for at most 0.3 s: rank 0 gets a
// RuntimeError naming the operation, the group refuses further collectives, and the late peer
// still completes the operation (so the process group shuts down cleanly).
void test_timeout() {
  dist::ProcessGroup group(dist::ProcessGroupOptions{std::chrono::milliseconds(300)});
  Tensor value = striate::ones({3});
  if (group.rank() == 0) {
    check_throws<striate::RuntimeError>([&] { group.all_reduce(value); }, "all_reduce: rank 0 waited 300 ms",
                                        "timeout");
    CHECK(group.failed());
    check_throws<striate::RuntimeError>([&] { group.barrier(); }, "failed earlier", "after a timeout");
  } else if (group.rank() == 1) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    group.all_reduce(value);  // rank 0's side is posted already: this completes at once
  }
}

}  // namespace

int main() {
  {
    dist::ProcessGroup group(dist::ProcessGroupOptions{std::chrono::seconds(60)});
    if (group.world_size() < 2) {
      std::cerr << "test_distributed: run under mpirun -np 2 (got " << group.world_size() << " process)\n";
      return 1;
    }
    try {
      test_collectives(group);
      test_data_parallel_equals_one_process(group);
    } catch (const std::exception& error) {
      std::cerr << "rank " << group.rank() << ": unexpected error: " << error.what() << "\n";
      ++failures();
    }
    group.barrier();
  }
  test_timeout();
  if (failures()) std::cerr << failures() << " check(s) failed\n";
  return failures() ? 1 : 0;
}
