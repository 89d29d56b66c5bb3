// interpreter/serve/decision_log.cpp — masking and the append-only writer.
#include "interpreter/serve/decision_log.hpp"

#include "interpreter/serve/fingerprint.hpp"
#include "interpreter/serve/json_dump.hpp"
#include "interpreter/serve/policy_store.hpp"
#include "lang/utf8.hpp"
#include "runtime/ascii.hpp"

#include <cctype>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>

namespace cpl::serve {

namespace {

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

// A string token's text; one that does not decode (a bad escape) as it is written.
std::string decoded(std::string_view token) {
    auto value = nlohmann::json::parse(token, nullptr, false);
    if (value.is_string()) return value.get<std::string>();
    token.remove_prefix(1);
    if (token.ends_with('"')) token.remove_suffix(1);
    return std::string(token);
}

struct Frame {
    bool object;
    std::string key; // in an object, the key of the member being read
};

// Calls `value(stack, begin, end)` for every string that is a value (not a key), whatever
// else the text holds: nothing is parsed but strings and brackets, so a number no double
// holds (`1e400`), a key given twice or text that stops being JSON hides no value after it,
// and every member of a repeated key is seen. No recursion, so any nesting is walked.
template <typename OnValue> void walk_strings(std::string_view json, OnValue&& value) {
    std::vector<Frame> stack;
    bool expect_key = false;
    for (std::size_t at = 0; at < json.size();) {
        switch (json[at]) {
        case '{':
            stack.push_back({true, {}});
            expect_key = true;
            ++at;
            break;
        case '[':
            stack.push_back({false, {}});
            expect_key = false;
            ++at;
            break;
        case '}':
        case ']':
            if (!stack.empty()) stack.pop_back();
            expect_key = false;
            ++at;
            break;
        case ',':
            expect_key = !stack.empty() && stack.back().object;
            ++at;
            break;
        case '"': {
            std::size_t end = std::min(string_end(json, at), json.size());
            if (expect_key && !stack.empty() && stack.back().object)
                stack.back().key = decoded(json.substr(at, end - at));
            else
                value(std::as_const(stack), at, end);
            expect_key = false;
            at = end;
            break;
        }
        default: // white space, ':', numbers and literals hold nothing to mask
            ++at;
        }
    }
}

// A value as the case reader quotes it in a message (`in_quotes`, case_errors.cpp): whole,
// or cut at clip_point with `…` and its length.
std::string reader_quoted(std::string_view text) {
    std::size_t cut = clip_point(text);
    if (cut != std::string_view::npos)
        return fmt::format("\"{}\u2026\" ({} bytes)", text.substr(0, cut), text.size());
    return fmt::format("\"{}\"", text);
}

// `text` without the blanks the case reader trims from a name (blank_prefix, blank_suffix).
std::string_view trimmed(std::string_view text) {
    text.remove_prefix(blank_prefix(text));
    text.remove_suffix(blank_suffix(text));
    return text;
}

// Replaces every `from` in `text`; whether any was.
bool replace_all(std::string& text, std::string_view from, std::string_view to) {
    if (from.empty()) return false;
    bool any = false;
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
        any = true;
    }
    return any;
}

// Every quoted stretch of `text` (`"…"`) becomes what `to` makes of its contents: what a
// message quotes when the value it should quote was not found in it.
template <typename To> void replace_quoted(std::string& text, To&& to) {
    for (std::size_t open = text.find('"'); open != std::string::npos;) {
        std::size_t close = text.find('"', open + 1);
        if (close == std::string::npos) break;
        std::string with =
            "\"" + to(std::string_view(text).substr(open + 1, close - open - 1)) + "\"";
        text.replace(open, close + 1 - open, with);
        open = text.find('"', open + with.size());
    }
}

// The year is kept only when the value begins with one, so no character is cut in half
// (`２０２５-03-14`, fullwidth digits, lost the last byte of its second digit).
std::string masked_date(std::string_view date) {
    bool year = date.size() >= 4;
    for (std::size_t i = 0; year && i < 4; ++i)
        year = date[i] >= '0' && date[i] <= '9';
    return year ? std::string(date.substr(0, 4)) + "-**-**" : "****";
}

bool digit(char c) {
    return c >= '0' && c <= '9';
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

// Replaces each occurrence of `id` in `text` that stands as a word (no letter, digit or `_`
// either side), in any case, by `to`; whether any was.
bool replace_words(std::string& text, std::string_view id, std::string_view to) {
    if (id.empty()) return false;
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    std::string folded = ascii_lower(text), wanted = ascii_lower(id);
    bool any = false;
    for (std::size_t at = folded.find(wanted); at != std::string::npos;
         at = folded.find(wanted, at + 1)) {
        std::size_t end = at + wanted.size();
        if ((at > 0 && word(folded[at - 1])) || (end < folded.size() && word(folded[end])))
            continue;
        text.replace(at, wanted.size(), to);
        folded.replace(at, wanted.size(), ascii_lower(to));
        at += to.size() - 1;
        any = true;
    }
    return any;
}

// A text of the result a policy writes: an edit's or reason's message, a line's or edit's
// reasons, a documentation item, a why-not answer, a printed value.
bool prose(const std::vector<Frame>& stack) {
    if (stack.empty()) return false;
    if (stack.back().object)
        return stack.back().key == "message" || (stack.size() == 2 && stack[0].key == "values");
    if (stack.size() < 2) return false;
    const std::string& holder = stack[stack.size() - 2].key;
    return holder == "because" || holder == "documentation" || holder == "why_not";
}

bool is_date_path(std::string_view path) {
    return path == "date_of_service" ||
           (path.starts_with("history[") && path.ends_with("].date_of_service"));
}

} // namespace

Identifiers identifiers_of(std::string_view case_json) {
    Identifiers ids;
    walk_strings(case_json,
                 [&](const std::vector<Frame>& stack, std::size_t begin, std::size_t end) {
                     const Frame& in = stack.empty() ? Frame{false, {}} : stack.back();
                     if (!in.object) return;
                     // A date of service at any depth, not only history's: masking one more string
                     // costs nothing, missing one leaks it.
                     if (in.key == "date_of_service")
                         ids.dates.push_back(decoded(case_json.substr(begin, end - begin)));
                     else if (in.key == "id" && stack.size() == 1)
                         ids.ids.push_back(decoded(case_json.substr(begin, end - begin)));
                 });
    return ids;
}

std::string mask(std::string_view json, const Identifiers& given, std::string_view salt,
                 bool prose_may_quote_id) {
    auto token = [&](std::string_view id) {
        return "id:" + sha256_hex(std::string(salt) + std::string(id)).substr(0, 12);
    };
    // The result's own `case` (the id the case reader read) and the error's `path`, read
    // first: an error's message comes before its path.
    std::string case_id, path;
    walk_strings(json, [&](const std::vector<Frame>& stack, std::size_t begin, std::size_t end) {
        if (stack.size() != 1) return;
        if (stack[0].key == "case") case_id = decoded(json.substr(begin, end - begin));
        if (stack[0].key == "path") path = decoded(json.substr(begin, end - begin));
    });
    Identifiers ids = given;
    if (!case_id.empty()) ids.ids.push_back(case_id);

    // Each value as a message quotes it, with what replaces it: an id and its trimmed form
    // (the help's `write "Jane Doe"`) by the id's token, a date by its masked form.
    std::vector<std::pair<std::string, std::string>> id_quotes, date_quotes;
    for (const auto& id : ids.ids)
        for (std::string_view form : {std::string_view(id), trimmed(id)})
            if (!form.empty()) {
                id_quotes.emplace_back(reader_quoted(form), "\"" + token(id) + "\"");
                // A printed value quotes a long id whole (to_text does not clip it).
                if (clip_point(form) != std::string_view::npos)
                    id_quotes.emplace_back("\"" + std::string(form) + "\"",
                                           "\"" + token(id) + "\"");
            }
    for (const auto& date : ids.dates)
        if (!date.empty())
            date_quotes.emplace_back(reader_quoted(date), "\"" + masked_date(date) + "\"");
    auto replace_each = [](std::string& text, const auto& quotes) {
        bool any = false;
        for (const auto& [from, to] : quotes)
            any = replace_all(text, from, to) || any;
        return any;
    };

    std::string out;
    out.reserve(json.size());
    std::size_t copied = 0;
    walk_strings(json, [&](const std::vector<Frame>& stack, std::size_t begin, std::size_t end) {
        std::string_view member = stack.empty() ? std::string_view() : stack[0].key;
        // The result's own names: its policy, fingerprint and the path of an error.
        if (stack.size() == 1 &&
            (member == "policy" || member == "fingerprint" || member == "path"))
            return;
        std::string text = decoded(json.substr(begin, end - begin));
        std::string before = text;
        bool message = stack.size() == 1 && (member == "error" || member == "help");
        // The id where the result holds it, and nowhere else: its first member (`{"case": ID`,
        // a result's and an error's alike) and the `case ID:` an error's message begins with.
        // A string of the result that merely equals the id (a case named `denied` and a line's
        // status) is the result's own, and the log must show it as sent.
        if (stack.size() == 1 && member == "case" && !text.empty()) text = token(text);
        if (stack.size() == 1 && member == "error" && !case_id.empty()) {
            std::string head = "case " + clipped(case_id) + ":";
            if (text.starts_with(head))
                text.replace(0, head.size(), "case " + token(case_id) + ":");
        }
        // An id or date the case reader refused is quoted in its error and help (`"Jane Doe "
        // has spaces …`, `write "Jane Doe"`, `got "03/14/2025"`). Found by the values the
        // case holds under those keys, every one of them; when none is found in an error at
        // such a path, every quoted value of it is masked rather than risk one.
        // The field's own name is no patient's.
        if (message && path == "id" && !replace_each(text, id_quotes))
            replace_quoted(
                text, [&](std::string_view q) { return q == "id" ? std::string(q) : token(q); });
        if (message && !replace_each(text, date_quotes) && is_date_path(path))
            replace_quoted(text, [](std::string_view q) {
                return q == "date_of_service" ? std::string(q) : std::string("****");
            });
        // A printed value (`print=`) that is the id, or quotes it (a definition that reads
        // `case.id`, a record or list holding it).
        if (stack.size() == 2 && member == "values") {
            for (const auto& id : ids.ids)
                if (!id.empty() && text == id) text = token(id);
            replace_each(text, id_quotes);
            replace_each(text, date_quotes);
        }
        // A policy that reads `case.id` may put it in its texts, as written or changed
        // (`lower(case.id)`).
        if (prose_may_quote_id && prose(stack))
            for (const auto& id : ids.ids)
                for (std::string_view form : {std::string_view(id), trimmed(id)})
                    replace_words(text, form, token(id));
        mask_dates(text);
        if (text == before) return;
        out.append(json.substr(copied, begin - copied));
        out += json_dump(nlohmann::json(text));
        copied = end;
    });
    out.append(json.substr(copied));
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
                        std::string_view case_json, std::string_view result_json,
                        bool reads_case_id) {
    if (!file_) return;
    std::string result = unmasked_
                             ? std::string(result_json)
                             : mask(result_json, identifiers_of(case_json), salt_, reads_case_id);
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
