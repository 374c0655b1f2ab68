// C++ API test of the io floor: safetensors round trips (every dtype, empty, 0-d and strided
// tensors, metadata, name order), a module's state dict through a file, malformed files (every
// truncation, forged lengths, a directory, a missing file) raising IOError, and the OrderedDict
// the loader fills; model files (architecture + weights) of the zoo and hand-built trees, their
// bad inputs, and checkpoints that a C++ program continues from. Uses the umbrella header as an embedding program does.
#include <striate/striate.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "check.h"

namespace {

using striate::OrderedDict;
using striate::Tensor;

std::string temp_folder() {
  char name[] = "/tmp/striate_test_io_XXXXXX";
  const char* made = mkdtemp(name);
  return made ? made : "/tmp";
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Whether two tensors hold the same dtype, shape and bytes (in logical order).
bool same(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.sizes() != b.sizes()) return false;
  Tensor ca = a.contiguous(), cb = b.contiguous();
  size_t nbytes = static_cast<size_t>(a.numel()) * striate::element_size(a.dtype());
  return nbytes == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), nbytes) == 0;
}

void test_round_trip(const std::string& folder) {
  OrderedDict<Tensor> tensors;
  tensors.insert("z.float32", striate::randn({3, 4}));
  tensors.insert("a.float64", striate::randn({2}, striate::DType::Float64));
  tensors.insert("m.int64", striate::tensor<int64_t>({1, -2, 1LL << 40}));
  tensors.insert("uint8", striate::tensor<uint8_t>({0, 7, 255}));
  tensors.insert("bool", striate::gt(striate::tensor<float>({1, -1, 2}), 0.0));
  tensors.insert("scalar", striate::tensor<float>({2.5f}).reshape({}));
  tensors.insert("empty", striate::zeros({2, 0, 3}));
  tensors.insert("transposed", striate::randn({3, 5}).t());
  tensors.insert("strided", striate::randn({4, 6}).slice(1, 0, 6, 2));
  const std::string path = folder + "/all.safetensors";
  striate::io::save_safetensors(path, tensors, {{"format", "pt"}, {"note", "\"quoted\"\n"}});

  striate::io::SafetensorsContent content = striate::io::load_safetensors(path);
  CHECK(content.tensors.keys() == tensors.keys());  // the given order, not sorted
  for (const auto& item : tensors) {
    const Tensor* loaded = content.tensors.find(item.key);
    CHECK(loaded != nullptr);
    if (loaded) {
      CHECK(same(*loaded, item.value));
      CHECK(loaded->is_contiguous());
    }
  }
  CHECK(content.metadata.size() == 2 && content.metadata.at("note") == "\"quoted\"\n");
  CHECK(striate::io::load_safetensors_metadata(path) == content.metadata);

  // The header starts the data at a multiple of 8.
  std::string bytes = read_bytes(path);
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  CHECK((8 + header_length) % 8 == 0);
}

void test_save_errors(const std::string& folder) {
  OrderedDict<Tensor> reserved;
  reserved.insert("__metadata__", striate::ones({1}));
  CHECK_THROWS(striate::ValueError, striate::io::save_safetensors(folder + "/r.safetensors", reserved),
               "save_safetensors: the name \"__metadata__\" is reserved");
  OrderedDict<Tensor> undefined;
  undefined.insert("w", Tensor());
  CHECK_THROWS(striate::TypeError, striate::io::save_safetensors(folder + "/u.safetensors", undefined),
               "tensor 'w' is undefined");
  OrderedDict<Tensor> fine;
  fine.insert("w", striate::ones({1}));
  CHECK_THROWS(striate::IOError, striate::io::save_safetensors(folder + "/no/such/folder.safetensors", fine),
               "No such file");
}

void test_state_dict(const std::string& folder) {
  striate::manual_seed(0);
  striate::nn::Sequential model{striate::nn::Linear(4, 8), striate::nn::ReLU(), striate::nn::Linear(8, 2)};
  Tensor x = striate::randn({5, 4});
  Tensor expected = model->forward(x);
  const std::string path = folder + "/model.safetensors";
  striate::io::save_state_dict(*model, path);

  striate::manual_seed(1);
  striate::nn::Sequential other{striate::nn::Linear(4, 8), striate::nn::ReLU(), striate::nn::Linear(8, 2)};
  CHECK(!same(other->forward(x), expected));
  striate::nn::LoadStateDictResult result = striate::io::load_state_dict(*other, path);
  CHECK(result.missing_keys.empty() && result.unexpected_keys.empty());
  CHECK(same(other->forward(x), expected));

  striate::nn::Sequential wrong{striate::nn::Linear(4, 8)};
  CHECK_THROWS(striate::ValueError, striate::io::load_state_dict(*wrong, path), "unexpected key(s)");
  CHECK_THROWS(striate::IOError, striate::io::load_state_dict(*wrong, folder + "/missing.safetensors"),
               "load_state_dict: '");
}

void test_bad_files(const std::string& folder) {
  OrderedDict<Tensor> tensors;
  tensors.insert("w", striate::randn({2, 3}));
  tensors.insert("n", striate::tensor<int64_t>({1, 2}));
  const std::string whole = folder + "/whole.safetensors";
  striate::io::save_safetensors(whole, tensors, {{"k", "v"}});
  const std::string bytes = read_bytes(whole);
  const std::string cut_path = folder + "/cut.safetensors";
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    write_bytes(cut_path, bytes.substr(0, cut));
    CHECK_THROWS(striate::IOError, striate::io::load_safetensors(cut_path), "load_safetensors: '" + cut_path + "'");
  }

  std::string forged = bytes;
  for (int i = 0; i < 8; ++i) forged[i] = i == 7 ? '\x80' : '\0';  // 2^63
  write_bytes(cut_path, forged);
  CHECK_THROWS(striate::IOError, striate::io::load_safetensors(cut_path), "over the format's limit");

  CHECK_THROWS(striate::IOError, striate::io::load_safetensors(folder), "expected a regular file, found a directory");
  CHECK_THROWS(striate::IOError, striate::io::load_safetensors(folder + "/none.safetensors"), "No such file");
  CHECK_THROWS(striate::IOError, striate::io::load_safetensors_metadata(folder), "load_safetensors_metadata: '");
}

// ---- model files and checkpoints ----

using striate::nn::Module;

Tensor eval_output(Module& model, const Tensor& x) {
  striate::NoGradGuard no_grad;
  model.eval();
  return model.forward(x);
}

// save_model -> load_model gives the same architecture JSON and the same outputs.
void check_model_round_trip(const std::shared_ptr<Module>& model, const Tensor& x, const std::string& path) {
  striate::io::save_model(*model, path);
  std::shared_ptr<Module> loaded = striate::io::load_model(path);
  CHECK(striate::nn::module_config(*loaded).dump() == striate::nn::module_config(*model).dump());
  CHECK(loaded->name() == model->name());
  CHECK(loaded->state_dict().keys() == model->state_dict().keys());
  Tensor expected = eval_output(*model, x);
  Tensor got = eval_output(*loaded, x);
  if (!same(got, expected)) std::cerr << "model round trip differs for " << model->name() << "\n";
  CHECK(same(got, expected));
}

void test_model_files(const std::string& folder) {
  namespace nn = striate::nn;
  namespace models = striate::models;
  striate::manual_seed(0);
  const std::string path = folder + "/m.striate";
  Tensor mnist = striate::randn({2, 1, 28, 28});
  Tensor lecun = striate::randn({2, 1, 32, 32});
  Tensor cifar = striate::randn({2, 3, 32, 32});
  check_model_round_trip(models::lenet5(), mnist, path);
  check_model_round_trip(models::lenet5("classic"), lecun, path);  // Subsampling, the connection table
  check_model_round_trip(models::resnet20().ptr(), cifar, path);
  check_model_round_trip(models::preact_resnet18(10).ptr(), cifar, path);
  check_model_round_trip(models::wide_resnet(10, 1, 0.3).ptr(), cifar, path);
  check_model_round_trip(models::densenet_bc(16, 4), cifar, path);
  check_model_round_trip(models::nin(), cifar, path);
  check_model_round_trip(models::squeezenet1_1(10), striate::randn({1, 3, 64, 64}), path);
  check_model_round_trip(models::fractalnet(10, 3, 2, 2).ptr(), cifar, path);
  check_model_round_trip(models::googlenet(true, 10).ptr(), striate::randn({1, 3, 64, 64}), path);
  // Merge blocks and containers built by hand, with non-default arguments.
  nn::Sequential net{
      nn::Conv2d(nn::Conv2dOptions(3, 8, 3).padding(1).bias(false)),
      nn::BatchNorm2d(nn::BatchNormOptions(8).eps(1e-3).momentum(std::nullopt)),
      nn::LeakyReLU(0.2),
      nn::Residual(nn::Sequential(nn::Conv2d(8, 8, 1), nn::ELU(0.5)).ptr()),
      nn::Concat(std::vector<std::shared_ptr<Module>>{
          nn::Identity().ptr(), nn::MaxPool2d(nn::MaxPool2dOptions(3).stride({1, 1}).padding({1, 1})).ptr()}),
      nn::AdaptiveAvgPool2d(striate::IntPair{2, 2}),
      nn::Flatten(),
      nn::Dropout(0.25),
      nn::Linear(64, 5)};
  check_model_round_trip(net.ptr(), cifar, path);
  std::remove(path.c_str());
}

// A Module subclass that is not registered.
class CustomImpl : public striate::nn::Module {
 public:
  CustomImpl() : Module("Custom") { register_module("fc", striate::nn::Linear(2, 2)); }
};

void test_model_errors(const std::string& folder) {
  namespace nn = striate::nn;
  nn::Sequential custom{nn::Linear(2, 2), std::make_shared<CustomImpl>()};
  CHECK_THROWS(striate::TypeError, striate::io::save_model(*custom, folder + "/c.striate"),
               "module '1' is a Custom, which is not a built-in striate module");

  // Every truncation of a small model file.
  const std::string path = folder + "/small.striate";
  striate::io::save_model(*nn::Sequential{nn::Linear(2, 3)}, path);
  const std::string bytes = read_bytes(path);
  const std::string cut_path = folder + "/cut.striate";
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    write_bytes(cut_path, bytes.substr(0, cut));
    CHECK_THROWS(striate::IOError, striate::io::load_model(cut_path), "load_model: '" + cut_path + "'");
  }

  // Architectures that name an unknown module or carry bad arguments.
  auto forged = [&](const std::string& architecture, const std::string& fragment) {
    striate::OrderedDict<Tensor> tensors;
    striate::io::save_safetensors(
        cut_path, tensors, {{"format", "striate.model"}, {"format_version", "1"}, {"architecture", architecture}});
    CHECK_THROWS(striate::IOError, striate::io::load_model(cut_path), fragment);
  };
  forged(R"({"type":"Transformer","args":{}})", "unknown module type 'Transformer'");
  forged(R"({"type":"Linear","args":{"in_features":2}})", "missing argument 'out_features'");
  forged(R"({"type":"Linear","args":{"in_features":2,"out_features":"3"}})",
         "argument 'out_features': expected an integer");
  forged(R"({"type":"Linear","args":{"in_features":2,"out_features":3,"colour":1}})", "unknown argument 'colour'");
  forged(R"({"type":"Linear","args":{"in_features":-2,"out_features":3}})", "the arguments were refused");
  forged(R"({"type":"Sequential","args":{},"children":[["0",{"type":"Nope"}]]})", "children[0]: unknown module type");
  forged(R"({"type":"Linear","args":{"in_features":2,"out_features":3}})", "the weights do not match the architecture");
  forged(R"([1,2)", "invalid JSON");
  // Absurd sizes in a small file: refused by the allocation budget (derived from the file's tensor
  // bytes) before anything is allocated, naming the module and the size.
  forged(R"({"type":"Sequential","args":{},"children":[["fc",{"type":"Linear","args":{"in_features":1000000,)"
         R"("out_features":1000000,"bias":true}}]]})",
         "children[0] (Linear), module 'fc': a tensor of 4000000000000 bytes does not fit");
  forged(R"({"type":"CifarResNet","args":{"depth":20,"num_classes":10000000,"in_channels":3}})",
         "(CifarResNet), module '<root>': a tensor of 2560000000 bytes does not fit");
  // Sizes whose element count overflows, numbers past int64, zero and negative sizes.
  forged(R"({"type":"Linear","args":{"in_features":4611686018427387904,"out_features":4611686018427387904,)"
         R"("bias":true}})",
         "size too large");
  forged(R"({"type":"Linear","args":{"in_features":100000000000000000000,"out_features":3}})",
         "argument 'in_features': expected an integer");
  forged(R"({"type":"BatchNorm2d","args":{"num_features":0,"eps":1e-5,"momentum":0.1,"affine":true,)"
         R"("track_running_stats":true}})",
         "expected num_features > 0, got 0");
  forged(R"({"type":"RNN","args":{"input_size":4,"hidden_size":-3,"num_layers":1,"nonlinearity":"tanh",)"
         R"("bias":true,"batch_first":false,"dropout":0.0,"bidirectional":false}})",
         "expected hidden_size > 0, got -3");
  forged(R"("Linear")", "expected an object");
  CHECK_THROWS(striate::IOError, striate::io::load_model(folder), "load_model: '" + folder + "'");
  CHECK_THROWS(striate::IOError, striate::io::load_model(folder + "/none.striate"), "No such file");
  striate::io::save_safetensors(cut_path, striate::OrderedDict<Tensor>{}, {});
  CHECK_THROWS(striate::IOError, striate::io::load_model(cut_path), "not a striate model file");
  std::remove(path.c_str());
  std::remove(cut_path.c_str());
}

// A run continued from a checkpoint steps exactly as the uninterrupted run.
void test_checkpoint(const std::string& folder) {
  namespace nn = striate::nn;
  striate::manual_seed(0);
  Tensor x = striate::randn({8, 4});
  Tensor y = striate::randn({8, 2});
  auto make = [] { return nn::Sequential{nn::Linear(4, 8), nn::Tanh(), nn::Linear(8, 2)}; };
  auto step = [&](nn::Sequential& model, striate::optim::SGD& sgd) {
    sgd.zero_grad();
    Tensor loss = striate::mse_loss(model->forward(x), y);
    loss.backward();
    sgd.step();
  };
  nn::Sequential model = make();
  striate::optim::SGD sgd(model->parameters(), striate::optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
  step(model, sgd);
  step(model, sgd);
  const std::string path = folder + "/run.ckpt";
  striate::io::save_checkpoint(path, *model, &sgd, 1, 2);

  nn::Sequential resumed = make();
  striate::optim::SGD resumed_sgd(resumed->parameters(), striate::optim::SGDOptions(0.5));
  striate::io::CheckpointInfo info = striate::io::load_checkpoint(path, *resumed, &resumed_sgd);
  CHECK(info.epoch == 1 && info.step == 2);
  for (int i = 0; i < 3; ++i) {
    step(model, sgd);
    step(resumed, resumed_sgd);
  }
  auto a = model->parameters(), b = resumed->parameters();
  for (size_t i = 0; i < a.size(); ++i) CHECK(same(a[i], b[i]));
  nn::Sequential other{nn::Linear(4, 3)};
  CHECK_THROWS(striate::IOError, striate::io::load_checkpoint(path, *other), "load_checkpoint: '" + path + "'");
  CHECK_THROWS(striate::IOError, striate::io::load_model(path), "expected a file of format 'striate.model'");
  std::remove(path.c_str());
}

// A checkpoint laid out as Python's Trainer writes it (serialization.py): an OrderedDict model,
// optimizer state keyed by integers, extra group keys (initial_lr), tuples, big RNG integers,
// non-finite floats and history; C++ restores the model and the optimizer from it.
void test_python_checkpoint_layout(const std::string& folder) {
  namespace nn = striate::nn;
  striate::OrderedDict<Tensor> tensors;
  Tensor weight = striate::randn({3, 2}), bias = striate::randn({3}), momentum = striate::randn({3, 2});
  tensors.insert("model/weight", weight);
  tensors.insert("model/bias", bias);
  tensors.insert("optimizer/state/0/momentum_buffer", momentum);
  tensors.insert("rng/striate", striate::tensor<uint8_t>({1, 2, 3}));
  const std::string tree =
      R"({"format":"striate.trainer/1",)"
      R"("model":{"__ordered__":{"weight":{"__tensor__":"model/weight"},"bias":{"__tensor__":"model/bias"}}},)"
      R"("optimizer":{"state":{"__dict__":[[0,{"momentum_buffer":{"__tensor__":"optimizer/state/0/momentum_buffer"}}]]},)"
      R"("param_groups":[{"lr":0.025,"momentum":0.9,"dampening":0,"weight_decay":0.0005,"nesterov":true,)"
      R"("maximize":false,"initial_lr":0.05,"params":[0,1]}]},)"
      R"("optimizer_type":"SGD","scheduler":{"T_max":3,"base_lrs":[0.05],"eta_min":0.0},)"
      R"("callbacks":[{"best":{"__float__":"-inf"}}],)"
      R"("rng":{"striate":{"__tensor__":"rng/striate"},"python":[3,[2147483648,4294967295],null]},)"
      R"("epoch":2,"step":126,"history":[{"epoch":1,"train_loss":0.5,"lr":{"__tuple__":[0.05]}}]})";
  const std::string path = folder + "/python.ckpt";
  striate::io::save_safetensors(path, tensors,
                                {{"format", "striate.checkpoint"}, {"format_version", "1"}, {"tree", tree}});
  nn::Linear model(2, 3);
  striate::optim::SGD sgd(model->parameters(), striate::optim::SGDOptions(0.5));
  striate::io::CheckpointInfo info = striate::io::load_checkpoint(path, *model, &sgd);
  CHECK(info.epoch == 2 && info.step == 126);
  CHECK(same(model->weight, weight) && same(model->bias, bias));
  CHECK(sgd.param_groups()[0].options().get_lr() == 0.025);
  auto* state = dynamic_cast<striate::optim::SGDParamState*>(sgd.state(model->weight));
  CHECK(state != nullptr && same(state->momentum_buffer, momentum));
  CHECK(info.tree.find("optimizer_type")->as_string() == "SGD");
  std::remove(path.c_str());
}

void test_ordered_dict_index() {
  OrderedDict<int> dict;
  dict.insert("a", 1);
  dict.insert("b", 2);
  dict.insert("c", 3);
  dict.insert("a", 10);  // replaces in place
  CHECK((dict.keys() == std::vector<std::string>{"a", "b", "c"}));
  CHECK(dict.at("a") == 10);
  CHECK(dict.erase("a"));
  CHECK(!dict.erase("a"));
  CHECK(dict.find("a") == nullptr);
  CHECK(dict.at("b") == 2 && dict.at("c") == 3);  // positions after the removed one still found
  dict.insert("a", 4);
  CHECK((dict.keys() == std::vector<std::string>{"b", "c", "a"}));
  OrderedDict<int> copy = dict;
  dict.clear();
  CHECK(dict.find("b") == nullptr && copy.at("b") == 2);
}

}  // namespace

int main() {
  const std::string folder = temp_folder();
  test_round_trip(folder);
  test_save_errors(folder);
  test_state_dict(folder);
  test_bad_files(folder);
  test_ordered_dict_index();
  test_model_files(folder);
  test_model_errors(folder);
  test_checkpoint(folder);
  test_python_checkpoint_layout(folder);
  for (const char* name : {"all", "model", "whole", "cut"}) std::remove((folder + "/" + name + ".safetensors").c_str());
  rmdir(folder.c_str());
  return report("test_io");
}
