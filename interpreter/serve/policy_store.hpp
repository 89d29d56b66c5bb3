// interpreter/serve/policy_store.hpp — the policies a server answers with: loaded once,
// watched, reloaded in the background and swapped in atomically only when they check clean.
#pragma once

#include "interpreter/program/program.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cpl::serve {

/// One loaded, checked policy. Immutable once published: a request holds a shared_ptr to the
/// state it started with, so a reload in the middle of a request never changes its rules.
struct PolicyState {
    std::string reference; // as given to --policy (`standard`, a path or a name)
    std::shared_ptr<const Program> program;
    std::shared_ptr<const Program> base; // the policy it extends, for diff; null if none
    std::string base_error;              // why the base could not be loaded, if so
    std::string fingerprint;             // fingerprint() of every file the load read
    std::string loaded_at;               // UTC, ISO 8601
    std::uint64_t version = 1;           // 1 at start, +1 per reload swapped in
    std::vector<std::string> files;      // every file the load read, in order
    // Some expression of the policy reads `case.id` or the case whole (reads_case_id): a
    // message, reason or documentation item may quote it, and the decision log masks it there.
    bool reads_case_id = false;
};

/// Whether any expression of `program` may read the case's id (`case.id`, or the case whole):
/// its texts may then quote the id, and the decision log masks it there (PolicyState).
bool reads_case_id(const Program& program);

/// A reload that was not swapped in: the old state keeps serving.
struct LoadError {
    std::string time;    // UTC, ISO 8601
    std::string message; // the rendered diagnostics
};

/// A file's identity for the watcher: a change of any field means "reload".
struct FileStamp {
    std::string path;
    bool exists = false;
    std::int64_t mtime_ns = 0;
    std::int64_t size = 0;
    bool operator==(const FileStamp&) const = default;
};

class PolicyStore {
public:
    using Log = std::function<void(const std::string&)>;

    explicit PolicyStore(Log log = {});
    ~PolicyStore();
    PolicyStore(const PolicyStore&) = delete;
    PolicyStore& operator=(const PolicyStore&) = delete;

    /// Loads every reference in order (the first is the default policy). False when any
    /// fails to load or check, or two share a name; `errors` then says why.
    bool load(const std::vector<std::string>& references, std::string& errors);

    /// The current state of the policy named `name` ("" for the default); null if none.
    std::shared_ptr<const PolicyState> get(std::string_view name) const;
    std::vector<std::string> names() const;

    struct Status {
        std::shared_ptr<const PolicyState> current;
        std::optional<LoadError> last_error; // cleared by the next successful reload
        std::uint64_t reloads = 0;           // swapped in
        std::uint64_t failed_reloads = 0;    // kept the old state
    };
    std::vector<Status> status() const;

    /// Checks every watched file once and reloads the policies whose files changed; returns
    /// how many were swapped in. The watcher thread calls it; tests call it directly.
    int poll();
    /// Polls every `interval` on a background thread until stop_watching() or destruction.
    void start_watching(std::chrono::milliseconds interval);
    void stop_watching();

private:
    struct Slot {
        std::string reference;
        std::atomic<std::shared_ptr<const PolicyState>> current;
        std::vector<FileStamp> watched; // watcher thread only (and load() before it starts)
        mutable std::mutex mutex;       // guards the fields below
        std::optional<LoadError> last_error;
        std::uint64_t reloads = 0, failed_reloads = 0;
    };
    bool reload(Slot& slot);

    Log log_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::thread watcher_;
    std::mutex watch_mutex_;
    std::mutex join_mutex_;      // one thread joins the watcher
    std::thread::id watcher_id_; // the watcher's, once it runs (under watch_mutex_)
    std::condition_variable watch_wake_;
    bool stopping_ = false;
};

/// The current time in UTC, ISO 8601 with milliseconds (`2025-03-14T09:30:00.123Z`).
std::string utc_now();

} // namespace cpl::serve
