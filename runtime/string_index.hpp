// runtime/string_index.hpp — a table's keys, for look-up by a case's string. Built once when
// a program is checked or read, then only read: a flat array of slots, half empty at most, each
// holding a key's hash beside its entry, so a miss (the common answer: most codes are in no
// table) costs one hash and one or two slot reads, and a hit one comparison of a few bytes.
// A key of up to 16 bytes is kept in its slot with its value, so that a hit reads one cache
// line, not the slot and then the entry. Before that, a word of 64 bits says which (length, first
// byte, last byte) marks its keys have: a small table's misses ("L5" in the arm's roots, "median"
// among the aliases) end there, with no hash and no slot read.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace cpl {

/// A string of 4 to 8 bytes as one word: its first and last four bytes, which cover it (they
/// overlap below 8, as same_bytes and string_hash read them). Two strings of one such length are
/// equal when their words are: a list of codes compared many times is read once.
inline std::uint64_t halves_word(const char* p, std::uint32_t n) {
    std::uint32_t first, last;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    return std::uint64_t{first} << 32 | last;
}

/// Whether n bytes at a and b are the same. Codes are 5 bytes and names a few more: 4 to 16
/// bytes compare as two overlapping words each, with no loop and no call.
inline bool same_bytes(const char* a, const char* b, std::uint32_t n) {
    auto word = [](const char* p, auto zero) {
        decltype(zero) w;
        std::memcpy(&w, p, sizeof w);
        return w;
    };
    if (n >= 4 && n <= 8) // the halves XORed, not halves_word's shifts (0.5% more in all)
        return ((word(a, std::uint32_t{}) ^ word(b, std::uint32_t{})) |
                (word(a + n - 4, std::uint32_t{}) ^ word(b + n - 4, std::uint32_t{}))) == 0;
    if (n > 8 && n <= 16)
        return ((word(a, std::uint64_t{}) ^ word(b, std::uint64_t{})) |
                (word(a + n - 8, std::uint64_t{}) ^ word(b + n - 8, std::uint64_t{}))) == 0;
    if (n > 16) return std::memcmp(a, b, n) == 0;
    for (std::uint32_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

/// A key's hash. Inline: keys are codes and names of a few bytes, where std::hash's call and
/// set-up cost more than the hashing. From 4 bytes on they are read a word at a time (the last
/// word overlapping the one before, as same_bytes compares them) and mixed with a multiply
/// (the splitmix64 finaliser); shorter ones byte by byte (FNV-1a).
inline std::uint32_t string_hash(std::string_view s) {
    const char* p = s.data();
    std::uint64_t n = s.size();
    auto word = [&](std::uint64_t at) {
        std::uint64_t w;
        std::memcpy(&w, p + at, 8);
        return w;
    };
    std::uint64_t h;
    if (n >= 4 && n <= 8) {
        h = halves_word(p, static_cast<std::uint32_t>(n)) ^ n;
    } else if (n > 8) {
        // Muscle names ("flexor pollicis longus") run past 16 bytes.
        h = n;
        for (std::uint64_t at = 0; at + 8 < n; at += 8)
            h = (h ^ word(at)) * 0x9E3779B97F4A7C15ull;
        h ^= word(n - 8) * 0xC2B2AE3D27D4EB4Full;
    } else {
        h = 14695981039346656037ull;
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ull;
        }
    }
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return static_cast<std::uint32_t>(h ^ (h >> 31));
}

/// Which of 64 marks `s` has, from its length and its first and last bytes (cheap, and
/// different for the short keys of a small table: "C5" and "L5", "median" and "fibular").
inline unsigned string_mark(std::string_view s) {
    if (s.empty()) return 0;
    auto first = static_cast<unsigned char>(s.front()), last = static_cast<unsigned char>(s.back());
    return (first * 7u + last * 13u + static_cast<unsigned>(s.size()) * 29u) & 63u;
}

/// Maps strings to values of T; the first value given a key stays (as map::emplace).
template <typename T> class StringIndex {
public:
    /// Adds key → value unless the key is present; returns whether it was added.
    bool emplace(std::string_view key, T value) {
        if (find(key)) return false;
        if ((entries_.size() + 1) * 2 > slots_.size()) grow();
        std::uint32_t hash = string_hash(key);
        entries_.push_back({std::string(key), std::move(value)});
        place(hash, static_cast<std::uint32_t>(entries_.size()));
        marks_ |= std::uint64_t{1} << string_mark(key);
        return true;
    }

    /// The value of `key`, or nullptr. The marks are tested where it is called (most misses
    /// end there, with no call); the slots are searched out of line.
    const T* find(std::string_view key) const {
        if (!(marks_ >> string_mark(key) & 1)) return nullptr; // no key has its mark
        return find_in_slots(key);
    }

private:
    [[gnu::noinline]] const T* find_in_slots(std::string_view key) const {
        if (slots_.empty()) return nullptr; // moved from: its marks stayed behind
        std::uint32_t hash = string_hash(key);
        std::size_t mask = slots_.size() - 1;
        auto size = static_cast<std::uint32_t>(key.size());
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            const Slot& slot = slots_[i];
            if (slot.entry == 0) return nullptr;
            if (slot.hash != hash || slot.size != size) continue;
            const char* kept =
                size <= sizeof slot.head ? slot.head : entries_[slot.entry - 1].key.data();
            if (same_bytes(kept, key.data(), size)) return &slot.value;
        }
    }

public:
    /// Room for `n` keys without growing (an index built from a known number of rows).
    void reserve(std::size_t n) {
        entries_.reserve(n);
        std::size_t slots = 16;
        while (slots < 2 * n)
            slots *= 2;
        if (slots > slots_.size()) rehash(slots);
    }

    std::size_t size() const { return entries_.size(); }
    void clear() {
        entries_.clear();
        slots_.clear();
        marks_ = 0;
    }

private:
    struct Entry {
        std::string key;
        T value;
    };
    struct Slot {
        std::uint32_t hash = 0;
        std::uint32_t entry = 0; // 1 + its index in entries_; 0 for an empty slot
        std::uint32_t size = 0;  // of its key
        char head[16] = {};      // its key, when it is no longer than this
        T value{};               // a copy of its entry's
    };

    void place(std::uint32_t hash, std::uint32_t entry) {
        std::size_t mask = slots_.size() - 1;
        std::size_t i = hash & mask;
        while (slots_[i].entry != 0)
            i = (i + 1) & mask;
        Slot& slot = slots_[i];
        const Entry& kept = entries_[entry - 1];
        slot.hash = hash;
        slot.entry = entry;
        slot.size = static_cast<std::uint32_t>(kept.key.size());
        if (kept.key.size() <= sizeof slot.head)
            std::memcpy(slot.head, kept.key.data(), kept.key.size());
        slot.value = kept.value;
    }
    void grow() { rehash(slots_.empty() ? 16 : slots_.size() * 2); }
    void rehash(std::size_t slots) {
        slots_.assign(slots, Slot{});
        for (std::uint32_t e = 0; e < entries_.size(); ++e)
            place(string_hash(entries_[e].key), e + 1);
    }

    std::uint64_t marks_ = 0; // bit string_mark(k) of every key k: none when it is empty
    std::vector<Slot> slots_; // a power of two in size, at most half full
    std::vector<Entry> entries_;
};

} // namespace cpl
