// runtime/arena.hpp — bump allocation for the values of one case. Reset between cases,
// it keeps its blocks, so a batch run allocates nothing per case once warmed up.
#pragma once

#include "runtime/budget.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <vector>

namespace cpl {

class Arena {
public:
    explicit Arena(std::size_t block_size = 64 * 1024) : block_size_(block_size) {}
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;

    /// Spends `bytes` from the thread's current Budget (when evaluating), so that no policy
    /// can make one case take all the memory: the budget throws before anything is reserved.
    /// Inline where it is called (a list a comprehension or a built-in makes, 55 a case): the
    /// bump is a few instructions, fewer than a call's; a new block is taken out of line.
    [[gnu::always_inline]] void* allocate(std::size_t bytes,
                                          std::size_t align = alignof(std::max_align_t)) {
        Budget::charge_bytes(bytes);
        // The free part of the current block is [next_, end_): both null before the first block.
        auto at = (reinterpret_cast<std::uintptr_t>(next_) + align - 1) & ~(align - 1);
        auto end = reinterpret_cast<std::uintptr_t>(end_);
        if (!next_ || at > end || bytes > end - at) {
            next_block(bytes);
            at = reinterpret_cast<std::uintptr_t>(next_);
        }
        next_ = reinterpret_cast<std::byte*>(at + bytes);
        return reinterpret_cast<void*>(at);
    }

    template <typename T> [[gnu::always_inline]] T* make_array(std::size_t count) {
        if (count == 0) return nullptr;
        // A count too large to multiply is more than any budget: let the budget say so.
        if (count > SIZE_MAX / sizeof(T)) {
            Budget::charge_bytes(SIZE_MAX);
            throw std::bad_alloc();
        }
        return static_cast<T*>(allocate(sizeof(T) * count, alignof(T)));
    }

    std::string_view copy(std::string_view text) {
        if (text.empty()) return {};
        char* out = static_cast<char*>(allocate(text.size(), 1));
        std::memcpy(out, text.data(), text.size());
        return {out, text.size()};
    }

    /// Forgets every allocation; keeps the blocks for reuse.
    void reset() {
        current_ = 0;
        next_ = blocks_.empty() ? nullptr : blocks_[0].data.get();
        end_ = blocks_.empty() ? nullptr : next_ + blocks_[0].size;
    }

    std::size_t reserved_bytes() const {
        std::size_t total = 0;
        for (const auto& b : blocks_)
            total += b.size;
        return total;
    }

private:
    struct Block {
        std::unique_ptr<std::byte[]> data;
        std::size_t size;
    };

    // Moves to the next kept block large enough, or adds one. Skipped blocks are reused
    // after the next reset.
    [[gnu::noinline]] void next_block(std::size_t bytes) {
        if (!blocks_.empty()) ++current_;
        while (current_ < blocks_.size() && blocks_[current_].size < bytes)
            ++current_;
        if (current_ >= blocks_.size()) {
            std::size_t size = std::max(block_size_, bytes);
            // Not zeroed: every allocation is written before it is read, and zeroing 64 KB blocks
            // touched pages a short run never uses (a fifth of a million instructions a process).
            blocks_.push_back({std::make_unique_for_overwrite<std::byte[]>(size), size});
            current_ = blocks_.size() - 1;
        }
        next_ = blocks_[current_].data.get();
        end_ = next_ + blocks_[current_].size;
    }

    std::size_t block_size_;
    std::vector<Block> blocks_;
    std::size_t current_ = 0;
    // The current block's free bytes, kept as pointers: an allocation reads no block entry.
    std::byte* next_ = nullptr;
    std::byte* end_ = nullptr;
};

} // namespace cpl
