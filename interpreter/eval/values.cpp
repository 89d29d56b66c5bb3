// interpreter/eval/values.cpp — `cpl run --print NAME`: the value a definition or setting
// has for this case, as an author asks "what is complete_limbs here?" (as `opa eval` answers
// for Rego). Read after the rules and edits ran, so a definition sees the final claim.
#include "interpreter/eval/case_state.hpp"
#include "interpreter/program/reads.hpp"
#include "lang/suggest.hpp"

#include <fmt/format.h>

namespace cpl {

std::pair<std::string, std::string> value_of(CaseState& s, const std::string& name) {
    const Program& p = s.program;
    for (std::uint32_t i = 0; i < p.defs.size(); ++i) {
        if (p.defs[i].name != name) continue;
        if (p.defs[i].is_function)
            return {name, fmt::format("(a function of {} {}: print a definition that calls it)",
                                      p.defs[i].param_count,
                                      p.defs[i].param_count == 1 ? "argument" : "arguments")};
        try {
            return {name, to_text(s.expr.def(i), p.shapes, true)};
        } catch (const EvalError& e) {
            return {name, fmt::format("(cannot be evaluated on this case: {})", e.message)};
        }
    }
    for (const auto& setting : p.settings) {
        if (setting.name != name) continue;
        if (const SettingVersionCode* version = version_on(setting, s.context.date))
            return {name, to_text(version->value, p.shapes, true)};
        return {name, fmt::format("(no value for services on {})", s.context.date)};
    }
    std::vector<std::string_view> names;
    for (const auto& d : p.defs)
        names.push_back(d.name);
    for (const auto& setting : p.settings)
        names.push_back(setting.name);
    auto guess = closest(name, names);
    return {name, fmt::format("(policy {} has no definition or setting of this name{})", p.name,
                              guess ? fmt::format("; did you mean {}?", *guess) : "")};
}

} // namespace cpl
