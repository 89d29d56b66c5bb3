// interpreter/eval/result.cpp — Result → JSON Lines (for programs) and aligned text (for people).
#include "interpreter/eval/result.hpp"

#include "interpreter/program/program.hpp"
#include "lang/utf8.hpp"

#include <algorithm>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <cstdint>
#include <cstring>
#include <fmt/format.h>

namespace cpl {

namespace {

bool needs_escape(unsigned char c) {
    return c == '"' || c == '\\' || c < 0x20;
}

// How many of the bytes at the start of `s` are plain ASCII (no quote, backslash or control
// character): cites, documentation and messages are long and almost all plain, and were a
// tenth of `cpl run --format json`, byte by byte. Sixteen bytes at a time with SSE2 (every
// x86-64 has it): as signed bytes, a control character and a byte of UTF-8 (0x80 and up,
// negative) are both below 0x20, so one comparison finds both. Elsewhere eight at a time, with
// bit tricks from "Bit Twiddling Hacks" (haszero, hasless): exact for whether any byte matches.
std::size_t plain_ascii_prefix(std::string_view s) {
    std::size_t at = 0;
#ifdef __SSE2__
    const __m128i space = _mm_set1_epi8(0x20);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    for (; at + 16 <= s.size(); at += 16) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
        __m128i special =
            _mm_or_si128(_mm_cmplt_epi8(x, space),
                         _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
        if (int mask = _mm_movemask_epi8(special))
            return at + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
#endif
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t high = 0x8080808080808080ULL;
    for (; at + 8 <= s.size(); at += 8) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + at, 8);
        std::uint64_t quote_bytes = x ^ (ones * '"');
        std::uint64_t backslash_bytes = x ^ (ones * '\\');
        std::uint64_t special = (x & high) | ((quote_bytes - ones) & ~quote_bytes & high) |
                                ((backslash_bytes - ones) & ~backslash_bytes & high) |
                                ((x - ones * 0x20) & ~x & high);
        if (special) break;
    }
    return at;
}

// How many bytes from the start of `s` are written as they are: ASCII that needs no escape
// and whole UTF-8 characters.
std::size_t plain_run(std::string_view s) {
    std::size_t plain = plain_ascii_prefix(s);
    while (plain < s.size()) {
        auto c = static_cast<unsigned char>(s[plain]);
        if (c < 0x80) {
            if (needs_escape(c)) break;
            ++plain;
            continue;
        }
        std::size_t n = utf8_sequence_length(s, plain);
        if (n == 0) break;
        plain += n;
        plain += plain_ascii_prefix(s.substr(plain)); // a dash or a ± in a long text
    }
    return plain;
}

// Output is always valid JSON, so always UTF-8: policies are checked when parsed and cases by
// the JSON reader, but a byte that is not UTF-8 still becomes U+FFFD here rather than invalid
// output (a built-in may cut a string between the bytes of one character).
void json_string(std::string& out, std::string_view s) {
    std::size_t plain = plain_run(s);
    // Most texts need no escape: quotes and text in one growth of `out`, not three appends.
    if (plain == s.size()) {
        std::size_t at = out.size();
        out.resize(at + s.size() + 2);
        char* to = out.data() + at;
        to[0] = '"';
        if (!s.empty()) std::memcpy(to + 1, s.data(), s.size()); // an empty one may be null
        to[s.size() + 1] = '"';
        return;
    }
    out += '"';
    // Copy runs of plain characters at once (the first is measured above); escape the rest one
    // by one.
    for (;; plain = plain_run(s)) {
        out.append(s.data(), plain);
        s.remove_prefix(plain);
        if (s.empty()) break;
        unsigned char c = static_cast<unsigned char>(s.front());
        s.remove_prefix(1);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c >= 0x80)
                out += "\\ufffd";
            else
                out += fmt::format("\\u{:04x}", c);
        }
    }
    out += '"';
}

template <typename Strings> void json_strings(std::string& out, const Strings& items) {
    out += '[';
    bool first = true;
    for (const auto& s : items) {
        if (!first) out += ", ";
        first = false;
        json_string(out, s);
    }
    out += ']';
}

// `name` is one of this file's field names, which need no escaping.
void field(std::string& out, std::string_view name, std::string_view value) {
    out += ", \"";
    out += name;
    out += "\": ";
    json_string(out, value);
}

// `"sources": [KEY, …]`: the keys the cite names (always present, [] when none).
void sources_field(std::string& out, const std::vector<std::string>* keys) {
    out += ", \"sources\": ";
    static const std::vector<std::string> none;
    json_strings(out, keys ? *keys : none); // (not a copy of the keys)
}

// The kept JSON of the program's long texts: slots in a thread's table, found by where the
// text is. Addresses are spread by a multiply (Fibonacci hashing): the low bits of neighbouring
// strings' addresses repeat, and taken as they were they met in few slots.
constexpr std::size_t kept_slots = 512;
std::size_t kept_slot(std::uintptr_t where) {
    return static_cast<std::size_t>((where * 0x9E3779B97F4A7C15ull) >> 55); // 9 bits: 512
}

// `, "cite": CITE, "sources": [KEY, …]`. A cite and its keys are the program's, the same in
// every case, and long: their JSON is kept from the last time they were written, in a small
// table of this thread found by where the texts are. A cite of the linked program `serial`
// (not 0) at the place it was is that text still: a linked program is not changed while it
// lives, and serials are not reused. Any other cite's text is compared, so that a cite of
// another program at a reused address is never written with this one's JSON.
void cite_and_sources(std::string& out, std::uint64_t serial, std::string_view cite,
                      const std::vector<std::string>* keys) {
    struct Written {
        bool filled = false; // an empty slot matches an empty cite with no keys: never use it
        std::uint64_t serial = 0;
        const char* at = nullptr;
        const std::vector<std::string>* keys_at = nullptr;
        std::string cite;
        std::vector<std::string> keys;
        std::string json;
    };
    thread_local std::vector<Written> written(kept_slots);
    auto where = reinterpret_cast<std::uintptr_t>(cite.data()) ^
                 (reinterpret_cast<std::uintptr_t>(keys) << 1);
    // Two slots a place: two hot cites whose addresses met in one slot wrote each other out
    // on every line (a change of layout alone cost 0.8% of a run). The one holding it, else an
    // empty one, else the first (the second keeps the cite it holds).
    std::size_t first = kept_slot(where) & ~std::size_t{1};
    auto holds = [&](const Written& w) {
        return w.filled && w.at == cite.data() && w.keys_at == keys;
    };
    Written &a = written[first], &b = written[first + 1];
    Written& w = holds(a) || (!holds(b) && (!a.filled || b.filled)) ? a : b;
    bool placed = holds(w);
    if (placed && serial != 0 && w.serial == serial && w.cite.size() == cite.size()) {
        out += w.json;
        return;
    }
    static const std::vector<std::string> none;
    const std::vector<std::string>& k = keys ? *keys : none;
    if (!placed || w.cite != cite || w.keys != k) {
        w.filled = true;
        w.at = cite.data();
        w.keys_at = keys;
        w.cite.assign(cite);
        w.keys = k;
        w.json.clear();
        field(w.json, "cite", cite);
        sources_field(w.json, keys);
    }
    w.serial = serial;
    out += w.json;
}

// A long text of the program (a documentation requirement) is the same JSON in every case:
// kept from the last time it was written, in a table of this thread found by where the text
// is. The text is compared before its JSON is used: another program's text may be there now,
// and a text built for the case is at a new place each time (then it is written afresh).
void json_text(std::string& out, std::string_view text) {
    if (text.size() < 64) return json_string(out, text); // escaping costs less than the look-up
    struct Written {
        const char* at = nullptr;
        std::string text;
        std::string json;
    };
    thread_local std::vector<Written> written(kept_slots);
    Written& w = written[kept_slot(reinterpret_cast<std::uintptr_t>(text.data()))];
    if (w.at != text.data() || w.text != text) {
        w.at = text.data();
        w.text.assign(text);
        w.json.clear();
        json_string(w.json, text);
    }
    out += w.json;
}

// Claim lines as a JSON array: billed lines, and the unbilled ones a review lists.
void json_lines(std::string& out, const std::vector<Line>& lines, std::uint64_t serial,
                bool layered, bool explain) {
    out += '[';
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Line& l = lines[i];
        out += i ? ", {\"code\": " : "{\"code\": ";
        json_string(out, l.code);
        out += ", \"units\": ";
        append_number(out, l.units);
        out += ", \"modifiers\": ";
        json_strings(out, l.modifiers);
        field(out, "rule", l.rule);
        cite_and_sources(out, serial, l.cite, l.sources);
        if (layered) {
            field(out, "layer", l.layer);
            if (!l.replaces.empty()) field(out, "replaces", l.replaces);
        }
        if (explain) {
            out += ", \"because\": ";
            json_strings(out, l.because);
        }
        out += '}';
    }
    out += ']';
}

} // namespace

std::string to_json(const Result& r, bool explain) {
    std::string out;
    out.reserve(4096); // a realistic result is about 2 KB: one allocation
    append_json(out, r, explain);
    return out;
}

void append_json(std::string& out, const Result& r, bool explain) {
    out += "{\"case\": ";
    json_string(out, r.case_id);
    field(out, "policy", r.policy);
    out += ", \"lines\": ";
    json_lines(out, r.lines, r.program_serial, r.layered, explain);
    out += ", \"edits\": [";
    for (std::size_t i = 0; i < r.edits.size(); ++i) {
        const Edit& e = r.edits[i];
        out += i ? ", {\"severity\": " : "{\"severity\": ";
        json_string(out, e.severity);
        field(out, "rule", e.rule);
        field(out, "code", e.code);
        field(out, "message", e.message);
        cite_and_sources(out, r.program_serial, e.cite, e.sources);
        if (r.layered) {
            field(out, "layer", e.layer);
            if (!e.replaces.empty()) field(out, "replaces", e.replaces);
        }
        if (explain) {
            out += ", \"because\": ";
            json_strings(out, e.because);
        }
        out += '}';
    }
    out += "], \"documentation\": [";
    for (std::size_t i = 0; i < r.documentation.size(); ++i) {
        if (i) out += ", ";
        json_text(out, r.documentation[i]);
    }
    out += ']';
    if (!r.why_not.empty()) {
        out += ", \"why_not\": ";
        json_strings(out, r.why_not);
    }
    if (!r.values.empty()) {
        out += ", \"values\": {";
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            if (i) out += ", ";
            json_string(out, r.values[i].first);
            out += ": ";
            json_string(out, r.values[i].second);
        }
        out += '}';
    }
    if (r.reviewed) {
        out += ", \"review\": [";
        for (std::size_t i = 0; i < r.review.size(); ++i) {
            const ReviewLine& v = r.review[i];
            out += i ? ", {\"code\": " : "{\"code\": ";
            json_string(out, v.code);
            out += ", \"units\": ";
            append_number(out, v.units);
            out += ", \"modifiers\": ";
            json_strings(out, v.modifiers);
            field(out, "status", v.status);
            out += ", \"units_allowed\": ";
            append_number(out, v.units_allowed);
            out += ", \"reasons\": [";
            for (std::size_t k = 0; k < v.reasons.size(); ++k) {
                out += k ? ", {\"rule\": " : "{\"rule\": ";
                json_string(out, v.reasons[k].rule);
                field(out, "message", v.reasons[k].message);
                cite_and_sources(out, r.program_serial, v.reasons[k].cite, v.reasons[k].sources);
                out += '}';
            }
            out += "]}";
        }
        out += "], \"unbilled\": ";
        json_lines(out, r.unbilled, r.program_serial, false, false);
    }
    out += '}';
}

std::string error_json(std::string_view case_id, std::string_view message,
                       const ErrorDetails& details) {
    std::string out = "{\"case\": ";
    json_string(out, case_id);
    field(out, "error", message);
    if (details.line > 0) out += fmt::format(", \"line\": {}", details.line);
    if (!details.path.empty()) field(out, "path", details.path);
    if (!details.help.empty()) field(out, "help", details.help);
    out += '}';
    return out;
}

namespace {

// Every value printed as text came from a policy or a case: shown through `printable`, so a
// newline in a case id cannot forge a claim line, nor an escape sequence reach the terminal.
std::string shown(std::string_view text) {
    return printable(text);
}

std::string shown_modifiers(const std::vector<std::string_view>& modifiers) {
    if (modifiers.empty()) return "-";
    std::string out;
    for (auto m : modifiers) {
        if (!out.empty()) out += ' ';
        append_printable(out, m);
    }
    return out;
}

// Under explain, each source a line or edit cites, resolved: key, whether verified, title,
// publisher and date, link.
void source_lines(std::string& out, const Result& r, const std::vector<std::string>* keys) {
    if (!keys || !r.bibliography) return;
    for (const auto& key : *keys) {
        auto found = std::find_if(r.bibliography->begin(), r.bibliography->end(),
                                  [&](const SourceCode& s) { return s.key == key; });
        if (found == r.bibliography->end()) continue;
        std::string about = shown(found->title);
        for (const std::string* part : {&found->publisher, &found->date, &found->link})
            if (!part->empty()) about += "; " + shown(*part);
        out += fmt::format("      source {} ({}): {}\n", key,
                           found->verified ? "verified" : "unverified", about);
    }
}

// The submitted claim and the verdict on each line, in one table a coder reads at a glance.
std::string review_text(const Result& r) {
    std::string out = "  review of the submitted claim:\n";
    std::size_t mod_w = 9;
    std::vector<std::string> modifiers;
    for (const auto& v : r.review) {
        modifiers.push_back(shown_modifiers(v.modifiers));
        mod_w = std::max(mod_w, modifiers.back().size());
    }
    out += fmt::format("    {:<6} {:>5}  {:<{}}  {:<8}  {:>7}  {}\n", "code", "units", "modifiers",
                       mod_w, "verdict", "allowed", "why");
    for (std::size_t i = 0; i < r.review.size(); ++i) {
        const ReviewLine& v = r.review[i];
        std::string why = v.reasons.empty() ? "-"
                                            : fmt::format("{} [{}]", shown(v.reasons[0].message),
                                                          shown(v.reasons[0].rule));
        out += fmt::format("    {:<6} {:>5}  {:<{}}  {:<8}  {:>7}  {}\n", shown(v.code), v.units,
                           modifiers[i], mod_w, v.status, v.units_allowed, why);
        for (std::size_t k = 1; k < v.reasons.size(); ++k)
            out += fmt::format("    {:<{}}  {} [{}]\n", "", 6 + 1 + 5 + 2 + mod_w + 2 + 8 + 2 + 7,
                               shown(v.reasons[k].message), shown(v.reasons[k].rule));
    }
    if (!r.unbilled.empty()) {
        out += "  supported by the study but not on the claim:\n";
        for (const auto& l : r.unbilled)
            out += fmt::format("    {} x{} [{}]\n", shown(l.code), l.units, shown(l.rule));
    }
    return out;
}

} // namespace

std::string to_text(const Result& r, bool explain) {
    std::string out = fmt::format("case {} (policy {})\n", shown(r.case_id), shown(r.policy));
    if (r.reviewed) out += review_text(r) + "  payable:\n";
    if (r.lines.empty()) out += "  no billable lines\n";
    std::vector<std::string> codes, modifiers, rules;
    std::size_t code_w = 4, mod_w = 9, rule_w = 4;
    for (const auto& l : r.lines) {
        codes.push_back(shown(l.code));
        modifiers.push_back(shown_modifiers(l.modifiers));
        rules.push_back(shown(l.rule));
        code_w = std::max(code_w, codes.back().size());
        mod_w = std::max(mod_w, modifiers.back().size());
        rule_w = std::max(rule_w, rules.back().size());
    }
    if (!r.lines.empty()) {
        out += fmt::format("  {:<{}}  {:>5}  {:<{}}  {:<{}}  {}\n", "code", code_w, "units",
                           "modifiers", mod_w, "rule", rule_w, "citation");
        for (std::size_t i = 0; i < r.lines.size(); ++i) {
            const Line& l = r.lines[i];
            out += fmt::format("  {:<{}}  {:>5}  {:<{}}  {:<{}}  {}\n", codes[i], code_w, l.units,
                               modifiers[i], mod_w, rules[i], rule_w, shown(l.cite));
            if (explain) {
                for (const auto& b : l.because)
                    out += fmt::format("      because {}\n", shown(b));
                source_lines(out, r, l.sources);
            }
        }
    }
    for (const auto& e : r.edits) {
        out +=
            fmt::format("  {}: {}{}{} [{}; {}]\n", e.severity, shown(e.code),
                        e.code.empty() ? "" : ": ", shown(e.message), shown(e.rule), shown(e.cite));
        if (explain) {
            for (const auto& b : e.because)
                out += fmt::format("      because {}\n", shown(b));
            source_lines(out, r, e.sources);
        }
    }
    if (!r.documentation.empty()) {
        out += "  documentation required:\n";
        for (const auto& d : r.documentation)
            out += fmt::format("    - {}\n", shown(d));
    }
    for (const auto& w : r.why_not)
        out += fmt::format("  why not {}\n", shown(w));
    for (const auto& [name, value] : r.values)
        out += fmt::format("  value of {}: {}\n", shown(name), shown(value));
    return out;
}

} // namespace cpl
