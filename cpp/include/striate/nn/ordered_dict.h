// OrderedDict: string-keyed entries kept in insertion order, as the module registries and the
// state dict need them (replacing a key keeps its position, like Python's dict).
//   striate::OrderedDict<Tensor> state = model->state_dict();
//   for (const auto& item : state) std::cout << item.key << " " << item.value.sizes() << "\n";
#pragma once
#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "striate/core/error.h"

namespace striate {

/// String-keyed entries kept in insertion order; lookups are O(1). Not thread-safe for writes.
/// @tparam Value the entries' type.
template <typename Value>
class OrderedDict {
 public:
  /// One entry.
  struct Item {
    /// The key.
    std::string key;
    /// The value.
    Value value;
  };
  /// Iterates the items in order.
  using iterator = typename std::vector<Item>::iterator;
  /// Iterates the items in order, read-only.
  using const_iterator = typename std::vector<Item>::const_iterator;

  /// Adds `key`, or replaces the value of an existing key in place (its position is kept).
  /// @param key the key.
  /// @param value the value.
  /// @return the stored value.
  Value& insert(std::string key, Value value) {
    auto [position, added] = index_.try_emplace(key, items_.size());
    if (!added) {
      Value& existing = items_[position->second].value;
      existing = std::move(value);
      return existing;
    }
    items_.push_back(Item{std::move(key), std::move(value)});
    return items_.back().value;
  }
  /// The value of `key`.
  /// @param key the key.
  /// @return a pointer to it, or nullptr.
  Value* find(const std::string& key) {
    auto position = index_.find(key);
    return position == index_.end() ? nullptr : &items_[position->second].value;
  }
  /// The value of `key`.
  /// @param key the key.
  /// @return a pointer to it, or nullptr.
  const Value* find(const std::string& key) const {
    auto position = index_.find(key);
    return position == index_.end() ? nullptr : &items_[position->second].value;
  }
  /// @param key the key.
  /// @return whether it is present.
  bool contains(const std::string& key) const { return find(key) != nullptr; }
  /// The value of `key`.
  /// @param key the key.
  /// @return the value.
  /// @throws IndexError when absent.
  const Value& at(const std::string& key) const {
    const Value* value = find(key);
    STRIATE_CHECK_INDEX(value != nullptr, "OrderedDict: no entry named '", key, "'");
    return *value;
  }
  /// The value of `key`.
  /// @param key the key.
  /// @return the value, mutable.
  /// @throws IndexError when absent.
  Value& operator[](const std::string& key) { return const_cast<Value&>(std::as_const(*this).at(key)); }
  /// The value of `key`.
  /// @param key the key.
  /// @return the value.
  /// @throws IndexError when absent.
  const Value& operator[](const std::string& key) const { return at(key); }
  /// Removes `key`; returns whether it was there.
  /// @param key the key.
  /// @return whether it was present.
  bool erase(const std::string& key) {
    auto position = index_.find(key);
    if (position == index_.end()) return false;
    size_t removed = position->second;
    index_.erase(position);
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(removed));
    for (size_t i = removed; i < items_.size(); ++i) index_[items_[i].key] = i;
    return true;
  }
  /// Removes every entry.
  void clear() {
    items_.clear();
    index_.clear();
  }

  /// @return the number of entries.
  size_t size() const { return items_.size(); }
  /// @return whether there are no entries.
  bool empty() const { return items_.empty(); }
  /// @return the first item.
  iterator begin() { return items_.begin(); }
  /// @return one past the last item.
  iterator end() { return items_.end(); }
  /// @return the first item.
  const_iterator begin() const { return items_.begin(); }
  /// @return one past the last item.
  const_iterator end() const { return items_.end(); }
  /// @return the items, in order.
  const std::vector<Item>& items() const { return items_; }
  /// @return the keys, in order.
  std::vector<std::string> keys() const {
    std::vector<std::string> keys;
    keys.reserve(items_.size());
    for (const auto& item : items_) keys.push_back(item.key);
    return keys;
  }
  /// @return copies of the values, in order.
  std::vector<Value> values() const {
    std::vector<Value> values;
    values.reserve(items_.size());
    for (const auto& item : items_) values.push_back(item.value);
    return values;
  }

 private:
  std::vector<Item> items_;
  // Key -> position in items_, so that building and searching a dict of n entries costs O(n), not
  // O(n^2) (a file's header may name millions of tensors). Keys are never changed through the
  // iterators, which would leave it stale.
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace striate
