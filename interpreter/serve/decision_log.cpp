// interpreter/serve/decision_log.cpp — masking and the append-only writer.
#include "interpreter/serve/decision_log.hpp"

#include "interpreter/serve/fingerprint.hpp"
#include "interpreter/serve/json_dump.hpp"
#include "interpreter/serve/policy_store.hpp"
#include "lang/json_nesting.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>

namespace cpl::serve {

Identifiers identifiers_of(std::string_view case_json) {
    Identifiers ids;
    // A case nested too deep for the JSON library was refused by the case reader already.
    if (json_nesting(case_json) > max_json_nesting) return ids;
    auto doc = nlohmann::json::parse(case_json, nullptr, false);
    if (!doc.is_object()) return ids;
    auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : ""; };
    if (auto it = doc.find("id"); it != doc.end()) ids.id = text(*it);
    if (auto it = doc.find("date_of_service"); it != doc.end())
        if (auto d = text(*it); !d.empty()) ids.dates.push_back(d);
    if (auto it = doc.find("history"); it != doc.end() && it->is_array())
        for (const auto& h : *it)
            if (h.is_object())
                if (auto d = h.find("date_of_service"); d != h.end())
                    if (auto s = text(*d); !s.empty()) ids.dates.push_back(s);
    return ids;
}

namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    if (from.empty()) return;
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

std::string masked_date(const std::string& date) {
    if (date.size() >= 4) return date.substr(0, 4) + "-**-**";
    return "****";
}

} // namespace

std::string mask(std::string_view json, const Identifiers& ids, std::string_view salt) {
    std::string out(json);
    // The id first, as a whole JSON string, then anywhere it is quoted in a message. An id
    // shorter than 3 characters is masked only as a whole value: replacing "1" inside every
    // number would wreck the line and hide nothing.
    if (!ids.id.empty()) {
        std::string token = "id:" + sha256_hex(std::string(salt) + ids.id).substr(0, 12);
        std::string quoted = json_dump(nlohmann::json(ids.id));
        replace_all(out, quoted, "\"" + token + "\"");
        if (ids.id.size() >= 3) {
            std::string inner = quoted.substr(1, quoted.size() - 2);
            replace_all(out, inner, token);
        }
    }
    for (const auto& date : ids.dates)
        replace_all(out, date, masked_date(date));
    return out;
}

DecisionLog::DecisionLog(const std::string& path, bool unmasked) : unmasked_(unmasked) {
    file_ = std::fopen(path.c_str(), "a");
    std::random_device random;
    salt_ = fmt::format("{:08x}{:08x}{:08x}{:08x}", random(), random(), random(), random());
    run_ = salt_.substr(0, 8);
}

DecisionLog::~DecisionLog() {
    if (file_) std::fclose(file_);
}

void DecisionLog::write(std::string_view endpoint, std::string_view policy,
                        std::string_view fingerprint, std::uint64_t version,
                        std::string_view case_json, std::string_view result_json) {
    if (!file_) return;
    std::string result =
        unmasked_ ? std::string(result_json) : mask(result_json, identifiers_of(case_json), salt_);
    std::string time = utc_now();
    std::lock_guard lock(mutex_);
    std::string line = fmt::format(
        "{{\"decision_id\": \"{}-{}\", \"time\": \"{}\", \"endpoint\": {}, \"policy\": {}, "
        "\"fingerprint\": \"{}\", \"version\": {}, \"masked\": {}, \"result\": {}}}\n",
        run_, next_++, time, json_dump(nlohmann::json(endpoint)), json_dump(nlohmann::json(policy)),
        fingerprint, version, unmasked_ ? "false" : "true", result);
    std::fwrite(line.data(), 1, line.size(), file_);
    // A decision is on disk before the next one is answered: an audit trail that loses its
    // tail on a crash is no trail.
    std::fflush(file_);
}

} // namespace cpl::serve
