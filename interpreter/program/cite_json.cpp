// interpreter/program/cite_json.cpp — a rule's cite and sources as results write them (the
// contract's `"cite"` and `"sources"` fields): the same JSON in every case, so written once,
// when the program is linked. (Not in dispatch.cpp, whose evaluating functions the compiler
// inlines by the size of that file.)
#include "interpreter/program/program.hpp"
#include "lang/json_text.hpp"

namespace cpl {

void append_cite_json(std::string& out, std::string_view cite,
                      const std::vector<std::string>& sources) {
    out += ", \"cite\": ";
    json_string(out, cite);
    out += ", \"sources\": ";
    json_strings(out, sources);
}

void write_cite_json(RuleCode& rule) {
    rule.cite_json.clear();
    append_cite_json(rule.cite_json, rule.cite, rule.sources);
}

} // namespace cpl
