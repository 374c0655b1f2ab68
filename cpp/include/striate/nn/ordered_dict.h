// OrderedDict: string-keyed entries kept in insertion order, as the module registries and the
// state dict need them (replacing a key keeps its position, like Python's dict).
//   striate::OrderedDict<Tensor> state = model->state_dict();
//   for (const auto& item : state) std::cout << item.key << " " << item.value.sizes() << "\n";
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "striate/core/error.h"

namespace striate {

template <typename Value>
class OrderedDict {
 public:
  struct Item {
    std::string key;
    Value value;
  };
  using iterator = typename std::vector<Item>::iterator;
  using const_iterator = typename std::vector<Item>::const_iterator;

  // Adds `key`, or replaces the value of an existing key in place (its position is kept).
  Value& insert(std::string key, Value value) {
    if (Value* existing = find(key)) {
      *existing = std::move(value);
      return *existing;
    }
    items_.push_back(Item{std::move(key), std::move(value)});
    return items_.back().value;
  }
  Value* find(const std::string& key) {
    for (auto& item : items_)
      if (item.key == key) return &item.value;
    return nullptr;
  }
  const Value* find(const std::string& key) const {
    for (const auto& item : items_)
      if (item.key == key) return &item.value;
    return nullptr;
  }
  bool contains(const std::string& key) const { return find(key) != nullptr; }
  const Value& at(const std::string& key) const {
    const Value* value = find(key);
    STRIATE_CHECK_INDEX(value != nullptr, "OrderedDict: no entry named '", key, "'");
    return *value;
  }
  Value& operator[](const std::string& key) { return const_cast<Value&>(std::as_const(*this).at(key)); }
  const Value& operator[](const std::string& key) const { return at(key); }
  // Removes `key`; returns whether it was there.
  bool erase(const std::string& key) {
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (it->key == key) {
        items_.erase(it);
        return true;
      }
    }
    return false;
  }
  void clear() { items_.clear(); }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  const std::vector<Item>& items() const { return items_; }
  std::vector<std::string> keys() const {
    std::vector<std::string> keys;
    keys.reserve(items_.size());
    for (const auto& item : items_) keys.push_back(item.key);
    return keys;
  }
  std::vector<Value> values() const {
    std::vector<Value> values;
    values.reserve(items_.size());
    for (const auto& item : items_) values.push_back(item.value);
    return values;
  }

 private:
  std::vector<Item> items_;
};

}  // namespace striate
