// interpreter/serve/policy_store.cpp — load, fingerprint, watch by polling mtimes, reload.
// Polling (not inotify) because editors replace files by rename, policies may live on any
// file system, and one stat per file a second costs nothing next to a request.
#include "interpreter/serve/policy_store.hpp"

#include "interpreter/case/case_schema.hpp"
#include "interpreter/engine/cpl.hpp"
#include "interpreter/serve/fingerprint.hpp"
#include "lang/render.hpp"

#include <algorithm>
#include <ctime>
#include <fmt/format.h>
#include <sys/stat.h>

namespace cpl::serve {

namespace {

FileStamp stamp(const std::string& path) {
    FileStamp s;
    s.path = path;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        s.exists = true;
        s.mtime_ns = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
        s.size = st.st_size;
    }
    return s;
}

std::vector<FileStamp> stamps(const std::vector<std::string>& files) {
    std::vector<FileStamp> out;
    for (const auto& f : files)
        out.push_back(stamp(f));
    return out;
}

std::vector<std::string> files_of(const SourceMap& sources) {
    std::vector<std::string> out;
    // A data file read by two tables is listed once: the list is what to watch.
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const std::string& path = sources.get(static_cast<FileId>(i)).path();
        if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(path);
    }
    return out;
}

// Loads and checks `reference`; on failure returns null and the rendered diagnostics. The
// stamps are taken before reading, so a write during the load is seen by the next poll.
std::shared_ptr<PolicyState> load_state(const std::string& reference, std::string& error,
                                        std::vector<std::string>& files) {
    Loaded loaded = load_policy(reference);
    files = files_of(*loaded.sources);
    if (!loaded.program) {
        error = render_all(loaded.diagnostics, *loaded.sources);
        if (error.empty()) error = fmt::format("policy `{}` could not be loaded\n", reference);
        return nullptr;
    }
    auto state = std::make_shared<PolicyState>();
    state->reference = reference;
    state->fingerprint = fingerprint(*loaded.sources);
    state->files = files;
    state->loaded_at = utc_now();
    state->program = std::shared_ptr<const Program>(std::move(loaded.program));
    state->reads_case_id = reads_case_id(*state->program);
    if (!state->program->base.empty()) {
        Loaded base = load_policy(state->program->base);
        if (base.program)
            state->base = std::shared_ptr<const Program>(std::move(base.program));
        else
            state->base_error = render_all(base.diagnostics, *base.sources);
    }
    return state;
}

} // namespace

// Whether any expression of the program may read the case's id: `case.id`, a field `id` of a
// value whose type the checker did not know, or the case itself other than by one of its
// other fields (`"{case}"`, `def whole = case`, then `whole.id`): the case read more often
// than by such fields.
bool reads_case_id(const Program& program) {
    std::size_t case_reads = 0, other_fields = 0;
    bool id = false;
    for_each_node(program, [&](const Node& n) {
        if (n.op == Op::CaseRoot) ++case_reads;
        if (n.op == Op::Member && !n.kids.empty() && n.kids[0].op == Op::CaseRoot &&
            n.slot != case_field::id)
            ++other_fields;
        id = id || (n.op == Op::DynamicMember && !n.text.empty() && n.text[0] == "id");
    });
    return id || case_reads > other_fields;
}

std::string utc_now() {
    auto now = std::chrono::system_clock::now();
    std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms.count());
}

PolicyStore::PolicyStore(Log log) : log_(std::move(log)) {}

PolicyStore::~PolicyStore() {
    stop_watching();
}

bool PolicyStore::load(const std::vector<std::string>& references, std::string& errors) {
    bool ok = true;
    for (const auto& reference : references) {
        std::string error;
        std::vector<std::string> files;
        auto slot = std::make_unique<Slot>();
        auto state = load_state(reference, error, files);
        if (!state) {
            errors += error;
            ok = false;
            continue;
        }
        if (get(state->program->name)) {
            errors += fmt::format("policy `{}` ({}) is loaded twice: give each policy once\n",
                                  state->program->name, reference);
            ok = false;
            continue;
        }
        slot->reference = reference;
        slot->watched = stamps(files);
        slot->current.store(std::move(state));
        slots_.push_back(std::move(slot));
    }
    return ok;
}

std::shared_ptr<const PolicyState> PolicyStore::get(std::string_view name) const {
    for (const auto& slot : slots_) {
        auto state = slot->current.load();
        if (name.empty() || state->program->name == name) return state;
    }
    return nullptr;
}

std::vector<std::string> PolicyStore::names() const {
    std::vector<std::string> out;
    for (const auto& slot : slots_)
        out.push_back(slot->current.load()->program->name);
    return out;
}

std::vector<PolicyStore::Status> PolicyStore::status() const {
    std::vector<Status> out;
    for (const auto& slot : slots_) {
        std::lock_guard lock(slot->mutex);
        out.push_back(
            {slot->current.load(), slot->last_error, slot->reloads, slot->failed_reloads});
    }
    return out;
}

bool PolicyStore::reload(Slot& slot) {
    auto old = slot.current.load();
    std::string error;
    std::vector<std::string> files;
    // Stamps taken before the load: a file written again while it loads differs from its
    // stamp at the next poll, so the later text is loaded too.
    std::vector<FileStamp> before;
    for (const auto& s : slot.watched)
        before.push_back(stamp(s.path));
    auto state = load_state(slot.reference, error, files);
    // Watch what this attempt read, and what the serving state read: a broken edit may have
    // stopped the loader before an include, and fixing either file must trigger a reload.
    std::vector<std::string> watch = files;
    for (const auto& f : old->files)
        if (std::find(watch.begin(), watch.end(), f) == watch.end()) watch.push_back(f);
    slot.watched.clear();
    for (const auto& path : watch) {
        auto known = std::find_if(before.begin(), before.end(),
                                  [&](const FileStamp& s) { return s.path == path; });
        slot.watched.push_back(known != before.end() ? *known : stamp(path));
    }
    if (state && state->program->name != old->program->name)
        error = fmt::format("the policy's name changed from `{}` to `{}`: clients address it "
                            "by name, so restart the server to rename it\n",
                            old->program->name, state->program->name);
    if (!state || !error.empty()) {
        std::lock_guard lock(slot.mutex);
        slot.last_error = LoadError{utc_now(), error};
        ++slot.failed_reloads;
        if (log_)
            log_(fmt::format("policy {}: reload failed; still serving {} (version {}):\n{}",
                             old->program->name, old->fingerprint, old->version, error));
        return false;
    }
    if (state->fingerprint == old->fingerprint) { // touched, not changed
        std::lock_guard lock(slot.mutex);
        slot.last_error.reset();
        return false;
    }
    state->version = old->version + 1;
    std::string message = fmt::format("policy {}: reloaded, version {} {}", state->program->name,
                                      state->version, state->fingerprint);
    slot.current.store(std::move(state));
    {
        std::lock_guard lock(slot.mutex);
        slot.last_error.reset();
        ++slot.reloads;
    }
    if (log_) log_(message);
    return true;
}

int PolicyStore::poll() {
    int swapped = 0;
    for (auto& slot : slots_) {
        bool changed = false;
        for (const auto& s : slot->watched)
            if (stamp(s.path) != s) {
                changed = true;
                break;
            }
        if (changed && reload(*slot)) ++swapped;
    }
    return swapped;
}

void PolicyStore::start_watching(std::chrono::milliseconds interval) {
    stopping_ = false;
    watcher_ = std::thread([this, interval] {
        std::unique_lock lock(watch_mutex_);
        watcher_id_ = std::this_thread::get_id();
        while (!watch_wake_.wait_for(lock, interval, [this] { return stopping_; })) {
            lock.unlock();
            poll();
            lock.lock();
        }
    });
}

void PolicyStore::stop_watching() {
    bool on_watcher = false;
    {
        std::lock_guard lock(watch_mutex_);
        stopping_ = true;
        on_watcher = watcher_id_ == std::this_thread::get_id();
    }
    watch_wake_.notify_all();
    // The watcher itself may stop it (from a log line it writes): it ends after that poll,
    // joined later. It takes no lock here: another thread may be joining it under that lock.
    if (on_watcher) return;
    // Two threads may stop at once (a signal's and the destructor's): one joins.
    std::lock_guard join(join_mutex_);
    if (watcher_.joinable()) watcher_.join();
}

} // namespace cpl::serve
