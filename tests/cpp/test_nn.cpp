// C++ API test of floor 5: modules, Sequential, state dict, SGD and the data loader, through the
// umbrella header exactly as an embedding program uses them. Returns non-zero on the first failure.
#include <striate/striate.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

namespace {

int failures = 0;

void check(bool condition, const std::string& what) {
  if (!condition) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}

template <typename ErrorType, typename F>
void check_throws(F&& body, const std::string& what) {
  try {
    body();
  } catch (const ErrorType&) {
    return;
  } catch (const std::exception& e) {
    std::cerr << "FAILED: " << what << " threw the wrong error: " << e.what() << "\n";
    ++failures;
    return;
  }
  std::cerr << "FAILED: " << what << " did not throw\n";
  ++failures;
}

namespace nn = striate::nn;

// The example: a tiny CNN on random data; the loss must fall.
void test_training_loss_falls() {
  striate::manual_seed(0);
  nn::Sequential model{nn::Conv2d(1, 4, 3), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(36, 3)};
  striate::Tensor x = striate::randn({8, 1, 8, 8});
  striate::Tensor y = striate::randint(0, 3, {8});
  striate::optim::SGD optimizer(model->parameters(), striate::optim::SGDOptions(0.1).momentum(0.9));
  float first = 0, last = 0;
  for (int step = 0; step < 30; ++step) {
    optimizer.zero_grad();
    striate::Tensor loss = nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    optimizer.step();
    if (step == 0) first = loss.item<float>();
    last = loss.item<float>();
  }
  std::cout << "tiny CNN loss: " << first << " -> " << last << "\n";
  check(std::isfinite(last) && last < first * 0.5f, "training a tiny CNN lowers the loss by half");
}

// A user-defined module with named children, as libtorch users write them.
class NetImpl : public nn::Module {
 public:
  NetImpl() : Module("Net") {
    conv = register_module("conv", nn::Conv2d(nn::Conv2dOptions(1, 2, 3).padding(1)));
    fc = register_module("fc", nn::Linear(2 * 4 * 4, 5));
    register_buffer("steps", striate::zeros({1}));
  }
  striate::Tensor forward(const striate::Tensor& x) override { return fc(striate::relu(conv(x)).flatten(1)); }
  nn::Conv2d conv{nullptr};
  nn::Linear fc{nullptr};
};
STRIATE_MODULE(Net);

void test_registries_and_state_dict() {
  Net net;
  auto names = net->named_parameters().keys();
  check(names == std::vector<std::string>({"conv.weight", "conv.bias", "fc.weight", "fc.bias"}),
        "named_parameters lists dotted names in registration order");
  check(net->num_parameters() == 2 * 9 + 2 + 32 * 5 + 5, "num_parameters counts every element");
  check(net->state_dict().keys() ==
            std::vector<std::string>({"steps", "conv.weight", "conv.bias", "fc.weight", "fc.bias"}),
        "state_dict holds the module's own entries first, then its children's");
  check(net->modules().size() == 3, "modules() holds the net and its two children");
  check(net->conv->weight.is_parameter() && net->conv->weight.requires_grad(), "weights are parameters");

  Net other;
  other->load_state_dict(net->state_dict());
  striate::Tensor x = striate::randn({2, 1, 4, 4});
  striate::Tensor difference = striate::abs(net->forward(x) - other->forward(x)).sum();
  check(difference.item<float>() == 0.0f, "load_state_dict copies every value");

  auto state = net->state_dict();
  state.erase("fc.bias");
  check_throws<striate::ValueError>([&] { other->load_state_dict(state); }, "strict load with a missing key");
  auto result = other->load_state_dict(state, /*strict=*/false);
  check(result.missing_keys == std::vector<std::string>({"fc.bias"}), "non-strict load reports the missing key");

  net->eval();
  check(!net->is_training() && !net->conv->is_training(), "eval() reaches the children");
  net->train();
  check(net->fc->is_training(), "train() reaches the children");
}

void test_sequential_and_errors() {
  nn::Sequential model{nn::Linear(4, 3), nn::Tanh(), nn::Linear(3, 2), nn::Sigmoid()};
  check(model->size() == 4, "Sequential holds its children");
  check(model[0] != nullptr && model[-1]->name() == "Sigmoid", "Sequential indexing from both ends");
  striate::Tensor y = model->forward(striate::randn({5, 4}));
  check(y.sizes() == striate::Shape({5, 2}), "Sequential chains the forward");
  check_throws<striate::IndexError>([&] { model[4]; }, "Sequential index out of range");
  check_throws<striate::ValueError>(
      [] { striate::optim::SGD(std::vector<striate::Tensor>{}, striate::optim::SGDOptions(0.1)); },
      "SGD without parameters");
  check_throws<striate::ValueError>([&] { striate::optim::SGD(model->parameters(), striate::optim::SGDOptions(-1.0)); },
                                    "SGD with a negative lr");
  check_throws<striate::ValueError>(
      [&] { striate::optim::SGD(model->parameters(), striate::optim::SGDOptions(0.1).nesterov(true)); },
      "SGD nesterov without momentum");
  check_throws<striate::NotImplementedError>([] { std::make_shared<nn::Module>()->forward(striate::zeros({1})); },
                                             "forward of a bare Module");
  std::string text = model->repr();
  check(text.find("(1): Tanh()") != std::string::npos, "repr lists the children: " + text);
}

void test_data_loader() {
  striate::Tensor x = striate::arange(10).reshape({10, 1});
  striate::Tensor y = striate::arange(10);
  auto dataset = std::make_shared<striate::data::TensorDataset>(std::vector<striate::Tensor>{x, y});
  striate::data::DataLoader loader(dataset, striate::data::DataLoaderOptions().batch_size(4).shuffle(true).seed(1));
  check(loader.size() == 3, "10 examples make 3 batches of up to 4");
  int64_t seen = 0, total = 0;
  for (const auto& batch : loader) {
    check(batch.size() == 2 && batch[0].size(0) == batch[1].size(0), "batches hold both fields");
    seen += batch[1].size(0);
    total += batch[1].sum().item<int64_t>();
  }
  check(seen == 10 && total == 45, "an epoch visits every example once");
}

// The loss modules as a C++ program uses them: options, the weight buffers in the state dict (and
// read at each forward), the reduction check, and forward(input) alone refused.
void test_loss_modules() {
  namespace F = striate::nn::functional;
  striate::manual_seed(3);
  striate::Tensor logits = striate::randn({6, 4});
  striate::Tensor labels = striate::randint(0, 4, {6});
  striate::Tensor class_weights = striate::add(striate::rand({4}), 0.5);
  auto close = [](const striate::Tensor& a, const striate::Tensor& b) {
    return striate::max(striate::abs(striate::sub(a, b))).item<float>() <= 1e-6f;
  };

  nn::CrossEntropyLoss criterion(nn::CrossEntropyLossOptions().weight(class_weights).label_smoothing(0.1));
  check(close(criterion(logits, labels),
              F::cross_entropy(logits, labels, striate::Reduction::Mean, class_weights, -100, 0.1)),
        "CrossEntropyLoss equals cross_entropy with its options");
  check(criterion->state_dict().keys() == std::vector<std::string>{"weight"} && criterion->parameters().empty(),
        "the class weights are a buffer, not a parameter");
  criterion->register_buffer("weight", striate::Tensor());
  criterion->options.reduction("sum");
  check(close(criterion(logits, labels),
              F::cross_entropy(logits, labels, striate::Reduction::Sum, striate::Tensor(), -100, 0.1)),
        "a replaced buffer and reduction take effect at the next forward");
  check(criterion->repr() == "CrossEntropyLoss(reduction='sum')", "repr names the reduction: " + criterion->repr());

  striate::Tensor x = striate::randn({5, 4});
  x.requires_grad_(true);
  striate::Tensor targets = striate::rand({5, 4});
  striate::Tensor pos_weight = striate::full({4}, 2.0);
  nn::BCEWithLogitsLoss bce(nn::BCEWithLogitsLossOptions().pos_weight(pos_weight));
  striate::Tensor loss = bce(x, targets);
  check(close(loss,
              F::binary_cross_entropy_with_logits(x, targets, striate::Tensor(), striate::Reduction::Mean, pos_weight)),
        "BCEWithLogitsLoss equals binary_cross_entropy_with_logits with pos_weight");
  check(bce->state_dict().keys() == std::vector<std::string>{"pos_weight"}, "only defined buffers are saved");
  check(bce->pos_weight().is_same(pos_weight), "pos_weight is the tensor given");
  loss.backward();
  check(x.grad().defined() && x.grad().shape() == x.shape(), "the loss module backpropagates to its input");

  check_throws<striate::ValueError>([] { nn::MSELoss(nn::MSELossOptions().reduction("avg")); }, "bad reduction");
  check_throws<striate::ValueError>([] { nn::MultiMarginLoss(nn::MultiMarginLossOptions().p(3)); }, "p = 3");
  check_throws<striate::TypeError>([&] { bce->forward(x); }, "forward(input) alone");
  nn::KLDivLoss kl(nn::KLDivLossOptions().reduction("batchmean"));
  check(kl->options.reduction() == "batchmean", "KLDivLoss accepts batchmean");
}

}  // namespace

int main() {
  try {
    test_training_loss_falls();
    test_registries_and_state_dict();
    test_sequential_and_errors();
    test_data_loader();
    test_loss_modules();
  } catch (const std::exception& e) {
    std::cerr << "FAILED with an exception: " << e.what() << "\n";
    return 1;
  }
  if (failures > 0) {
    std::cerr << failures << " check(s) failed\n";
    return 1;
  }
  std::cout << "test_nn: all checks passed\n";
  return 0;
}
