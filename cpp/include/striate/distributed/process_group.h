// Collectives over MPI for C++ programs that train on several processes (the C++ side of
// striate.distributed; link striate::distributed, built when CMake finds MPI):
//
//   striate::distributed::ProcessGroup group;           // MPI_Init unless the program did
//   group.all_reduce(t, striate::distributed::ReduceOp::Sum);
//   group.broadcast(weights, /*root=*/0);
//
// Every collective is posted non-blocking and waited with the group's deadline: a peer that died
// or never arrives makes it throw striate::RuntimeError naming the operation and the timeout
// instead of hanging. After a timeout the group is failed (later collectives throw at once) and
// its destructor aborts the MPI job if the abandoned operation has not completed within one more
// timeout (at least 5 s), since MPI_Finalize would wait for it forever. Tensors on a device are staged through host
// memory.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "striate/core/tensor.h"

namespace striate::distributed {

/// How all_reduce and reduce_scatter combine the processes' values.
enum class ReduceOp { Sum, Product, Min, Max, Average };

/// The options of a ProcessGroup.
struct ProcessGroupOptions {
  /// How long one collective may wait for its peers (torch's default for MPI/Gloo is 30 minutes).
  /// (default 30 minutes).
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};
};

/// MPI collectives with deadlines. Not thread-safe: one thread calls a group's collectives, in
/// the same order on every process.
class ProcessGroup {
 public:
  /// A communicator of its own over MPI_COMM_WORLD's processes (a collective call: every process
  /// constructs its group together). Initializes MPI when the program has not (and then finalizes
  /// it at exit); a program started without mpirun is a group of one.
  /// @param options the timeout (default 30 minutes).
  /// @throws RuntimeError when MPI cannot be initialized.
  explicit ProcessGroup(ProcessGroupOptions options = {});
  /// Frees the communicator (aborts the job when a timed-out operation is still pending).
  ~ProcessGroup();
  /// Not copyable.
  ProcessGroup(const ProcessGroup&) = delete;
  /// Not copy-assignable.
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  /// This process's rank.
  /// @return the rank, in [0, world_size()).
  int rank() const { return rank_; }
  /// The number of processes.
  /// @return the count.
  int world_size() const { return size_; }
  /// The deadline of one collective.
  /// @return the timeout.
  std::chrono::milliseconds timeout() const { return options_.timeout; }
  /// Whether a collective timed out (the group is then unusable).
  /// @return the flag.
  bool failed() const { return !failure_.empty(); }

  /// In place on every process: the element-wise reduction of every process's `tensor` (same
  /// shape and dtype everywhere; Average divides floating-point sums by the world size).
  /// @param tensor the tensor reduced in place.
  /// @param op the reduction (default Sum).
  /// @throws RuntimeError on a timeout or when the group has failed.
  /// @throws ValueError when the tensor is not contiguous.
  void all_reduce(Tensor& tensor, ReduceOp op = ReduceOp::Sum);
  /// Several tensors reduced in one operation per dtype (their bytes packed into one buffer).
  /// @param tensors the tensors reduced in place.
  /// @param op the reduction (default Sum).
  /// @throws RuntimeError on a timeout or when the group has failed.
  void all_reduce(std::vector<Tensor>& tensors, ReduceOp op = ReduceOp::Sum);
  /// In place: every process gets `root`'s tensor.
  /// @param tensor the tensor sent (root) or overwritten (others).
  /// @param root the sender's rank (default 0).
  /// @throws RuntimeError on a timeout or when the group has failed.
  /// @throws ValueError when root is out of range.
  void broadcast(Tensor& tensor, int root = 0);
  /// Every process's tensor, in rank order (same shape and dtype everywhere).
  /// @param tensor this process's tensor.
  /// @return world_size() tensors.
  /// @throws RuntimeError on a timeout or when the group has failed.
  std::vector<Tensor> all_gather(const Tensor& tensor);
  /// The reduction over processes of `input`, split along dimension 0 into world_size chunks:
  /// process r gets chunk r (input.size(0) must be divisible by the world size).
  /// @param input the tensor reduced.
  /// @param op the reduction (default Sum).
  /// @return this process's chunk.
  /// @throws RuntimeError on a timeout or when the group has failed.
  /// @throws ValueError when input.size(0) does not divide by the world size.
  Tensor reduce_scatter(const Tensor& input, ReduceOp op = ReduceOp::Sum);
  /// Waits until every process has reached it.
  /// @throws RuntimeError on a timeout or when the group has failed.
  void barrier();

 private:
  struct Requests;  // the MPI requests in flight (mpi.h stays out of this header)
  void check_usable(const char* op) const;
  void wait_all(Requests& requests, const char* op);
  std::unique_ptr<Requests> abandoned_;  // what a timed-out collective left behind
  ProcessGroupOptions options_;
  int rank_ = 0;
  int size_ = 1;
  std::string failure_;
};

}  // namespace striate::distributed
