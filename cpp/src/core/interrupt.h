// Ctrl-C from inside a kernel (internal; check_interrupt() in striate/core/parallel.h is the public
// poll between units of work).
#pragma once

namespace striate {

// Polls for Ctrl-C from inside a kernel, on any thread, between blocks of work (the GEMM's
// macro-loop): the caller of a parallel_for polls (at most every 50 ms of its own time) and, on
// Ctrl-C, cancels its region, so every thread of it throws striate::Interrupted at its next poll
// (parallel_for rethrows one on the caller). Outside a region, the calling thread polls. Costs a
// thread-local read and a clock read per call.
void check_interrupt_in_kernel();

}  // namespace striate
