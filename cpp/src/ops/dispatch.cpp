// The op registry and the device checks every op runs first (see ops/dispatch.h).
#include "ops/dispatch.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "striate/ops/registry.h"

namespace striate {
namespace {

using KernelList = std::vector<const kernels::KernelBase*>;

// Filled at load time by the STRIATE_REGISTER_OP lines of the op files, read afterwards.
std::map<std::string, KernelList>& registry() {
  static std::map<std::string, KernelList> ops;
  return ops;
}

bool runs_on(const KernelList& kernels, DeviceType device) {
  return std::all_of(kernels.begin(), kernels.end(),
                     [&](const kernels::KernelBase* k) { return k->implemented_on(device); });
}

}  // namespace

namespace dispatch {

OpRegistration::OpRegistration(const char* op, std::initializer_list<const kernels::KernelBase*> kernels) {
  auto& entry = registry()[op];
  entry.insert(entry.end(), kernels.begin(), kernels.end());
}

void require_kernels(const char* op, Device device, const char* arg) {
  if (device.is_cpu()) return;  // the CPU backend implements every kernel (tests/test_device_dispatch.py)
  auto it = registry().find(op);
  if (it == registry().end() || !runs_on(it->second, device.type))
    STRIATE_NOT_IMPLEMENTED(op, ": no ", kernels::backend_name(device.type), " kernel yet (", arg, " on ", device, ")");
}

Device device_of(const char* op, std::initializer_list<TensorArg> args) {
  const TensorArg* first = nullptr;
  for (const TensorArg& arg : args) {
    if (!arg.tensor) continue;
    if (!first) {
      first = &arg;
      continue;
    }
    STRIATE_CHECK(arg.tensor->device() == first->tensor->device(), op, ": expected all tensors on one device, got ",
                  first->name, " on ", first->tensor->device(), " and ", arg.name, " on ", arg.tensor->device());
  }
  if (!first) return kCPU;
  const Device device = first->tensor->device();
  require_kernels(op, device, first->name);
  return device;
}

}  // namespace dispatch

namespace backends {

std::vector<std::string> registered_ops() {
  std::vector<std::string> names;
  for (const auto& [name, kernels] : registry()) names.push_back(name);
  return names;
}

std::vector<std::string> supported_ops(DeviceType device) {
  std::vector<std::string> names;
  for (const auto& [name, kernels] : registry())
    if (runs_on(kernels, device)) names.push_back(name);
  return names;
}

std::vector<std::string> unsupported_ops(DeviceType device) {
  std::vector<std::string> names;
  for (const auto& [name, kernels] : registry())
    if (!runs_on(kernels, device)) names.push_back(name);
  return names;
}

bool has_kernel(const std::string& op, DeviceType device) {
  auto it = registry().find(op);
  return it != registry().end() && runs_on(it->second, device);
}

std::vector<std::string> op_kernels(const std::string& op) {
  auto it = registry().find(op);
  STRIATE_CHECK(it != registry().end(), "op_kernels: unknown op '", op, "'");
  std::vector<std::string> names;
  for (const kernels::KernelBase* k : it->second) {
    std::string name = k->name();
    if (k->dtype()) name += detail::str("<", *k->dtype(), ">");
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

}  // namespace backends
}  // namespace striate
