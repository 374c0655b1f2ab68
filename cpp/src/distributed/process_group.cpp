// ProcessGroup on MPI: non-blocking collectives on a communicator of our own, each waited with a
// deadline (distributed/process_group.h).
#include "striate/distributed/process_group.h"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "striate/core/error.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::distributed {

struct ProcessGroup::Requests {
  MPI_Comm comm = MPI_COMM_NULL;
  std::vector<MPI_Request> list;
  std::vector<Tensor> buffers;  // what the requests read and write: alive until they complete
};

namespace {

const char* op_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum: return "sum";
    case ReduceOp::Product: return "product";
    case ReduceOp::Min: return "min";
    case ReduceOp::Max: return "max";
    case ReduceOp::Average: return "average";
  }
  return "?";
}

MPI_Op mpi_op(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Average: return MPI_SUM;
    case ReduceOp::Product: return MPI_PROD;
    case ReduceOp::Min: return MPI_MIN;
    case ReduceOp::Max: return MPI_MAX;
  }
  return MPI_SUM;
}

MPI_Datatype mpi_type(DType dtype, const char* op) {
  switch (dtype) {
    case DType::Float32: return MPI_FLOAT;
    case DType::Float64: return MPI_DOUBLE;
    case DType::Int64: return MPI_INT64_T;
    case DType::UInt8:
    case DType::Bool: return MPI_UINT8_T;
    default: break;
  }
  throw TypeError(std::string("distributed.") + op + ": tensors of dtype " + dtype_name(dtype) +
                  " cannot be sent (expected float32, float64, int64, uint8 or bool)");
}

void check_reduction(DType dtype, ReduceOp op, const char* name) {
  if (op == ReduceOp::Average)
    STRIATE_CHECK_TYPE(is_floating(dtype), "distributed.", name, ": average needs a floating-point tensor, got ",
                       dtype_name(dtype));
  if (dtype == DType::Bool)
    STRIATE_CHECK_TYPE(op == ReduceOp::Min || op == ReduceOp::Max, "distributed.", name,
                       ": bool tensors reduce with min or max (logical and / or), got ", op_name(op));
}

int element_count(const Tensor& tensor, const char* op) {
  STRIATE_CHECK(tensor.defined(), "distributed.", op, ": expected a tensor, got an undefined one");
  STRIATE_CHECK(tensor.numel() <= INT_MAX, "distributed.", op, ": a tensor of ", tensor.numel(),
                " elements is more than one MPI message holds (2^31 - 1); split it");
  return static_cast<int>(tensor.numel());
}

// A contiguous CPU tensor holding `tensor`'s values: the tensor itself when it is one already, so
// MPI reads and writes its memory directly.
Tensor host_contiguous(const Tensor& tensor) {
  Tensor host = tensor.detach();
  if (!host.device().is_cpu()) host = host.to(Device(DeviceType::CPU));
  return host.is_contiguous() ? host : host.contiguous();
}

void write_back(Tensor& tensor, const Tensor& host) {
  if (host.data_ptr() == tensor.data_ptr() && tensor.device().is_cpu()) return;
  Tensor target = tensor.detach();
  copy_(target, host.device() == tensor.device() ? host : host.to(tensor.device()));
}

void finalize_mpi() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

void check_mpi(int code, const char* op) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw RuntimeError(std::string("distributed.") + op + ": MPI error: " + std::string(text, length));
}

}  // namespace

ProcessGroup::ProcessGroup(ProcessGroupOptions options) : abandoned_(std::make_unique<Requests>()), options_(options) {
  STRIATE_CHECK(options.timeout.count() > 0, "distributed.ProcessGroup: timeout must be positive, got ",
                options.timeout.count(), " ms");
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "ProcessGroup");
    // MPI starts once per process: it is finalized at exit, so groups may come and go before.
    std::atexit(finalize_mpi);
  }
  // A communicator of our own: our collectives never match the embedding program's messages, and
  // its errors come back as codes (thrown as RuntimeError) instead of aborting the job.
  check_mpi(MPI_Comm_dup(MPI_COMM_WORLD, &abandoned_->comm), "ProcessGroup");
  MPI_Comm_set_errhandler(abandoned_->comm, MPI_ERRORS_RETURN);
  MPI_Comm_rank(abandoned_->comm, &rank_);
  MPI_Comm_size(abandoned_->comm, &size_);
}

ProcessGroup::~ProcessGroup() {
  if (!abandoned_->list.empty()) {
    // A collective timed out: give its peers one more timeout (at least 5 s) to arrive, then
    // abort the job; MPI_Finalize (and MPI_Comm_free) would otherwise wait for it forever.
    auto deadline = std::chrono::steady_clock::now() + std::max(options_.timeout, std::chrono::milliseconds(5000));
    int done = 0;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      MPI_Testall(static_cast<int>(abandoned_->list.size()), abandoned_->list.data(), &done, MPI_STATUSES_IGNORE);
      if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!done) {
      std::cerr << "striate.distributed: rank " << rank_ << ": " << failure_
                << "; aborting the MPI job (its peers cannot finish the operation)" << std::endl;
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  }
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && abandoned_->comm != MPI_COMM_NULL) MPI_Comm_free(&abandoned_->comm);
}

void ProcessGroup::check_usable(const char* op) const {
  STRIATE_CHECK_STATE(failure_.empty(), "distributed.", op, ": the process group failed earlier (", failure_,
                      "); a peer may be gone, so no collective can complete");
}

void ProcessGroup::wait_all(Requests& requests, const char* op) {
  auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  for (int polls = 0;; ++polls) {
    int done = 0;
    int code = MPI_Testall(static_cast<int>(requests.list.size()), requests.list.data(), &done, MPI_STATUSES_IGNORE);
    if (code != MPI_SUCCESS) {
      failure_ = std::string(op) + " failed";
      check_mpi(code, op);
    }
    if (done) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      failure_ = std::string(op) + " timed out after " + std::to_string(options_.timeout.count()) + " ms";
      for (MPI_Request request : requests.list) abandoned_->list.push_back(request);
      for (Tensor& buffer : requests.buffers) abandoned_->buffers.push_back(buffer);
      throw RuntimeError("distributed." + std::string(op) + ": rank " + std::to_string(rank_) + " waited " +
                         std::to_string(options_.timeout.count()) +
                         " ms for its peers; a process may have died or stopped calling the same collectives");
    }
    // Spin briefly (a collective of small tensors completes in microseconds), then poll gently.
    if (polls > 1000) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

void ProcessGroup::all_reduce(Tensor& tensor, ReduceOp op) {
  std::vector<Tensor> one{tensor};
  all_reduce(one, op);
}

void ProcessGroup::all_reduce(std::vector<Tensor>& tensors, ReduceOp op) {
  check_usable("all_reduce");
  Requests requests;
  requests.comm = abandoned_->comm;
  std::vector<Tensor> hosts;
  for (Tensor& tensor : tensors) {
    element_count(tensor, "all_reduce");
    check_reduction(tensor.dtype(), op, "all_reduce");
    mpi_type(tensor.dtype(), "all_reduce");
    hosts.push_back(host_contiguous(tensor));
  }
  for (Tensor& host : hosts) {
    if (host.numel() == 0) continue;
    requests.list.emplace_back();
    requests.buffers.push_back(host);
    check_mpi(MPI_Iallreduce(MPI_IN_PLACE, host.data_ptr(), static_cast<int>(host.numel()),
                             mpi_type(host.dtype(), "all_reduce"), mpi_op(op), requests.comm, &requests.list.back()),
              "all_reduce");
  }
  wait_all(requests, "all_reduce");
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (op == ReduceOp::Average) hosts[i].mul_(1.0 / size_);
    write_back(tensors[i], hosts[i]);
  }
}

void ProcessGroup::broadcast(Tensor& tensor, int root) {
  check_usable("broadcast");
  STRIATE_CHECK_INDEX(root >= 0 && root < size_, "distributed.broadcast: root must be a rank in [0, ", size_, "), got ",
                      root);
  int count = element_count(tensor, "broadcast");
  MPI_Datatype type = mpi_type(tensor.dtype(), "broadcast");
  Tensor host = host_contiguous(tensor);
  Requests requests;
  requests.list.emplace_back();
  requests.buffers.push_back(host);
  check_mpi(MPI_Ibcast(host.data_ptr(), count, type, root, abandoned_->comm, &requests.list.back()), "broadcast");
  wait_all(requests, "broadcast");
  write_back(tensor, host);
}

std::vector<Tensor> ProcessGroup::all_gather(const Tensor& tensor) {
  check_usable("all_gather");
  int count = element_count(tensor, "all_gather");
  MPI_Datatype type = mpi_type(tensor.dtype(), "all_gather");
  // Every process says what it sends first: MPI needs equal counts, and a mismatch must be an
  // error naming the ranks, not a truncated message.
  Tensor mine = empty({2}, TensorOptions(DType::Int64));
  mine.data<int64_t>()[0] = tensor.numel();
  mine.data<int64_t>()[1] = static_cast<int64_t>(tensor.dtype());
  Tensor everyone = empty({size_, 2}, TensorOptions(DType::Int64));
  Requests sizes;
  sizes.list.emplace_back();
  sizes.buffers = {mine, everyone};
  check_mpi(MPI_Iallgather(mine.data_ptr(), 2, MPI_INT64_T, everyone.data_ptr(), 2, MPI_INT64_T, abandoned_->comm,
                           &sizes.list.back()),
            "all_gather");
  wait_all(sizes, "all_gather");
  const int64_t* seen = everyone.data<int64_t>();
  for (int r = 0; r < size_; ++r) {
    bool same_dtype = seen[2 * r + 1] == static_cast<int64_t>(tensor.dtype());
    STRIATE_CHECK(seen[2 * r] == tensor.numel() && same_dtype,
                  "distributed.all_gather: every process must send a tensor of the same size and dtype; rank ", rank_,
                  " has ", tensor.numel(), " elements of ", dtype_name(tensor.dtype()), ", rank ", r, " has ",
                  seen[2 * r], " elements", same_dtype ? " of the same dtype" : " of another dtype");
  }
  Tensor host = host_contiguous(tensor);
  Shape gathered_shape{static_cast<int64_t>(size_)};
  for (int64_t extent : tensor.sizes()) gathered_shape.push_back(extent);
  Tensor gathered = empty(gathered_shape, TensorOptions(tensor.dtype()));
  Requests requests;
  requests.buffers = {host, gathered};
  if (count > 0) {
    requests.list.emplace_back();
    check_mpi(MPI_Iallgather(host.data_ptr(), count, type, gathered.data_ptr(), count, type, abandoned_->comm,
                             &requests.list.back()),
              "all_gather");
  }
  wait_all(requests, "all_gather");
  std::vector<Tensor> out;
  for (int r = 0; r < size_; ++r) {
    Tensor piece = gathered.select(0, r);
    out.push_back(tensor.device().is_cpu() ? piece : piece.to(tensor.device()));
  }
  return out;
}

Tensor ProcessGroup::reduce_scatter(const Tensor& input, ReduceOp op) {
  check_usable("reduce_scatter");
  int count = element_count(input, "reduce_scatter");
  STRIATE_CHECK(input.dim() >= 1 && input.size(0) % size_ == 0,
                "distributed.reduce_scatter: the input's dimension 0 must split into ", size_,
                " equal chunks (one per process), got shape ", input.sizes());
  check_reduction(input.dtype(), op, "reduce_scatter");
  MPI_Datatype type = mpi_type(input.dtype(), "reduce_scatter");
  Tensor host = host_contiguous(input);
  Shape chunk_shape = input.sizes();
  chunk_shape[0] /= size_;
  Tensor chunk = empty(chunk_shape, TensorOptions(input.dtype()));
  Requests requests;
  requests.buffers = {host, chunk};
  if (count > 0) {
    requests.list.emplace_back();
    check_mpi(MPI_Ireduce_scatter_block(host.data_ptr(), chunk.data_ptr(), count / size_, type, mpi_op(op),
                                        abandoned_->comm, &requests.list.back()),
              "reduce_scatter");
  }
  wait_all(requests, "reduce_scatter");
  if (op == ReduceOp::Average) chunk.mul_(1.0 / size_);
  return input.device().is_cpu() ? chunk : chunk.to(input.device());
}

void ProcessGroup::barrier() {
  check_usable("barrier");
  Requests requests;
  requests.list.emplace_back();
  check_mpi(MPI_Ibarrier(abandoned_->comm, &requests.list.back()), "barrier");
  wait_all(requests, "barrier");
}

}  // namespace striate::distributed
