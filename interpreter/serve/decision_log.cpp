// interpreter/serve/decision_log.cpp — masking and the append-only writer.
#include "interpreter/serve/decision_log.hpp"

#include "interpreter/serve/fingerprint.hpp"
#include "interpreter/serve/json_dump.hpp"
#include "interpreter/serve/policy_store.hpp"
#include "lang/json_nesting.hpp"

#include <cctype>
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

bool digit(char c) {
    return c >= '0' && c <= '9';
}

// The end of the JSON string whose opening quote is at `open` (the index past its closing
// quote), or npos.
std::size_t string_end(std::string_view json, std::size_t open) {
    for (std::size_t at = open + 1; at < json.size(); ++at) {
        if (json[at] == '\\')
            ++at;
        else if (json[at] == '"')
            return at + 1;
    }
    return std::string_view::npos;
}

// Every date written `YYYY-MM-DD` keeps its year: the dates a rule derives from the date of
// service (the day a rolling year starts, `one_year_before`) give it away as surely as the
// date itself, and a policy's own dates are in its fingerprinted files anyway.
void mask_dates(std::string& text) {
    for (std::size_t at = 0; at + 10 <= text.size(); ++at) {
        std::string_view d(text.data() + at, 10);
        if (d[4] != '-' || d[7] != '-' || (at > 0 && digit(text[at - 1])) ||
            (at + 10 < text.size() && digit(text[at + 10])))
            continue;
        bool date = true;
        for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
            date = date && digit(d[i]);
        if (date) text.replace(at + 5, 5, "**-**");
    }
}

} // namespace

std::string mask(std::string_view json, const Identifiers& ids, std::string_view salt) {
    std::string out(json);
    // The id where the result holds it, and nowhere else: its first member (`{"case": ID`,
    // a result's and an error's alike) and the `case ID:` an error's message begins with.
    // A string of the result that merely equals the id (a case named `denied` and a line's
    // status) is the result's own, and the log must show it as sent.
    static constexpr std::string_view head = "{\"case\": \"";
    if (out.starts_with(head)) {
        std::size_t end = string_end(out, head.size() - 1);
        if (end != std::string::npos) {
            std::string raw = out.substr(head.size(), end - 1 - head.size());
            auto id = nlohmann::json::parse("\"" + raw + "\"", nullptr, false);
            if (id.is_string() && !id.get<std::string>().empty()) {
                std::string token =
                    "id:" + sha256_hex(std::string(salt) + id.get<std::string>()).substr(0, 12);
                std::string said = "\"error\": \"case " + raw + ":";
                if (std::size_t at = out.find(said, end); at != std::string::npos)
                    out.replace(at, said.size(), "\"error\": \"case " + token + ":");
                out.replace(head.size(), raw.size(), token);
            }
        }
    }
    // An id the case reader refused (`"id": "Jane Doe "`) is quoted in its error and help
    // (`"Jane Doe " has spaces …`, `write "Jane Doe"`): in an error at the path `id`, every
    // mention of it, spaces trimmed, is masked.
    if (!ids.id.empty() && out.find("\"path\": \"id\"") != std::string::npos) {
        std::string token = "id:" + sha256_hex(std::string(salt) + ids.id).substr(0, 12);
        std::string_view trimmed = ids.id;
        while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
            trimmed.remove_prefix(1);
        while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
            trimmed.remove_suffix(1);
        for (std::string_view text : {std::string_view(ids.id), trimmed}) {
            if (text.empty()) continue;
            std::string dumped = json_dump(nlohmann::json(std::string(text)));
            replace_all(out, dumped.substr(1, dumped.size() - 2), token);
        }
    }
    // A date the case reader refused may be quoted in any form; then every whole date.
    for (const auto& date : ids.dates)
        replace_all(out, date, masked_date(date));
    mask_dates(out);
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
