// interpreter/case/case_errors.cpp — how the case reader words what is wrong: the JSON path,
// the message for malformed JSON, and the phrases messages share.
#include "interpreter/case/case_reader.hpp"
#include "lang/suggest.hpp"
#include "lang/utf8.hpp"

#include <fmt/format.h>

namespace cpl {

namespace {

const char* json_problem(simdjson::error_code code) {
    using namespace simdjson;
    switch (code) {
    case UNCLOSED_STRING:
        return "a string is not closed";
    case INCOMPLETE_ARRAY_OR_OBJECT: // text after a closed case is told apart (fail_json)
        return "an object or list is not closed";
    case DEPTH_ERROR:
        return "it is nested too deeply";
    case NUMBER_ERROR:
    case NUMBER_OUT_OF_RANGE:
        return "a number is malformed or out of range";
    case T_ATOM_ERROR:
    case F_ATOM_ERROR:
    case N_ATOM_ERROR:
        return "a word other than true, false or null";
    case STRING_ERROR:
        return "a string has a bad escape or control character";
    case UNESCAPED_CHARS:
        return "a string holds an unescaped control character";
    case TRAILING_CONTENT:
        return "there is more after the case object";
    default:
        return "";
    }
}

} // namespace

// A long value (a megabyte where a date belongs) is quoted by its start and its length.
std::string in_quotes(std::string_view text) {
    std::size_t cut = clip_point(text);
    if (cut != std::string_view::npos)
        return fmt::format("\"{}\u2026\" ({} bytes)", text.substr(0, cut), text.size());
    std::string out = "\"";
    out += text;
    out += '"';
    return out;
}

std::string one_of(std::span<const std::string_view> options) {
    std::string out;
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (i > 0) out += i + 1 == options.size() ? " or " : ", ";
        out += in_quotes(options[i]);
    }
    return out;
}

std::string listing(std::span<const std::string_view> names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += ", ";
        out += in_quotes(names[i]);
    }
    return out;
}

std::string did_you_mean(std::string_view name, std::span<const std::string_view> candidates) {
    std::vector<std::string_view> list(candidates.begin(), candidates.end());
    if (auto best = closest(name, list)) return "; did you mean " + in_quotes(*best) + "?";
    return {};
}

std::string CaseError::render() const {
    std::string out = "case ";
    out += case_id.empty() ? std::string("?") : clipped(case_id);
    out += ": ";
    if (!path.empty()) {
        out += path;
        out += ": ";
    }
    out += message;
    return out;
}

std::string CaseReader::Impl::render_path() const {
    std::string out;
    for (const auto& seg : path) {
        if (seg.field.data() == nullptr) { // a list index
            out += '[';
            out += std::to_string(seg.index);
            out += ']';
        } else {
            if (!out.empty()) out += '.';
            // An unknown key may be any length, or empty (`{"": 1}`: named as written, not as
            // an index no list has).
            out += seg.field.empty() ? std::string("\"\"") : clipped(seg.field);
        }
    }
    return out;
}

void CaseReader::Impl::fail(std::string message, std::string help) {
    throw Failure{CaseError{{}, render_path(), std::move(message), std::move(help)}};
}

void CaseReader::Impl::fail_at(std::string_view field, std::string message, std::string help) {
    path.push_back({field});
    fail(std::move(message), std::move(help));
}

void CaseReader::Impl::fail_json(simdjson::error_code code, std::string help) {
    // The parser says this of a case object followed by more text too: that is told apart.
    if (code == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) refuse_text_after_case();
    std::string message;
    if (code == simdjson::EMPTY)
        message = "the case is empty: expected a JSON object";
    else if (code == simdjson::UTF8_ERROR) {
        // The parser says only that some byte is wrong: a person fixing a large case needs
        // which, and where.
        std::string_view text(buffer.get(), length);
        message = "the case is not valid UTF-8";
        if (std::size_t at = utf8_error_at(text); at != std::string_view::npos)
            message += fmt::format(": byte 0x{:02X}{}", static_cast<unsigned char>(text[at]),
                                   place_in(text, at));
    } else {
        message = "the case is not valid JSON";
        if (std::string_view problem = json_problem(code); !problem.empty()) {
            message += ": ";
            message += problem;
        }
    }
    // An empty case has no place to name; a UTF-8 error names its own.
    bool placed = code == simdjson::EMPTY || code == simdjson::UTF8_ERROR;
    throw Failure{CaseError{{}, {}, std::move(message), std::move(help)}, !placed};
}

void CaseReader::Impl::fail_unknown(std::string_view what, std::string_view s,
                                    std::span<const std::string_view> options) {
    fail("unknown " + std::string(what) + " " + in_quotes(s) + did_you_mean(s, options),
         "use " + one_of(options));
}

} // namespace cpl
