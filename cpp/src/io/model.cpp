// save_model / load_model: a module's state dict plus its architecture JSON in one safetensors file.
#include "striate/io/model.h"

#include "core/allocation_budget.h"
#include "striate/core/config.h"
#include "striate/nn/config.h"

namespace striate::io {

namespace {

[[noreturn]] void fail(const std::string& operation, const std::string& path, const std::string& problem) {
  throw IOError(operation + ": '" + path + "': " + problem);
}

}  // namespace

void save_model(const nn::Module& model, const std::string& path, const Metadata& extra) {
  Metadata metadata = extra;
  for (const char* key : {"format", "format_version", "architecture", "striate_version"}) {
    STRIATE_CHECK(metadata.count(key) == 0, "save_model: the metadata key '", key, "' is reserved");
  }
  metadata["format"] = kModelFormat;
  metadata["format_version"] = std::to_string(kFormatVersion);
  metadata["architecture"] = nn::module_config(model).dump();
  metadata["striate_version"] = striate::version();
  metadata["training"] = model.is_training() ? "true" : "false";
  detail::save_safetensors(path, model.state_dict(), metadata, "save_model");
}

// Checks format and version of a file's metadata (shared with checkpoints).
void check_format(const Metadata& metadata, const std::string& expected, const std::string& path,
                  const std::string& operation) {
  auto format = metadata.find("format");
  if (format == metadata.end()) {
    fail(operation, path,
         "not a striate " + std::string(expected == kModelFormat ? "model" : "checkpoint") +
             " file (its safetensors metadata has no \"format\"; a plain weights file loads with "
             "load_state_dict)");
  }
  if (format->second != expected) {
    fail(operation, path, "expected a file of format '" + expected + "', got '" + format->second + "'");
  }
  auto version = metadata.find("format_version");
  if (version == metadata.end() || version->second != std::to_string(kFormatVersion)) {
    fail(operation, path,
         "format_version '" + (version == metadata.end() ? std::string("<none>") : version->second) +
             "' is not one this striate reads (it reads " + std::to_string(kFormatVersion) +
             "); a newer striate wrote it?");
  }
}

std::shared_ptr<nn::Module> load_model(const std::string& path) {
  const std::string operation = "load_model";
  SafetensorsContent content = detail::load_safetensors(path, operation);
  check_format(content.metadata, kModelFormat, path, operation);
  auto architecture = content.metadata.find("architecture");
  if (architecture == content.metadata.end()) fail(operation, path, "the metadata has no \"architecture\"");
  std::shared_ptr<nn::Module> model;
  try {
    // Every tensor the architecture builds is one the file must fill (load_state_dict is strict),
    // so building may take the file's tensor bytes twice over (a module's temporaries) plus a
    // margin; a forged architecture asking for more is refused before the OS is asked.
    size_t weight_bytes = 0;
    for (const auto& item : content.tensors) {
      weight_bytes += static_cast<size_t>(item.value.numel()) * element_size(item.value.dtype());  // <= file size
    }
    constexpr size_t kMargin = size_t{64} << 20;
    allocation_budget::Scope budget(weight_bytes * 2 + kMargin,
                                    "twice the " + std::to_string(weight_bytes) +
                                        " bytes of the file's tensors + 64 MiB; the architecture asks for more "
                                        "memory than its weights fill: the file is damaged or forged");
    model = nn::module_from_config(Json::parse(architecture->second, "architecture"));
  } catch (const IOError&) {
    throw;
  } catch (const Error& error) {
    fail(operation, path, error.what());
  }
  try {
    model->load_state_dict(content.tensors, /*strict=*/true);
  } catch (const Error& error) {
    fail(operation, path, std::string("the weights do not match the architecture: ") + error.what());
  }
  auto training = content.metadata.find("training");
  model->train(training != content.metadata.end() && training->second == "true");
  return model;
}

}  // namespace striate::io
