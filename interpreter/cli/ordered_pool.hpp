// interpreter/cli/ordered_pool.hpp — chunks of work done by a pool of threads and handed back
// in the order they were given. The giver (one thread) submits chunks and receives each
// finished one in order; workers take the next chunk not taken, so a slow chunk holds up no
// worker, only the hand-back behind it. At most `in_flight` chunks are given and not yet
// handed back, so memory stays bounded whatever the number of chunks.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace cpl::cli {

/// Cases a chunk of `cpl run --jobs` holds, and chunks in flight a job (`cpl bench` measures
/// the same): enough that a worker seldom waits for the next, few enough that a slow chunk
/// holds back little output.
inline constexpr std::size_t cases_per_chunk = 64;
inline constexpr std::size_t chunks_in_flight_per_job = 4;

template <typename Chunk> class OrderedPool {
public:
    /// `work(worker, chunk)` is called on a worker's thread; `worker` is 0 to workers - 1, so
    /// a worker may keep state of its own (a Session) indexed by it.
    using Work = std::function<void(unsigned worker, Chunk&)>;
    /// Called on the giver's thread with each finished chunk, in the order given. The chunk
    /// is then kept for blank(): `done` empties what the next filling must not find in it.
    using Done = std::function<void(Chunk&)>;

    OrderedPool(unsigned workers, std::size_t in_flight, Work work, Done done)
        : in_flight_(in_flight), work_(std::move(work)), done_(std::move(done)) {
        for (unsigned w = 0; w < workers; ++w)
            threads_.emplace_back([this, w] { serve(w); });
    }
    ~OrderedPool() { stop(); }
    OrderedPool(const OrderedPool&) = delete;
    OrderedPool& operator=(const OrderedPool&) = delete;

    /// Gives a chunk; first hands back the finished ones at the front, waiting for room when
    /// `in_flight` chunks are out. An exception a worker's chunk raised is raised here, after
    /// that chunk and every one before it were handed back.
    void submit(std::unique_ptr<Chunk> chunk) {
        std::unique_lock lock(mutex_);
        hand_back(lock, in_flight_ - 1);
        slots_.push_back(Slot{std::move(chunk), false, nullptr});
        ready_.notify_one();
    }

    /// A chunk to fill on the giver's thread: one handed back before (its buffers already
    /// the right size, and not allocated on one thread to be freed on another), or a new one.
    std::unique_ptr<Chunk> blank() {
        if (spare_.empty()) return std::make_unique<Chunk>();
        std::unique_ptr<Chunk> chunk = std::move(spare_.back());
        spare_.pop_back();
        return chunk;
    }

    /// Hands back every chunk given, waiting for the last.
    void finish() {
        std::unique_lock lock(mutex_);
        hand_back(lock, 0);
    }

private:
    struct Slot {
        std::unique_ptr<Chunk> chunk;
        bool done = false;
        std::exception_ptr failure;
    };

    // Hands back chunks from the front until at most `keep` are out, waiting for each.
    void hand_back(std::unique_lock<std::mutex>& lock, std::size_t keep) {
        for (;;) {
            while (!slots_.empty() && slots_.front().done) {
                Slot slot = std::move(slots_.front());
                slots_.pop_front();
                --next_; // the front was taken, so next_ was past it
                lock.unlock();
                done_(*slot.chunk);
                if (slot.failure) {
                    stop();
                    std::rethrow_exception(slot.failure);
                }
                spare_.push_back(std::move(slot.chunk)); // the giver's alone: no lock
                lock.lock();
            }
            if (slots_.size() <= keep) return;
            finished_.wait(lock);
        }
    }

    void serve(unsigned worker) {
        std::unique_lock lock(mutex_);
        for (;;) {
            ready_.wait(lock, [&] { return stopping_ || next_ < slots_.size(); });
            if (stopping_) return;
            // A deque's elements stay in place when others are added at the back, and this
            // one is not removed before it is done.
            Slot& slot = slots_[next_++];
            lock.unlock();
            std::exception_ptr failure;
            try {
                work_(worker, *slot.chunk);
            } catch (...) {
                failure = std::current_exception();
            }
            lock.lock();
            slot.done = true;
            slot.failure = failure;
            finished_.notify_one();
        }
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            stopping_ = true;
        }
        ready_.notify_all();
        for (auto& t : threads_)
            t.join();
    }

    const std::size_t in_flight_;
    Work work_;
    Done done_;
    std::mutex mutex_;
    std::condition_variable ready_, finished_;
    std::deque<Slot> slots_;                    // given and not yet handed back, in order
    std::size_t next_ = 0;                      // the first slot no worker has taken
    std::vector<std::unique_ptr<Chunk>> spare_; // handed back, for blank()
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

} // namespace cpl::cli
