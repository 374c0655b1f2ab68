# The source lists of the library and the extension, by floor (no globbing: a new file is added here).
set(STRIATE_CORE_SOURCES
  # floor 1: core
  cpp/src/core/storage.cpp
  cpp/src/core/allocation_budget.cpp
  cpp/src/core/cpu_allocator.cpp
  cpp/src/core/tensor.cpp
  cpp/src/core/device.cpp
  cpp/src/core/parallel.cpp
  cpp/src/core/random.cpp
  cpp/src/core/autocast.cpp
  cpp/src/core/cpu_isa.cpp
  cpp/src/core/conv_algorithm.cpp
  cpp/src/core/config.cpp
  # the caching policy of the device allocator is plain C++ (tested on the CPU: tests/cpp)
  cpp/src/core/cuda_allocator.cpp
  cpp/src/core/cuda.cpp
  # cuBLAS / cuDNN loaded at run time (plain C++: a build without CUDA reports them absent)
  cpp/src/core/cuda_libraries.cpp
  # the profiler's recording side sits under the kernels, which call it (striate/profiler.h)
  cpp/src/profiler/recorder.cpp
  # floor 2: kernels (declared device-neutrally in kernels/<family>.h, implemented per device)
  cpp/src/kernels/kernel.cpp
  cpp/src/kernels/cpu/elementwise.cpp
  cpp/src/kernels/cpu/amp.cpp
  cpp/src/kernels/cpu/gemm.cpp
  cpp/src/kernels/cpu/gemm_generic.cpp
  cpp/src/kernels/cpu/peak_probe.cpp
  cpp/src/kernels/cpu/peak_probe_generic.cpp
  cpp/src/kernels/cpu/conv.cpp
  cpp/src/kernels/cpu/conv3d.cpp
  cpp/src/kernels/cpu/conv_winograd.cpp
  cpp/src/kernels/cpu/conv_winograd_generic.cpp
  cpp/src/kernels/cpu/conv_direct.cpp
  cpp/src/kernels/cpu/conv_direct_pool.cpp
  cpp/src/kernels/cpu/conv_direct_generic.cpp
  cpp/src/kernels/cpu/conv_depthwise.cpp
  cpp/src/kernels/cpu/pooling.cpp
  cpp/src/kernels/cpu/pooling3d.cpp
  cpp/src/kernels/cpu/pooling_window.cpp
  cpp/src/kernels/cpu/reduce.cpp
  cpp/src/kernels/cpu/index.cpp
  cpp/src/kernels/cpu/activation.cpp
  cpp/src/kernels/cpu/loss.cpp
  cpp/src/kernels/cpu/normalization.cpp
  cpp/src/kernels/cpu/image.cpp
  cpp/src/kernels/cpu/mix.cpp
  cpp/src/kernels/cpu/optimizer.cpp
  cpp/src/kernels/cpu/random.cpp
  cpp/src/kernels/cpu/vector_math.cpp
  cpp/src/kernels/cpu/vector_math_generic.cpp
  # floor 3: autograd
  cpp/src/autograd/node.cpp
  cpp/src/autograd/engine.cpp
  cpp/src/autograd/tensor_methods.cpp
  cpp/src/autograd/torch_names.cpp
  # floor 4: ops
  cpp/src/ops/dispatch.cpp
  cpp/src/ops/amp.cpp
  cpp/src/ops/creation.cpp
  cpp/src/ops/elementwise.cpp
  cpp/src/ops/copy.cpp
  cpp/src/ops/view.cpp
  cpp/src/ops/print.cpp
  cpp/src/ops/reduce.cpp
  cpp/src/ops/shape_ops.cpp
  cpp/src/ops/activation.cpp
  cpp/src/ops/loss.cpp
  cpp/src/ops/loss_pointwise.cpp
  cpp/src/ops/linalg.cpp
  cpp/src/ops/conv.cpp
  cpp/src/ops/conv_pool.cpp
  cpp/src/ops/conv_nd.cpp
  cpp/src/ops/conv_transpose.cpp
  cpp/src/ops/locally_connected.cpp
  cpp/src/ops/pooling.cpp
  cpp/src/ops/fused_inference.cpp
  cpp/src/ops/normalization.cpp
  cpp/src/ops/dropout.cpp
  cpp/src/ops/pooling_window.cpp
  cpp/src/ops/shape_helpers.cpp
  # floor 5: nn, optim, data, io
  cpp/src/nn/module.cpp
  cpp/src/nn/device.cpp
  cpp/src/nn/call_observer.cpp
  cpp/src/nn/init.cpp
  cpp/src/nn/containers.cpp
  cpp/src/nn/config.cpp
  cpp/src/nn/config_layers.cpp
  cpp/src/nn/config_blocks.cpp
  cpp/src/nn/config_losses.cpp
  cpp/src/nn/linear.cpp
  cpp/src/nn/conv.cpp
  cpp/src/nn/fusion.cpp
  cpp/src/nn/pooling.cpp
  cpp/src/nn/activation.cpp
  cpp/src/nn/loss.cpp
  cpp/src/nn/normalization.cpp
  cpp/src/nn/dropout.cpp
  cpp/src/nn/recurrent.cpp
  cpp/src/nn/shape.cpp
  cpp/src/nn/blocks.cpp
  cpp/src/nn/blocks_classic.cpp
  cpp/src/nn/dense_inference.cpp
  cpp/src/models/resnet.cpp
  cpp/src/models/config.cpp
  cpp/src/models/classic_plain.cpp
  cpp/src/models/classic_merge.cpp
  cpp/src/optim/optimizer.cpp
  cpp/src/optim/sgd.cpp
  cpp/src/optim/adam.cpp
  cpp/src/optim/adagrad.cpp
  cpp/src/optim/rmsprop.cpp
  cpp/src/optim/adadelta.cpp
  cpp/src/optim/adamax.cpp
  cpp/src/optim/nadam.cpp
  cpp/src/optim/radam.cpp
  cpp/src/optim/rprop.cpp
  cpp/src/optim/asgd.cpp
  cpp/src/optim/clip_grad.cpp
  cpp/src/optim/lr_scheduler.cpp
  cpp/src/optim/lr_scheduler_cyclic.cpp
  cpp/src/optim/lr_scheduler_composite.cpp
  cpp/src/optim/lbfgs.cpp
  cpp/src/optim/swa_utils.cpp
  cpp/src/data/idx.cpp
  cpp/src/data/dataset.cpp
  cpp/src/data/dataloader.cpp
  cpp/src/data/datasets.cpp
  cpp/src/data/cifar.cpp
  cpp/src/data/transform.cpp
  cpp/src/data/transforms.cpp
  cpp/src/data/transforms_geometry.cpp
  cpp/src/data/transforms_color.cpp
  cpp/src/data/transforms_batch.cpp
  cpp/src/io/json.cpp
  cpp/src/io/file.cpp
  cpp/src/io/safetensors_header.cpp
  cpp/src/io/safetensors.cpp
  cpp/src/io/json_value.cpp
  cpp/src/io/model.cpp
  cpp/src/io/checkpoint.cpp
  cpp/src/io/state_dict.cpp
  # the profiler's reports (tables, Chrome trace) write through io's atomic file writer
  cpp/src/profiler/report.cpp
)
set(STRIATE_AVX2_SOURCES
  cpp/src/kernels/cpu/gemm_avx2.cpp
  cpp/src/kernels/cpu/peak_probe_avx2.cpp
  cpp/src/kernels/cpu/conv_winograd_avx2.cpp
  cpp/src/kernels/cpu/conv_direct_avx2.cpp)
set(STRIATE_AVX512_SOURCES
  cpp/src/kernels/cpu/gemm_avx512.cpp
  cpp/src/kernels/cpu/peak_probe_avx512.cpp
  cpp/src/kernels/cpu/conv_winograd_avx512.cpp
  cpp/src/kernels/cpu/conv_direct_avx512.cpp)
# The vector kernels (transcendentals, activations, norms, optimizer updates) per SIMD variant.
set(STRIATE_VECTOR_MATH_SOURCES cpp/src/kernels/cpu/vector_math_generic.cpp cpp/src/kernels/cpu/vector_math_avx2.cpp
  cpp/src/kernels/cpu/vector_math_avx512.cpp)
list(APPEND STRIATE_AVX2_SOURCES cpp/src/kernels/cpu/vector_math_avx2.cpp)
list(APPEND STRIATE_AVX512_SOURCES cpp/src/kernels/cpu/vector_math_avx512.cpp)
list(APPEND STRIATE_CORE_SOURCES ${STRIATE_AVX2_SOURCES} ${STRIATE_AVX512_SOURCES})

# The device runtime (floor 1) and the CUDA kernels (floor 2) of the CUDA backend; a build without
# it links the runtime's stand-in, whose calls raise "built without the CUDA backend".
set(STRIATE_CUDA_SOURCES
  cpp/src/core/cuda_runtime.cu
  cpp/src/kernels/cuda/activation.cu
  cpp/src/kernels/cuda/amp.cu
  cpp/src/kernels/cuda/conv.cu
  cpp/src/kernels/cuda/conv_cudnn.cu
  cpp/src/kernels/cuda/elementwise.cu
  cpp/src/kernels/cuda/gemm.cu
  cpp/src/kernels/cuda/im2col.cu
  cpp/src/kernels/cuda/index.cu
  cpp/src/kernels/cuda/loss.cu
  cpp/src/kernels/cuda/mix.cu
  cpp/src/kernels/cuda/normalization.cu
  cpp/src/kernels/cuda/optimizer.cu
  cpp/src/kernels/cuda/pooling.cu
  cpp/src/kernels/cuda/random.cu
  cpp/src/kernels/cuda/reduce.cu
)
set(STRIATE_NO_CUDA_SOURCES cpp/src/core/cuda_runtime_none.cpp)

# floor 6: bindings
set(STRIATE_PYTHON_SOURCES
  python/src/module.cpp
  python/src/errors.cpp
  python/src/bind_config.cpp
  python/src/bind_amp.cpp
  python/src/bind_cuda.cpp
  python/src/bind_cuda_libraries.cpp
  python/src/bind_tensor.cpp
  python/src/bind_interop.cpp
  python/src/bind_autograd.cpp
  python/src/bind_reduce.cpp
  python/src/bind_nn_module.cpp
  python/src/bind_linear.cpp
  python/src/bind_conv.cpp
  python/src/bind_pooling.cpp
  python/src/bind_activation.cpp
  python/src/bind_loss.cpp
  python/src/bind_shape.cpp
  python/src/bind_normalization.cpp
  python/src/bind_dropout.cpp
  python/src/bind_recurrent.cpp
  python/src/bind_blocks.cpp
  python/src/bind_models.cpp
  python/src/bind_optim.cpp
  python/src/bind_lr_scheduler.cpp
  python/src/bind_swa_utils.cpp
  python/src/bind_data.cpp
  python/src/bind_transforms.cpp
  python/src/bind_io.cpp
  python/src/bind_profiler.cpp
)
