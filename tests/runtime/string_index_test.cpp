// tests/runtime/string_index_test.cpp — StringIndex and same_bytes (runtime/string_index.hpp)
// answer as std::unordered_map and std::string_view's == do, over keys of every length the
// word-wise comparison treats differently (0-3, 4-8, 9-16, longer).
#include "runtime/string_index.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <unordered_map>

using namespace cpl;

namespace {

std::string random_key(std::mt19937& rng) {
    std::size_t length = rng() % 24;
    std::string key;
    for (std::size_t i = 0; i < length; ++i)
        key += static_cast<char>("abAB0123.-"[rng() % 10]); // few letters: many near misses
    return key;
}

} // namespace

TEST_CASE("string index: same_bytes agrees with == at every length") {
    std::mt19937 rng(7);
    for (int round = 0; round < 20000; ++round) {
        std::string a = random_key(rng);
        std::string b = a;
        if (!b.empty() && rng() % 2) b[rng() % b.size()] ^= 1; // one byte differs, anywhere
        INFO(a << " / " << b);
        CHECK(same_bytes(a.data(), b.data(), static_cast<std::uint32_t>(a.size())) == (a == b));
    }
}

TEST_CASE("string index: finds what a map finds, keeps the first value of a key") {
    std::mt19937 rng(11);
    for (int round = 0; round < 200; ++round) {
        StringIndex<int> index;
        std::unordered_map<std::string, int> reference;
        std::size_t keys = rng() % 300;
        for (std::size_t i = 0; i < keys; ++i) {
            std::string key = random_key(rng);
            bool added = reference.emplace(key, static_cast<int>(i)).second;
            CHECK(index.emplace(key, static_cast<int>(i)) == added);
        }
        CHECK(index.size() == reference.size());
        for (const auto& [key, value] : reference) {
            const int* found = index.find(key);
            REQUIRE(found);
            CHECK(*found == value);
        }
        for (int probe = 0; probe < 300; ++probe) {
            std::string key = random_key(rng);
            const int* found = index.find(key);
            CHECK((found != nullptr) == reference.count(key));
        }
    }
    StringIndex<int> empty;
    CHECK(empty.find("95886") == nullptr);
}

TEST_CASE("string index: reserving room keeps what is there and finds what comes after") {
    StringIndex<int> index;
    for (int i = 0; i < 10; ++i)
        index.emplace("before" + std::to_string(i), i);
    index.reserve(1000); // after keys were added: they are placed again in the larger table
    for (int i = 0; i < 1000; ++i)
        index.emplace("after" + std::to_string(i), 100 + i);
    index.reserve(5); // smaller than what it holds: nothing is lost
    CHECK(index.size() == 1010);
    for (int i = 0; i < 10; ++i) {
        const int* found = index.find("before" + std::to_string(i));
        REQUIRE(found);
        CHECK(*found == i);
    }
    for (int i = 0; i < 1000; ++i) {
        const int* found = index.find("after" + std::to_string(i));
        REQUIRE(found);
        CHECK(*found == 100 + i);
    }
    CHECK_FALSE(index.find("after1000"));
}

TEST_CASE("string index: a small table's marks turn away misses and keep every key") {
    StringIndex<int> arm;
    for (int level = 1; level <= 8; ++level)
        arm.emplace("C" + std::to_string(level), level);
    arm.emplace("", 0); // the empty key has a mark of its own too
    for (int level = 1; level <= 8; ++level) {
        const int* found = arm.find("C" + std::to_string(level));
        REQUIRE(found);
        CHECK(*found == level);
    }
    REQUIRE(arm.find(""));
    for (const char* other : {"L1", "L5", "S1", "T1", "C9", "C10", "c5"})
        CHECK_FALSE(arm.find(other));
    arm.clear();
    CHECK_FALSE(arm.find("C5"));
    CHECK_FALSE(arm.find(""));
}

TEST_CASE("string index: one moved from finds nothing") {
    StringIndex<int> from;
    from.emplace("C5", 5);
    StringIndex<int> to = std::move(from);
    REQUIRE(to.find("C5"));
    CHECK(*to.find("C5") == 5);
    CHECK_FALSE(from.find("C5")); // NOLINT(bugprone-use-after-move): what is left is asked
}
