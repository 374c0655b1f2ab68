// Data-parallel training for C++ programs: each process runs the same model on its share of the
// batch; DistributedDataParallel makes the replicas start equal and averages their gradients.
//
//   striate::distributed::ProcessGroup group;
//   auto model = std::make_shared<Net>();
//   striate::distributed::DistributedDataParallel ddp(model, group);   // broadcasts rank 0's state
//   Tensor loss = cross_entropy(ddp.forward(x_shard), y_shard);
//   loss.backward();
//   ddp.reduce_gradients();                                            // average over processes
//   optimizer.step();
//
// Gradients are averaged in buckets of about `bucket_bytes`, in reverse parameter order (as
// backward produces them): a bucket's all-reduces are posted together and waited together. A
// parameter without a gradient on some process contributes zeros there, so every replica takes
// the same step. Equal to one process training
// on the whole batch when the shards are equal and the loss is a mean over the batch.
#pragma once
#include <memory>

#include "striate/distributed/process_group.h"
#include "striate/nn/module.h"

namespace striate::distributed {

/// Data-parallel training of one module over a ProcessGroup. Not thread-safe.
class DistributedDataParallel {
 public:
  /// Broadcasts rank 0's parameters and buffers.
  /// @param module the replica (not null).
  /// @param group the processes (must outlive this object).
  /// @param bucket_bytes the size of a gradient bucket (default 25 MiB).
  /// @throws ValueError when module is null or bucket_bytes is 0.
  /// @throws RuntimeError when a collective fails.
  DistributedDataParallel(std::shared_ptr<nn::Module> module, ProcessGroup& group,
                          size_t bucket_bytes = size_t(25) << 20);

  /// Runs the replica.
  /// @param input this process's shard of the batch.
  /// @return the module's output.
  Tensor forward(const Tensor& input) { return module_->call(input); }
  /// Averages every parameter's gradient over the processes (call after backward, before step).
  /// @throws RuntimeError when a collective fails.
  void reduce_gradients();
  /// Rank 0's parameters and buffers to every process (the constructor does it once).
  /// @throws RuntimeError when a collective fails.
  void broadcast_state();

  /// The replica.
  /// @return it.
  nn::Module& module() { return *module_; }
  /// The replica.
  /// @return its shared pointer.
  const std::shared_ptr<nn::Module>& module_ptr() const { return module_; }

 private:
  std::shared_ptr<nn::Module> module_;
  ProcessGroup& group_;
  size_t bucket_bytes_;
};

}  // namespace striate::distributed
