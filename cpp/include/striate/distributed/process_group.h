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

enum class ReduceOp { Sum, Product, Min, Max, Average };

struct ProcessGroupOptions {
  // How long one collective may wait for its peers (torch's default for MPI/Gloo is 30 minutes).
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};
};

class ProcessGroup {
 public:
  // A communicator of its own over MPI_COMM_WORLD's processes (a collective call: every process
  // constructs its group together). Initializes MPI when the program has not (and then finalizes
  // it at exit); a program started without mpirun is a group of one.
  explicit ProcessGroup(ProcessGroupOptions options = {});
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return rank_; }
  int world_size() const { return size_; }
  std::chrono::milliseconds timeout() const { return options_.timeout; }
  bool failed() const { return !failure_.empty(); }

  // In place on every process: the element-wise reduction of every process's `tensor` (same
  // shape and dtype everywhere; Average divides floating-point sums by the world size).
  void all_reduce(Tensor& tensor, ReduceOp op = ReduceOp::Sum);
  // Several tensors reduced in one operation per dtype (their bytes packed into one buffer).
  void all_reduce(std::vector<Tensor>& tensors, ReduceOp op = ReduceOp::Sum);
  // In place: every process gets `root`'s tensor.
  void broadcast(Tensor& tensor, int root = 0);
  // Every process's tensor, in rank order (same shape and dtype everywhere).
  std::vector<Tensor> all_gather(const Tensor& tensor);
  // The reduction over processes of `input`, split along dimension 0 into world_size chunks:
  // process r gets chunk r (input.size(0) must be divisible by the world size).
  Tensor reduce_scatter(const Tensor& input, ReduceOp op = ReduceOp::Sum);
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
