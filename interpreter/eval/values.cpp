// interpreter/eval/values.cpp — `cpl run --print NAME`: the value a definition or setting
// has for this case, as an author asks "what is complete_limbs here?" (as `opa eval` answers
// for Rego). Read after the rules and edits ran, so a definition sees the final claim.
#include "interpreter/eval/case_state.hpp"
#include "interpreter/program/reads.hpp"
#include "lang/suggest.hpp"

#include <fmt/format.h>

namespace cpl {

namespace {

const DefCode* def_named(const Program& p, std::string_view name, std::uint32_t& slot) {
    for (slot = 0; slot < p.defs.size(); ++slot)
        if (p.defs[slot].name == name) return &p.defs[slot];
    return nullptr;
}

const SettingCode* setting_named(const Program& p, std::string_view name) {
    for (const auto& setting : p.settings)
        if (setting.name == name) return &setting;
    return nullptr;
}

} // namespace

std::optional<std::string> print_problem(const Program& p, std::string_view name) {
    std::uint32_t slot = 0;
    if (const DefCode* def = def_named(p, name, slot)) {
        if (!def->is_function) return std::nullopt;
        return fmt::format("{} is a function of {} {}: print a definition that calls it", name,
                           def->param_count, def->param_count == 1 ? "argument" : "arguments");
    }
    if (setting_named(p, name)) return std::nullopt;
    for (const auto& table : p.tables)
        if (table->name == name)
            return fmt::format("{} is a table, not a value: print a definition that reads it "
                               "(`def n = count(keys({}))`), or see it with `cpl doc`",
                               name, name);
    std::vector<std::string_view> names;
    for (const auto& d : p.defs)
        names.push_back(d.name);
    for (const auto& setting : p.settings)
        names.push_back(setting.name);
    auto guess = closest(name, names);
    return fmt::format("policy {} has no definition or setting named {}{}", p.name, name,
                       guess ? fmt::format("; did you mean {}?", *guess) : "");
}

std::pair<std::string, std::string> value_of(CaseState& s, const std::string& name) {
    const Program& p = s.program;
    if (auto problem = print_problem(p, name)) return {name, fmt::format("({})", *problem)};
    std::uint32_t slot = 0;
    if (def_named(p, name, slot)) {
        auto mark = s.expr.mark();
        try {
            return {name, to_text(s.expr.def(slot), p.shapes, true)};
        } catch (const EvalError& e) {
            s.expr.back_to(mark); // the next value is read in the frame it was asked from
            return {name, fmt::format("(cannot be evaluated on this case: {})", e.message)};
        }
    }
    const SettingCode& setting = *setting_named(p, name);
    if (const SettingVersionCode* version = version_on(setting, s.context.date))
        return {name, to_text(version->value, p.shapes, true)};
    return {name, fmt::format("(no value for services on {})", s.context.date)};
}

} // namespace cpl
