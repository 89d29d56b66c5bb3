// `cpl run --jobs N`'s pool (interpreter/cli/ordered_pool.hpp): chunks done by several threads
// come back in the order given, never more than the bound in flight, and a chunk's exception is
// raised after every chunk before it came back.
#include "interpreter/cli/ordered_pool.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

using cpl::cli::OrderedPool;

namespace {

struct Numbered {
    int n = 0;
    int squared = 0;
};

} // namespace

TEST_CASE("chunks come back in the order given, whichever worker finishes first") {
    std::vector<int> back;
    std::atomic<int> in_flight{0}, most_in_flight{0};
    std::atomic<unsigned> highest_worker{0}; // Catch's assertions are for this thread only
    std::size_t spare_used = 0;
    std::set<const Numbered*> given; // every chunk given, by address
    {
        OrderedPool<Numbered> pool(
            3, 4,
            [&](unsigned worker, Numbered& chunk) {
                if (worker > highest_worker) highest_worker = worker;
                // Early chunks take longest, so later ones finish before them.
                std::this_thread::sleep_for(std::chrono::microseconds((chunk.n % 5) * 300));
                chunk.squared = chunk.n * chunk.n;
            },
            [&](Numbered& chunk) {
                back.push_back(chunk.squared);
                --in_flight;
            });
        for (int n = 0; n < 200; ++n) {
            std::unique_ptr<Numbered> chunk = pool.blank();
            if (!given.insert(chunk.get()).second) ++spare_used;
            chunk->n = n;
            pool.submit(std::move(chunk));
            most_in_flight = std::max(most_in_flight.load(), ++in_flight);
        }
        pool.finish();
    }
    REQUIRE(back.size() == 200);
    for (int n = 0; n < 200; ++n)
        REQUIRE(back[static_cast<std::size_t>(n)] == n * n);
    CHECK(most_in_flight.load() <= 4);
    CHECK(highest_worker.load() < 3);
    CHECK(spare_used > 150); // chunks handed back are given again
}

TEST_CASE("a chunk's exception is raised after every chunk before it came back") {
    std::vector<int> back;
    OrderedPool<Numbered> pool(
        2, 3,
        [](unsigned, Numbered& chunk) {
            if (chunk.n == 7) throw std::runtime_error("chunk 7 failed");
        },
        [&](Numbered& chunk) { back.push_back(chunk.n); });
    auto give_all = [&] {
        for (int n = 0; n < 50; ++n) {
            auto chunk = std::make_unique<Numbered>();
            chunk->n = n;
            pool.submit(std::move(chunk));
        }
        pool.finish();
    };
    REQUIRE_THROWS_WITH(give_all(), "chunk 7 failed");
    REQUIRE(back == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("an exception of the hand-back stops the workers (the output was closed)") {
    std::atomic<int> worked{0};
    auto run = [&] {
        OrderedPool<Numbered> pool(
            2, 2, [&](unsigned, Numbered&) { ++worked; },
            [](Numbered&) { throw std::runtime_error("output closed"); });
        for (int n = 0; n < 100; ++n)
            pool.submit(std::make_unique<Numbered>());
        pool.finish();
    };
    REQUIRE_THROWS_WITH(run(), "output closed");
    CHECK(worked.load() <= 2); // the chunks in flight when the first came back, no more
}
