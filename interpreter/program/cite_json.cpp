// interpreter/program/cite_json.cpp — a rule's cite and sources as results write them (the
// contract's `"cite"` and `"sources"` fields): the same JSON in every case, so written once,
// when the program is linked. (Not in dispatch.cpp,
// whose evaluating functions the compiler inlines by the size of that file.)
#include "interpreter/program/program.hpp"
#include "lang/json_text.hpp"

namespace cpl {

void write_cite_json(RuleCode& rule) {
    std::string& json = rule.cite_json;
    json.assign(", \"cite\": ");
    json_string(json, rule.cite);
    json += ", \"sources\": ";
    json_strings(json, rule.sources);
}

} // namespace cpl
