// Self-describing model files (`.striate`) and training checkpoints, both in the safetensors
// container, readable from Python and C++ alike.
//   striate::io::save_model(*model, "lenet5.striate");
//   std::shared_ptr<striate::nn::Module> model = striate::io::load_model("lenet5.striate");
//   auto info = striate::io::load_checkpoint("runs/a/last.ckpt", *model, &optimizer);  // go on training
//
// A model file holds the state dict (parameters and persistent buffers) as tensors and, in
// `__metadata__`: "format" = "striate.model", "format_version" = "1", "architecture" (the JSON of
// nn::module_config) and "striate_version". load_model rebuilds the module tree from the
// architecture (no Python class involved) and loads the weights strictly.
//
// A checkpoint (Python's striate.save of a dict, the Trainer's checkpoints) holds every tensor of
// a nested object in the body, named by its path ("model/fc.weight"), and the rest of the object
// as JSON in "tree", where each tensor is {"__tensor__": name}; dicts whose keys are not all
// strings are {"__dict__": [[key, value], ...]}, tuples {"__tuple__": [...]}, and non-finite
// floats {"__float__": "inf"}. "format" = "striate.checkpoint", "format_version" = "1".
#pragma once
#include <memory>
#include <string>

#include "striate/io/json_value.h"
#include "striate/io/safetensors.h"
#include "striate/nn/module.h"

namespace striate::optim {
/// The optimizer base (optim/optimizer.h).
class Optimizer;
}  // namespace striate::optim

namespace striate::io {

/// The "format" metadata of a model file.
inline constexpr const char* kModelFormat = "striate.model";
/// The "format" metadata of a checkpoint.
inline constexpr const char* kCheckpointFormat = "striate.checkpoint";
/// The "format_version" this build writes and reads.
inline constexpr int kFormatVersion = 1;

/// Writes `model` (every module in it must be a built-in one: see nn::module_config) atomically.
/// `extra` adds metadata entries (the reserved keys above are refused).
/// @param model the model.
/// @param path the file to write.
/// @param extra extra metadata (default none).
/// @throws TypeError when a module in the tree is not registered.
/// @throws ValueError when extra uses a reserved key.
/// @throws IOError when the file cannot be written.
void save_model(const nn::Module& model, const std::string& path, const Metadata& extra = {});
/// Rebuilds the model of a file save_model (or Python's striate.save) wrote. Raises IOError naming
/// the file for a missing, unreadable or malformed file, a file of another format or a newer
/// format version, and an architecture that does not build or does not match the weights. The
/// architecture is built under an allocation budget (twice the bytes of the file's tensors + 64 MiB),
/// so absurd sizes in a small file are refused, naming the module and the size, before allocating.
/// @param path the model file.
/// @return the model, weights loaded.
/// @throws IOError as described above.
std::shared_ptr<nn::Module> load_model(const std::string& path);

/// What load_checkpoint() read besides the state dicts.
struct CheckpointInfo {
  /// The epoch (0 when the checkpoint records none).
  int64_t epoch = 0;  // 0 when the checkpoint records none
  /// The step (0 when the checkpoint records none).
  int64_t step = 0;
  /// The whole object, tensors as {"__tensor__": name}.
  Json tree;  // the whole object, tensors as {"__tensor__": name}
  /// The file's __metadata__.
  Metadata metadata;  // the file's __metadata__
};

/// Restores the "model" state dict of a checkpoint into `model` (strict) and, when given, the
/// "optimizer" state dict (torch's layout) into `optimizer`, so a C++ program continues a run a
/// Python Trainer saved. Raises IOError naming the file and the problem.
/// @param path the checkpoint file.
/// @param model the model restored (strict).
/// @param optimizer the optimizer restored, or nullptr (default).
/// @return the epoch, step, tree and metadata.
/// @throws IOError naming the file and the problem.
CheckpointInfo load_checkpoint(const std::string& path, nn::Module& model, optim::Optimizer* optimizer = nullptr);
/// Writes a checkpoint of `model` and `optimizer` (may be null) with the epoch and step, which
/// Python's striate.load reads as {"model": ..., "optimizer": ..., "epoch": .., "step": ..}.
/// @param path the file to write (atomically).
/// @param model the model.
/// @param optimizer the optimizer, or nullptr.
/// @param epoch the epoch (default 0).
/// @param step the step (default 0).
/// @throws IOError when the file cannot be written.
void save_checkpoint(const std::string& path, const nn::Module& model, const optim::Optimizer* optimizer,
                     int64_t epoch = 0, int64_t step = 0);

}  // namespace striate::io
