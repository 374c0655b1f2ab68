// C++ API test of the io floor: safetensors round trips (every dtype, empty, 0-d and strided
// tensors, metadata, name order), a module's state dict through a file, malformed files (every
// truncation, forged lengths, a directory, a missing file) raising IOError, and the OrderedDict
// the loader fills. Uses the umbrella header as an embedding program does.
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
  for (const char* name : {"all", "model", "whole", "cut"}) std::remove((folder + "/" + name + ".safetensors").c_str());
  rmdir(folder.c_str());
  return report("test_io");
}
